"""A real JupyterLab on a loopback port, driven by Debian's Chromium through Playwright.

The course is copied to a scratch folder so that running notebooks in the browser
never touches the committed files. Screenshots of each step land in
``test-output/browser/`` for a person to look at.
"""
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from readme_shots import README_SHOTS

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "browser"
KERNEL = "mobile-course"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory):
    work = tmp_path_factory.mktemp("course")
    for name in ("notebooks", "exercises"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("build", ".ipynb_checkpoints"))
    shutil.copy(ROOT / "nbgrader_config.py", work / "nbgrader_config.py")
    if (ROOT / "solutions").exists():
        shutil.copytree(ROOT / "solutions", work / "solutions")
    return work


@pytest.fixture(scope="session")
def lab(course_copy, tmp_path_factory, chromium):
    """(base URL, token) of a JupyterLab serving the course copy, with token auth on (started
    only if Chromium, which the tests need, is there)."""
    port, token = _free_port(), secrets.token_hex(16)
    state = tmp_path_factory.mktemp("jupyter-state")
    # nbgrader runs its environment's `alembic` executable to open the gradebook.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               JUPYTER_RUNTIME_DIR=str(state / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"))
    log = open(state / "server.log", "w")
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
           f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={course_copy}", f"--LabApp.user_settings_dir={state / 'settings'}",
           f"--MappingKernelManager.default_kernel_name={KERNEL}",
           f"--Exchange.root={state / 'exchange'}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    (state / "exchange").mkdir()
    _write_lab_settings(state / "settings")
    server = subprocess.Popen(cmd, cwd=course_copy, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError((state / "server.log").read_text()[-3000:])
            time.sleep(0.5)
    else:
        server.terminate()
        raise RuntimeError("JupyterLab did not start within 90 s:\n" + (state / "server.log").read_text()[-3000:])
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def _write_lab_settings(folder):
    """Render every cell (no virtual scrolling, so off-screen widgets exist in the page)
    and do not pop up the news prompt over the notebook."""
    import json

    settings = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
    }
    for name, values in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


class LabPage:
    """A browser tab on the lab, with console errors collected and screenshot help."""

    def __init__(self, page, base, token, name):
        self.page, self.base, self.token, self.name = page, base, token, name
        self.console_errors = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda err: self.console_errors.append(str(err)))

    def goto(self, path):
        sep = "&" if "?" in path else "?"
        self.page.goto(f"{self.base}{path}{sep}token={self.token}")

    def shot(self, step):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path))
        readme_file = README_SHOTS.get((self.name, step))
        if readme_file and os.environ.get("README_SCREENSHOTS") == "1":
            shutil.copy(path, ROOT / "docs" / readme_file)
        return path

    def menu(self, top, item):
        """Click a menu bar entry, then an item of the menu it opens."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
        self.page.locator(".lm-Menu-itemLabel", has_text=item).first.click()

    def open_notebook(self, relpath):
        # ?reset: a fresh workspace, so tabs a previous test opened are not restored.
        self.goto(f"/lab/tree/{relpath}?reset")
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        # The kernel is ready when the toolbar's status says idle.
        self.page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)

    def accept_kernel_dialog(self):
        """On a loaded machine JupyterLab can still ask which kernel to use after the
        notebook's kernel is idle (its "Select Kernel" dialog, the course kernel chosen):
        answer as a user would, instead of clicking through the dialog."""
        dialog = self.page.locator(".jp-Dialog", has_text="Select Kernel")
        if dialog.is_visible():
            dialog.get_by_role("button", name="Select", exact=True).click()
            dialog.wait_for(state="hidden", timeout=30_000)

    def run_all(self, timeout_s=600, wait=True):
        # Commands act on the focused notebook: select its first cell before using the menu.
        # A kernel that has only just connected can drop the request: then ask again.
        prompts = self.page.locator(".jp-CodeCell .jp-InputPrompt")
        for _ in range(4):
            self.accept_kernel_dialog()
            self.page.locator(".jp-NotebookPanel .jp-Cell .jp-InputPrompt").first.click()
            self.menu("Run", "Run All Cells")
            deadline = time.time() + 15
            while time.time() < deadline:
                if any(re.search(r"\[(\*|\d+)\]", t) for t in prompts.all_inner_texts()):
                    break
                time.sleep(0.5)
            else:
                continue
            break
        else:
            raise AssertionError("Run All Cells did not start the notebook")
        if wait:
            self.wait_idle(timeout_s)

    def wait_cell_ran(self, text, timeout_s=120):
        """Wait until the code cell containing ``text`` shows an execution count."""
        prompt = self.page.locator(".jp-CodeCell", has_text=text).first.locator(".jp-InputPrompt")
        deadline = time.time() + timeout_s
        while not re.search(r"\[\d+\]", prompt.inner_text()):
            assert time.time() < deadline, f"the cell with {text!r} did not run"
            time.sleep(0.5)

    def wait_idle(self, timeout_s=600, every_cell=True):
        """Wait until the kernel is idle and nothing is queued ("[*]"); with ``every_cell``,
        also until every code cell has run (its prompt shows "[n]:")."""
        self.page.wait_for_function(
            """(everyCell) => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                const done = prompts.length > 0 && !prompts.some(p => p.innerText.includes('[*]')) &&
                    (!everyCell || prompts.every(p => /\\[\\d+\\]/.test(p.innerText)));
                const idle = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
                return done && idle !== null;
            }""", arg=every_cell, timeout=timeout_s * 1000, polling=500)

    def error_outputs(self):
        return self.page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()

    def api(self, method, path):
        """Call the server's REST API (``/api/...``) as this page's user; the JSON answer."""
        import json

        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def save_notebook(self, relpath, timeout_s=60):
        """File > Save Notebook (what autosave does); returns the notebook as saved on disk."""
        before = self.api("GET", f"/api/contents/{relpath}?content=0")["last_modified"]
        self.menu("File", "Save Notebook")
        # The server writes the file in place: read it only once the save is over, when the
        # file is newer and the tab has lost its unsaved-changes mark (content=0 only stats).
        deadline = time.time() + timeout_s
        while (self.api("GET", f"/api/contents/{relpath}?content=0")["last_modified"] == before
               or self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-dirty").count()):
            assert time.time() < deadline, f"{relpath} was not saved"
            time.sleep(0.5)
        return self.api("GET", f"/api/contents/{relpath}")["content"]

    def open_in_new_kernel(self, relpath):
        """Close the notebook, shut its kernel down (as a server restart or the next day
        does) and open it again: the widgets of that kernel are gone with it."""
        self.page.goto("about:blank")
        for session in self.api("GET", "/api/sessions"):
            if session["path"] == relpath:
                self.api("DELETE", f"/api/sessions/{session['id']}")
        self.open_notebook(relpath)

    def widget_errors(self, timeout_s=30):
        """Outputs showing "Error displaying widget ...", once no widget is still loading."""
        self.page.wait_for_function("() => !document.body.innerText.includes('Loading widget...')",
                                    timeout=timeout_s * 1000, polling=500)
        return [text for text in self.page.locator(".jp-OutputArea-output").all_inner_texts()
                if "Error displaying widget" in text or "model not found" in text]


@pytest.fixture
def lab_page(lab, chromium, request):
    base, token = lab
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    lab_page = LabPage(page, base, token, request.node.name.removeprefix("test_"))
    yield lab_page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        lab_page.shot("FAILED")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
