"""JupyterLab on localhost for tests/test_widgets_jupyterlab.py: a private server, a notebook that builds
every view of ``gcdg_lite.widgets``, and the JavaScript that runs its cells and reads the widgets' DOM.

The server reads and writes nothing of the user's: its root, config, data, runtime, settings, workspace and
IPython folders all lie under one temporary folder, and it listens on 127.0.0.1 only, with a token. Its
kernels import ``gcdg_lite`` from the repository under test (``PYTHONPATH`` is the repository root).
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60  # server up and answering /api/status, on a busy 2-core machine
NOTEBOOK = "widgets.ipynb"


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its base URL (``http://127.0.0.1:PORT/``), token and root folder."""

    url: str
    token: str
    root: Path
    log: Path

    def tree(self, name: str) -> str:
        """URL that opens notebook ``name`` (relative to the root) in JupyterLab."""
        return f"{self.url}lab/tree/{name}?token={self.token}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str, token: str) -> bool:
    request = urllib.request.Request(f"{url}api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as reply:
            return reply.status == 200 and "started" in json.loads(reply.read())
    except (OSError, ValueError):
        return False


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def jupyterlab(tmp: Path, timeout_s: float = START_TIMEOUT_S) -> Iterator[Lab]:
    """Start ``python -m jupyterlab`` in a fresh folder under ``tmp``; yield a :class:`Lab`; always stop it.

    The server runs in its own process group, which gets SIGTERM on exit (the server then shuts its kernels
    down; each kernel has its own session, and ipykernel also exits when its parent dies), SIGKILL after
    10 s. Its one kernel, ``python3``, is this interpreter (``sys.executable``). Raises
    ``RuntimeError`` with the end of the server's log when it does not answer ``/api/status`` within
    ``timeout_s`` seconds.
    """
    root, home = tmp / "root", tmp / "jupyter"
    root.mkdir(parents=True)
    dirs = {name: home / name for name in ("config", "data", "runtime", "settings", "workspaces", "ipython")}
    for path in dirs.values():
        path.mkdir(parents=True)
    # every cell in the DOM (no windowed notebook): the test reads outputs of cells it has not scrolled to
    tracker = dirs["settings"] / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    # the kernel runs this interpreter, whatever "python" is first on PATH (the data dir is searched first)
    spec = dirs["data"] / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                                "display_name": "Python 3", "language": "python"}))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_DATA_DIR=str(dirs["data"]),
               JUPYTER_RUNTIME_DIR=str(dirs["runtime"]), JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
               JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]), IPYTHONDIR=str(dirs["ipython"]),
               JUPYTER_PLATFORM_DIRS="0", GCDG_BUDGET="ci", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("GCDG_WIDGETS", None)  # the live widgets, not the book's static views
    token, log = secrets.token_hex(16), tmp / "jupyterlab.log"
    for attempt in range(3):  # a free port can be taken between free_port() and the server's bind: try another
        port = free_port()
        proc = _launch(root, env, log, port, token, dirs)
        lab = Lab(f"http://127.0.0.1:{port}/", token, root, log)
        try:
            if _wait_for(proc, lab, timeout_s):
                break
        except BaseException:
            _stop(proc)
            raise
        _stop(proc)  # exited: the port was taken
    else:
        raise RuntimeError(f"JupyterLab found no free port in 3 tries:\n{_tail(log)}")
    try:
        yield lab
    finally:
        _stop(proc)


