"""Interactive views for the notebooks, each with a static fallback (chapters 1, 4 and 5).

* :func:`dataset_browser` — pick a built-in texture, hear it, see its spectrogram (chapter 1).
* :func:`latent_explorer` — sliders that move a generator's latent vector along a few directions;
  the sound and its spectrogram are regenerated (chapter 4).
* :func:`live_view` — a training callback that redraws the loss curves and plays the latest sample
  while :func:`gcdg_lite.train.fit` runs: ``fit(data, config, callbacks=[view])`` (chapters 4, 5).

Each returns a :class:`View`: in JupyterLab, Jupyter Notebook or Colab it shows an ipywidget; wherever
widgets cannot run (the rendered book, nbconvert, a terminal) the same object shows a static HTML
picture: spectrogram PNGs and ``<audio>`` players. Both come from ``View._repr_mimebundle_`` — the
front end picks the richest type it can show. They work with ipywidgets 7.7 and IPython 7.34 (what
Google Colab ships) as well as with ipywidgets 8. The book build sets ``GCDG_WIDGETS=static`` (no widget
is built at all) and its ``_config.yml`` tells myst-nb to drop widget views, so the rendered pages show
the static HTML. ``ipywidgets`` is imported only when a widget is actually built.

The views hold no audio, model or analysis logic of their own: clips come from :mod:`gcdg_lite.data`,
players and spectrograms from :mod:`gcdg_lite.audio`, generated sound from a :class:`gcdg_lite.train.Run`
(``Run.generate``, ``Run.latent``), latent directions from :func:`gcdg_lite.metrics.latent_directions`.
"""
from __future__ import annotations

import base64
import html
import io
import os
import time
from typing import Any, Callable, Sequence

import numpy as np

from . import public as _public
from .defaults import SAMPLES, SR
from .errors import ConfigError

__all__ = _public(__name__)


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: environment variable; ``static`` forces the static views (set by the book build)
STATIC_ENV = "GCDG_WIDGETS"


