"""Which versions of its dependencies ``gcdg_lite`` needs, and one clear error when one is too old.

:data:`MINIMUM` holds the oldest version of each dependency with which every chapter notebook and the
test suite pass (measured by ``tools/check_compat.py``; its last table is ``tools/compat_table.md``).
``pyproject.toml`` declares the same lower bounds (``tests/test_compat.py`` keeps the two equal).

pip enforces those bounds when it installs ``gcdg_lite``, but an environment can still hold an older
version: a package installed with ``pip install --no-deps``, or downgraded afterwards. An older Keras
then fails deep inside model building with an error that does not say it is a version problem, so
:func:`require` checks the installed versions first (from package metadata, without importing any of
them) and raises one :class:`VersionError` that names each package and the ``pip install`` line to run.
``import gcdg_lite`` stays instant: the check runs the first time a name that needs TensorFlow, librosa
or the plotting stack is used (``gl.fit``, ``gl.data``, ...), and before every command of
``python -m gcdg_lite``.
"""
from __future__ import annotations

import re
from importlib import metadata

from . import public as _public
from .errors import GcdgError

__all__ = _public(__name__)


#: distribution name -> (oldest version that passes, what breaks with the versions before it)
MINIMUM: dict[str, tuple[str, str]] = {
    "tensorflow": ("2.16.1", "the first TensorFlow of the Keras 3 era"),
    "keras": ("3.5.0", "keras.config.dtype_policy and TF-trackable optimisers need 3.1, "
                       "Layer.add_weight(aggregation=...) in WaveGAN's phase shuffle needs 3.2, and "
                       "under tf.distribute.MirroredStrategy Keras 3.2-3.4 updated the weights differently "
                       "from one device (tests/test_multidevice.py; 3.5.0 passes, on TensorFlow 2.16.1)"),
    "numpy": ("1.26.0", ""),
    "scipy": ("1.11.1", ""),
    "librosa": ("0.10.2", "librosa.display before 0.10.2 fails with matplotlib 3.9 or later"),
    "soundfile": ("0.12.1", ""),
    "soxr": ("0.3.2", "resampling of the speech textures (librosa installs it too)"),
    "espeakng-loader": ("0.2.4", "the eSpeak NG 1.52 build the speech textures drive (Linux x86-64, Windows, "
                                 "macOS arm64 only; elsewhere those textures raise one DataError)"),
    "scikit-learn": ("1.3.0", ""),
    "matplotlib": ("3.7.0", ""),
    "ipywidgets": ("7.7.0", ""),
    "ipython": ("7.34.0", "the IPython that Google Colab pins"),
    "tqdm": ("4.64.0", ""),
    "PyYAML": ("6.0.1", ""),
}


class VersionError(GcdgError, ImportError):
    """An installed dependency is older than ``gcdg_lite`` needs (names it and the version to install)."""


def _release(version: str) -> tuple[int, ...]:
    """The numeric release part of a version string: ``"2.19.0rc1"`` -> ``(2, 19, 0)``."""
    m = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(p) for p in m.group(0).split(".")) if m else ()


def _older(version: str, minimum: str) -> bool:
    a, b = _release(version), _release(minimum)
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)) < b + (0,) * (width - len(b))


def installed_version(dist: str) -> str | None:
    """The installed version of distribution ``dist`` (e.g. ``"keras"``), or ``None`` if it is not installed.
    """
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def too_old(dists: "list[str] | tuple[str, ...] | None" = None) -> list[tuple[str, str, str, str]]:
    """``[(dist, installed, minimum, reason)]`` for each installed dependency older than :data:`MINIMUM`.

    Packages that are not installed are left out: importing them fails with its own clear message.
    """
    found = []
    for dist in dists or MINIMUM:
        minimum, reason = MINIMUM[dist]
        version = installed_version(dist)
        if version is not None and _older(version, minimum):
            found.append((dist, version, minimum, reason))
    return found


_CHECKED = False


def require(dists: "list[str] | tuple[str, ...] | None" = None) -> None:
    """Raise :class:`VersionError` when an installed dependency is older than ``gcdg_lite`` needs.

    Args:
        dists: distributions to check (default: every one of :data:`MINIMUM`). The full check runs
            once per process; later calls return at once.

    Raises:
        VersionError: one message naming every package that is too old, with the ``pip install``
            command that fixes it.
    """
    global _CHECKED
    if dists is None and _CHECKED:
        return
    old = too_old(dists)
    if old:
        what = "; ".join(f"{d} {v} is installed but {m} or newer is needed" + (f" ({r})" if r else "")
                         for d, v, m, r in old)
        fix = " ".join(f'"{d}>={m}"' for d, _, m, _ in old)
        raise VersionError(f"gcdg_lite needs newer packages: {what}. Install them with "
                           f"`pip install {fix}`, then restart the Python session (in Jupyter or Colab: "
                           "restart the kernel/runtime)")
    if dists is None:
        _CHECKED = True
