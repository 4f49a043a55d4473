"""tools/check_html.py's checks in headless Chromium (tools/browser_check.py), on small hand-written pages
in a temporary folder (no book build): a good chapter passes; raw maths, a console error, a player that
does not load, a solution that does not collapse and a launch button to the wrong notebook each fail with
a line naming the page. The pages load the book's own MathJax configuration (``_config.yml``) and the
installed MathJax, togglebutton script and CSS, as the built book does. Skipped without chromium,
chromium-driver or selenium."""
import base64
import io
import json
import math
import os
import struct
import wave
from pathlib import Path

import pytest
import yaml

from _book_helpers import ROOT, check_html

import browser_check  # tools/ (on sys.path through _book_helpers)

MISSING = browser_check.missing()
needs_browser = pytest.mark.skipif(MISSING is not None, reason=f"browser check needs {MISSING} "
                                   f"({browser_check.INSTALL})")
COLAB = "https://colab.research.google.com/github/gcdg-book/gcdg-book/blob/main/colab/01_background.ipynb"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="  # 1x1


def _wav_uri(seconds: float = 0.5, rate: int = 8000) -> str:
    """A 440 Hz tone as a ``data:audio/wav;base64`` URI (16-bit mono)."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                               for i in range(int(seconds * rate))))
    return "data:audio/wav;base64," + base64.b64encode(buf.getvalue()).decode()


def _mathjax2_config() -> str:
    """The book's MathJax 2 configuration, with the processClass that book/_ext/gcdg_book.py adds."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    v2 = dict(config["mathjax2_config"])
    v2["tex2jax"] = dict(v2["tex2jax"], processClass="tex2jax_process|mathjax_process|math|output_area",
                         ignoreClass="tex2jax_ignore|mathjax_ignore")
    return json.dumps(v2)


def page(prose: str = "", output: str = "", head: str = "", launch: str = COLAB,
         toggle: bool = True, mathjax: bool = True) -> str:
    """A chapter page shaped like the built book's: typeset maths, a player, a figure, a collapsed solution."""
    mathjax_tags = ('<script type="text/x-mathjax-config">MathJax.Hub.Config(' + _mathjax2_config() + ')</script>'
                    '<script async src="../_static/mathjax/' + ROOT.joinpath("_config.yml").read_text()
                    .split("mathjax_path: mathjax/", 1)[1].split("\n", 1)[0] + '"></script>') if mathjax else ""
    toggle_tags = ("<script>let toggleHintShow = 'Click to show'; let toggleHintHide = 'Click to hide';"
                   "let toggleOpenOnPrint = 'true';"
                   "var togglebuttonSelector = '.toggle, .admonition.dropdown';</script>"
                   '<link rel="stylesheet" href="../_static/togglebutton.css" />'
                   '<script src="../_static/togglebutton.js"></script>') if toggle else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>1. Background</title>
{mathjax_tags}{toggle_tags}{head}</head><body>
<a href="{launch}" target="_blank" class="btn btn-sm dropdown-item" title="Launch on Colab">Colab</a>
<main><section class="tex2jax_ignore mathjax_ignore" id="background">
<h1>1. Background (背景介绍)</h1>
<p>The loss is <span class="math notranslate nohighlight">\\(\\log D(x) + \\log(1 - D(G(z)))\\)</span>, a price in $ is fine.</p>
<div class="math notranslate nohighlight">\\[\\min_G \\max_D V(D, G) = \\mathbb{{E}}_x \\mathcal{{L}}\\]</div>
{prose}
<div class="cell docutils container"><div class="cell_output docutils container">
<div class="output text_html"><audio controls="controls"><source src="{_wav_uri()}" type="audio/wav" /></audio></div>
<img alt="plot" src="data:image/png;base64,{PNG}" />
{output}
</div></div>
<div class="exercise admonition" id="ex-ch1-1"><p class="admonition-title">Exercise 1.1</p><p>Do it.</p></div>
<div class="solution dropdown admonition" id="sol-ch1-1"><p class="admonition-title">Solution to Exercise 1.1</p>
<p>Like this: <span class="math notranslate nohighlight">\\(x^2\\)</span>.</p></div>
</section></main></body></html>"""


def _static(html: Path) -> None:
    """The installed MathJax and togglebutton files, where the built book has them."""
    import jupyter_server_mathjax
    import sphinx_togglebutton

    static = html / "_static"
    static.mkdir(parents=True, exist_ok=True)
    os.symlink(Path(jupyter_server_mathjax.__file__).parent / "static", static / "mathjax")
    for name in ("togglebutton.js", "togglebutton.css"):
        (static / name).write_bytes((Path(sphinx_togglebutton.__file__).parent / "_static" / name).read_bytes())


def book(tmp_path: Path, chapter_html: str) -> Path:
    """A tiny built book: _toc.yml, _config.yml, the chapter's notebook and _build/html with two pages."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: c\n    chapters:\n      - file: notebooks/01_background\n")
    (tmp_path / "_config.yml").write_text(
        "repository:\n  url: https://github.com/gcdg-book/gcdg-book\n  branch: main\n  path_to_book: ''\n"
        "launch_buttons:\n  colab_url: https://colab.research.google.com\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_background.ipynb").write_text("{}")
    html = tmp_path / "_build" / "html"
    (html / "book").mkdir(parents=True)
    (html / "notebooks").mkdir()
    (html / "index.html").write_text("<html><body>index</body></html>")
    (html / "book" / "intro.html").write_text("<html><body><h1>Intro</h1><p>No maths here.</p></body></html>")
    (html / "notebooks" / "01_background.html").write_text(chapter_html, encoding="utf-8")
    _static(html)
    return html