# ----------------------------------------------------------------------------- small renderers
def spectrogram_png(clip: np.ndarray, sr: int = SR, title: str | None = None,
                    size: tuple[float, float] = (6.0, 3.0), dpi: int = 80) -> bytes:
    """PNG bytes of a clip's spectrogram for a widget's image (:func:`gcdg_lite.audio.spectrogram_png`).

    Args:
        clip: mono audio ``(samples,)`` float32 in [-1, 1].
        sr: sample rate in Hz (default 16000).
        title: optional title drawn in the picture.
        size: figure size in inches (width, height) (default 6 x 3, a widget's width); dpi: dots per
            inch (default 80).
    """
    from . import audio

    return audio.spectrogram_png(clip, sr, title=title, size=size, dpi=dpi, font_pt=9.0)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _img_html(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%"/>'


def _player(clip: np.ndarray, sr: int):
    """``gcdg_lite.audio.play(clip, sr)``: an ``IPython.display.Audio`` (WAV bytes in ``.data``)."""
    from . import audio

    return audio.play(np.asarray(clip, np.float32).reshape(-1), sr)


def audio_html(clip: np.ndarray, sr: int = SR) -> str:
    """An ``<audio controls>`` element with the clip embedded as a base64 WAV (static fallback)."""
    return _player(clip, sr)._repr_html_()


def _cards(clips: Sequence[np.ndarray], sr: int, titles: Sequence[str], notes: Sequence[str] | None = None) -> str:
    """The static views' clips: :func:`gcdg_lite.audio.clip_cards` (a grid of spectrogram + player cards)."""
    from . import audio

    return audio.clip_cards(list(clips), list(titles), sr, notes=None if notes is None else list(notes))


def widgets_available() -> bool:
    """True inside an IPython kernel with ``ipywidgets`` installed (a front end may show widgets).

    ``GCDG_WIDGETS=static`` in the environment forces the static views; the book build sets it (see
    ``book/_ext/gcdg_book.py``), because a rendered page cannot run a live widget.
    """
    if os.environ.get(STATIC_ENV, "").strip().lower() == "static":
        return False
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or getattr(shell, "kernel", None) is None:
            return False
        import ipywidgets  # noqa: F401
    except Exception:
        return False
    return True


# ----------------------------------------------------------------------------- the View protocol
class View:
    """Base of every view: a lazily built ipywidget plus a static HTML fallback.

    Subclasses implement :meth:`_build` (the ipywidget) and :meth:`static_html`.
    ``_repr_mimebundle_`` returns ``text/plain``, ``text/html`` (the static fallback) and, where a
    kernel can drive widgets, the widget view.
    """

    title = "view"

    def __init__(self) -> None:
        self._widget = None

    def widget(self):
        """The ipywidget (built once). Raises ``ConfigError`` if ``ipywidgets`` is not installed."""
        if self._widget is None:
            try:
                import ipywidgets  # noqa: F401
            except ImportError:
                raise ConfigError("ipywidgets is not installed; `pip install ipywidgets` for interactive "
                                  "views (the static view works without it)") from None
            self._widget = self._build()
        return self._widget

    def _build(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def static_html(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        data: dict[str, Any] = {"text/plain": repr(self), "text/html": self.static_html()}
        if widgets_available():
            try:
                view = widget_view(self.widget())
                if view is not None:
                    data[WIDGET_MIME] = view
            except Exception:  # a widget problem must never hide the static view
                pass
        return data

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title}>"


def widget_view(widget) -> dict[str, Any] | None:
    """The ``application/vnd.jupyter.widget-view+json`` entry that shows ``widget`` (``None``: no view).

    ipywidgets 8 returns it from ``widget._repr_mimebundle_()``. ipywidgets 7 (7.7.1 on Google Colab)
    has no such method — it displays itself through ``_ipython_display_`` — so the entry is built the
    way 7.x builds it: protocol version 2.0 and the widget's model id.
    """
    if hasattr(widget, "_repr_mimebundle_"):  # ipywidgets >= 8
        return (widget._repr_mimebundle_() or {}).get(WIDGET_MIME)
    if getattr(widget, "_view_name", None) is None:
        return None
    return {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}


def _box(title: str, body: str) -> str:
    return (f'<div class="gcdg-view" style="border:1px solid #ddd;border-radius:4px;padding:6px;'
            f'margin:4px 0"><div style="font-weight:bold">{html.escape(title)}</div>{body}</div>')


# ----------------------------------------------------------------------------- dataset browser
class DatasetBrowser(View):
    """Texture drop-down and clip selector → player and spectrogram (see :func:`dataset_browser`)."""

    def __init__(self, textures: Sequence[str], n: int, sr: int, samples: int, seed: int) -> None:
        super().__init__()
        from .data import list_textures

        described = dict(list_textures())
        unknown = [t for t in textures if t not in described]
        if unknown:
            raise ConfigError(f"dataset_browser(textures=...): unknown texture(s) {', '.join(map(repr, unknown))}; "
                              f"choose from {', '.join(described)}")
        if not textures:
            raise ConfigError("dataset_browser(textures=[]): give at least one texture name")
        if int(n) < 1:
            raise ConfigError(f"dataset_browser(n={n!r}): n must be at least 1")
        self.textures, self.descriptions = list(textures), described
        self.n, self.sr, self.samples, self.seed = int(n), int(sr), int(samples), int(seed)
        self._clips: dict[str, np.ndarray] = {}
        self.title = f"built-in textures ({len(self.textures)}), {self.n} clip(s) each, seed {self.seed}"

    def clips(self, name: str) -> np.ndarray:
        """The ``n`` clips ``(n, samples)`` of texture ``name`` (generated once, then cached)."""
        if name not in self._clips:
            from .data import texture

            self._clips[name] = texture(name, n=self.n, seed=self.seed, sr=self.sr, samples=self.samples)
        return self._clips[name]

    def static_html(self) -> str:
        cards = _cards([self.clips(name)[0] for name in self.textures], self.sr, self.textures,
                       [self.descriptions[name] for name in self.textures])
        note = ("<p><i>Static view (first clip of each texture). Run the notebook to browse all "
                f"{self.n} clip(s) of each texture interactively.</i></p>")
        return _box(self.title, note + cards)

    def _build(self):
        import ipywidgets as W

        choose = W.Dropdown(options=self.textures, value=self.textures[0], description="texture")
        index = W.IntSlider(value=0, min=0, max=self.n - 1, description="clip", disabled=self.n == 1)
        about = W.HTML()
        player = W.Audio(format="wav", autoplay=False, controls=True)
        image = W.Image(format="png")

        def show(_=None) -> None:
            clip = self.clips(choose.value)[index.value]
            about.value = f"<i>{html.escape(self.descriptions[choose.value])}</i>"
            player.value = _player(clip, self.sr).data
            image.value = spectrogram_png(clip, self.sr, title=f"{choose.value} #{index.value}", size=(6, 3))

        choose.observe(show, names="value")
        index.observe(show, names="value")
        show()
        return W.VBox([W.HBox([choose, index]), about, player, image])


def dataset_browser(textures: Sequence[str] | None = None, n: int = 3, sr: int = SR, samples: int = SAMPLES,
                    seed: int = 0) -> DatasetBrowser:
    """Browse the built-in corpus: texture drop-down → audio player + spectrogram.

    Notebook: 01_background.ipynb.

    Args:
        textures: texture names (default: every one of ``gcdg_lite.data.list_textures()``).
        n: clips per texture (default 3), drawn with ``gcdg_lite.data.texture``.
        sr: sample rate in Hz (default 16000).
        samples: clip length in samples (default 16384, about 1 s).
        seed: corpus seed (default 0); the same seed gives the same clips.

    Returns:
        a :class:`View`; display it (last line of a cell). The static fallback shows the first clip of
        every texture.

    Raises:
        ConfigError: unknown texture names or ``n < 1``.
    """
    if textures is None:
        from .data import list_textures

        textures = [name for name, _ in list_textures()]
    elif isinstance(textures, str):
        textures = [textures]
    return DatasetBrowser(list(textures), n, sr, samples, seed)


# ----------------------------------------------------------------------------- latent explorer
def _resolve_generator(source: Any, sr: int | None, to_audio: Callable | None
                       ) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[int, int], np.ndarray], int, int]:
    """``(generate(z) -> audio (n, samples), latent(n, seed) -> z, noise_dim, sr)`` for a Run or a model.

    A :class:`gcdg_lite.train.Run` makes its own audio (``Run.generate``, which inverts a SpecGAN's
    spectrograms) and its own latents (``Run.latent``); a bare Keras generator of waveforms is called
    and clipped to [-1, 1], one of spectrograms needs ``to_audio``.
    """
    if hasattr(source, "generate") and hasattr(source, "latent"):  # a gcdg_lite.train.Run
        if to_audio is not None:
            raise ConfigError("latent_explorer(to_audio=...): a Run makes its own audio (Run.generate); "
                              "give to_audio only with a bare Keras generator")
        return source.generate, source.latent, int(source.noise_dim), int(sr or source.sr)
    if not callable(source) or not hasattr(source, "input_shape"):
        raise ConfigError("latent_explorer(run_or_generator=...): pass a gcdg_lite.train.Run "
                          "(e.g. the result of fit) or a Keras generator model")
    from .train import latent

    noise_dim = int(source.input_shape[-1])
    if to_audio is None and len(getattr(source, "output_shape", ()) or ()) == 4:
        raise ConfigError("latent_explorer: this generator makes spectrograms; pass the Run instead "
                          "(it knows how to turn them into audio) or give to_audio=")

    def generate(z: np.ndarray) -> np.ndarray:
        out = np.asarray(source(np.asarray(z, np.float32), training=False), np.float32)
        if to_audio is not None:
            return np.asarray(to_audio(out), np.float32).reshape(len(z), -1)
        return np.clip(out.reshape(len(z), -1), -1.0, 1.0)

    return generate, (lambda n, seed: latent(n, seed, noise_dim)), noise_dim, int(sr or 16000)


