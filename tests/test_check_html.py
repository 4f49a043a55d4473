"""tools/check_html.py on small hand-written pages: it passes a good chapter and catches each defect."""
import pytest

from _book_helpers import check_html

GOOD = """<html><body><main>
<h1>1. Background (背景介绍)<a class="headerlink" href="#">#</a></h1>
<div class="cell docutils container"><div class="cell_output docutils container">
<div class="output text_html"><audio controls="controls"><source src="data:audio/wav;base64,UklGRg==" type="audio/wav" /></audio></div>
</div></div>
<div class="cell docutils container"><div class="cell_output docutils container">
<img alt="plot" src="../_images/plot.png" /></div></div>
{extra}
<div class="exercise admonition" id="ex-ch1-1"><p class="admonition-title">Exercise 1</p></div>
<div class="solution dropdown admonition" id="sol"><p class="admonition-title">Solution</p></div>
</main></body></html>"""
TRACEBACK = ('<div class="cell {tags}docutils container"><div class="cell_output docutils container">'
             '<div class="output traceback highlight-ipythontb notranslate"><pre>ValueError</pre></div></div></div>')


def _book(tmp_path, chapter_html):
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: c\n    chapters:\n      - file: notebooks/01_background\n")
    html = tmp_path / "_build" / "html"
    (html / "book").mkdir(parents=True)
    (html / "notebooks").mkdir()
    (html / "index.html").write_text("<html></html>")
    (html / "book" / "intro.html").write_text("<html><h1>Intro</h1></html>")
    (html / "notebooks" / "01_background.html").write_text(chapter_html, encoding="utf-8")
    return html


def _run(tmp_path, chapter_html, *args):
    if not any(a.startswith("--screenshot") for a in args):
        args = ("--no-screenshot", *args)  # the page checks alone; the screenshot has its own tests
    # the browser check has its own tests (tests/test_check_html_browser.py)
    return check_html.main(["--build", str(_book(tmp_path, chapter_html)), "--no-browser", *args])


HAVE_CHROMIUM = check_html.find_chromium() is not None
needs_chromium = pytest.mark.skipif(not HAVE_CHROMIUM,
                                    reason="headless chromium not installed (apt-get install -y chromium)")


def test_a_good_chapter_passes(tmp_path, capsys):
    assert _run(tmp_path, GOOD.format(extra="")) == 0
    assert "1 players, 1 figures, 1 exercises, 1 solutions" in capsys.readouterr().out


@pytest.mark.parametrize("defect, message", [
    (lambda h: h.replace("<audio", "<span").replace("</audio>", "</span>"), "no <audio>"),
    (lambda h: h.replace('<img alt="plot" src="../_images/plot.png" />', ""), "no figure"),
    (lambda h: h.replace('<div class="solution dropdown admonition" id="sol">', "<div>"), "solution"),
    (lambda h: h.replace('class="exercise admonition"', 'class="note admonition"'), "no exercise"),
    (lambda h: h.replace("(背景介绍)", ""), "Chinese"),
    (lambda h: h.replace("{extra}", '<div class="solution admonition"><p>S</p></div>'),
     "1 exercise(s) but 2 solution(s)"),  # a solution whose exercise did not render
    (lambda h: h.replace('<div class="exercise admonition" id="ex-ch1-1">',
                         '<p>````{exercise} Define <code>train_data</code>\n:label: ex-ch1-2</p>'
                         '<div class="exercise admonition" id="ex-ch1-1">').replace(
        "{extra}", '<div class="solution admonition"><p>S</p></div>'), "directive shown as text"),
    (lambda h: h.replace("{extra}", TRACEBACK.format(tags="")), "error output"),
    (lambda h: h.replace("{extra}", '<div class="cell_output"><pre>Traceback (most recent call last):</pre></div>'),
     "Traceback"),
])
def test_each_defect_fails_the_check(tmp_path, capsys, defect, message):
    assert _run(tmp_path, defect(GOOD).replace("{extra}", "")) == 1
    assert message in capsys.readouterr().out


def test_a_failure_shown_on_purpose_is_allowed(tmp_path):
    assert _run(tmp_path, GOOD.format(extra=TRACEBACK.format(tags="tag_raises-exception "))) == 0


def test_directive_markup_inside_code_is_fine(tmp_path):
    page = GOOD.format(extra='<pre>````{exercise} Title\n:label: x\n````</pre><p><code>:::{note}</code></p>')
    assert _run(tmp_path, page) == 0


def test_audio_outside_cell_outputs_does_not_count(tmp_path):
    page = GOOD.format(extra="").replace('<div class="cell_output docutils container">\n<div class="output text_html">',
                                         '<div class="x">\n<div class="output text_html">')
    assert _run(tmp_path, page) == 1


def test_missing_page_and_missing_build(tmp_path, capsys):
    html = _book(tmp_path, GOOD.format(extra=""))
    (html / "book" / "intro.html").unlink()
    assert check_html.main(["--build", str(html), "--no-screenshot", "--no-browser"]) == 1
    assert "page missing" in capsys.readouterr().out
    assert check_html.main(["--build", str(tmp_path / "nowhere")]) == 2


