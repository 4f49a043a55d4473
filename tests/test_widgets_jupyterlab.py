"""The views of ``gcdg_lite.widgets`` checked where they live: JupyterLab in a real browser.

A private JupyterLab server on 127.0.0.1 (``tests/_lab_helpers.py``) opens a small notebook that builds each
view; headless Chromium (Debian's ``chromium`` + ``chromium-driver`` through Selenium, as in
``tools/browser_check.py``) runs its cells through JupyterLab's own commands and checks that every view
renders as a live widget (not its static fallback, not "Loading widget..." or "Error displaying widget") and
answers one interaction: another texture in the dataset browser, a slider step in the latent explorer, one
more training row for the live view. Skipped with one line when the browser is missing.

The other side, without a browser: wherever a widget can run, each view's bundle still carries its static
HTML, and the book's myst-nb settings pick that HTML; a built book's chapter pages show it.
"""
from __future__ import annotations

import re
import time

import nbformat
import pytest
import yaml

import _lab_helpers as lab_helpers
from _book_helpers import ROOT

import browser_check  # tools/ (on sys.path through _book_helpers)

from gcdg_lite import widgets

MISSING = browser_check.missing()
# open, start the kernel, run three cells (imports TensorFlow): ~25 s on 2 busy cores. Kept under the 120 s
# after which Selenium's HTTP client gives up on a script; a first try that stalls (seen in a fresh clone's CI
# run: the kernel started but never received the cells) is retried once on a reloaded page.
RUN_TIMEOUT_S = 100
ANSWER_TIMEOUT_S = 30  # one interaction: browser -> kernel -> browser (about 1 s)


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def _run_cells(driver, only: int | None, tries: int = 1) -> dict | str:
    """Run every cell (or only cell ``only``) in JupyterLab; the run's facts, or why it did not finish
    (with the text of any dialog JupyterLab shows). A failed try reloads the page before the next one."""
    driver.set_script_timeout(RUN_TIMEOUT_S + 15)
    why = "not tried"
    try:
        for attempt in range(tries):
            if attempt:
                driver.refresh()
            try:
                ran = driver.execute_async_script(lab_helpers.RUN_CELLS, only, RUN_TIMEOUT_S * 1000)
            except Exception as exc:  # the browser gave up first: one line, not Selenium's stack
                ran = f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"
            if isinstance(ran, dict):
                return ran
            dialog = driver.execute_script(
                "const d = document.querySelector('.jp-Dialog'); return d ? d.innerText.slice(0, 160) : '';")
            why = ran + (f" (JupyterLab shows a dialog: {' '.join(dialog.split())!r})" if dialog else "")
        return f"{why} (after {tries} tries)" if tries > 1 else why
    finally:
        driver.set_script_timeout(browser_check.PAGE_TIMEOUT_S)


def _output(driver, index: int) -> dict:
    return driver.execute_script(lab_helpers.OUTPUT, index)


def _wait(driver, index: int, ready, timeout_s: float) -> dict:
    """Poll cell ``index``'s output until ``ready(state)``; return the last state either way."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = _output(driver, index)
        if ready(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def _rendered(state: dict) -> bool:
    return bool(state["widgets"]) and not state["loading"] and bool(state["images"])


def _render_problem(driver, index: int, view: str) -> tuple[dict, str | None]:
    """Cell ``index``'s state once its widget rendered, and what is wrong with it (``None``: nothing)."""
    state = _wait(driver, index, _rendered, ANSWER_TIMEOUT_S)
    if state["error"]:
        return state, f"{view}: JupyterLab shows {state['error']!r}"
    if state["loading"]:
        return state, f"{view}: still 'Loading widget...' after {ANSWER_TIMEOUT_S} s"
    if not state["widgets"]:
        shown = "its static fallback" if state["static"] else f"no widget ({state['text'][:80]!r})"
        return state, f"{view}: JupyterLab shows {shown} instead of the live widget"
    if state["static"]:
        return state, f"{view}: the static fallback is shown next to the widget"
    if not state["images"] or state["decoded"] < len(state["images"]):
        return state, (f"{view}: {len(state['images']) - state['decoded']} of {len(state['images'])} image(s) "
                       "of the widget do not decode")
    return state, None