class LatentExplorer(View):
    """Sliders over latent directions → regenerated audio and spectrogram (see :func:`latent_explorer`)."""

    def __init__(self, source: Any, n_directions: int, seed: int, span: float, method: str,
                 sr: int | None, to_audio: Callable | None, n_probe: int) -> None:
        super().__init__()
        self.generate, self.latent, self.noise_dim, self.sr = _resolve_generator(source, sr, to_audio)
        if not float(span) > 0:
            raise ConfigError(f"latent_explorer(span={span!r}): span must be positive")
        self.span, self.seed, self.method = float(span), int(seed), method
        if not 1 <= int(n_directions) <= self.noise_dim:
            raise ConfigError(f"latent_explorer(n_directions={n_directions}): choose between 1 and "
                              f"noise_dim={self.noise_dim}")
        if method not in ("pca", "random"):
            raise ConfigError(f"latent_explorer(method={method!r}): use 'pca' or 'random'")
        from .metrics.latent import latent_directions

        self.z0 = np.asarray(self.latent(1, self.seed), np.float32)[0]
        self.directions = latent_directions(self.generate, self.latent, int(n_directions), method, self.seed,
                                            n_probe)
        self.title = (f"latent explorer: {len(self.directions)} {method} direction(s) around the latent of "
                      f"seed {self.seed}")

    def point(self, amounts: Sequence[float]) -> np.ndarray:
        """The latent vector ``z0 + sum_k amounts[k] * direction_k`` ``(noise_dim,)``."""
        a = np.asarray(amounts, np.float32).reshape(-1)
        if len(a) != len(self.directions):
            raise ConfigError(f"give {len(self.directions)} amounts, one per direction; got {len(a)}")
        return self.z0 + a @ self.directions

    def static_html(self) -> str:
        k = len(self.directions)
        offsets = (-self.span, 0.0, self.span)
        grid = [[0.0] * k if o == 0 else [o * (i == d) for i in range(k)] for d in range(k) for o in offsets]
        audio = self.generate(np.stack([self.point(a) for a in grid]))
        titles = [f"direction {d + 1}: {o:+.1f}" for d in range(k) for o in offsets]
        note = ("<p><i>Static view: each row moves the latent vector along one direction, to "
                f"&minus;{self.span:g}, 0 and +{self.span:g}. Run the notebook to use the sliders.</i></p>")
        return _box(self.title, note + _cards(audio, self.sr, titles))

    def _build(self):
        import ipywidgets as W

        sliders = [W.FloatSlider(value=0.0, min=-self.span, max=self.span, step=self.span / 12,
                                 description=f"dir {i + 1}", continuous_update=False)
                   for i in range(len(self.directions))]
        player = W.Audio(format="wav", autoplay=False, controls=True)
        image = W.Image(format="png")

        def show(_=None) -> None:
            clip = self.generate(self.point([s.value for s in sliders])[None])[0]
            player.value = _player(clip, self.sr).data
            image.value = spectrogram_png(clip, self.sr, size=(6, 3))

        for s in sliders:
            s.observe(show, names="value")
        show()
        return W.VBox([W.HTML(f"<b>{html.escape(self.title)}</b>"), *sliders, player, image])


