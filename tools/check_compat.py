#!/usr/bin/env python3
"""Install gcdg_lite the way a Colab reader does, in fresh environments, and run the book there.

For each environment it builds a fresh virtual environment (``python3.11 -m venv``) and

1. installs the environment's preinstalled set (see :data:`ENVIRONMENTS`) together with what runs the
   checks (pytest, nbval, ipykernel), then records ``pip freeze``;
2. installs ``gcdg_lite`` by running the chapters' own set-up cell (from ``tools/sync_notebooks.py``) with
   ``GCDG_REPO_URL`` set to a copy of the working tree: a non-editable ``pip install <folder>``, exactly
   what a reader who uploads the repository gets (from GitHub the cell installs the same spec from git);
3. records ``pip freeze`` again: the check fails if any preinstalled package changed version or went
   away (on Colab that would fight the runtime's own TensorFlow or IPython);
4. runs the unit tests and the six chapters (nbval, ``--nbval-lax --nbval-current-env``) at
   ``GCDG_BUDGET=ci`` from a copy of the tree *without* ``gcdg_lite/``, so the installed package is the one
   tested, and the command line's ``train`` (a few steps on built-in data) and ``sample``.

Environments:

* ``oldest`` — every dependency at the lower bound ``pyproject.toml`` declares (the oldest allowed);
* ``colab`` — what a Google Colab runtime ships (TensorFlow 2.19.0, Keras 3.10.0, NumPy 2.0.2,
  IPython 7.34.0 as google-colab pins it, ipywidgets 7.7.1, ...);
* ``latest`` (not run by default) — the newest release of every dependency.

It prints a table (check x environment -> pass/FAIL and time) and writes it to ``tools/compat_table.md``.
Packages come from PyPI; nothing else is downloaded. On a 2-core CPU it takes about an hour (see the
table's footer for the last run's time)::

    python tools/check_compat.py                        # oldest and colab, in a temporary folder
    python tools/check_compat.py --env colab --dir /tmp/compat --keep
    python tools/check_compat.py --skip-tests           # install, notebooks and CLI only

Exit status 0 when every check of every environment passed, 1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import sync_notebooks  # noqa: E402  (tools/)

#: what a Google Colab runtime ships (checked against Colab's `pip freeze`, Python 3.11): the packages
#: gcdg_lite depends on, at the versions found there; google-colab pins IPython 7.34.0 and ipykernel 6.17.1
COLAB = ["tensorflow==2.19.0", "keras==3.10.0", "numpy==2.0.2", "scipy~=1.16.0", "librosa==0.11.0",
         "soundfile==0.13.1", "scikit-learn~=1.6.0", "matplotlib~=3.10.0", "ipywidgets==7.7.1",
         "ipython==7.34.0", "ipykernel==6.17.1", "tqdm==4.67.1", "PyYAML==6.0.2"]
#: what runs the checks; installed before the first `pip freeze`, so it counts as preinstalled
RUNNER = ["pytest>=7", "nbval>=0.10", "nbformat>=5", "ipykernel>=6"]
CHECKS = ["install", "preinstalled unchanged", "import", "unit tests", "notebooks", "cli train", "cli sample"]


def lower_bounds(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """``name==X`` for each ``name>=X`` in ``[project] dependencies``: the oldest allowed set.

    An upper bound (``,<Y``) is dropped and an environment marker (``; sys_platform == ...``) kept.
    """
    import tomllib

    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = []
    for dep in deps:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)\s*(?:,\s*<[^;]*)?(;.*)?", dep)
        if not m:
            raise SystemExit(f"error: pyproject.toml: dependency {dep!r} has no plain '>=' lower bound")
        pins.append(f"{m.group(1)}=={m.group(2)}{m.group(3) or ''}")
    return pins


def unpinned(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The dependencies' names only: pip picks the newest release of each."""
    return [re.split(r"[<>=~! ]", p, maxsplit=1)[0] for p in lower_bounds(pyproject)]


