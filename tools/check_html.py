#!/usr/bin/env python3
"""Check the built book (``_build/html``): every chapter page plays audio, shows figures and exercises,
and shows no error output. Optionally save a screenshot of one chapter rendered by headless Chromium.

Usage (from the repository root, after ``jupyter-book build .``)::

    python tools/check_html.py                                   # exit 1 if any chapter fails a check
    python tools/check_html.py --screenshot _build/chapter1.png  # screenshot required, saved there
    python tools/check_html.py --screenshot shot.png --page notebooks/04_code_example.html
    python tools/check_html.py --no-screenshot                   # no single-page screenshot
    python tools/check_html.py --no-browser                      # skip the checks in headless Chromium

A chapter page (every ``notebooks/...`` entry of ``_toc.yml``) must have, in its cell outputs:

* at least one ``<audio>`` player;
* at least one figure (an ``<img>`` inside a cell output: a plot or a spectrogram);
* at least one exercise (sphinx-exercise's ``exercise`` admonition) and exactly as many solutions
  (``solution`` admonitions, collapsed as dropdowns);
* no MyST directive left as text (e.g. ``````{exercise}`` in a paragraph: a fence that did not parse,
  as happens when a backtick fence's title contains backticks);
* no error output: no ``traceback``/``error`` output block and no "Traceback (most recent call last)"
  text, except in cells tagged ``raises-exception`` (a failure shown on purpose);
* a Chinese title (the source's section title) in its ``<h1>``.

Every other page of the table of contents must exist.

Then, when Debian's ``chromium`` and ``chromium-driver`` and the Python package ``selenium`` are installed
(``apt-get install -y chromium chromium-driver fonts-noto-cjk``; ``selenium`` is in requirements.txt), every
page is served from localhost and opened in headless Chromium (``tools/browser_check.py``): every formula
typeset by MathJax (no raw ``$``, ``\\(`` or ``\\[`` left), no console error or failed request, every image
decodes; on chapter pages every ``<audio>`` loads and the first plays, the first hidden solution opens when
its toggle is clicked, and the launch-on-Colab button opens that chapter's Colab copy in ``repository.url``;
every listening test (``gcdg_lite.listening``) scores a scripted reader who picks A in every pair as the number
of pairs whose real clip is A;
a screenshot of each chapter goes to ``_build/screenshots/``. Without them it prints one note saying how to
install them and checks the HTML only. ``--no-browser`` skips this part.

The check also opens one chapter in headless Chromium and saves a screenshot of it. By default it goes to
``_build/screenshot.png`` (next to the ``html`` folder) and is taken whenever Debian's ``chromium`` is
installed (``apt-get install -y chromium fonts-noto-cjk``; the fonts draw the Chinese titles); without it
the check prints a note and passes on the pages alone, so CI does not need a browser. With
``--screenshot PATH`` the screenshot is required: a missing browser or an empty/blank picture fails the
check. The page is ``--page``, by default the first chapter of ``_toc.yml`` that was built.
"""
from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
import tempfile
from typing import Any
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ERROR_CLASSES = {"traceback", "error"}
TRACEBACK_TEXT = re.compile(r"Traceback \(most recent call last\)")
# MyST directive markup left as text: a fence that did not parse (e.g. backticks in a ```` fence's title)
UNPARSED_DIRECTIVE = re.compile(r"(`{3,}|:{3,})\{([a-z][a-z0-9-]*)\}")
CJK = re.compile(r"[\u4e00-\u9fff]")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--virtual-time-budget=8000"]


@dataclass
class PageFacts:
    """What the parser found on one page."""

    audio: int = 0
    figures: int = 0
    exercises: int = 0
    solutions: int = 0
    errors: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    h1: str = ""