def dataset_browser_problem(driver, index: int) -> str | None:
    """Pick another texture in the drop-down: spectrogram, player and description change."""
    from selenium.webdriver.support.ui import Select

    before, problem = _render_problem(driver, index, "DatasetBrowser")
    if problem:
        return problem
    if before["selects"] != 1 or not before["audios"]:
        return (f"DatasetBrowser: expected a texture drop-down and a player, found {before['selects']} "
                f"drop-down(s) and {len(before['audios'])} player(s)")
    cell = driver.execute_script(lab_helpers.CELL_NODE, index)
    Select(cell.find_element("css selector", ".jupyter-widgets select")).select_by_visible_text("hum")

    def changed(s: dict) -> bool:  # "drone": hum's description (gcdg_lite.data.list_textures())
        return s["images"] != before["images"] and s["audios"] != before["audios"] and "drone" in s["html"]

    if not changed(_wait(driver, index, changed, ANSWER_TIMEOUT_S)):
        return (f"DatasetBrowser: picking 'hum' in the drop-down did not change its spectrogram, player and "
                f"description within {ANSWER_TIMEOUT_S} s")
    return None


def latent_explorer_problem(driver, index: int) -> str | None:
    """One key press on the first slider: that slider's value, the sound and the spectrogram change."""
    from selenium.webdriver.common.keys import Keys

    before, problem = _render_problem(driver, index, "LatentExplorer")
    if problem:
        return problem
    if before["sliders"] != 2:
        return f"LatentExplorer: expected 2 sliders (n_directions=2), found {before['sliders']}"
    cell = driver.execute_script(lab_helpers.CELL_NODE, index)
    cell.find_element("css selector", ".jupyter-widgets .noUi-handle").send_keys(Keys.ARROW_RIGHT)

    def changed(s: dict) -> bool:  # the first slider moved, the second did not; sound and picture are new
        return (s["images"] != before["images"] and s["audios"] != before["audios"]
                and s["readouts"][0] != before["readouts"][0] and s["readouts"][1] == before["readouts"][1])

    if not changed(_wait(driver, index, changed, ANSWER_TIMEOUT_S)):
        return (f"LatentExplorer: a step of slider 'dir 1' did not regenerate the sound and spectrogram within "
                f"{ANSWER_TIMEOUT_S} s")
    return None


def live_view_problem(driver, index: int, update_index: int) -> str | None:
    """Run the later cell that feeds one more row: the same widget redraws its title and curves."""
    before, problem = _render_problem(driver, index, "LiveView")
    if problem:
        return problem
    if "step 3" not in before["html"]:
        return f"LiveView: expected 'training: step 3' after three rows, the widget says {before['html']!r}"
    ran = _run_cells(driver, update_index)
    if not isinstance(ran, dict):
        return f"LiveView: JupyterLab could not run the cell that adds a row: {ran}"

    def changed(s: dict) -> bool:  # same number of widget elements: redrawn in place, no second view
        return s["images"] != before["images"] and "step 4" in s["html"] and s["widgets"] == before["widgets"]

    after = _wait(driver, index, changed, ANSWER_TIMEOUT_S)
    if not changed(after):
        return (f"LiveView: a fourth row did not redraw the widget's title and curves in place within "
                f"{ANSWER_TIMEOUT_S} s (title {after['html']!r})")
    return None


def test_the_notebook_builds_every_view():
    """A new view class in gcdg_lite.widgets needs a cell in the notebook (and an interaction here)."""
    classes = {cls.__name__ for cls in widgets.View.__subclasses__()}
    assert classes == set(lab_helpers.VIEWS.values())
    for name in lab_helpers.VIEWS:
        assert f"gl.widgets.{name}(" in lab_helpers.CELLS[name]


