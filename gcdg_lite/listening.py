"""A listening test, "which one is real?": pairs of a real and a generated clip, played in the page.

:func:`listening_test` draws ``n_pairs`` real and ``n_pairs`` generated clips and, for each pair, whether the
real clip is played as A or as B (a seeded draw). The :class:`ListeningTest` it returns displays as one
self-contained HTML fragment (``_repr_html_``): two ``<audio>`` players per pair with the clips embedded as
base64 WAV ``data:`` URIs, real ``<button>`` elements A and B, and a result area that a screen reader
announces (``aria-live``). It needs no kernel, no network and no file beside it, so it works the same in the
rendered book, in JupyterLab (in a trusted notebook, which a notebook you ran yourself is) and in Colab.

How the fragment behaves:

* a pair is answered with its A/B buttons (mouse, or Tab to a button and Enter/Space), or with the keys
  ``A``/``B`` while anything in that pair has the focus; an answer may be changed until every pair has one;
* when the last pair is answered, it shows the number right ``k`` of ``n``, the exact two-sided binomial
  p-value against guessing (:func:`binomial_p`), the 95% **Wilson score** interval of the reader's hit rate
  (:func:`wilson_interval`), and the C2ST accuracy of the same sets, each with a sentence on what it means;
  then it locks the buttons and marks which clip was real in each pair;
* it stores nothing (no cookies, no ``localStorage``), loads nothing and sends nothing.

The answer key sits in the fragment as a data attribute, each letter XOR-ed with a per-render mask
(:func:`encode_key`), so that the page's text and a glance at its source do not give the answers away. This
is against spoiling, not a protection: anyone who reads the script can decode it, and the browser check of
the book does exactly that (``tools/browser_check.py``).

Every render gets fresh element ids, so several tests (or one test shown twice) can share a page.
"""
from __future__ import annotations

import base64
import html
import json
import math
import secrets
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Sequence

import numpy as np

from . import public as _public
from .checks import as_audio, check_int
from .defaults import SR
from .errors import ConfigError

__all__ = _public(__name__)

#: most pairs one test may hold (each clip is embedded in the page: about 43 kB per second at 16 kHz)
MAX_PAIRS = 40
#: sample rates (Hz) the test accepts: what browsers play from a WAV ``data:`` URI
SR_RANGE = (8000, 96000)
#: the normal quantile of a two-sided 95% interval
Z95 = 1.959963984540054


class Score(NamedTuple):
    """A reader's result: ``k`` right, the two-sided binomial p-value ``p`` against guessing (p = 0.5), and the
    95% Wilson score interval ``ci = (low, high)`` of the hit rate (fractions in [0, 1])."""

    k: int
    p: float
    ci: tuple[float, float]


