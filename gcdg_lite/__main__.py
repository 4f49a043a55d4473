"""``python -m gcdg_lite ...`` — see :mod:`gcdg_lite.cli`."""
import sys

from .cli import main

sys.exit(main())