def _launch(root: Path, env: dict, log: Path, port: int, token: str, dirs: dict) -> subprocess.Popen:
    """Start the server process (its own session and process group), its output into ``log``."""
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--ServerApp.terminals_enabled=False",
               f"--LabApp.user_settings_dir={dirs['settings']}", f"--LabApp.workspaces_dir={dirs['workspaces']}",
               "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run cells through Lab's commands
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]  # nothing fetched from PyPI or the internet
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root; the server still listens on 127.0.0.1 only
    with open(log, "wb") as out:
        return subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def _wait_for(proc: subprocess.Popen, lab: Lab, timeout_s: float) -> bool:
    """True once the server answers; False when it exited because its port was taken; else RuntimeError."""
    deadline = time.monotonic() + timeout_s
    while not _answers(lab.url, lab.token):
        if proc.poll() is not None:
            if "no available port" in _tail(lab.log) or "already in use" in _tail(lab.log):
                return False
            raise RuntimeError(f"JupyterLab exited with status {proc.returncode}:\n{_tail(lab.log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"JupyterLab did not answer /api/status within {timeout_s:.0f} s:\n{_tail(lab.log)}")
        time.sleep(0.25)
    return True


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (the server shuts its kernels down), SIGKILL it if it lingers."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait_s)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything of the group that outlived the server


# --- the notebook ---------------------------------------------------------------------------------

#: one cell per view of gcdg_lite.widgets (name -> source); small and fast arguments. The last cell is run
#: on its own, later: it feeds the live view one more row.
CELLS = {
    "dataset_browser": "import gcdg_lite as gl\n"
                       "browser = gl.widgets.dataset_browser(textures=['rain', 'hum'], n=2, samples=4096)\n"
                       "browser",
    "latent_explorer": "generator, _ = gl.models.build('seed_mlp', noise_dim=8, samples=4096, hidden=16)\n"
                       "explorer = gl.widgets.latent_explorer(generator, n_directions=2, method='random', span=2.0)\n"
                       "explorer",
    "live_view": "view = gl.widgets.live_view(min_interval_s=0)\n"
                 "for step in (1, 2, 3):\n"
                 "    view(step, {'loss_g': 1.0 / step, 'loss_d': 0.7})",
    "live_view update": "view(4, {'loss_g': 0.2, 'loss_d': 0.6})",
}
#: the class each view's cell builds
VIEWS = {"dataset_browser": "DatasetBrowser", "latent_explorer": "LatentExplorer", "live_view": "LiveView"}


def widget_notebook() -> nbformat.NotebookNode:
    """The notebook the test opens: the cells of :data:`CELLS`, in order, without outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source, id=f"lab-{i}") for i, source in enumerate(CELLS.values())]
    return nb


# --- JavaScript run in JupyterLab's page ------------------------------------------------------------

# Wait for the notebook to open and its kernel to be ready; then run the cells before index arguments[0]
# (all of them when it is null) or only the cell of that index, and wait until the kernel is idle again.
RUN_CELLS = """
const [only, timeout] = [arguments[0], arguments[1]];
const done = arguments[arguments.length - 1];
const app = window.jupyterapp;
const t0 = Date.now();
const fail = msg => done('error: ' + msg);
(async () => {
  while (!(app && app.shell.currentWidget && app.shell.currentWidget.content &&
           app.shell.currentWidget.sessionContext)) {
    if (Date.now() - t0 > timeout) return fail('the notebook did not open (window.jupyterapp: ' + !!app + ')');
    await new Promise(r => setTimeout(r, 100));
  }
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  const kernel = () => panel.sessionContext.session && panel.sessionContext.session.kernel;
  while (!kernel() || kernel().status !== 'idle') {
    if (Date.now() - t0 > timeout) return fail('kernel not idle: ' + (kernel() ? kernel().status : 'none'));
    await new Promise(r => setTimeout(r, 100));
  }
  const nb = panel.content;
  if (only === null) {
    nb.activeCellIndex = nb.widgets.length - 1;
    await app.commands.execute('notebook:run-all-above');
  } else {
    nb.activeCellIndex = only;
    await app.commands.execute('notebook:run-cell');
  }
  const counts = nb.widgets.map(c => c.model.type === 'code' ? c.model.executionCount : 0);
  done({counts: counts});
})().catch(e => fail(String(e)));
"""

# The state of cell arguments[0]'s output: its text, whether a widget rendered, what it shows.
OUTPUT = """
const app = window.jupyterapp;
const cell = app.shell.currentWidget.content.widgets[arguments[0]];
const node = cell.node.querySelector('.jp-OutputArea');
if (!node) return {text: '', widgets: 0};
const text = node.innerText;
const imgs = [...node.querySelectorAll('.jupyter-widgets img')];
return {
  text: text.slice(0, 2000),
  widgets: node.querySelectorAll('.jupyter-widgets').length,
  static: node.querySelectorAll('.gcdg-view').length,
  loading: /Loading widget/.test(text),
  error: (text.match(/Error displaying widget[^\\n]*/) || [null])[0],
  images: imgs.map(i => i.src.slice(0, 80)),
  decoded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
  audios: [...node.querySelectorAll('.jupyter-widgets audio')].map(a => (a.src || '').slice(0, 80)),
  selects: [...node.querySelectorAll('.jupyter-widgets select')].length,
  sliders: [...node.querySelectorAll('.jupyter-widgets .noUi-handle')].length,
  html: [...node.querySelectorAll('.widget-html-content')].map(h => h.innerText).join(' | '),
  readouts: [...node.querySelectorAll('.jupyter-widgets .widget-readout')].map(r => r.innerText),
};
"""

# The DOM node of cell arguments[0] (to find its controls with Selenium).
CELL_NODE = "return window.jupyterapp.shell.currentWidget.content.widgets[arguments[0]].node;"

# Every error output of the notebook's cells, as 'cell N: Name: message'.
ERRORS = """
return window.jupyterapp.shell.currentWidget.content.widgets.flatMap((cell, i) =>
  cell.model.type !== 'code' ? [] : cell.model.outputs.toJSON()
    .filter(o => o.output_type === 'error').map(o => 'cell ' + i + ': ' + o.ename + ': ' + o.evalue));
"""