ENVIRONMENTS = {"oldest": lower_bounds, "colab": lambda: list(COLAB), "latest": unpinned}


@dataclass
class Result:
    ok: bool | None = None  # None: not run
    seconds: float = 0.0
    note: str = ""


@dataclass
class EnvReport:
    name: str
    results: dict[str, Result] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_freeze(text: str) -> dict[str, str]:
    """``{normalised name: version}`` from ``pip freeze`` output (``name @ url`` lines get the url)."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "==" in line:
            name, version = line.split("==", 1)
        elif " @ " in line:
            name, version = line.split(" @ ", 1)
        else:
            continue
        out[_norm(name)] = version.strip()
    return out


def freeze_diff(before: dict[str, str], after: dict[str, str]) -> tuple[list[str], list[str]]:
    """``(changed or removed preinstalled packages, added packages)`` as ``name old -> new`` strings."""
    changed = [f"{n} {v} -> {after.get(n, 'removed')}" for n, v in sorted(before.items()) if after.get(n) != v]
    added = [f"{n} {v}" for n, v in sorted(after.items()) if n not in before]
    return changed, added


def copy_tree(dest: Path, without: tuple[str, ...] = ()) -> Path:
    """Copy the working tree's files (tracked, and untracked ones git does not ignore) to ``dest``."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listing):
        if any(rel == w or rel.startswith(w + "/") for w in without):
            continue
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


class Env:
    """One fresh virtual environment and the log of what ran in it."""

    def __init__(self, name: str, folder: Path, python: str) -> None:
        self.name, self.folder = name, folder
        self.venv = folder / "venv"
        self.python = str(self.venv / "bin" / "python")
        self.base_python = python
        self.log = folder / "log.txt"

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        env.update(PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(self.venv),
                   GCDG_BUDGET="ci", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2", PIP_DISABLE_PIP_VERSION_CHECK="1",
                   PYTHONDONTWRITEBYTECODE="1")
        return env

    def run(self, args: list[str], cwd: Path | None = None, timeout: float = 3600,
            extra_env: dict[str, str] | None = None) -> tuple[bool, float, str]:
        """Run ``args``; append its output to the log; return ``(ok, seconds, output)``."""
        start = time.monotonic()
        with self.log.open("a", encoding="utf-8") as log:
            log.write(f"\n$ {' '.join(args)}\n")
            log.flush()
            try:
                done = subprocess.run(args, cwd=cwd or self.folder, env={**self.environ(), **(extra_env or {})},
                                      capture_output=True, text=True, timeout=timeout)
                out, ok = done.stdout + done.stderr, done.returncode == 0
            except subprocess.TimeoutExpired as exc:
                out = f"{exc.stdout or ''}{exc.stderr or ''}\nTIMEOUT after {timeout:.0f} s"
                out, ok = out if isinstance(out, str) else str(out), False
            out = "\n".join(line for line in out.splitlines() if "is ignored: it is neither a file nor" not in line)
            log.write(out + f"\n[exit {'ok' if ok else 'FAIL'}, {time.monotonic() - start:.0f} s]\n")
        return ok, time.monotonic() - start, out

    def pip(self, *args: str, timeout: float = 3600) -> tuple[bool, float, str]:
        return self.run([self.python, "-m", "pip", *args], timeout=timeout)

    def freeze(self) -> dict[str, str]:
        ok, _, out = self.pip("freeze", "--all")
        if not ok:
            raise RuntimeError(f"pip freeze failed in {self.venv}")
        return parse_freeze(out)


def _last_line(text: str, pattern: str = r"(\d+ (passed|failed)|error|Error|FAIL)") -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    hits = [line for line in lines if re.search(pattern, line)]
    return (hits or lines or [""])[-1][:160]


def _pytest_note(text: str) -> str:
    """pytest's summary line, and the ids of the tests that failed (their parameters left out)."""
    failed = sorted({re.sub(r"\[.*", "", m) for m in re.findall(r"^(?:FAILED|ERROR) (\S+)", text, re.M)})
    return _last_line(text) + (f"; failed: {', '.join(failed)}" if failed else "")