def binomial_p(k: int, n: int) -> float:
    """Exact two-sided binomial p-value of ``k`` successes in ``n`` trials against a success rate of 0.5.

    Notebook: 05_trends_and_challenges.ipynb.

    The probability, under guessing, of a result at least as far from ``n / 2`` as ``k`` (what
    ``scipy.stats.binomtest(k, n, 0.5).pvalue`` computes): ``min(1, 2 P(X <= min(k, n - k)))``.

    Args:
        k: successes, ``0..n``.
        n: trials, ``>= 1``.

    Returns:
        the p-value in (0, 1].
    """
    n = check_int("n", n, 1)
    k = check_int("k", k, 0, n)
    tail = sum(math.comb(n, i) for i in range(min(k, n - k) + 1)) / 2.0 ** n
    return min(1.0, 2.0 * tail)


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a success rate from ``k`` successes in ``n`` trials.

    Notebook: 05_trends_and_challenges.ipynb.

    Unlike the textbook ``k/n ± z·sqrt(k/n (1 - k/n) / n)`` it stays inside [0, 1] and is not zero-width at
    ``k = 0`` or ``k = n``, which matters with a handful of pairs.

    Args:
        k: successes, ``0..n``.
        n: trials, ``>= 1``.
        z: normal quantile (default :data:`Z95`, a two-sided 95% interval).

    Returns:
        ``(low, high)``, fractions in [0, 1].
    """
    n = check_int("n", n, 1)
    k = check_int("k", k, 0, n)
    if not (isinstance(z, (int, float, np.floating)) and math.isfinite(z) and z > 0):
        raise ConfigError(f"z={z!r} must be a positive finite number (1.96 for a 95% interval)")
    phat = k / n
    denom = 1.0 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _mask(salt: int, i: int) -> int:
    """The byte XOR-ed into letter ``i`` of the key (the widget's script and the browser check use the same)."""
    return (salt + 73 * i) & 0xFF


def encode_key(key: str, salt: int) -> str:
    """The answer key ``key`` (one letter ``A``/``B`` per pair: where the real clip is) as the hex string the
    fragment carries, each letter XOR-ed with ``(salt + 73 i) mod 256``. Not encryption: it only keeps the
    answers out of the page's text."""
    if not key or set(key) - {"A", "B"}:
        raise ConfigError(f"key={key!r} must be a non-empty string of the letters A and B")
    salt = check_int("salt", salt, 0, 255)
    return "".join(f"{ord(c) ^ _mask(salt, i):02x}" for i, c in enumerate(key))


def decode_key(encoded: str, salt: int) -> str:
    """The answer key back from :func:`encode_key`'s hex string and its ``salt``."""
    salt = check_int("salt", salt, 0, 255)
    try:
        raw = bytes.fromhex(encoded)
    except (TypeError, ValueError):
        raise ConfigError(f"encoded={encoded!r} is not a hex string from encode_key") from None
    key = "".join(chr(b ^ _mask(salt, i)) for i, b in enumerate(raw))
    if not key or set(key) - {"A", "B"}:
        raise ConfigError(f"encoded={encoded!r} does not decode to a key of A and B with salt={salt}")
    return key


@dataclass
class ListeningTest:
    """Pairs of a real and a generated clip, and which of each pair is real; displays as the HTML test.

    Attributes:
        real: ``(n_pairs, samples)`` float32, the real clip of each pair.
        fake: ``(n_pairs, samples)`` float32, the generated clip of each pair.
        a_real: ``(n_pairs,)`` bool, True where the real clip is played as A.
        sr: sample rate in Hz.
        c2st: C2ST accuracy of the sets the pairs were drawn from (0.5: a classifier cannot tell them apart),
            or ``None`` when not given.
        title: heading of the test.
    """

    real: np.ndarray = field(repr=False)
    fake: np.ndarray = field(repr=False)
    a_real: np.ndarray
    sr: int
    c2st: float | None
    title: str = "Which one is real?"

    @property
    def n_pairs(self) -> int:
        """Number of pairs."""
        return int(len(self.a_real))

    @property
    def key(self) -> str:
        """The answer key, one letter per pair: ``"A"`` where A is the real clip, else ``"B"``."""
        return "".join("A" if a else "B" for a in self.a_real)

    def clips(self, pair: int) -> tuple[np.ndarray, np.ndarray]:
        """The clips ``(A, B)`` of pair ``pair`` (0-based), each ``(samples,)`` float32."""
        i = check_int("pair", pair, 0, self.n_pairs - 1)
        return (self.real[i], self.fake[i]) if self.a_real[i] else (self.fake[i], self.real[i])

    def score(self, picks: "str | Sequence[str]") -> Score:
        """Score a reader's answers as the page does.

        Args:
            picks: one ``"A"`` or ``"B"`` per pair (a string such as ``"AABA..."`` or a list; lower case
                is accepted), the clip the reader took for the real one.

        Returns:
            :class:`Score`: ``k`` right, the two-sided binomial ``p`` against guessing, the 95% Wilson ``ci``.
        """
        got = [str(p).upper() for p in picks] if not isinstance(picks, str) else list(picks.upper())
        if len(got) != self.n_pairs or set(got) - {"A", "B"}:
            raise ConfigError(f"picks={picks!r} must hold one 'A' or 'B' for each of the {self.n_pairs} pairs")
        k = sum(g == c for g, c in zip(got, self.key))
        return Score(k, binomial_p(k, self.n_pairs), wilson_interval(k, self.n_pairs))

    def __repr__(self) -> str:
        c2st = "not given" if self.c2st is None else f"{self.c2st:.3f}"
        return (f"ListeningTest({self.n_pairs} pairs of {self.real.shape[1] / self.sr:.2f} s clips at {self.sr} Hz, "
                f"C2ST {c2st}; display it to take the test)")

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, uid: str | None = None, salt: int | None = None) -> str:
        """The test as one self-contained HTML fragment (players, buttons, result area and its script).

        Args:
            uid: suffix of the element ids (default: a fresh random one, so every render is unique).
            salt: the key's mask (default: a fresh random byte); see :func:`encode_key`.
        """
        from . import audio

        uid = secrets.token_hex(5) if uid is None else str(uid)
        if not uid.replace("-", "").replace("_", "").isalnum():
            raise ConfigError(f"uid={uid!r} must be letters, digits, '-' or '_' (it becomes an element id)")
        salt = secrets.randbelow(256) if salt is None else check_int("salt", salt, 0, 255)
        root = f"gcdg-listen-{uid}"
        rows = []
        for i in range(self.n_pairs):
            players = []
            for letter, clip in zip("AB", self.clips(i)):
                wav = base64.b64encode(audio.play(clip, self.sr).data).decode("ascii")
                players.append(
                    f'<span style="display:inline-flex;align-items:center;gap:4px;margin-right:12px">'
                    f'<b aria-hidden="true">{letter}</b><audio controls preload="metadata" '
                    f'aria-label="pair {i + 1}, clip {letter}" src="data:audio/wav;base64,{wav}"></audio></span>')
            buttons = "".join(
                f'<button type="button" data-choice="{c}" aria-pressed="false" '
                f'style="min-width:3em;margin-right:6px">{c} is real</button>' for c in "AB")
            rows.append(
                f'<li data-pair="{i}" tabindex="0" aria-label="pair {i + 1} of {self.n_pairs}: press A or B" '
                f'style="margin:6px 0;padding:4px;border:1px solid #ccc;border-radius:4px">'
                f'<div>{"".join(players)}</div><div role="group" aria-label="pair {i + 1}: which one is real?">'
                f'{buttons}<span data-mark style="margin-left:8px"></span></div></li>')
        c2st = "" if self.c2st is None else f"{float(self.c2st):.4f}"
        intro = (f"Each pair holds one real clip and one generated clip. Listen to both and press the one you "
                 f"think is real (Tab to a pair and press the key A or B, or use the buttons). The score appears "
                 f"when all {self.n_pairs} pairs are answered; nothing is stored or sent.")
        return (
            f'<div id="{root}" class="gcdg-listening" data-gcdg-listening="1" data-n="{self.n_pairs}" '
            f'data-key="{encode_key(self.key, salt)}" data-salt="{salt}" data-c2st="{c2st}" '
            f'data-lm-suppress-shortcuts="true" data-p-suppress-shortcuts="true" '
            f'role="region" aria-labelledby="{root}-title" style="border:1px solid #999;padding:8px;border-radius:6px">'
            f'<p id="{root}-title" style="margin:0 0 4px 0"><b>{html.escape(self.title)}</b></p>'
            f'<p style="margin:0 0 4px 0">{html.escape(intro)}</p>'
            f'<p data-needs-script style="margin:0 0 4px 0;color:#a00">{html.escape(_NO_SCRIPT)}</p>'
            f'<ol style="padding-left:1.5em">{"".join(rows)}</ol>'
            f'<div id="{root}-result" data-result aria-live="polite" role="status"></div>'
            f"<script>{_SCRIPT.replace('__ROOT__', json.dumps(root))}</script></div>")