def latent_explorer(run_or_generator: Any, n_directions: int = 3, seed: int = 0, span: float = 3.0,
                    method: str = "pca", sr: int | None = None, to_audio: Callable | None = None,
                    n_probe: int = 32) -> LatentExplorer:
    """Sliders that move a generator's latent vector along a few directions.

    Notebook: 06_faq.ipynb.

    Args:
        run_or_generator: a :class:`gcdg_lite.train.Run` (from ``fit`` or ``load_run``; its
            ``.latent``/``.generate`` are used, so specgan runs are inverted to audio for you), or a Keras
            generator that maps ``(n, noise_dim)`` to waveforms ``(n, samples)``.
        n_directions: number of sliders (default 3).
        seed: seed of the starting latent vector and of the directions (default 0).
        span: each slider runs from ``-span`` to ``+span`` (default 3.0, in units of the latent's
            standard deviation).
        method: ``"pca"`` (default: directions along which the generated spectra vary most) or
            ``"random"`` (random orthonormal directions); see :func:`gcdg_lite.metrics.latent_directions`.
        sr: sample rate in Hz (default: the run's, else 16000).
        to_audio: with a bare Keras generator only: a function from its outputs to audio ``(n, samples)``
            (a Run turns its outputs into audio itself).
        n_probe: generated clips used to find the ``"pca"`` directions (default 32).

    Returns:
        a :class:`View`. The static fallback shows each direction at ``-span``, 0 and ``+span``.
    """
    return LatentExplorer(run_or_generator, n_directions, seed, span, method, sr, to_audio, n_probe)