def test_every_view_renders_and_answers_in_jupyterlab(tmp_path):
    """JupyterLab runs the notebook; each view renders as a widget and answers one interaction."""
    if MISSING is not None:
        pytest.skip(f"{MISSING} not found: {browser_check.INSTALL}")
    cells = {name: i for i, name in enumerate(lab_helpers.CELLS)}
    with lab_helpers.jupyterlab(tmp_path) as server:
        nbformat.write(lab_helpers.widget_notebook(), server.root / lab_helpers.NOTEBOOK)
        with browser_check.open_browser() as driver:
            driver.get(server.tree(lab_helpers.NOTEBOOK))
            ran = _run_cells(driver, None, tries=2)
            if not isinstance(ran, dict):
                _fail(f"JupyterLab could not run the widget notebook: {ran}")
            errors = driver.execute_script(lab_helpers.ERRORS)
            if errors:
                _fail(f"the widget notebook raised in JupyterLab: {errors[0]}")
            problems = [dataset_browser_problem(driver, cells["dataset_browser"]),
                        latent_explorer_problem(driver, cells["latent_explorer"]),
                        live_view_problem(driver, cells["live_view"], cells["live_view update"])]
    problems = [p for p in problems if p]
    if problems:
        _fail("; ".join(problems))


# --- the static fallbacks, where no widget can run ---------------------------------------------------

def _tiny_generator():
    import keras

    z = keras.Input((4,))
    return keras.Model(z, keras.layers.Dense(1024, activation="tanh")(z))


def test_the_book_picks_each_views_static_html(monkeypatch):
    """Even where a kernel offers the live widget, the bundle's text/html is the view's static HTML, and the
    book's myst-nb settings (``_config.yml``) choose it over the widget for the HTML pages."""
    pytest.importorskip("ipywidgets")
    from myst_nb.core.render import get_mime_priority

    monkeypatch.setattr(widgets, "widgets_available", lambda: True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    priority = get_mime_priority("html", [tuple(o) for o in config["nb_mime_priority_overrides"]])
    live = widgets.live_view(min_interval_s=0)
    for step in (1, 2):  # two rows through the callback fit() calls
        live(step, {"loss_g": 1.0 / step, "loss_d": 0.7})
    views = [widgets.dataset_browser(textures=["wind"], n=1, samples=1024),
             widgets.latent_explorer(_tiny_generator(), n_directions=1, method="random"), live]
    assert {type(v).__name__ for v in views} == set(lab_helpers.VIEWS.values())
    for view in views:
        bundle = view._repr_mimebundle_()
        name = type(view).__name__
        assert widgets.WIDGET_MIME in bundle, name
        assert bundle["text/html"] == view.static_html(), name
        assert 'class="gcdg-view"' in bundle["text/html"] and "<img" in bundle["text/html"], name
        chosen = next(mime for mime in priority if mime in bundle)
        assert chosen == "text/html", f"{name}: the book would render {chosen}"


def test_built_chapters_show_the_static_views():
    """In a built book (``_build/html``), each chapter that shows a view has its static box, no widget."""
    html_dir = ROOT / "_build" / "html" / "notebooks"
    if not html_dir.is_dir():
        pytest.skip("no built book (_build/html): jupyter-book build . builds it")
    using = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")
                   if re.search(r"gl\.widgets\.\w+\(", p.read_text(encoding="utf-8")))
    assert using
    for stem in using:
        page = (html_dir / f"{stem}.html").read_text(encoding="utf-8")
        assert 'class="gcdg-view"' in page, f"{stem}.html: no static view"
        assert widgets.WIDGET_MIME not in page and "Loading widget" not in page, f"{stem}.html: widget state"
