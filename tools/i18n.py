#!/usr/bin/env python3
"""The Chinese edition of the book (issue 26): gettext catalogs in ``locale/zh_CN/LC_MESSAGES/``.

Usage (from the repository root)::

    python tools/i18n.py update   # after changing prose: extract the messages, update the catalogs
    python tools/i18n.py build    # the Chinese edition into _build/html/zh_CN/ (after the English build)
    python tools/i18n.py check    # every message translated, none fuzzy, numbers/code/maths/links kept

``update`` runs Sphinx's gettext builder on the sources with notebook execution off (so only the prose of
the pages and of the notebooks' markdown cells is extracted, never a cell's output) into ``_build/gettext``,
then ``sphinx-intl update``: translations are kept, a changed message becomes fuzzy, a new one empty.

``build`` executes no notebook: it stages the sources in ``_build/zh_CN_source/`` with each chapter replaced by
its executed copy from the English build (``_build/jupyter_execute/notebooks/``, refused when its cells are not
those of the chapter), and builds that with ``language=zh_CN`` and ``nb_execution_mode=off`` and the English
build's strictness (``-W -n --keep-going``) into ``_build/html/zh_CN/``. ``update`` and ``check`` leave the
English build's executed chapters alone (their Sphinx runs in a temporary folder).

``check`` extracts the messages afresh (into a temporary folder) and checks the catalogs against them
(:func:`catalog_problems`); ``tests/test_translation.py`` runs the same check.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_CN"
LOCALE = "locale"
#: the book's own sources besides the chapters: copied into the staged sources of the Chinese build (so the
#: catalogs Sphinx compiles there, ``.mo``, stay out of the repository); every other top-level entry but
#: ``_build`` and the chapters' folder is linked there (a page may include a file of the package)
BOOK_FILES = ("_config.yml", "_toc.yml", "book", LOCALE)
NOT_STAGED = ("_build", "notebooks", ".git")

# --- the rules a translation keeps (the translators' checker) --------------------------------------------------
CODE = re.compile(r"``.+?``|`[^`\n]+`")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
LINK = re.compile(r"\]\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
NUM = re.compile(r"(?<![\w.])[-−]?\d+(?:[.,]\d+)*")
#: the one change a link target may make: a chapter's Colab badge opens the Chinese Colab copy
COLAB_ZH = ("/colab/zh_CN/", "/colab/")


#: the Chinese edition's configuration, over the book's ``_config.yml``: the texts that come from the
#: configuration rather than from a page (the title, the search box, the footer)
CHINESE_CONFIG = {
    "language": LANGUAGE,
    "nb_execution_mode": "off",
    # myst-nb's toggle of a hidden code cell ("Show code cell source"); the chapters hide inputs only
    "nb_code_prompt_show": "显示代码",
    "nb_code_prompt_hide": "隐藏代码",
    "html_title": "GAN 语音与音频纹理：细读 GCDG",
    "html_theme_options": {
        "search_bar_text": "搜索本书……",
        "extra_footer": "由 Jupyter Book 构建。各章中的数字都在构建本书时算出；标注“页外测得”的数字除外，"
                        "它们引自 bench/README.md，并附有得出它们的命令。",
    },
}


class I18nError(RuntimeError):
    """A problem with the inputs of a step, in one line that names the file or folder."""


def tokens(text: str) -> dict[str, Counter]:
    """What a translation must keep of ``text``: its inline code spans, maths spans, link targets and
    numbers (each a multiset; the code spans are taken out before the maths, the maths before the links,
    and all three before the numbers, so a digit inside code counts as code only)."""
    code = CODE.findall(text)
    rest = CODE.sub(" ", text)
    math = MATH.findall(rest)
    rest = MATH.sub(" ", rest)
    links = [target.replace(*COLAB_ZH) for target in LINK.findall(rest)]
    rest = LINK.sub("] ", rest)
    numbers = [n.replace("−", "-") for n in NUM.findall(rest)]
    return {"code span": Counter(code), "math span": Counter(math), "link target": Counter(links),
            "number": Counter(numbers)}


def message_problems(msgid: str, msgstr: str, fuzzy: bool) -> list[str]:
    """What is wrong with one translation (empty when it is fine)."""
    if not msgstr:
        return ["untranslated"]
    problems = ["fuzzy"] if fuzzy else []
    source, target = tokens(msgid), tokens(msgstr)
    for kind, want in source.items():
        got = target[kind]
        if want != got:
            problems.append(f"{kind}s differ: missing {dict(want - got)} added {dict(got - want)}")
    return problems


def read_catalog(path: Path):
    """The babel catalog in ``path``; :class:`I18nError` naming the file when it does not parse."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with path.open("rb") as f:
            return read_po(f, abort_invalid=True)
    except (OSError, PoFileError, ValueError) as exc:
        raise I18nError(f"{path}: cannot read the catalog: {exc}") from exc