# ----------------------------------------------------------------------------- live training view
class LiveView(View):
    """A training callback ``view(step, row, run)`` that shows loss curves and the latest sample.

    Pass it to :func:`gcdg_lite.train.fit` — ``fit(data, config, callbacks=[view])``. At most every
    ``min_interval_s`` seconds (and at the last callback of the run) it redraws: the loss curves of the
    whole history so far and ``n_samples`` clips from fixed latent points (``run.sample(n, seed)``), so you
    hear the same "voice" improve. Where a kernel drives widgets the widget updates in place; the static
    output of the cell (what the rendered book shows) is updated too, so it ends with the final state.
    """

    def __init__(self, metrics: Sequence[str], n_samples: int, seed: int, min_interval_s: float) -> None:
        super().__init__()
        self.metrics, self.n_samples, self.seed = tuple(metrics), int(n_samples), int(seed)
        self.min_interval_s = float(min_interval_s)
        self.rows: list[dict] = []
        self.clips: np.ndarray | None = None
        self.sr = SR
        self.step = 0
        self.updates = 0
        self._last = -np.inf
        self._handle = None
        self._curves: bytes | None = None
        self._samples: list = []
        self._cards = ""
        self.title = "training: waiting for the first step"

    # -- the callback -------------------------------------------------------------------------
    def __call__(self, step: int, row: dict | None = None, run: Any = None) -> None:
        self.step = int(step)
        if run is not None and getattr(run, "history", None) is not None:
            self.rows = list(run.history)
        elif row is not None:
            self.rows.append(dict(row, step=int(step)))
        last_call = run is not None and hasattr(run, "config") and \
            self.step + int(getattr(run.config, "callback_every", 1)) > int(getattr(run.config, "steps", 0))
        if time.monotonic() - self._last < self.min_interval_s and not last_call:
            return
        self.update(run)

    def update(self, run: Any = None) -> None:
        """Redraw now: new sample clips from ``run`` (if given), curves, widget and cell output."""
        self._last = time.monotonic()
        self.updates += 1
        if run is not None and hasattr(run, "sample") and self.n_samples > 0:
            self.sr = int(getattr(run, "sr", self.sr))
            self.clips = np.asarray(run.sample(self.n_samples, self.seed), np.float32)
        total = getattr(getattr(run, "config", None), "steps", None)
        self.title = f"training: step {self.step}" + (f" of {total}" if total else "")
        # render once; the static HTML and the widget share the pictures and sounds
        self._curves = self.curves_png() if self.rows else None
        clips = list(self.clips) if self.clips is not None else []
        self._samples = [(_player(c, self.sr), spectrogram_png(c, self.sr, title=f"sample {i + 1}"))
                         for i, c in enumerate(clips)]
        self._cards = _cards(clips, self.sr, [f"sample {i + 1}" for i in range(len(clips))]) if clips else ""
        if self._widget is not None:
            self._refresh_widget()
        self._redisplay()

    # -- rendering ---------------------------------------------------------------------------------
    def curves_png(self, size: tuple[float, float] = (6.0, 2.6), dpi: int = 80) -> bytes:
        """PNG of the recorded metrics against the step."""
        from matplotlib.figure import Figure

        from .train.history import plot_history

        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        ax = fig.add_subplot()
        plot_history(self.rows, panels=[tuple(self.metrics)], axes=[ax])
        ax.set_ylabel("value")
        return _png(fig)

    def static_html(self) -> str:
        if self._curves is None and self.rows:
            self._curves = self.curves_png()
        if self._curves is None:
            return _box(self.title, "<p><i>No training step recorded yet.</i></p>")
        body = _img_html(self._curves, "training curves")
        if self._cards:
            body += f"<p>Latest samples (fixed latent points, step {self.step}):</p>{self._cards}"
        return _box(self.title, body)

    def _build(self):
        import ipywidgets as W

        self._w_title, self._w_curves = W.HTML(), W.Image(format="png")
        self._w_players = W.HBox()
        self._refresh_widget()
        return W.VBox([self._w_title, self._w_curves, self._w_players])

    def _refresh_widget(self) -> None:
        import ipywidgets as W

        self._w_title.value = f"<b>{html.escape(self.title)}</b>"
        if self._curves is not None:
            self._w_curves.value = self._curves
        boxes = list(self._w_players.children)
        if len(boxes) != len(self._samples):  # first time (or n changed): new players, old ones closed
            for box in boxes:
                for child in box.children:
                    child.close()
                box.close()
            boxes = [W.VBox([W.Audio(format="wav", autoplay=False), W.Image(format="png")]) for _ in self._samples]
            self._w_players.children = boxes
        for box, (player, png) in zip(boxes, self._samples):  # update in place: no new widgets per redraw
            box.children[0].value = player.data
            box.children[1].value = png

    def _redisplay(self) -> None:
        """Show this view in the running cell (first time) or update that output in place."""
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        if get_ipython() is None:
            return
        if self._handle is None:
            self._handle = display(self, display_id=True)
        else:
            self._handle.update(self)


def live_view(metrics: Sequence[str] = ("loss_g", "loss_d"), n_samples: int = 1, seed: int = 0,
              min_interval_s: float = 2.0) -> LiveView:
    """A live training view to pass to ``fit(..., callbacks=[view])``.

    Notebook: 04_code_example.ipynb.

    Args:
        metrics: history columns to plot (default the two losses; see ``gcdg_lite.train.HISTORY_COLUMNS``,
            e.g. ``"d_real"``, ``"d_fake"``, ``"grad_norm_g"``).
        n_samples: clips generated at each redraw, from fixed latent points (default 1; 0 = none).
        seed: latent seed of those clips (default 0).
        min_interval_s: redraw at most this often, in seconds of wall time (default 2.0); the last
            callback of a run always redraws.

    Returns:
        a :class:`LiveView`; display it again after training (``view``) to show the final state.
    """
    return LiveView(metrics, n_samples, seed, min_interval_s)