class _Parser(HTMLParser):
    """Counts players, figures, exercises and error outputs, tracking the enclosing elements' classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self.stack: list[tuple[str, set[str]]] = []
        self._in_h1 = False

    def _inside(self, cls: str) -> bool:
        return any(cls in classes for _, classes in self.stack)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> set[str]:
        classes = set((dict(attrs).get("class") or "").split())
        in_output = self._inside("cell_output")
        if tag == "audio" and in_output:
            self.facts.audio += 1
        if tag == "img" and in_output:
            self.facts.figures += 1
        if tag == "div" and "admonition" in classes:
            if "exercise" in classes:
                self.facts.exercises += 1
            if "solution" in classes:
                self.facts.solutions += 1
        if "output" in classes and classes & ERROR_CLASSES and not self._inside("tag_raises-exception"):
            self.facts.errors.append(f"an error output block (class {' '.join(sorted(classes))!r})")
        return classes

    def handle_starttag(self, tag, attrs):
        classes = self._element(tag, attrs)
        if tag == "h1":
            self._in_h1 = True
        if tag not in VOID:
            self.stack.append((tag, classes))

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not any(tag in {"pre", "code", "script", "style"} for tag, _ in self.stack):
            for m in UNPARSED_DIRECTIVE.finditer(data):
                self.facts.unparsed.append(data[m.start():m.start() + 60].split("\n")[0])
        if self._in_h1 and not self.facts.h1:
            self.facts.h1 = data.strip()
        elif self._in_h1:
            self.facts.h1 += data
        if (self._inside("cell_output") and not self._inside("tag_raises-exception")
                and TRACEBACK_TEXT.search(data)):
            line = TRACEBACK_TEXT.search(data).group(0).strip()
            self.facts.errors.append(f"error text in a cell output: {line!r}")


def page_facts(path: Path) -> PageFacts:
    """Parse one built HTML page."""
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.facts


def toc_files(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Every ``file`` of ``_toc.yml`` (root first), without extension."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    files = [data["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in data.items() if k != "root"})
    return [str(Path(f).with_suffix("")) if Path(f).suffix in {".md", ".ipynb"} else f for f in files]


CHINESE = "zh_CN"  # the Chinese edition: tools/i18n.py builds it into BUILD/zh_CN/
#: each edition's folder for the other one, as its language switch writes it (book/_ext/gcdg_book.py)
OTHER_EDITION = {"en": CHINESE, CHINESE: ".."}
LANGUAGE_SWITCH = re.compile(r'<a href="(?P<href>[^"]*)"[^>]*class="[^"]*\bbtn-language-switch\b')
PARAGRAPH = re.compile(r"<p>(?P<text>.*?)</p>", re.S)
ARTICLE = re.compile(r'<article class="bd-article"[^>]*>(?P<body>.*?)</article>', re.S)


def has_chinese_catalogs(book: Path) -> bool:
    """Whether the book in ``book`` has the Chinese edition's page catalogs (``locale/zh_CN/LC_MESSAGES/*/*.po``):
    then its build must hold both editions."""
    messages = book / "locale" / CHINESE / "LC_MESSAGES"
    return messages.is_dir() and any(messages.glob("*/*.po"))


def language_link_problems(build: Path, name: str, edition: str) -> list[str]:
    """The language switch of page ``name`` (e.g. ``notebooks/04_code_example``) of the edition in ``build``
    links to the same page of the other edition, and that page exists."""
    page = build / f"{name}.html"
    match = LANGUAGE_SWITCH.search(page.read_text(encoding="utf-8"))
    if match is None:
        return ["no language switch (a link to the other edition) in the page's top bar"]
    target = (page.parent / match["href"].split("#")[0]).resolve()
    want = (build / OTHER_EDITION[edition] / f"{name}.html").resolve()
    if target != want:
        return [f"the language switch links to {match['href']!r}, not to this page in the other edition"]
    if not target.is_file():
        return [f"the language switch links to {match['href']!r}, which does not exist"]
    return []


def first_paragraph(path: Path) -> str:
    """The text of the first paragraph of a page's article (ten letters or more; a badge or a lone label skipped)."""
    text = path.read_text(encoding="utf-8")
    article = ARTICLE.search(text)
    for match in PARAGRAPH.finditer(article["body"] if article else text):
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match["text"])).split())
        if len(re.findall(r"\w", words)) >= 10:
            return words
    return ""


#: the least share of Chinese characters among the word characters of a Chinese page's first paragraph (an
#: English paragraph that quotes a Chinese term has a few; a Chinese one that names models and code, most)
CHINESE_SHARE = 0.25


