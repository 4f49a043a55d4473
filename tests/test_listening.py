"""gcdg_lite.listening, the Python side: the seeded draw, the answer key, the scorer against scipy, the HTML
fragment's self-containment, and one clear error for each kind of bad input. (The fragment's script is run
in headless Chromium by tests/test_check_html_browser.py.)"""
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from scipy.stats import binomtest

from gcdg_lite import listening
from gcdg_lite.errors import ConfigError, DataError

SR = 16000


def _sets(n_real=12, n_fake=10, samples=800):
    rng = np.random.default_rng(3)
    return (rng.uniform(-0.5, 0.5, (n_real, samples)).astype(np.float32),
            rng.uniform(-0.1, 0.1, (n_fake, samples)).astype(np.float32))


def test_the_draw_is_seeded_and_pairs_a_real_clip_with_a_generated_one():
    real, fake = _sets()
    t1 = listening.listening_test(real, fake, SR, n_pairs=8, seed=5)
    t2 = listening.listening_test(real, fake, SR, n_pairs=8, seed=5)
    assert t1.key == t2.key and np.array_equal(t1.real, t2.real) and np.array_equal(t1.fake, t2.fake)
    assert len({listening.listening_test(real, fake, SR, n_pairs=8, seed=s).key for s in range(6)}) > 1
    real_rows = {r.tobytes() for r in real}
    fake_rows = {f.tobytes() for f in fake}
    for i, letter in enumerate(t1.key):
        a, b = t1.clips(i)
        real_clip, fake_clip = (a, b) if letter == "A" else (b, a)
        assert real_clip.tobytes() in real_rows and fake_clip.tobytes() in fake_rows
    assert len({r.tobytes() for r in t1.real}) == 8  # drawn without replacement


def test_the_order_is_a_fair_coin_per_pair():
    real, fake = _sets(40, 40, 400)
    share = np.mean([listening.listening_test(real, fake, SR, n_pairs=40, seed=s).a_real.mean() for s in range(25)])
    assert 0.45 < share < 0.55  # 1000 coin tosses: sd 0.016
    keys = [listening.listening_test(real, fake, SR, n_pairs=8, seed=s).key for s in range(50)]
    assert sum("A" in k and "B" in k for k in keys) >= 45  # all-A or all-B has probability 1/128 each


@pytest.mark.parametrize("salt", [0, 1, 77, 255])
def test_the_key_round_trips_and_is_not_in_the_page_text(salt):
    real, fake = _sets()
    t = listening.listening_test(real, fake, SR, n_pairs=9, seed=1)
    encoded = listening.encode_key(t.key, salt)
    assert listening.decode_key(encoded, salt) == t.key and len(encoded) == 2 * 9
    page = t.html(uid="x1", salt=salt)
    assert f'data-key="{encoded}"' in page and f'data-salt="{salt}"' in page
    assert t.key not in re.sub(r"<[^>]*>", " ", page.split("<script>")[0])  # not in the visible text


@pytest.mark.parametrize("n", [1, 2, 7, 8, 13, 40])
def test_the_scorer_agrees_with_scipy(n):
    for k in range(n + 1):
        p = listening.binomial_p(k, n)
        assert p == pytest.approx(binomtest(k, n, 0.5).pvalue, rel=1e-9, abs=1e-15)
        ci = binomtest(k, n, 0.5).proportion_ci(0.95, method="wilson")
        assert listening.wilson_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_score_counts_the_picks_that_match_the_key():
    real, fake = _sets()
    t = listening.listening_test(real, fake, SR, n_pairs=8, seed=2)
    all_a = t.score("A" * 8)
    assert all_a.k == t.key.count("A") == int(t.a_real.sum())
    assert all_a.p == listening.binomial_p(all_a.k, 8) and all_a.ci == listening.wilson_interval(all_a.k, 8)
    assert t.score(t.key).k == 8 and t.score(t.key.translate(str.maketrans("AB", "BA"))).k == 0
    assert t.score(list(t.key.lower())).k == 8


def test_the_fragment_needs_nothing_outside_itself_and_ids_are_unique_per_render():
    real, fake = _sets()
    t = listening.listening_test(real, fake, SR, n_pairs=3, seed=0, c2st=0.875)
    page = t._repr_html_()
    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Tags().feed(page)
    srcs = [a.get("src") for tag, a in tags if "src" in a or tag in {"script", "link", "img", "iframe"}]
    assert srcs and all(s.startswith("data:audio/wav;base64,") for s in srcs if s is not None)
    scripts = [a for tag, a in tags if tag == "script"]
    assert len(scripts) == 1 and not scripts[0].get("src")  # one inline script, nothing loaded
    assert sum(tag == "audio" for tag, _ in tags) == 6 and sum(tag == "button" for tag, _ in tags) == 6
    assert any(a.get("aria-live") == "polite" for _, a in tags) and 'data-c2st="0.8750"' in page
    script = page.split("<script>", 1)[1]
    for banned in ("localStorage", "sessionStorage", "document.cookie", "fetch(", "XMLHttpRequest", "http:", "https:",
                   "import(", "indexedDB"):
        assert banned not in page, banned
    assert "$" not in re.sub(r"<script>.*?</script>", "", page, flags=re.S) and "\\(" not in script  # no maths markup
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert not set(ids) & set(re.findall(r'\bid="([^"]+)"', t._repr_html_()))  # a second render: fresh ids


@pytest.mark.parametrize("call, exc, name", [
    (lambda r, f: listening.listening_test(r, f[:, :400], SR), DataError, "fake"),
    (lambda r, f: listening.listening_test(r[0], f, SR), DataError, "real"),
    (lambda r, f: listening.listening_test(r, f, SR, n_pairs=11), ConfigError, "n_pairs=11"),
    (lambda r, f: listening.listening_test(r, f, SR, n_pairs=0), ConfigError, "n_pairs=0"),
    (lambda r, f: listening.listening_test(r, f, 44.1), ConfigError, "sr=44.1"),
    (lambda r, f: listening.listening_test(r, f, 200), ConfigError, "sr=200"),
    (lambda r, f: listening.listening_test(r, f, SR, seed=-1), ConfigError, "seed=-1"),
    (lambda r, f: listening.listening_test(r, f, SR, c2st=1.5), ConfigError, "c2st=1.5"),
    (lambda r, f: listening.listening_test(r * 3, f, SR), DataError, "real"),
    (lambda r, f: listening.listening_test(r, f, SR).score("AB"), ConfigError, "picks="),
    (lambda r, f: listening.binomial_p(9, 8), ConfigError, "k=9"),
    (lambda r, f: listening.decode_key("zz", 3), ConfigError, "encoded="),
])
def test_bad_input_is_one_clear_error_naming_the_argument(call, exc, name):
    real, fake = _sets()
    with pytest.raises(exc) as info:
        call(real, fake)
    assert name in str(info.value) and "\n" not in str(info.value)


def test_n_pairs_too_large_names_the_limit():
    real, fake = _sets(60, 60, 200)
    with pytest.raises(ConfigError, match=f"n_pairs=41 must be a whole number from 1 to {listening.MAX_PAIRS}"):
        listening.listening_test(real, fake, SR, n_pairs=41)