def check_env(name: str, folder: Path, python: str, skip_tests: bool) -> EnvReport:
    """Run every check of :data:`CHECKS` in a fresh environment ``name`` under ``folder``."""
    report = EnvReport(name)
    res = report.results
    start = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    env = Env(name, folder, python)
    print(f"[{name}] building {env.venv} (log: {env.log})", flush=True)
    subprocess.run([python, "-m", "venv", "--clear", str(env.venv)], check=True)
    env.pip("install", "-q", "--upgrade", "pip")
    preinstalled = ENVIRONMENTS[name]()
    # 1. the preinstalled set and the check runners, in one resolution (the runners must not move the pins)
    ok, secs, out = env.pip("install", "-q", *preinstalled, *RUNNER)
    res["install"] = Result(ok, secs, "" if ok else _last_line(out, r"ERROR|error"))
    if not ok:
        report.seconds = time.monotonic() - start
        return report
    before = env.freeze()
    # 2. gcdg_lite through the chapters' own set-up cell, from a copy of the working tree
    src = copy_tree(folder / "src")
    cell = folder / "setup_cell.py"
    url, _ = sync_notebooks.read_repository()
    cell.write_text(sync_notebooks.setup_cell_source(url), encoding="utf-8")
    ok, secs, out = env.run([env.python, str(cell)], extra_env={"GCDG_REPO_URL": str(src)}, timeout=3600)
    ok = ok and "installed gcdg_lite from" in out
    res["install"] = Result(ok, res["install"].seconds + secs,
                            "deps + gcdg_lite via the set-up cell" if ok else _last_line(out, r"."))
    after = env.freeze()
    report.changed, report.added = freeze_diff(before, after)
    res["preinstalled unchanged"] = Result(ok and not report.changed, 0.0,
                                           "; ".join(report.changed) or f"{len(report.added)} added")
    for dist in ("tensorflow", "keras", "numpy", "scipy", "librosa", "scikit-learn", "matplotlib", "ipywidgets",
                 "ipython", "ipykernel"):
        report.versions[dist] = after.get(_norm(dist), "-")
    if not ok:
        report.seconds = time.monotonic() - start
        return report
    # 3. the installed package (not the tree's) imports and accepts its dependencies
    tree = copy_tree(folder / "tree", without=("gcdg_lite",))
    ok, secs, out = env.run([env.python, "-c", "import gcdg_lite, gcdg_lite.compat as c; c.require(); "
                             "print(gcdg_lite.__file__)"], cwd=tree)
    res["import"] = Result(ok and "site-packages" in out, secs, _last_line(out, r"site-packages|Error"))
    # 4. unit tests and notebooks at the ci budget
    pytest = [env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env"]
    if not skip_tests:
        ok, secs, out = env.run([*pytest, "-o", "addopts=", "tests"], cwd=tree)
        res["unit tests"] = Result(ok, secs, _pytest_note(out))
    ok, secs, out = env.run([*pytest, "-o", "addopts=", "notebooks"], cwd=tree)
    res["notebooks"] = Result(ok, secs, _pytest_note(out))
    # 5. the command line, as a reader uses it
    ok, secs, out = env.run([env.python, "-m", "gcdg_lite", "train", "--data", "builtin:vowels", "--model", "specgan",
                             "--steps", "4", "--batch", "4", "--clips", "16", "--width", "4", "--ckpt-every", "2",
                             "--out", str(folder / "runs" / "cli"), "--quiet", "--overwrite"], cwd=folder)
    res["cli train"] = Result(ok, secs, _last_line(out, r"^(trained |error)"))
    ok, secs, out = env.run([env.python, "-m", "gcdg_lite", "sample", "--run", str(folder / "runs" / "cli"), "--n", "2",
                             "--seed", "0", "--out", str(folder / "samples")], cwd=folder)
    wavs = sorted((folder / "samples").glob("*.wav")) if (folder / "samples").is_dir() else []
    res["cli sample"] = Result(ok and len(wavs) == 2, secs,
                               f"{len(wavs)} WAV files" if ok else _last_line(out, r"^error"))
    report.seconds = time.monotonic() - start
    return report


def _cell(r: Result | None) -> str:
    if r is None or r.ok is None:
        return "not run"
    return f"{'pass' if r.ok else '**FAIL**'} ({r.seconds / 60:.1f} min)" if r.seconds >= 60 else \
        f"{'pass' if r.ok else '**FAIL**'} ({r.seconds:.0f} s)"


def table(reports: list[EnvReport], total_s: float, skip_tests: bool) -> str:
    """The markdown table of a run: checks x environments, versions, freeze diff, notes, time."""
    names = [r.name for r in reports]
    lines = [f"# Compatibility check ({datetime.now(timezone.utc):%Y-%m-%d}, `python tools/check_compat.py"
             f"{' --skip-tests' if skip_tests else ''}`)", "",
             "Fresh Python 3.11 virtual environments; gcdg_lite installed non-editably by the chapters' set-up "
             "cell; checks at `GCDG_BUDGET=ci`.", "",
             "| check | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for check in CHECKS:
        lines.append(f"| {check} | " + " | ".join(_cell(r.results.get(check)) for r in reports) + " |")
    lines.append("| **whole environment** | " + " | ".join(f"{r.seconds / 60:.1f} min" for r in reports) + " |")
    lines += ["", "Installed versions:", "", "| package | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for dist in (reports[0].versions if reports else {}):
        lines.append(f"| {dist} | " + " | ".join(r.versions.get(dist, "-") for r in reports) + " |")
    lines += [""]
    for r in reports:
        lines.append(f"- **{r.name}**: preinstalled packages changed by installing gcdg_lite: "
                     f"{', '.join(r.changed) or 'none'}; added: {', '.join(r.added) or 'none'}.")
        for check, res in r.results.items():
            if res.note and check not in ("preinstalled unchanged",):
                lines.append(f"  - {check}: {res.note}")
    lines += ["", f"Total time of the run: {total_s / 60:.1f} min."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", action="append", choices=sorted(ENVIRONMENTS),
                        help="environment to check (repeatable; default: oldest and colab)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="folder for the environments (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the environments afterwards")
    parser.add_argument("--python", default="python3.11", help="interpreter that creates the venvs (python3.11)")
    parser.add_argument("--skip-tests", action="store_true", help="skip the unit tests (install, notebooks, CLI only)")
    parser.add_argument("--table", type=Path, default=ROOT / "tools" / "compat_table.md",
                        help="where to write the table (default tools/compat_table.md; '-' = print only)")
    args = parser.parse_args(argv)
    if shutil.which(args.python) is None:
        print(f"error: {args.python} not found; give --python PATH of a Python 3.11 interpreter", file=sys.stderr)
        return 2
    names = args.env or ["oldest", "colab"]
    base = args.dir or Path(tempfile.mkdtemp(prefix="gcdg-compat-"))
    start = time.monotonic()
    reports = []
    try:
        for name in names:
            report = check_env(name, base / name, args.python, args.skip_tests)
            reports.append(report)
            print(f"[{name}] " + ", ".join(f"{c}: {_cell(report.results.get(c))}" for c in CHECKS), flush=True)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(base, ignore_errors=True)
    text = table(reports, time.monotonic() - start, args.skip_tests)
    print("\n" + text)
    if str(args.table) != "-":
        args.table.write_text(text, encoding="utf-8")
        print(f"wrote {args.table}")
    every = [r.results.get(c) for r in reports for c in CHECKS if not (args.skip_tests and c == "unit tests")]
    return 0 if all(r is not None and r.ok for r in every) else 1


if __name__ == "__main__":
    sys.exit(main())