def chinese_prose_problems(path: Path) -> list[str]:
    """A page of the Chinese edition reads in Chinese: its first paragraph is mostly Chinese characters
    (:data:`CHINESE_SHARE` of its word characters or more)."""
    first = first_paragraph(path)
    if len(CJK.findall(first)) < CHINESE_SHARE * max(1, len(re.findall(r"\w", first))):
        return [f"the first paragraph is not Chinese ({first[:60]!r}): its catalog lacks translations"]
    return []


def check_chapter(path: Path) -> list[str]:
    """Problems of one chapter page (empty when it passes)."""
    f = page_facts(path)
    problems = []
    if f.audio < 1:
        problems.append("no <audio> player in any cell output")
    if f.figures < 1:
        problems.append("no figure (<img>) in any cell output")
    if f.exercises < 1:
        problems.append("no exercise (sphinx-exercise 'exercise' admonition)")
    if f.solutions != f.exercises:
        problems.append(f"{f.exercises} exercise(s) but {f.solutions} solution(s)")
    for text in dict.fromkeys(f.unparsed):
        problems.append(f"directive shown as text, not rendered: {text!r}")
    if not CJK.search(f.h1):
        problems.append(f"the title {f.h1!r} lacks the source's Chinese section title")
    problems.extend(dict.fromkeys(f.errors))  # each kind once
    return problems


def book_folder(build: Path, edition: str = "en") -> Path:
    """The book that was built into ``build`` (``BOOK/_build/html``, or ``BOOK/_build/html/zh_CN``)."""
    return build.parents[2] if edition == CHINESE else build.parents[1]


def book_toc(build: Path, edition: str = "en") -> Path:
    """The ``_toc.yml`` of the book built into ``build`` (normally this repository's)."""
    toc = book_folder(build, edition) / "_toc.yml"
    return toc if toc.is_file() else ROOT / "_toc.yml"


def check(build: Path, edition: str = "en", switch: bool = False) -> int:
    """Check every page of the table of contents of one edition; print a report; return the number of failures.

    ``switch``: the book has two editions, so every page must link to itself in the other one. The Chinese
    edition's pages must also read in Chinese (:func:`chinese_prose_problems`)."""
    failures = 0
    label = "" if edition == "en" else f"{edition}/"
    for name in toc_files(book_toc(build, edition)):
        page = build / f"{name}.html"
        if not page.is_file():
            print(f"FAIL {label}{name}: page missing from {build}")
            failures += 1
            continue
        problems = language_link_problems(build, name, edition) if switch else []
        if edition == CHINESE:
            problems += chinese_prose_problems(page)
        if not name.startswith("notebooks/"):
            if problems:
                failures += 1
                print(f"FAIL {label}{name}: " + "; ".join(problems))
            continue
        problems = check_chapter(page) + problems
        f = page_facts(page)
        if problems:
            failures += 1
            print(f"FAIL {label}{name}: " + "; ".join(problems))
        else:
            print(f"ok   {label}{name}: {f.audio} players, {f.figures} figures, {f.exercises} exercises, "
                  f"{f.solutions} solutions" + (", language switch" if switch else ""))
    return failures


def browser_missing() -> str | None:
    """What the browser check lacks besides chromium (chromium-driver, selenium), or None."""
    import browser_check  # tools/, beside this file

    return browser_check.missing()


def browser_check_install() -> str:
    """The one line that installs what the browser check needs."""
    import browser_check  # tools/, beside this file

    return browser_check.INSTALL


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None when none is installed (``browser_check.find_chromium``)."""
    import browser_check  # tools/, beside this file

    return browser_check.find_chromium()


def _distinct_colours(png: Path) -> int:
    """Number of distinct colours in a PNG (capped at 257); -1 when Pillow is unavailable."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return -1
    with Image.open(png) as im:
        colours = im.convert("RGB").getcolors(maxcolors=256)
    return 257 if colours is None else len(colours)