def translations(path: Path) -> dict[str, str]:
    """The translated, not fuzzy messages of the catalog at ``path`` (msgid -> msgstr); :class:`I18nError`
    naming the file when it does not parse (:func:`read_catalog`)."""
    return {m.id: m.string for m in read_catalog(path) if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def catalog_problems(templates: Path, catalogs: Path) -> list[str]:
    """Check the catalogs under ``catalogs`` (``locale/zh_CN/LC_MESSAGES``) against the message templates
    (``.pot``) of a fresh extraction under ``templates``: each template's catalog exists and holds each of its
    messages, translated, not fuzzy, with the numbers, code spans, maths spans and link targets of the source.
    Returns one line per problem, naming the catalog and the message."""
    pots = sorted(templates.rglob("*.pot"))
    if not pots:
        raise I18nError(f"{templates} holds no .pot file: the extraction wrote nothing")
    problems = own_catalog_problems(catalogs, {pot.relative_to(templates).with_suffix(".po") for pot in pots})
    for pot in pots:
        relative = pot.relative_to(templates).with_suffix(".po")
        po = catalogs / relative
        name = f"{LOCALE}/{LANGUAGE}/LC_MESSAGES/{relative.as_posix()}"
        if not po.is_file():
            problems.append(f"{name}: missing (run `python tools/i18n.py update`)")
            continue
        catalog = read_catalog(po)
        for message in read_catalog(pot):
            if not message.id:
                continue
            entry = catalog.get(message.id)
            if entry is None:
                problems.append(f"{name}: message missing (run `python tools/i18n.py update`): {message.id[:70]!r}")
                continue
            for problem in message_problems(entry.id, entry.string, entry.fuzzy):
                problems.append(f"{name}: {problem}: {message.id[:70]!r}")
    return problems


def own_catalog_problems(catalogs: Path, pages: set[Path]) -> list[str]:
    """The catalogs under ``catalogs`` that belong to no page (written by hand, e.g. the theme's labels in
    ``sphinx.po`` and ``booktheme.po``): each message translated, not fuzzy, its tokens kept."""
    problems = []
    for po in sorted(catalogs.rglob("*.po")):
        relative = po.relative_to(catalogs)
        if relative in pages:
            continue
        for message in read_catalog(po):
            if message.id:
                for problem in message_problems(message.id, message.string, message.fuzzy):
                    problems.append(f"{LOCALE}/{LANGUAGE}/LC_MESSAGES/{relative.as_posix()}: {problem}: "
                                    f"{message.id[:70]!r}")
    return problems


# --- Sphinx, through jupyter-book's configuration ------------------------------------------------------------

def sphinx(source: Path, out: Path, builder: str, overrides: dict, doctrees: Path, strict: bool) -> int:
    """Build ``source`` (a book: ``_config.yml`` + ``_toc.yml``) with Sphinx's ``builder`` into ``out``, with
    jupyter-book's configuration plus ``overrides``; ``strict`` is the English build's ``-W -n --keep-going``.
    Returns Sphinx's exit status.

    Sphinx runs in a child Python process (:func:`_run_sphinx`): sphinx-external-toc's set-up walks every object
    of its process (``gc.get_objects()``) and fails on a dead weak proxy, which a long-lived process such as a
    test session may hold."""
    job = {"source": str(source), "out": str(out), "builder": builder, "overrides": overrides,
           "doctrees": str(doctrees), "strict": strict}
    return subprocess.run([sys.executable, str(Path(__file__).resolve()), SPHINX_JOB, json.dumps(job)]).returncode


#: the first argument of the child process that :func:`sphinx` starts
SPHINX_JOB = "_sphinx-job"


def _run_sphinx(job: dict) -> int:
    """The child process of :func:`sphinx`: one Sphinx build described by ``job`` (its arguments, as JSON)."""
    from jupyter_book.sphinx import build_sphinx

    source, strict = Path(job["source"]), bool(job["strict"])
    overrides = {"external_toc_path": (source / "_toc.yml").as_posix(), "latex_individualpages": False,
                 **job["overrides"]}
    if strict:
        overrides["nitpicky"] = True
    result = build_sphinx(source, Path(job["out"]), noconfig=True, path_config=source / "_config.yml",
                          confoverrides=overrides, doctreedir=Path(job["doctrees"]), builder=job["builder"],
                          warningiserror=strict, keep_going=strict, freshenv=True, quiet=True)
    if isinstance(result, Exception):
        raise result
    return int(result or 0)


def extract(out: Path, root: Path = ROOT) -> Path:
    """Extract every prose message of the book into ``out`` (``.pot`` files, one per page), executing nothing
    (``nb_execution_mode=off``: the notebooks are read without outputs). Returns ``out``.

    Sphinx runs in a temporary folder: myst-nb writes the notebooks it reads to ``jupyter_execute/`` beside its
    output folder, which beside ``_build/gettext`` would overwrite the English build's executed chapters."""
    with tempfile.TemporaryDirectory(prefix="gcdg-gettext-") as tmp:
        built = Path(tmp) / "gettext"
        status = sphinx(root, built, "gettext", {"nb_execution_mode": "off"}, Path(tmp) / ".doctrees", strict=False)
        if status:
            raise I18nError(f"the gettext extraction of {root} failed (exit {status})")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(built, out)
    return out


def update(root: Path = ROOT) -> int:
    """``update``: extract into ``_build/gettext`` and merge into the catalogs with ``sphinx-intl update``."""
    templates = extract(root / "_build" / "gettext", root)
    command = [sys.executable, "-m", "sphinx_intl", "update", "-p", str(templates), "-l", LANGUAGE,
               "-d", str(root / LOCALE)]
    return subprocess.run(command, cwd=root).returncode


def executed_chapters(root: Path = ROOT) -> dict[Path, Path]:
    """Each chapter ``notebooks/NN_*.ipynb`` -> its executed copy written by the English build, checked to hold
    the chapter's own cells (same kinds and sources); :class:`I18nError` naming the file otherwise."""
    import nbformat

    executed = root / "_build" / "jupyter_execute" / "notebooks"
    pairs = {}
    for chapter in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        copy = executed / chapter.name
        if not copy.is_file():
            raise I18nError(f"{copy} is missing: build the English edition first "
                            "(`jupyter-book build . --warningiserror --nitpick --keep-going`)")
        mine, theirs = (nbformat.read(p, as_version=4).cells for p in (chapter, copy))
        if [(c.cell_type, c.source) for c in mine] != [(c.cell_type, c.source) for c in theirs]:
            raise I18nError(f"{copy} was executed from another version of {chapter.relative_to(root)}: "
                            "build the English edition again first")
        pairs[chapter] = copy
    if not pairs:
        raise I18nError(f"no chapter notebooks (NN_*.ipynb) in {root / 'notebooks'}")
    return pairs


def stage(root: Path, target: Path) -> Path:
    """Copy the book's sources into ``target`` with every chapter replaced by its executed copy
    (:func:`executed_chapters`), so that a build with execution off shows the English build's outputs."""
    chapters = executed_chapters(root)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for source in sorted(root.iterdir()):
        name = source.name
        if name in NOT_STAGED:
            continue
        if name not in BOOK_FILES:
            (target / name).symlink_to(source)
        elif source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
        else:
            shutil.copy2(source, target / name)
    (target / "notebooks").mkdir()
    for chapter, executed in chapters.items():
        shutil.copy2(executed, target / "notebooks" / chapter.name)
    return target


def replace_tree(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target``; a folder already there is removed only after the new one has taken
    its place (moved beside it first, then two renames), so a failed move leaves the previous one whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming, outgoing = target.with_name(target.name + ".new"), target.with_name(target.name + ".old")
    for leftover in (incoming, outgoing):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.move(str(new), str(incoming))
    if target.exists():
        target.rename(outgoing)
    incoming.rename(target)
    if outgoing.exists():
        shutil.rmtree(outgoing)


def build(root: Path = ROOT) -> int:
    """``build``: the Chinese edition into ``_build/html/zh_CN/`` from the staged sources; no notebook runs.

    Sphinx writes into ``_build/zh_CN_build/html`` (myst-nb puts the notebooks it reads in ``jupyter_execute/``
    beside its output folder, which must not be inside the English edition), then that folder is moved to
    ``_build/html/zh_CN``, where its language switch's ``../`` reaches the English edition."""
    staged = stage(root, root / "_build" / f"{LANGUAGE}_source")
    work = root / "_build" / f"{LANGUAGE}_build"
    status = sphinx(staged, work / "html", "html", CHINESE_CONFIG, work / ".doctrees", strict=True)
    out = root / "_build" / "html" / LANGUAGE
    replace_tree(work / "html", out)
    print(f"i18n: the {LANGUAGE} edition is in {out}" + (f", but its build failed (exit {status})" if status else ""))
    return status


def check(root: Path = ROOT) -> int:
    """``check``: the catalogs against a fresh extraction (into a temporary folder); print each problem."""
    with tempfile.TemporaryDirectory(prefix="gcdg-gettext-") as tmp:
        problems = catalog_problems(extract(Path(tmp) / "gettext", root), root / LOCALE / LANGUAGE / "LC_MESSAGES")
    for line in problems:
        print(line)
    print(f"i18n check: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [SPHINX_JOB]:
        return _run_sphinx(json.loads(argv[1]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "build", "check"),
                        help="update the catalogs, build the Chinese edition, or check the translations")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder (default: this repository)")
    args = parser.parse_args(argv)
    if not (args.root / "_config.yml").is_file():
        print(f"error: {args.root} holds no _config.yml (--root must be the book's folder)", file=sys.stderr)
        return 2
    try:
        return {"update": update, "build": build, "check": check}[args.command](args.root.resolve())
    except I18nError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