# --- without a browser ------------------------------------------------------------------------------

def test_launch_url_comes_from_the_books_config(tmp_path):
    book(tmp_path, "<html></html>")
    assert check_html.launch_url(tmp_path, "notebooks/01_background") == COLAB
    assert check_html.launch_url(tmp_path, "book/intro") is None  # not a notebook: no launch button
    (tmp_path / "_config.yml").write_text(
        "repository:\n  url: https://github.com/me/fork\n  branch: dev\n  path_to_book: docs\n"
        "launch_buttons:\n  colab_url: https://colab.research.google.com/\n")
    assert check_html.launch_url(tmp_path, "notebooks/01_background") == (
        "https://colab.research.google.com/github/me/fork/blob/dev/docs/colab/01_background.ipynb")


def test_the_repositorys_own_chapters_have_launch_urls():
    for name in check_html.toc_files():
        if name.startswith("notebooks/"):
            url = check_html.launch_url(ROOT, name)
            assert url and url.endswith(f"/blob/main/colab/{name.removeprefix('notebooks/')}.ipynb"), name


def test_without_a_browser_one_note_and_the_html_check_only(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(check_html, "browser_missing", lambda: "chromium-driver")
    html = book(tmp_path, page())
    assert check_html.main(["--build", str(html), "--no-screenshot"]) == 0  # the HTML check passes...
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("note: no browser check")]
    assert len(notes) == 1 and "chromium-driver not installed" in notes[0]
    assert "apt-get install -y chromium chromium-driver" in notes[0]
    assert "(in chromium)" not in out  # ...and nothing was opened in a browser


# --- in headless Chromium ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if MISSING is not None:
        pytest.skip(f"browser check needs {MISSING}")
    with browser_check.open_browser() as driver:
        yield driver


def _check(browser, tmp_path, chapter_html):
    html = book(tmp_path, chapter_html)
    with browser_check.serve(html) as base:
        return browser_check.check_page(browser, f"{base}notebooks/01_background.html", chapter=True,
                                        launch=COLAB, screenshot=tmp_path / "shot.png")


@needs_browser
def test_a_good_page_passes_and_is_photographed(browser, tmp_path):
    assert _check(browser, tmp_path, page()) == []
    shot = tmp_path / "shot.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and check_html._distinct_colours(shot) >= 3
    typeset = browser.execute_script("return document.querySelectorAll('.math .MathJax').length")
    assert typeset == 3  # two formulas in the prose, one in the solution