def screenshot(page: Path, out: Path, width: int = 1280, height: int = 2000, timeout: int = 180) -> None:
    """Render ``page`` with headless Chromium into the PNG ``out``; raise ``RuntimeError`` on failure
    (no browser, no page, no PNG written, or a picture of one flat colour: a page that did not render)."""
    browser = find_chromium()
    if browser is None:
        raise RuntimeError("chromium not found; install it with "
                           "`apt-get update && apt-get install -y chromium fonts-noto-cjk`")
    if not page.is_file():
        raise RuntimeError(f"page {page} does not exist")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    with tempfile.TemporaryDirectory(prefix="gcdg-chromium-") as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={out.resolve()}",
               f"--window-size={width},{height}", page.resolve().as_uri()]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not out.is_file() or out.stat().st_size == 0 or out.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError(f"chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-800:]}")
    if 0 <= _distinct_colours(out) < 3:
        raise RuntimeError(f"the screenshot {out} is blank: the page did not render")


def first_chapter(build: Path) -> str:
    """The first chapter page of the table of contents that was built, relative to ``build``."""
    toc = build.parent.parent / "_toc.yml"
    for name in toc_files(toc if toc.is_file() else ROOT / "_toc.yml"):
        if name.startswith("notebooks/") and (build / f"{name}.html").is_file():
            return f"{name}.html"
    return "notebooks/01_background.html"


def launch_url(book: Path, page: str, edition: str = "en") -> str | None:
    """The Colab URL the launch button of ``page`` (e.g. ``notebooks/01_background``) must open, from the
    book's ``_config.yml`` (``repository``, ``launch_buttons.colab_url``): for a chapter, its Colab copy
    (``colab/01_background.ipynb``, see ``tools/colab_copies.py``; in the Chinese edition
    ``colab/zh_CN/01_background.ipynb``); None when the book has no Colab button or the page is not a notebook."""
    config_file = book / "_config.yml"
    if not config_file.is_file() or not (book / f"{page}.ipynb").is_file():
        return None
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    colab = ((config.get("launch_buttons") or {}).get("colab_url") or "").strip("/")
    repo = config.get("repository") or {}
    url = (repo.get("url") or "").rstrip("/")
    if not colab or not url.startswith("https://github.com/"):
        return None
    folder = "colab/zh_CN" if edition == CHINESE else "colab"
    copy = f"{folder}/{page.removeprefix('notebooks/')}" if page.startswith("notebooks/") else page
    path = "/".join(p for p in ((repo.get("path_to_book") or "").strip("/"), f"{copy}.ipynb") if p)
    return f"{colab}/github/{url.removeprefix('https://github.com/')}/blob/{repo.get('branch') or 'main'}/{path}"


#: A word the search must find in chapter 4 (checked to occur on that page before it is searched for); the
#: Chinese edition's is a name that its prose keeps in Latin letters (Sphinx's Chinese search splits Chinese
#: text into words only with jieba installed, which the book does not need).
SEARCH_WORD, SEARCH_PAGE = "checkerboard", "notebooks/04_code_example.html"
SEARCH_WORDS = {"en": SEARCH_WORD, CHINESE: "PhaseGAN"}


def search_in_browser(browser_check: Any, driver: Any, base: str, build: Path, edition: str = "en") -> int:
    """Search the book for a word of chapter 4 in the browser; print one line; return 1 on failure, else 0."""
    word = SEARCH_WORDS[edition]
    label = "" if edition == "en" else f" {edition}"
    chapter = build / SEARCH_PAGE
    if not chapter.is_file():
        return 0  # a partial build without chapter 4: the page checks above already said so
    if word.lower() not in chapter.read_text(encoding="utf-8").lower():
        print(f"FAIL search{label} (in chromium): the word {word!r} is no longer in {SEARCH_PAGE}; "
              f"pick another word of that chapter for tools/check_html.py's SEARCH_WORDS")
        return 1
    try:
        problems = browser_check.search_problems(driver, base, word, SEARCH_PAGE)
    except Exception as exc:
        problems = [f"the browser could not search: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"]
    if problems:
        print(f"FAIL search{label} (in chromium): " + "; ".join(problems))
        return 1
    print(f"ok   search{label} (in chromium): {word!r} finds {SEARCH_PAGE}")
    return 0