def test_without_chromium_the_default_check_notes_it_and_passes(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(check_html, "find_chromium", lambda: None)
    html = _book(tmp_path, GOOD.format(extra=""))
    assert check_html.main(["--build", str(html)]) == 0
    out = capsys.readouterr().out
    assert "note: no screenshot: chromium is not installed" in out and "passed" in out
    assert not (html.parent / "screenshot.png").exists()


def test_without_chromium_a_requested_screenshot_fails(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(check_html, "find_chromium", lambda: None)
    assert _run(tmp_path, GOOD.format(extra=""), "--screenshot", str(tmp_path / "s.png")) == 1
    assert "FAIL screenshot: chromium not found" in capsys.readouterr().out


def test_first_chapter_is_the_first_built_chapter_of_the_toc(tmp_path):
    html = _book(tmp_path, GOOD.format(extra=""))
    assert check_html.first_chapter(html) == "notebooks/01_background.html"
    (html / "notebooks" / "01_background.html").unlink()
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n  - file: notebooks/01_background\n"
        "  - file: notebooks/03_algorithm_and_maths\n")
    (html / "notebooks" / "03_algorithm_and_maths.html").write_text(GOOD.format(extra=""), encoding="utf-8")
    assert check_html.first_chapter(html) == "notebooks/03_algorithm_and_maths.html"


@needs_chromium
def test_screenshot_with_headless_chromium(tmp_path):
    shot = tmp_path / "shot.png"
    assert _run(tmp_path, GOOD.format(extra=""), "--screenshot", str(shot)) == 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 1000
    assert check_html._distinct_colours(shot) >= 3


@needs_chromium
def test_default_check_takes_the_screenshot_when_chromium_is_installed(tmp_path, capsys):
    html = _book(tmp_path, GOOD.format(extra=""))
    assert check_html.main(["--build", str(html), "--no-browser"]) == 0
    shot = html.parent / "screenshot.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "screenshot of notebooks/01_background.html" in capsys.readouterr().out


@needs_chromium
def test_a_blank_page_fails_the_screenshot(tmp_path, capsys):
    html = _book(tmp_path, GOOD.format(extra=""))
    (html / "blank.html").write_text("<html><body style='background:#fff'></body></html>")
    assert check_html.main(["--build", str(html), "--no-browser", "--page", "blank.html",
                            "--screenshot", str(tmp_path / "b.png")]) == 1
    assert "blank" in capsys.readouterr().out


# --- two editions (issue 26): English at BUILD/, Chinese at BUILD/zh_CN/ --------------------------------------

ZH_PROSE = "<p>本章从源文的第一节讲起：为什么用生成对抗网络合成语音纹理，以及它与 WaveGAN 的关系。</p>"


def _switch(href: str) -> str:
    return (f'<a href="{href}"\n   class="btn btn-sm btn-language-switch"\n   title="t"\n>'
            '<span class="btn__text-container">中文</span></a>')


def _two_editions(tmp_path, zh_prose=ZH_PROSE, en_href="../zh_CN/notebooks/01_background.html",
                  zh_href="../../notebooks/01_background.html"):
    """A small book with both editions built, the Chinese catalogs present, each page with its language switch."""
    html = _book(tmp_path, GOOD.format(extra=_switch(en_href)))
    (tmp_path / "locale" / "zh_CN" / "LC_MESSAGES" / "book").mkdir(parents=True)
    (tmp_path / "locale" / "zh_CN" / "LC_MESSAGES" / "book" / "intro.po").write_text("")
    zh = html / "zh_CN"
    (zh / "book").mkdir(parents=True)
    (zh / "notebooks").mkdir()
    (zh / "index.html").write_text("<html></html>")
    (html / "book" / "intro.html").write_text(f"<html><h1>Intro</h1>{_switch('../zh_CN/book/intro.html')}</html>")
    (zh / "book" / "intro.html").write_text(f"<html><h1>引言</h1>{_switch('../../book/intro.html')}{zh_prose}</html>")
    (zh / "notebooks" / "01_background.html").write_text(
        GOOD.format(extra=_switch(zh_href) + zh_prose), encoding="utf-8")
    return html


def test_both_editions_pass_with_their_language_switches(tmp_path, capsys):
    html = _two_editions(tmp_path)
    assert check_html.main(["--build", str(html), "--no-browser", "--no-screenshot"]) == 0
    out = capsys.readouterr().out
    assert "ok   zh_CN/notebooks/01_background" in out and "language switch" in out


@pytest.mark.parametrize("change, message", [
    (dict(zh_prose="<p>This chapter starts from the first section of the source (源文).</p>"), "not Chinese"),
    (dict(en_href="../zh_CN/notebooks/02_core_concepts.html"), "not to this page in the other edition"),
    (dict(zh_href="#"), "not to this page in the other edition"),
])
def test_a_broken_switch_or_english_prose_fails(tmp_path, capsys, change, message):
    html = _two_editions(tmp_path, **change)
    assert check_html.main(["--build", str(html), "--no-browser", "--no-screenshot"]) == 1
    assert message in capsys.readouterr().out


def test_a_missing_target_page_or_switch_fails(tmp_path, capsys):
    html = _two_editions(tmp_path)
    (html / "zh_CN" / "notebooks" / "01_background.html").unlink()
    assert check_html.main(["--build", str(html), "--no-browser", "--no-screenshot"]) == 1
    out = capsys.readouterr().out
    assert "which does not exist" in out and "zh_CN/notebooks/01_background: page missing" in out
    (html / "book" / "intro.html").write_text("<html><h1>Intro</h1></html>")
    assert check_html.main(["--build", str(html), "--no-browser", "--no-screenshot"]) == 1
    assert "no language switch" in capsys.readouterr().out


def test_a_book_with_catalogs_needs_its_chinese_edition(tmp_path, capsys):
    html = _two_editions(tmp_path)
    import shutil

    shutil.rmtree(html / "zh_CN")
    assert check_html.main(["--build", str(html), "--no-browser", "--no-screenshot"]) == 1
    assert "the Chinese edition is missing" in capsys.readouterr().out