@needs_browser
@pytest.mark.parametrize("defect, message", [
    (dict(prose="<p>the discriminator is ahead: $D(G(z))$ averages 0.09</p>"), "raw maths left in the text"),
    (dict(prose="<p>an escaped formula \\(x\\) left as text</p>"), "raw maths left in the text"),
    (dict(prose='<p>bad: <span class="math">\\(\\frac{1}{\\)</span></p>'), "MathJax could not typeset"),
    (dict(mathjax=False), "formula(s) but the page loads no MathJax"),
    (dict(head="<script>console.error('widget failed')</script>"), "console error: "),
    (dict(head='<script src="../_static/missing.js"></script>'), "console error: "),
    (dict(output='<audio controls><source src="data:audio/wav;base64,UklGRg==" type="audio/wav"></audio>'),
     "1 of 2 <audio> player(s) did not load"),
    (dict(output=f'<img alt="broken" src="data:image/png;base64,{PNG[:20]}" />'), "image(s) do not decode"),
    (dict(toggle=False), "is shown before its toggle is clicked"),
    (dict(launch=COLAB.replace("01_background", "02_core_concepts")), "the launch button opens"),
    (dict(prose=f'<a href="{COLAB.replace("01_background", "04_code_example")}">Open in Colab</a>'),
     "a Colab link opens"),
])
def test_each_defect_is_caught(browser, tmp_path, defect, message):
    problems = _check(browser, tmp_path, page(**defect))
    assert any(message in p for p in problems), problems


@needs_browser
def test_the_book_check_names_the_failing_page(tmp_path, capsys):
    good = book(tmp_path / "good", page())
    assert check_html.main(["--build", str(good), "--no-screenshot"]) == 0
    out = capsys.readouterr().out
    assert "ok   notebooks/01_background (in chromium): screenshot" in out and "ok   book/intro (in chromium)" in out
    assert (good.parent / "screenshots" / "01_background.png").is_file()

    bad = book(tmp_path / "bad", page(prose="<p>raw $x$ here</p>"))
    assert check_html.main(["--build", str(bad), "--no-screenshot"]) == 1
    fails = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL")]
    assert fails == [fails[0]] and fails[0].startswith("FAIL notebooks/01_background (in chromium): raw maths")


# --- the listening test (gcdg_lite.listening) -------------------------------------------------------

def _listening(seed: int, n_pairs: int = 6):
    import numpy as np

    from gcdg_lite import listening

    rng = np.random.default_rng(seed)
    real = rng.uniform(-0.3, 0.3, (n_pairs, 2000)).astype(np.float32)   # 0.25 s at 8 kHz: a small page
    fake = rng.uniform(-0.1, 0.1, (n_pairs, 2000)).astype(np.float32)
    return listening.listening_test(real, fake, 8000, n_pairs=n_pairs, seed=seed, c2st=0.75)


@needs_browser
def test_a_scripted_reader_who_picks_a_scores_the_pairs_where_a_is_real(browser, tmp_path):
    from selenium.webdriver.common.by import By

    tests = [_listening(1), _listening(2)]  # two tests on one page: their ids must not collide
    html = book(tmp_path, page(output="".join(t._repr_html_() for t in tests)))
    with browser_check.serve(html) as base:
        problems = browser_check.check_page(browser, f"{base}notebooks/01_background.html", chapter=True,
                                            launch=COLAB)
        assert problems == []
        found = browser.execute_script(browser_check.LISTENING_TESTS)
        assert [f["key"] for f in found] == [t.key for t in tests]  # the check reads the key as Python wrote it
        for f, t in zip(found, tests):
            shown = browser.execute_script(browser_check.LISTENING_RESULT, f["id"])
            k, p, (low, high) = t.score("A" * t.n_pairs)
            assert shown["right"] == str(k) and f"{k} of {t.n_pairs} pairs" in shown["text"]
            assert f"p = {p:#.3g}." in shown["text"]  # JavaScript's toPrecision(3): 1.00, 0.219, 0.0313
            assert f"{round(100 * low)}% to {round(100 * high)}%" in shown["text"]  # the same Wilson interval
            assert "C2ST of the same sets: 0.75" in shown["text"]
            disabled = browser.execute_script(
                f"return [...document.querySelectorAll('#{f['id']} button')].every(b => b.disabled)")
            assert disabled  # answered: locked
        assert not browser.find_elements(By.CSS_SELECTOR, "[data-needs-script]")  # the script ran: no warning