def listening_test(real: Any, fake: Any, sr: int = SR, n_pairs: int = 8, seed: int = 0,
                   c2st: float | None = None, title: str = "Which one is real?") -> ListeningTest:
    """A "which one is real?" listening test of ``n_pairs`` pairs, shown as an HTML widget when displayed.

    Notebook: 05_trends_and_challenges.ipynb.

    ``n_pairs`` real clips and ``n_pairs`` generated clips are drawn from ``real`` and ``fake`` (without
    replacement) and paired; whether the real clip is A or B is drawn for each pair, all with one seeded
    generator, so the same arguments give the same pairs and the same key.

    Args:
        real: ``(n_real, samples)`` float audio in [-1, 1], held-out real clips.
        fake: ``(n_fake, samples)`` float audio in [-1, 1], generated clips of the same length.
        sr: sample rate in Hz of both (default 16000; 8000 to 96000).
        n_pairs: number of pairs (default 8; at most :data:`MAX_PAIRS` and at most the clips of each set).
        seed: seed of the draw of clips and of the order within each pair (default 0).
        c2st: the C2ST accuracy of ``real`` against ``fake`` (e.g. from ``gcdg_lite.metrics.c2st``), shown
            beside the reader's score; ``None`` (default) shows none.
        title: heading of the test.

    Returns:
        a :class:`ListeningTest` (``.key``, ``.score(picks)``; displaying it shows the test).

    Raises:
        DataError: ``real`` or ``fake`` is not ``(n, samples)`` audio, or their lengths differ.
        ConfigError: ``sr``, ``n_pairs``, ``seed`` or ``c2st`` out of range (names the argument).
    """
    real_x = as_audio(real, "real", ndim=2, peak=1.0, min_samples=1)
    fake_x = as_audio(fake, "fake", ndim=2, peak=1.0, samples=real_x.shape[1])
    sr = check_int("sr", sr, *SR_RANGE)
    most = min(MAX_PAIRS, len(real_x), len(fake_x))
    if not isinstance(n_pairs, (int, np.integer)) or isinstance(n_pairs, bool) or not 1 <= n_pairs <= most:
        raise ConfigError(f"n_pairs={n_pairs!r} must be a whole number from 1 to {most} (at most {MAX_PAIRS}, and "
                          f"no more than the {len(real_x)} real and {len(fake_x)} generated clips given)")
    seed = check_int("seed", seed, 0)
    if c2st is not None:
        if not isinstance(c2st, (int, float, np.floating)) or not 0.0 <= float(c2st) <= 1.0:
            raise ConfigError(f"c2st={c2st!r} must be an accuracy from 0 to 1 (or None)")
        c2st = float(c2st)
    rng = np.random.default_rng(seed)
    pick_real = rng.choice(len(real_x), n_pairs, replace=False)
    pick_fake = rng.choice(len(fake_x), n_pairs, replace=False)
    a_real = rng.random(n_pairs) < 0.5  # a fair coin per pair: the real clip is A or B
    return ListeningTest(real_x[pick_real].copy(), fake_x[pick_fake].copy(), a_real, sr, c2st, str(title))


