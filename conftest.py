"""Test-session defaults: the ``ci`` budget for every notebook kernel nbval starts, quiet TensorFlow.

The README's test command sets ``GCDG_BUDGET=ci`` itself; this keeps a bare ``pytest`` from
accidentally running the notebooks at the (much slower) ``book`` budget.
"""
import os

os.environ.setdefault("GCDG_BUDGET", "ci")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
