"""The README's screenshots are the browser tests' own (see readme_shots.py):
each picture the README shows is a step some browser test shoots, so `make screenshots`
takes it anew from the current code."""
import ast
import re
from pathlib import Path

from readme_shots import README_SHOTS

ROOT = Path(__file__).resolve().parents[2]


def _shots_by_test():
    """{test name without "test_": the steps it passes to lab_page.shot(...)}."""
    shots = {}
    for path in (ROOT / "tests" / "browser").glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                shots[node.name.removeprefix("test_")] = {
                    call.args[0].value for call in ast.walk(node)
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "shot" and call.args and isinstance(call.args[0], ast.Constant)}
    return shots


def test_every_readme_screenshot_is_taken_by_a_browser_test():
    shown = set(re.findall(r"\]\((docs/screenshot_[\w.-]+\.png)\)", (ROOT / "README.md").read_text()))
    assert shown == {f"docs/{name}" for name in README_SHOTS.values()}
    shots = _shots_by_test()
    for (test, step), name in README_SHOTS.items():
        assert step in shots.get(test, set()), f"{name}: no browser test test_{test} shoots {step!r}"
        assert (ROOT / "docs" / name).is_file()


def test_make_screenshots_runs_those_tests():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("\nscreenshots:"):]
    files = {path.name for path in (ROOT / "tests" / "browser").glob("test_*.py")
             if any(f"def test_{test}(" in path.read_text() for test, _ in README_SHOTS)}
    assert "README_SCREENSHOTS=1" in recipe and all(name in recipe for name in files), files