#: shown until the fragment's script runs (it removes the line): where output scripts do not run
_NO_SCRIPT = ("The script of this test has not run, so its buttons do nothing: in JupyterLab or Jupyter Notebook "
              "trust the notebook or run the cell again; elsewhere the clips can still be played.")

#: the fragment's script: __ROOT__ is replaced by the root element's id (a JSON string)
_SCRIPT = r"""
(function () {
  var here = document.currentScript;  /* the script's own test; by id where currentScript is not set */
  var root = (here && here.closest && here.closest('[data-gcdg-listening]')) || document.getElementById(__ROOT__);
  if (!root || root.getAttribute('data-ready')) return;
  root.setAttribute('data-ready', '1');
  var warning = root.querySelector('[data-needs-script]');
  if (warning) warning.parentNode.removeChild(warning);
  var n = parseInt(root.getAttribute('data-n'), 10), salt = parseInt(root.getAttribute('data-salt'), 10);
  var hex = root.getAttribute('data-key'), c2st = root.getAttribute('data-c2st');
  function key(i) {  /* the letter of the real clip in pair i: not a secret, only kept out of the page's text */
    return String.fromCharCode(parseInt(hex.substr(2 * i, 2), 16) ^ ((salt + 73 * i) & 255));
  }
  function comb(m, r) { var c = 1; for (var j = 1; j <= r; j++) c = c * (m - r + j) / j; return c; }
  function binomialP(k, m) {  /* exact two-sided p against guessing (p = 0.5) */
    var t = 0; for (var i = 0; i <= Math.min(k, m - k); i++) t += comb(m, i);
    return Math.min(1, 2 * t / Math.pow(2, m));
  }
  function wilson(k, m) {  /* 95% Wilson score interval of the hit rate */
    var z = 1.959963984540054, p = k / m, d = 1 + z * z / m, c = (p + z * z / (2 * m)) / d;
    var h = z * Math.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / d;
    return [Math.max(0, c - h), Math.min(1, c + h)];
  }
  function pct(x) { return Math.round(100 * x) + '%'; }
  var picks = [], done = false;
  var pairs = root.querySelectorAll('li[data-pair]');
  function show() {
    var k = 0;
    for (var i = 0; i < n; i++) {
      var right = picks[i] === key(i);
      if (right) k++;
      var mark = pairs[i].querySelector('[data-mark]');
      mark.textContent = (right ? 'right: ' : 'wrong: ') + key(i) + ' was real';
      pairs[i].querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    }
    var p = binomialP(k, n), ci = wilson(k, n), out = root.querySelector('[data-result]');
    var lines = [
      'You picked the real clip in ' + k + ' of ' + n + ' pairs.',
      'Binomial test against guessing: p = ' + p.toPrecision(3) + '. This is the chance that someone ' +
        'tossing a coin for every pair scores at least this far from ' + (n / 2) + ' of ' + n +
        '; a small p (below 0.05, say) means your ear found something, a large one that your score is ' +
        'what guessing gives often.',
      '95% interval of your hit rate (Wilson score interval): ' + pct(ci[0]) + ' to ' + pct(ci[1]) +
        '. With ' + n + ' pairs it is wide: one more or one fewer right moves your score by ' +
        pct(1 / n) + '.'];
    if (c2st) lines.push('C2ST of the same sets: ' + parseFloat(c2st).toFixed(2) + '. A simple classifier, ' +
      'trained on statistics of the clips, told real from generated with this accuracy on clips it had not ' +
      'seen (0.5 is chance, 1 is every clip). It and your ear listen for different things.');
    out.innerHTML = '';
    lines.forEach(function (t) {
      var para = document.createElement('p'); para.textContent = t; out.appendChild(para);
    });
    out.setAttribute('data-right', String(k));
  }
  function choose(i, c) {
    if (done) return;
    picks[i] = c;
    pairs[i].querySelectorAll('button[data-choice]').forEach(function (b) {
      var on = b.getAttribute('data-choice') === c;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.style.fontWeight = on ? 'bold' : 'normal';
      b.style.outline = on ? '2px solid #36c' : '';
    });
    var all = true;
    for (var j = 0; j < n; j++) if (picks[j] !== 'A' && picks[j] !== 'B') all = false;
    if (all) { done = true; show(); }
  }
  pairs.forEach(function (pair) {
    var i = parseInt(pair.getAttribute('data-pair'), 10);
    pair.querySelectorAll('button[data-choice]').forEach(function (b) {
      b.addEventListener('click', function () { choose(i, b.getAttribute('data-choice')); });
    });
    pair.addEventListener('keydown', function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey || !e.key) return;
      var c = e.key.toUpperCase();
      if (c === 'A' || c === 'B') { e.preventDefault(); e.stopPropagation(); choose(i, c); }
    });
  });
})();
"""
