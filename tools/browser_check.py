"""The built book checked as a reader's browser shows it: Debian's headless ``chromium`` driven through
Debian's ``chromium-driver`` (Selenium), over pages served from localhost. Used by ``tools/check_html.py``.

For every page of the book it checks that

* every formula was typeset by MathJax: each ``.math`` element holds MathJax output, no MathJax error, and
  no raw ``$…$``, ``\\(`` or ``\\[`` is left in the page's text (code blocks aside);
* the browser console shows no error (a script error, a failed request: e.g. a file fetched from a CDN,
  which an offline classroom cannot reach);
* every image decodes;
* every listening test (``gcdg_lite.listening``) scores a scripted reader who presses A in every pair: its
  result appears and states as right the number of pairs whose real clip is A, read from the test's key;

and on every chapter page also that

* every ``<audio>`` player loads (``readyState`` >= 1, a finite ``duration`` > 0), lasts as long as its
  clip (the WAV header of an inline clip) and plays (muted, one after the other: its ``currentTime`` advances);
* no code cell shown on the page (not folded by ``hide-input``) scrolls sideways at 1280 px;
* the first hidden solution opens when its toggle (the admonition's title) is clicked;
* the "launch on Colab" button links to this chapter's Colab copy (``colab/``) in ``repository.url`` at
  ``repository.branch``, and every other Colab link on the page opens a notebook of the same name too;

and saves a screenshot of the chapter (1280 px wide) under ``_build/screenshots/``.

Nothing here downloads a browser or a driver: without ``chromium``, ``chromedriver`` or the ``selenium``
package, :func:`missing` says what to install and the caller checks the HTML only.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

INSTALL = "apt-get install -y chromium chromium-driver fonts-noto-cjk && pip install -r requirements.txt"
PAGE_TIMEOUT_S = 90  # page load + typesetting, on a busy 2-core machine
WINDOW = (1280, 2000)

# --- JavaScript run in the page (each returns a JSON-able value) ------------------------------------

# Wait until MathJax (2 or 3) has typeset the page; "none" when the page loads no MathJax.
WAIT_MATHJAX = """
const done = arguments[arguments.length - 1];
const t0 = Date.now();
const loads = document.querySelector('script[src*="MathJax.js"], script[src*="mathjax"], script[src*="tex-"]');
(function poll() {
  const MJ = window.MathJax;
  if (MJ && MJ.Hub && MJ.isReady) { MJ.Hub.Queue(() => done('typeset')); return; }
  if (MJ && MJ.startup && MJ.startup.promise) { MJ.startup.promise.then(() => done('typeset')); return; }
  if (!loads) { done('none'); return; }
  if (Date.now() - t0 > arguments_timeout) { done('MathJax did not start'); return; }
  setTimeout(poll, 100);
})();
"""

# Formulas: how many .math elements, which lack MathJax output, MathJax errors, raw TeX left in the text.
MATHS = r"""
const OUT = '.MathJax, .MathJax_Display, .MathJax_SVG, .MathJax_CHTML, .MathJax_PHTML, mjx-container';
// Sphinx's maths elements (MathJax 2's own output also has spans of class "math": those are inside OUT)
const maths = [...document.querySelectorAll('.math')].filter(m => !(m.parentElement && m.parentElement.closest(OUT)));
const untypeset = maths.filter(m => !m.querySelector(OUT)).map(m => m.textContent.trim().slice(0, 60));
const errors = [...document.querySelectorAll('.MathJax .merror, .MathJax .noError, mjx-merror, .MathJax_Error')]
  .map(e => e.textContent.trim().slice(0, 60));
const SKIP = 'pre, code, kbd, samp, script, style, textarea, .highlight, .MathJax_Preview, ' + OUT +
             ', .MJX_Assistive_MathML, [aria-hidden="true"] svg';