@needs_browser
def test_the_listening_test_works_by_keyboard(browser, tmp_path):
    from selenium.webdriver.common.by import By

    t = _listening(3, n_pairs=3)
    html = book(tmp_path, page(output=t._repr_html_()))
    with browser_check.serve(html) as base:
        browser.get(f"{base}notebooks/01_background.html")
        for pair in browser.find_elements(By.CSS_SELECTOR, "li[data-pair]"):
            pair.send_keys("b")  # the pair has the focus; the key B picks clip B
        root = browser.find_element(By.CSS_SELECTOR, "[data-gcdg-listening]").get_attribute("id")
        shown = browser.execute_script(browser_check.LISTENING_RESULT, root)
        assert shown["right"] == str(t.score("BBB").k) and shown["shown"]
        pressed = browser.execute_script("return [...document.querySelectorAll('button[data-choice=\"B\"]')]"
                                         ".map(b => b.getAttribute('aria-pressed'))")
        assert pressed == ["true"] * 3


@needs_browser
def test_a_listening_test_that_shows_no_score_fails_the_check(browser, tmp_path):
    from selenium.webdriver.common.by import By

    broken = _listening(4)._repr_html_().split("<script>")[0] + "</div>"  # no script: the buttons do nothing
    problems = _check(browser, tmp_path, page(output=broken))
    assert len(problems) == 1 and "listening test 1" in problems[0] and "should score" in problems[0], problems
    assert "has not run" in browser.find_element(By.CSS_SELECTOR, "[data-needs-script]").text  # it says why


@needs_browser
def test_every_player_is_played_not_only_the_first(browser, tmp_path):
    players = "".join(f'<audio controls><source src="{_wav_uri(0.5 + 0.25 * k)}" type="audio/wav"></audio>'
                      for k in range(3))
    assert _check(browser, tmp_path, page(output=players)) == []
    played = browser.execute_script("return [...document.querySelectorAll('audio')].map(a => a.played.length)")
    assert len(played) == 4 and all(n > 0 for n in played), played


def test_the_search_word_must_still_be_in_chapter_4(tmp_path, capsys):
    html = tmp_path / "html"
    (html / "notebooks").mkdir(parents=True)
    (html / check_html.SEARCH_PAGE).write_text("<html><body>no such word</body></html>")
    assert check_html.search_in_browser(browser_check, None, "http://127.0.0.1:1/", html) == 1
    assert f"the word {check_html.SEARCH_WORD!r} is no longer in" in capsys.readouterr().out
    assert check_html.search_in_browser(browser_check, None, "http://127.0.0.1:1/", tmp_path / "none") == 0
    chapter_4 = (ROOT / "notebooks" / "04_code_example.ipynb").read_text(encoding="utf-8").lower()
    assert check_html.SEARCH_WORD in chapter_4  # the word the real book's search is asked for


@needs_browser
def test_search_finds_a_page_of_the_built_book(browser):
    built = ROOT / "_build" / "html"
    if not (built / "search.html").is_file() or not (built / check_html.SEARCH_PAGE).is_file():
        pytest.skip("the book is not built here (README command 1 builds it)")
    with browser_check.serve(built) as base:
        assert browser_check.search_problems(browser, base, check_html.SEARCH_WORD, check_html.SEARCH_PAGE) == []
        missing = browser_check.search_problems(browser, base, "qqzzxxyy", check_html.SEARCH_PAGE)
    assert missing and "does not list" in missing[0]


@needs_browser
def test_a_shown_code_cell_that_scrolls_sideways_is_caught_and_a_folded_one_is_not(browser, tmp_path):
    long_line = "x = " + "1 + " * 60 + "1"
    shown = f'<div class="cell_input"><div class="highlight"><pre>{long_line}</pre></div></div>'
    folded = f'<details><summary>Show code</summary>{shown}</details>'
    problems = _check(browser, tmp_path / "shown", page(prose=shown))
    assert any("shown code cell(s) wider than the code column" in p for p in problems), problems
    assert not any("wider than the code column" in p for p in _check(browser, tmp_path / "folded", page(prose=folded)))
