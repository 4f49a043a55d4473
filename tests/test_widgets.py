"""gcdg_lite.widgets: every view builds its ipywidget without a front end and has a static HTML
fallback with <audio> players and spectrogram <img>s; live_view works as a fit() callback."""
import base64
import re

import numpy as np
import pytest

from gcdg_lite import widgets
from gcdg_lite.errors import ConfigError

SAMPLES = 2048
PNG = b"\x89PNG\r\n\x1a\n"


def _static(view) -> str:
    bundle = view._repr_mimebundle_()
    assert "text/plain" in bundle
    assert widgets.WIDGET_MIME not in bundle  # no kernel here: static only
    return bundle["text/html"]


def _images(html: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'<img src="data:image/png;base64,([^"]+)"', html)]


def _players(html: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'<audio[^>]*>\s*<source src="data:audio/wav;base64,([^"]+)"', html)]


@pytest.fixture(scope="module")
def run():
    """A real, tiny gcdg_lite.train.Run (seed_mlp, a few steps) with a live view attached."""
    from gcdg_lite.data import texture
    from gcdg_lite.train import TrainConfig, fit

    view = widgets.live_view(metrics=("loss_g", "loss_d", "d_real"), n_samples=2, min_interval_s=3600)
    cfg = TrainConfig(model="seed_mlp", steps=6, batch=4, callback_every=2, ckpt_every=0,
                      model_kwargs={"samples": SAMPLES})
    r = fit(texture("hum", n=8, samples=SAMPLES), cfg, progress=False, callbacks=[view])
    r.test_view = view
    return r


def test_dataset_browser_static_view_has_players_and_spectrograms():
    view = widgets.dataset_browser(textures=["rain", "vowels"], n=2, samples=SAMPLES)
    html = _static(view)
    players, images = _players(html), _images(html)
    assert len(players) == 2 and all(p[:4] == b"RIFF" and p[8:12] == b"WAVE" for p in players)
    assert len(images) == 2 and all(i.startswith(PNG) for i in images)
    assert "rain" in html and "vowels" in html


def test_dataset_browser_widget_builds_and_follows_the_dropdown():
    pytest.importorskip("ipywidgets")
    view = widgets.dataset_browser(textures=["rain", "hum"], n=2, samples=SAMPLES)
    box = view.widget()
    controls, about, player, image = box.children
    choose, index = controls.children
    first = player.value
    assert bytes(first[:4]) == b"RIFF" and bytes(image.value).startswith(PNG)
    choose.value = "hum"
    assert bytes(player.value) != bytes(first) and "drone" in about.value
    second = bytes(player.value)
    index.value = 1
    assert bytes(player.value) != second
    assert view.widget() is box  # built once


def test_dataset_browser_rejects_unknown_textures():
    with pytest.raises(ConfigError, match="thunder"):
        widgets.dataset_browser(textures=["rain", "thunder"])
    with pytest.raises(ConfigError):
        widgets.dataset_browser(textures=["rain"], n=0)


