"""Sphinx extension of gcdg-book (loaded through ``sphinx.local_extensions`` in ``_config.yml``).

It runs inside the ``jupyter-book build`` process before any notebook is executed and sets
``GCDG_WIDGETS=static`` in that process's environment, which the notebook kernels inherit. The views of
``gcdg_lite.widgets`` then render only their static HTML fallback (spectrogram images and ``<audio>``
players): a rendered page cannot run a live widget anyway, and no widget state (which would double the
size of the page and pull widget JavaScript from a CDN) ends up in the book.
"""
from __future__ import annotations

import os


def setup(app):  # noqa: D103 - Sphinx entry point
    os.environ.setdefault("GCDG_WIDGETS", "static")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