const RAW = [/\\\(/, /\\\[/, /\$\$/, /\$[^\s$][^$]*\$/, /\\begin\{/];
const raw = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  if (!n.parentElement || n.parentElement.closest(SKIP)) continue;
  for (const re of RAW) {
    const m = re.exec(n.nodeValue);
    if (m) { raw.push(n.nodeValue.slice(Math.max(0, m.index - 20), m.index + 40).replace(/\s+/g, ' ').trim()); break; }
  }
}
return {count: maths.length, untypeset: untypeset, errors: errors, raw: raw};
"""

BROKEN_IMAGES = """
return [...document.images].filter(i => i.complete && i.naturalWidth === 0)
  .map(i => (i.getAttribute('src') || '').slice(0, 80));
"""

# Load every <audio>'s metadata, then play each one in turn (muted) until its currentTime advances, and compare
# its duration with the length its WAV header states (for players whose clip is an inline data: URI).
AUDIO = """
const done = arguments[arguments.length - 1];
const limitMs = arguments[0];
const players = [...document.querySelectorAll('audio')];
if (!players.length) { done({count: 0}); return; }
players.forEach(a => { if (a.readyState === 0) { a.preload = 'metadata'; a.load(); } });
const loaded = a => a.readyState >= 1 && isFinite(a.duration) && a.duration > 0;
const where = a => (a.currentSrc || a.src || (a.querySelector('source') || {}).src || '').slice(0, 50);
// Seconds of audio a WAV data: URI holds, from its RIFF chunks (null when not a WAV data URI).
function wavSeconds(src) {
  const m = /^data:audio[/](?:x-)?wav(?:e)?;base64,/i.exec(src || '');
  if (!m) return null;
  let bytes;
  try { bytes = atob(src.slice(m[0].length, m[0].length + 4096)); } catch (e) { return null; }
  const u32 = i => (bytes.charCodeAt(i) | bytes.charCodeAt(i + 1) << 8 | bytes.charCodeAt(i + 2) << 16 |
                    bytes.charCodeAt(i + 3) << 24) >>> 0;
  if (bytes.slice(0, 4) !== 'RIFF' || bytes.slice(8, 12) !== 'WAVE') return null;
  let rate = null;
  for (let i = 12; i + 8 <= bytes.length;) {
    const id = bytes.slice(i, i + 4), size = u32(i + 4);
    if (id === 'fmt ') rate = u32(i + 16);  // byte rate
    if (id === 'data') return rate ? size / rate : null;
    i += 8 + size + (size % 2);
  }
  return null;
}
const t0 = Date.now();
function finish(extra) {
  const bad = players.filter(a => !loaded(a)).map(a => 'readyState ' + a.readyState + ', duration ' + a.duration +
      ', error ' + (a.error ? a.error.code : 'none') + ': ' + where(a));
  done(Object.assign({count: players.length, bad: bad}, extra));
}
(function waitLoaded() {
  if (players.every(loaded)) { playEach(0, [], []); return; }
  if (Date.now() - t0 > 20000) { finish({silent: [], lengths: []}); return; }
  setTimeout(waitLoaded, 100);
})();
function playEach(i, silent, lengths) {
  if (i >= players.length) { finish({silent: silent, lengths: lengths}); return; }
  const a = players[i];
  const header = wavSeconds(a.currentSrc || a.src);
  if (header !== null && Math.abs(header - a.duration) > 0.05)
    lengths.push('player ' + (i + 1) + ' lasts ' + a.duration.toFixed(3) + ' s, its clip ' + header.toFixed(3) + ' s');
  if (Date.now() - t0 > limitMs) {
    silent.push('players ' + (i + 1) + '-' + players.length + ' not tried: time ran out');
    finish({silent: silent, lengths: lengths}); return;
  }
  a.muted = true;
  const started = Date.now();
  let refused = null;
  const p = a.play();
  if (p) p.catch(e => { refused = String(e); });
  (function poll() {
    if (a.currentTime > 0 || refused || Date.now() - started > 3000) {
      a.pause();
      if (!(a.currentTime > 0)) silent.push('player ' + (i + 1) + ' (' + where(a) + ') ' +
          (refused ? 'refused to play: ' + refused : 'did not advance'));
      try { a.currentTime = 0; } catch (e) {}
      playEach(i + 1, silent, lengths);
      return;
    }
    setTimeout(poll, 25);
  })();
}
"""

# The first solution: hidden at first? visible after a click on its toggle?
SOLUTION_STATE = """
const sol = document.querySelector('.solution, details.solution');
if (!sol) return {found: false};
const body = [...sol.children].find(c => !c.classList.contains('admonition-title') && c.tagName !== 'SUMMARY'
                                      && c.tagName !== 'BUTTON');
const shown = el => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
return {found: true, id: sol.id || '', body: !!body, shown: shown(body)};
"""
# The element a reader clicks to open the first solution (its toggle button, else its summary or title).
SOLUTION_TOGGLE = """
const sol = document.querySelector('.solution, details.solution');
const toggle = sol.querySelector('button.toggle-button') ||
               sol.querySelector(':scope > summary, :scope > .admonition-title');
if (toggle) toggle.scrollIntoView({block: 'center'});
return toggle;
"""

# Every listening test of gcdg_lite.listening on the page: its id, pair count and answer key, decoded as its
# own script decodes it (letter i XOR-ed with (salt + 73 i) mod 256; a key against spoiling, not a secret).
LISTENING_TESTS = """
return [...document.querySelectorAll('[data-gcdg-listening]')].map(root => {
  const n = parseInt(root.getAttribute('data-n'), 10), salt = parseInt(root.getAttribute('data-salt'), 10);
  const hex = root.getAttribute('data-key') || '';
  let key = '';
  for (let i = 0; i < n; i++) key += String.fromCharCode(parseInt(hex.substr(2 * i, 2), 16) ^ ((salt + 73 * i) & 255));
  return {id: root.id, n: n, key: key, a_real: key.split('').filter(c => c === 'A').length};
});
"""
# The result area of one listening test: its text, the score it states and whether it is visible.
LISTENING_RESULT = """
const out = document.getElementById(arguments[0]).querySelector('[data-result]');
return {text: out ? out.textContent.trim() : null, right: out ? out.getAttribute('data-right') : null,
        shown: !!out && out.getClientRects().length > 0};
"""

LINKS = """
return [...document.querySelectorAll('a[href*="colab.research.google.com"]')].map(a => ({
  href: a.href, title: a.getAttribute('title') || a.getAttribute('data-bs-title') || '',
  launch: a.classList.contains('dropdown-item') || /launch/i.test(a.getAttribute('title') || '')}));
"""


# Shown code cells (not folded away by hide-input) whose lines do not fit the code column: they scroll sideways.
WIDE_CODE = """
return [...document.querySelectorAll('div.cell_input pre')]
  .filter(p => !p.closest('details') && p.getClientRects().length && p.scrollWidth > p.clientWidth + 1)
  .map(p => {
    const longest = p.textContent.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '');
    return longest.length + ' characters: ' + longest.trim().slice(0, 50);
  });
"""


# The search page's results: done when Sphinx's search has finished (its summary is written), or time runs out.
SEARCH = """
const done = arguments[arguments.length - 1];
const t0 = Date.now();
(function poll() {
  const box = document.getElementById('search-results');
  const summary = box && box.querySelector('.search-summary, p');
  const links = box ? [...box.querySelectorAll('ul.search li a, li a')].map(a => a.getAttribute('href') || '') : [];
  const finished = summary && !/^\\s*$/.test(summary.textContent) &&
                   !(window.Search && Search._pulse_status >= 0 && /searching/i.test(summary.textContent));
  if ((finished && links.length) || (finished && Date.now() - t0 > 5000) || Date.now() - t0 > 30000) {
    done({found: !!box, summary: summary ? summary.textContent.trim().slice(0, 120) : '', links: links});
    return;
  }
  setTimeout(poll, 100);
})();
"""


# --- environment ------------------------------------------------------------------------------------

def find_chromium() -> str | None:
    """Path of Debian's Chromium, or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def find_chromedriver() -> str | None:
    """Path of Debian's chromium-driver (``chromedriver``), or None."""
    found = shutil.which("chromedriver")
    if found:
        return found
    return "/usr/bin/chromedriver" if os.access("/usr/bin/chromedriver", os.X_OK) else None


def missing() -> str | None:
    """What the browser check lacks (one phrase), or None when chromium, its driver and Selenium are here."""
    lacking = []
    if find_chromium() is None:
        lacking.append("chromium")
    if find_chromedriver() is None:
        lacking.append("chromium-driver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        lacking.append("the Python package selenium")
    return " and ".join(lacking) if lacking else None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def open_browser() -> Iterator[Any]:
    """Headless Chromium under Selenium, driven by Debian's chromedriver (nothing downloaded)."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch a browser or driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = find_chromium() or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio",
                 "--autoplay-policy=no-user-gesture-required", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                 f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=find_chromedriver()))
    driver.set_page_load_timeout(PAGE_TIMEOUT_S)
    driver.set_script_timeout(PAGE_TIMEOUT_S)
    try:
        yield driver
    finally:
        driver.quit()


# --- the checks -------------------------------------------------------------------------------------

def harmless(message: str) -> bool:
    """Console errors that are no fault of the page: the browser's own favicon request, and MathJax 2's
    probe font ``MathJax_Blank`` (``src: url(about:blank)``, which Chromium refuses as a cross-origin font;
    MathJax only uses it to time the loading of its real web fonts)."""
    return ("favicon.ico" in message or message.startswith("about:blank ")
            or "Access to font at 'about:blank'" in message)


def console_errors(driver: Any) -> list[str]:
    """Messages of level SEVERE the console logged since the last call (harmless ones aside)."""
    out = []
    for entry in driver.get_log("browser"):
        message = " ".join(entry.get("message", "").split())
        if entry.get("level") == "SEVERE" and not harmless(message):
            out.append(message[:200])
    return out


def maths_problems(driver: Any) -> list[str]:
    """Wait for MathJax, then list untypeset formulas, MathJax errors and raw TeX left in the text."""
    state = driver.execute_async_script(WAIT_MATHJAX.replace("arguments_timeout", str(PAGE_TIMEOUT_S * 1000 // 2)))
    facts = driver.execute_script(MATHS)
    problems = []
    if state not in {"typeset", "none"}:
        problems.append(f"{state} ({facts['count']} formulas on the page)")
    elif state == "none" and facts["count"]:
        problems.append(f"{facts['count']} formula(s) but the page loads no MathJax")
    if facts["untypeset"] and state == "typeset":
        problems.append(f"{len(facts['untypeset'])} of {facts['count']} formula(s) not typeset by MathJax, "
                        f"e.g. {facts['untypeset'][0]!r}")
    if facts["errors"]:
        problems.append(f"MathJax could not typeset {len(facts['errors'])} formula(s), e.g. {facts['errors'][0]!r}")
    if facts["raw"]:
        problems.append(f"raw maths left in the text ({len(facts['raw'])}x), e.g. {facts['raw'][0]!r}")
    return problems


def audio_problems(driver: Any) -> list[str]:
    """Every player loads its clip, lasts as long as its clip's WAV header says, and plays (muted: its
    ``currentTime`` advances), one after the other."""
    count = driver.execute_script("return document.querySelectorAll('audio').length;")
    limit_s = 20 + 3 * count  # loading, then at most 3 s for each player to start
    driver.set_script_timeout(PAGE_TIMEOUT_S + limit_s)
    try:
        facts = driver.execute_async_script(AUDIO, limit_s * 1000)
    finally:
        driver.set_script_timeout(PAGE_TIMEOUT_S)
    if not facts["count"]:
        return ["no <audio> player on the page"]
    problems = []
    if facts.get("bad"):
        problems.append(f"{len(facts['bad'])} of {facts['count']} <audio> player(s) did not load, "
                        f"e.g. {facts['bad'][0]}")
    if facts.get("lengths"):
        problems.append(f"{len(facts['lengths'])} <audio> player(s) do not last as long as their clip, "
                        f"e.g. {facts['lengths'][0]}")
    if facts.get("silent"):
        problems.append(f"{len(facts['silent'])} of {facts['count']} <audio> player(s) do not play, "
                        f"e.g. {facts['silent'][0]}")
    return problems


def solution_problems(driver: Any) -> list[str]:
    """The first solution starts hidden and opens when its toggle is clicked."""
    before = driver.execute_script(SOLUTION_STATE)
    if not before["found"]:
        return []  # the HTML check already counts exercises and solutions
    if not before["body"]:
        return [f"solution {before['id']!r} has no content"]
    if before["shown"]:
        return [f"solution {before['id']!r} is shown before its toggle is clicked (not collapsed)"]
    toggle = driver.execute_script(SOLUTION_TOGGLE)
    if toggle is None:
        return [f"solution {before['id']!r} has no toggle to click"]
    try:
        toggle.click()  # a real mouse click at the toggle's centre, as a reader's
    except Exception as exc:  # covered or not interactable: say so
        return [f"the toggle of solution {before['id']!r} cannot be clicked: {type(exc).__name__}"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if driver.execute_script(SOLUTION_STATE)["shown"]:
            return []
        time.sleep(0.1)
    return [f"solution {before['id']!r} stays hidden after its toggle is clicked"]


def launch_problems(driver: Any, expected: str) -> list[str]:
    """The launch button opens ``expected``; every other Colab link opens the same notebook file."""
    links = driver.execute_script(LINKS)
    launch = [link for link in links if link["launch"]]
    problems = []
    if not launch:
        problems.append(f"no launch-on-Colab button (expected a link to {expected})")
    for link in launch:
        if link["href"] != expected:
            problems.append(f"the launch button opens {link['href']}, not {expected}")
    name = expected.rsplit("/", 1)[-1]
    for link in links:
        if not link["launch"] and link["href"].split("?")[0].split("#")[0].rsplit("/", 1)[-1] != name:
            problems.append(f"a Colab link opens {link['href']}, not the notebook {name}")
    return problems


def listening_problems(driver: Any) -> list[str]:
    """A scripted reader presses A in every pair of every listening test (``gcdg_lite.listening``) on the page:
    the result must appear and state the number of pairs whose real clip is A, read from the test's key."""
    from selenium.webdriver.common.by import By

    problems = []
    for number, test in enumerate(driver.execute_script(LISTENING_TESTS), 1):
        where = f"listening test {number} ({test['id']})"
        if len(test["key"]) != test["n"] or set(test["key"]) - {"A", "B"}:
            problems.append(f"{where}: its answer key does not decode to {test['n']} letters A/B")
            continue
        buttons = driver.find_elements(By.CSS_SELECTOR, f"#{test['id']} li[data-pair] button[data-choice='A']")
        if len(buttons) != test["n"]:
            problems.append(f"{where}: {len(buttons)} 'A' buttons for {test['n']} pairs")
            continue
        try:
            for button in buttons:
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
                button.click()  # a real click, as a reader's
        except Exception as exc:  # covered or not interactable: say so
            problems.append(f"{where}: an 'A' button cannot be clicked: {type(exc).__name__}")
            continue
        expected = f"{test['a_real']} of {test['n']}"
        deadline = time.monotonic() + 5
        result = driver.execute_script(LISTENING_RESULT, test["id"])
        while not result["text"] and time.monotonic() < deadline:
            time.sleep(0.1)
            result = driver.execute_script(LISTENING_RESULT, test["id"])
        if not (result["shown"] and result["text"] and expected in result["text"]
                and result["right"] == str(test["a_real"])):
            problems.append(f"{where}: a reader who picks A in every pair should score {expected}; the page shows "
                            f"{(result['text'] or 'no result')[:80]!r}")
    return problems


def wide_code_problems(driver: Any) -> list[str]:
    """Code cells shown on the page (at the browser's width, 1280 px) whose longest line scrolls sideways."""
    wide = list(dict.fromkeys(driver.execute_script(WIDE_CODE)))
    if not wide:
        return []
    return [f"{len(wide)} shown code cell(s) wider than the code column at {WINDOW[0]} px, e.g. {wide[0]!r}"]


def search_problems(driver: Any, base: str, word: str, page: str) -> list[str]:
    """The book's search page, asked for ``word``, lists ``page`` (e.g. ``notebooks/04_code_example.html``)
    among its results."""
    driver.get(f"{base}search.html?q={word}")
    facts = driver.execute_async_script(SEARCH)
    if not facts["found"]:
        return ["the search page has no results area (#search-results)"]
    hits = [link.split("#")[0].split("?")[0] for link in facts["links"]]
    if not any(hit.endswith(page) for hit in hits):
        return [f"searching for {word!r} does not list {page} ({len(hits)} result(s); the page says "
                f"{facts['summary']!r})"]
    return []


def check_page(driver: Any, url: str, *, chapter: bool, launch: str | None = None,
               screenshot: Path | None = None) -> list[str]:
    """Open ``url`` and list what a reader would see wrong (empty when the page passes).

    ``chapter``: also check audio and solutions; ``launch``: the Colab URL the launch button must open;
    ``screenshot``: where to save a PNG of the top of the page (1280 px wide).
    """
    console_errors(driver)  # drop what earlier pages logged
    driver.get(url)
    problems = maths_problems(driver)
    broken = driver.execute_script(BROKEN_IMAGES)
    if broken:
        problems.append(f"{len(broken)} image(s) do not decode, e.g. {broken[0]!r}")
    if chapter:
        problems += wide_code_problems(driver)
        problems += audio_problems(driver)
        if launch is not None:
            problems += launch_problems(driver, launch)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        driver.execute_script("window.scrollTo(0, 0);")
        driver.save_screenshot(str(screenshot))
    if chapter:
        problems += solution_problems(driver)
    problems += listening_problems(driver)
    time.sleep(0.2)  # let late errors (a failed request after load) reach the log
    problems += [f"console error: {msg}" for msg in dict.fromkeys(console_errors(driver))]
    return problems