def check_in_browser(build: Path, shots: Path, edition: str = "en") -> int:
    """Open every page of the table of contents of one edition in headless Chromium (``tools/browser_check.py``);
    print one line per page; return the number of failing pages. Chapter screenshots go to ``shots``."""
    import browser_check  # tools/, beside this file

    book = book_folder(build, edition)
    label = "" if edition == "en" else f"{edition}/"
    names = [n for n in toc_files(book_toc(build, edition)) if (build / f"{n}.html").is_file()]
    failures = 0
    try:
        with browser_check.serve(build) as base, browser_check.open_browser() as driver:
            for name in names:
                chapter = name.startswith("notebooks/")
                shot = shots / f"{Path(name).name}.png" if chapter else None
                try:
                    problems = browser_check.check_page(driver, f"{base}{name}.html", chapter=chapter,
                                                        launch=launch_url(book, name, edition) if chapter else None,
                                                        screenshot=shot)
                except Exception as exc:  # a page that hangs or crashes the browser: one line, go on
                    problems = [f"the browser could not check it: {type(exc).__name__}: "
                                f"{' '.join(str(exc).split())[:200]}"]
                if problems:
                    failures += 1
                    print(f"FAIL {label}{name} (in chromium): " + "; ".join(problems))
                else:
                    print(f"ok   {label}{name} (in chromium)" + (f": screenshot {shot}" if shot else ""))
            failures += search_in_browser(browser_check, driver, base, build, edition)
    except Exception as exc:  # the browser itself did not start
        print(f"FAIL browser check: headless chromium did not start: {type(exc).__name__}: "
              f"{' '.join(str(exc).split())[:300]}")
        return failures + 1
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build" / "html", help="built HTML (default _build/html)")
    shot = parser.add_mutually_exclusive_group()
    shot.add_argument("--screenshot", type=Path, metavar="PATH",
                      help="save a PNG of one chapter (headless chromium) and fail if that is not possible "
                           "(default: BUILD/../screenshot.png, taken only when chromium is installed)")
    shot.add_argument("--no-screenshot", action="store_true", help="check the pages only")
    parser.add_argument("--no-browser", action="store_true",
                        help="skip the checks in headless chromium (audio plays, maths typeset, console, ...)")
    parser.add_argument("--page", default=None,
                        help="page for the screenshot, relative to --build (default the first chapter built)")
    args = parser.parse_args(argv)
    if not (args.build / "index.html").is_file():
        print(f"error: {args.build} holds no built book; run `jupyter-book build .` first", file=sys.stderr)
        return 2
    editions = [("en", args.build)]
    two = has_chinese_catalogs(book_folder(args.build)) or (args.build / CHINESE / "index.html").is_file()
    if two and not (args.build / CHINESE / "index.html").is_file():
        print(f"FAIL {CHINESE}: the Chinese edition is missing from {args.build / CHINESE}: "
              "run `python tools/i18n.py build` after the English build")
        failures = 1
    else:
        failures = 0
        if two:
            editions.append((CHINESE, args.build / CHINESE))
    for edition, build in editions:
        failures += check(build, edition, switch=two)
    if not args.no_browser:
        lacking = "chromium" if find_chromium() is None else browser_missing()
        if lacking:
            print(f"note: no browser check: {lacking} not installed "
                  f"(install: {browser_check_install()}); HTML checked only")
        else:
            for edition, build in editions:
                shots = args.build.parent / "screenshots" / ("" if edition == "en" else edition)
                failures += check_in_browser(build, shots, edition)
    required = args.screenshot is not None
    out = args.screenshot or args.build.parent / "screenshot.png"
    page = args.page or first_chapter(args.build)
    if args.no_screenshot:
        pass
    elif not required and find_chromium() is None:
        print("note: no screenshot: chromium is not installed "
              "(apt-get install -y chromium fonts-noto-cjk); pages checked only")
    else:
        try:
            screenshot(args.build / page, out)
            print(f"ok   screenshot of {page}: {out} ({out.stat().st_size} bytes)")
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"FAIL screenshot: {exc}")
            failures += 1
    print("html check: " + ("passed" if not failures else f"{failures} problem page(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
