"""`make setup` refuses, with a reason, a Python or platform the pins do not install on."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import check_python  # noqa: E402

PYENV_310 = sorted(Path.home().glob(".pyenv/versions/3.10.*/bin/python3.10"))
DEBIAN_311 = Path("/usr/bin/python3.11")  # Debian 12's 3.11.2


@pytest.mark.parametrize("version, system, machine", [
    ((3, 11, 7), "Linux", "x86_64"), ((3, 12, 1), "Linux", "x86_64"),
    ((3, 13, 0), "Darwin", "arm64")])
def test_supported_pythons_and_platforms_pass(version, system, machine):
    assert check_python.problem(version, system, machine) is None


@pytest.mark.parametrize("version, system, machine, words", [
    ((3, 10, 13), "Linux", "x86_64", "needs Python 3.11-3.13; this is 3.10"),
    ((3, 14, 0), "Linux", "x86_64", "needs Python 3.11-3.13; this is 3.14"),
    ((3, 11, 2), "Linux", "x86_64", "needs Python 3.11.7 or later; this is 3.11.2"),
    ((3, 12, 1), "Darwin", "x86_64", "Apple silicon"),
    ((3, 12, 1), "Windows", "AMD64", "WSL2")])
def test_unsupported_ones_are_refused_with_the_reason(version, system, machine, words):
    assert words in check_python.problem(version, system, machine)


def test_this_interpreter_is_accepted():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_python.py")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(not PYENV_310, reason="no Python 3.10 under ~/.pyenv on this machine")
def test_a_real_python_310_is_refused_before_anything_is_installed():
    done = subprocess.run([str(PYENV_310[-1]), str(ROOT / "tools" / "check_python.py")],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "needs Python 3.11-3.13; this is 3.10" in done.stderr


@pytest.mark.skipif(not DEBIAN_311.exists(), reason="no /usr/bin/python3.11 on this machine")
def test_debian_12s_python_311_is_refused_if_too_old():
    version = subprocess.run([str(DEBIAN_311), "-c", "import sys; print(*sys.version_info[:3])"],
                             capture_output=True, text=True, check=True).stdout.split()
    done = subprocess.run([str(DEBIAN_311), str(ROOT / "tools" / "check_python.py")],
                          capture_output=True, text=True)
    if tuple(map(int, version)) >= check_python.OLDEST_311:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 1
        assert f"needs Python 3.11.7 or later; this is {'.'.join(version)}" in done.stderr