def test_mimebundle_adds_the_widget_view_where_widgets_can_run(monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr(widgets, "widgets_available", lambda: True)
    bundle = widgets.dataset_browser(textures=["wind"], n=1, samples=SAMPLES)._repr_mimebundle_()
    assert widgets.WIDGET_MIME in bundle and "<audio" in bundle["text/html"]


def test_static_env_forces_static_views(monkeypatch):
    monkeypatch.setenv(widgets.STATIC_ENV, "static")
    assert widgets.widgets_available() is False


def _tiny_generator(noise_dim=8, out=SAMPLES):
    import keras

    z = keras.Input((noise_dim,))
    return keras.Model(z, keras.layers.Dense(out, activation="tanh")(z))


@pytest.mark.parametrize("method", ["pca", "random"])
def test_latent_explorer_on_a_keras_generator(method):
    view = widgets.latent_explorer(_tiny_generator(), n_directions=2, method=method, n_probe=8, span=2.0)
    d = view.directions
    assert d.shape == (2, 8) and np.allclose(d @ d.T, np.eye(2), atol=1e-5)
    html = _static(view)
    assert len(_players(html)) == 6 and len(_images(html)) == 6  # each direction at -span, 0, +span
    pytest.importorskip("ipywidgets")
    box = view.widget()
    sliders = [c for c in box.children if type(c).__name__ == "FloatSlider"]
    player = next(c for c in box.children if type(c).__name__ == "Audio")
    before = bytes(player.value)
    sliders[0].value = 2.0
    assert len(sliders) == 2 and bytes(player.value) != before


def test_latent_explorer_refuses_what_it_cannot_play():
    import keras

    z = keras.Input((4,))
    spec_gen = keras.Model(z, keras.layers.Reshape((8, 8, 1))(keras.layers.Dense(64)(z)))
    with pytest.raises(ConfigError, match="spectrograms"):
        widgets.latent_explorer(spec_gen, method="random")
    with pytest.raises(ConfigError):
        widgets.latent_explorer("not a model")
    with pytest.raises(ConfigError):
        widgets.latent_explorer(_tiny_generator(), n_directions=9, method="random")


def test_latent_explorer_accepts_a_training_run(run):
    view = widgets.latent_explorer(run, n_directions=2, n_probe=6)
    assert view.noise_dim == run.noise_dim and view.sr == run.sr
    clip = view.generate(view.point([1.0, -1.0])[None])
    assert clip.shape == (1, SAMPLES) and np.all(np.abs(clip) <= 1)
    assert np.allclose(view.generate(view.point([0.0, 0.0])[None]), run.generate(run.latent(1, 0)))
    assert len(_players(_static(view))) == 6


def test_latent_explorer_uses_the_runs_own_audio_and_latents(run):
    """The view makes no audio of its own: a Run's sound is Run.generate's, its latents Run.latent's."""
    view = widgets.latent_explorer(run, n_directions=2, n_probe=6, method="random")
    assert view.generate == run.generate and view.latent == run.latent
    with pytest.raises(ConfigError, match="to_audio"):
        widgets.latent_explorer(run, to_audio=lambda x: x)


def test_latent_directions_is_an_analysis_in_metrics(run):
    """The PCA over the latent space lives in gcdg_lite.metrics; the explorer's directions are its answer."""
    from gcdg_lite import metrics

    assert not hasattr(widgets, "latent_directions")
    d = metrics.latent_directions(run.generate, run.latent, k=2, n_probe=6)
    assert d.shape == (2, run.noise_dim) and d.dtype == np.float32 and np.allclose(d @ d.T, np.eye(2), atol=1e-5)
    view = widgets.latent_explorer(run, n_directions=2, n_probe=6)
    assert np.array_equal(view.directions, d)
    with pytest.raises(ConfigError, match="k=0"):
        metrics.latent_directions(run.generate, run.latent, k=0)
    with pytest.raises(ConfigError, match="method"):
        metrics.latent_directions(run.generate, run.latent, k=1, method="ica")


def test_live_view_as_a_fit_callback(run):
    view = run.test_view
    assert len(view.rows) == 6 and view.step == 6  # full history, read from the run
    assert view.updates == 2  # first call, then throttled, then the run's last callback
    html = _static(view)
    assert "step 6 of 6" in html
    assert len(_images(html)) == 3 and len(_players(html)) == 2  # curves + one spectrogram per sample
    pytest.importorskip("ipywidgets")
    box = view.widget()
    players = box.children[2].children
    assert len(players) == 2
    view.update(run)  # redraw updates the same widgets in place
    assert box.children[2].children[0] is players[0]


def test_live_view_without_a_run_plots_rows():
    view = widgets.live_view(min_interval_s=0)
    assert "No training step" in _static(view)
    for step in range(1, 4):
        view(step, {"loss_g": 1.0 / step, "loss_d": 0.7})
    html = _static(view)
    assert len(_images(html)) == 1 and "<audio" not in html


def test_widget_view_for_ipywidgets_8_and_7():
    """ipywidgets 8 gives its view from _repr_mimebundle_; 7.x (Colab's 7.7.1) has none, so it is built."""
    W = pytest.importorskip("ipywidgets")
    slider = W.IntSlider()
    view = widgets.widget_view(slider)
    assert view["model_id"] == slider.model_id and view["version_major"] == 2

    class Widget7:  # what an ipywidgets 7 widget offers: a view name and a model id, no _repr_mimebundle_
        _view_name, model_id = "IntSliderView", "abc123"

    assert widgets.widget_view(Widget7()) == {"version_major": 2, "version_minor": 0, "model_id": "abc123"}
    Widget7._view_name = None  # a model without a view (e.g. a layout) shows nothing
    assert widgets.widget_view(Widget7()) is None
