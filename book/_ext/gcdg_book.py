"""Sphinx extension of gcdg-book (loaded through ``sphinx.local_extensions`` in ``_config.yml``).

Its jobs:

1. It runs inside the ``jupyter-book build`` process before any notebook is executed and sets
   ``GCDG_WIDGETS=static`` in that process's environment, which the notebook kernels inherit. The views of
   ``gcdg_lite.widgets`` then render only their static HTML fallback (spectrogram images and ``<audio>``
   players): a rendered page cannot run a live widget anyway, and no widget state (which would double the
   size of the page and pull widget JavaScript from a CDN) ends up in the book.
2. It serves MathJax with the book, so that the formulas render offline (a classroom without internet):
   ``_config.yml`` points ``mathjax_path`` at ``_static/mathjax/MathJax.js`` (MathJax 2.7), and after an
   HTML build this extension copies MathJax's files there from the installed Python package
   ``jupyter-server-mathjax`` (pinned in requirements.txt). Nothing is downloaded at build time. Because
   MyST-Parser writes its "typeset only these elements" rule in MathJax 3's form, the rule is moved into
   the MathJax 2 configuration (``tex2jax.processClass``) and the MathJax 3 one is dropped.
3. It keeps the pages free of console errors and of requests that fail offline (``tools/check_html.py``
   checks both in headless Chromium): the chapters' "Open in Colab" badge image, which Colab serves from
   its own site, is drawn from a small SVG in ``_static/`` instead (the link is unchanged); an inline
   script written twice into a page (sphinx-thebe's ``const THEBE_JS_URL``: a SyntaxError the second
   time) is kept once; and the theme gets a valid default colour mode ("auto"; an empty one is logged as an
   error by the theme's script).
4. It points the theme's "launch on Colab" button of a chapter at the chapter's Colab copy,
   ``colab/NN_name.ipynb`` (written by ``tools/colab_copies.py``: the same code with the book's MyST made
   plain Markdown), rather than at ``notebooks/NN_name.ipynb``, whose MyST Colab would show raw; the
   chapters' own "Open in Colab" badges open the same copy (``tools/sync_notebooks.py``).
6. The two editions (issue 26; ``tools/i18n.py``): every page carries a language switch in the article's top
   bar, ``中文`` on an English page and ``English`` on a Chinese one, linking to the same page in the other
   edition (``zh_CN/<page>.html`` from ``_build/html/``, ``../<page>.html`` from ``_build/html/zh_CN/``), when
   the book has the Chinese catalogs; in the Chinese edition the Colab button opens ``colab/zh_CN/``, and the
   book's ``locale/zh_CN/LC_MESSAGES/booktheme.po`` translates the theme's labels that sphinx-book-theme's
   own catalog leaves English (``sphinx.po`` does the same for Sphinx's and pydata-sphinx-theme's); the
   table of contents' part captions, which sphinx-external-toc inserts after Sphinx has translated the page,
   are translated from the root page's catalog (:class:`TocCaptions`).
5. It resolves a chapter's glossary link ``[GANs](<#gan>)`` (the form that also reads in plain Jupyter) for
   every glossary term: MyST looks a ``#target`` up among the glossary's terms only in lower case, so an
   entry written with capitals (``GAN``, ``Griffin–Lim``, ``R1 regularisation``) would be "not found";
   :class:`GlossaryLinks` finds the term whatever its case, just before MyST's own resolver runs.
"""
from __future__ import annotations

import gettext
import os
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)

MATHJAX_DIR = "mathjax"  # folder under _static/ that receives MathJax's files
MATHJAX_PACKAGE = "jupyter_server_mathjax"
INSTALL_HINT = "pip install -r requirements.txt  (it pins jupyter-server-mathjax)"


def mathjax_source() -> Path:
    """Folder holding ``MathJax.js`` (2.7) of the installed ``jupyter-server-mathjax`` package.

    Raises ``ExtensionError`` with one line naming the package when it is not installed.
    """
    try:
        import jupyter_server_mathjax
    except ImportError as exc:
        raise ExtensionError(f"the book serves MathJax offline from the package jupyter-server-mathjax, "
                             f"which is not installed: {INSTALL_HINT}") from exc
    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (static / "MathJax.js").is_file():
        raise ExtensionError(f"{static} holds no MathJax.js: reinstall jupyter-server-mathjax ({INSTALL_HINT})")
    return static


def uses_local_mathjax(app: Sphinx) -> bool:
    """Whether ``mathjax_path`` is the copy served from ``_static/`` (not a URL)."""
    path = app.config.mathjax_path or ""
    return "://" not in path and path.split("?")[0].startswith(f"{MATHJAX_DIR}/")


def configure_mathjax2(app: Sphinx) -> None:
    """Builder-inited hook, after MyST-Parser's: keep MathJax 2 to the elements MyST marks as maths.

    MyST-Parser (``myst_update_mathjax``) marks each page's body ``tex2jax_ignore mathjax_ignore`` and
    sets ``mathjax3_config.options.processHtmlClass`` to the classes of its maths elements; MathJax 2
    reads the same rule as ``tex2jax.processClass``. The MathJax 3 configuration is then dropped, so the
    page holds one configuration and loads MathJax asynchronously.
    """
    if app.builder.format != "html" or not uses_local_mathjax(app):
        return
    mathjax_source()  # fail early, in one line, when the package is missing
    v3 = app.config.mathjax3_config or {}
    classes = (v3.get("options") or {}).get("processHtmlClass")
    v2 = dict(app.config.mathjax2_config or {})
    tex2jax = dict(v2.get("tex2jax") or {})
    if classes:
        tex2jax["processClass"] = classes
    tex2jax.setdefault("ignoreClass", "tex2jax_ignore|mathjax_ignore")
    v2["tex2jax"] = tex2jax
    app.config.mathjax2_config = v2
    app.config.mathjax3_config = None


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Build-finished hook: copy MathJax 2.7 (about 12 MB, with its STIX web fonts) to ``_static/mathjax``."""
    if exception is not None or app.builder.format != "html" or not uses_local_mathjax(app):
        return
    target = Path(app.outdir) / "_static" / MATHJAX_DIR
    shutil.copytree(mathjax_source(), target, dirs_exist_ok=True)
    logger.info(f"gcdg_book: MathJax served offline from {target}")


COLAB_BADGE_URL = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_BADGE = "colab-badge.svg"  # under _static/
COLAB_BADGE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="117" height="20" role="img"
 aria-label="Open in Colab"><title>Open in Colab</title>
<rect width="117" height="20" rx="3" fill="#555"/><rect x="24" width="93" height="20" rx="3" fill="#f9ab00"/>
<rect x="24" width="4" height="20" fill="#f9ab00"/>
<circle cx="9" cy="10" r="4.5" fill="none" stroke="#f9ab00" stroke-width="2.2"/>
<circle cx="16" cy="10" r="4.5" fill="none" stroke="#e8710a" stroke-width="2.2"/>
<text x="70" y="14" fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"
 text-anchor="middle">Open in Colab</text></svg>
"""


def set_theme_mode(app: Sphinx, config) -> None:
    """Config-inited hook: give the theme (pydata-sphinx-theme, under sphinx-book-theme) a valid default
    colour mode, ``html_context["default_mode"]``, unless the book sets one."""
    context = dict(config.html_context or {})
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
        config.html_context = context


INLINE_SCRIPT = re.compile(r"<script>(?P<body>[^<]*)</script>\n?")


def drop_repeated_scripts(html: str) -> str:
    """The page without the second and later copies of an identical inline ``<script>`` in its ``<head>`` (sphinx-thebe's
    ``const THEBE_JS_URL = ...`` is written twice into every page: a SyntaxError the second time)."""
    seen: set[str] = set()

    def once(match: re.Match) -> str:
        if match["body"] in seen:
            return ""
        seen.add(match["body"])
        return match[0]

    head, sep, rest = html.partition("</head>")  # the page's own scripts; cell outputs are left alone
    return INLINE_SCRIPT.sub(once, head) + sep + rest if sep else html


def clean_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Html-page-context hook: the Colab badge image from ``_static/``."""
    body = context.get("body")
    if isinstance(body, str) and COLAB_BADGE_URL in body:
        local = context["pathto"](f"_static/{COLAB_BADGE}", 1)
        context["body"] = body.replace(f'src="{COLAB_BADGE_URL}"', f'src="{local}"')


def clean_pages(app: Sphinx, exception: Exception | None) -> None:
    """Build-finished hook: each inline script once in every written page."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        cleaned = switch_in_same_tab(drop_repeated_scripts(text))
        if app.config.language == CHINESE:
            cleaned = chinese_theme_labels(cleaned)
        if cleaned != text:
            page.write_text(cleaned, encoding="utf-8")


def write_badge(app: Sphinx, exception: Exception | None) -> None:
    """Build-finished hook: the "Open in Colab" badge drawn by :func:`clean_page`'s image."""
    if exception is None and app.builder.format == "html":
        (Path(app.outdir) / "_static" / COLAB_BADGE).write_text(COLAB_BADGE_SVG, encoding="utf-8")


COLAB_COPY_DIR = "colab"  # tools/colab_copies.py writes the Colab copies there
#: the Chinese edition's language (tools/i18n.py builds it with ``language=zh_CN`` into ``_build/html/zh_CN/``);
#: its Colab copies are ``colab/zh_CN/NN_name.ipynb``
CHINESE = "zh_CN"
CHAPTER_IN_URL = re.compile(r"^(?P<head>https?://[^?#]*/github/[^?#]+/blob/[^/?#]+/(?:[^?#]*/)?)notebooks/"
                            r"(?P<name>[^/?#]+\.ipynb)$")


def colab_copy_url(url: str, language: str | None = None) -> str:
    """A Colab URL of a chapter notebook (``.../blob/BRANCH/[BOOK/]notebooks/NN.ipynb``) turned into the URL of
    its Colab copy (``.../blob/BRANCH/[BOOK/]colab/NN.ipynb``; in the Chinese edition, ``language="zh_CN"``,
    the Chinese copy ``colab/zh_CN/NN.ipynb``); any other URL unchanged."""
    folder = f"{COLAB_COPY_DIR}/{CHINESE}" if language == CHINESE else COLAB_COPY_DIR
    return CHAPTER_IN_URL.sub(lambda m: f"{m['head']}{folder}/{m['name']}", url)


def launch_colab_copy(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Html-page-context hook, after sphinx-book-theme's launch buttons (priority 501): the Colab button of
    a chapter page opens the chapter's Colab copy (:func:`colab_copy_url`)."""
    colab = ((app.config.html_theme_options or {}).get("launch_buttons") or {}).get("colab_url", "")
    if not colab or not pagename.startswith("notebooks/"):
        return
    stack = list(context.get("header_buttons") or [])
    while stack:
        button = stack.pop()
        if not isinstance(button, dict):
            continue
        stack.extend(button.get("buttons") or [])
        url = button.get("url")
        if isinstance(url, str) and url.startswith(colab.rstrip("/") + "/"):
            button["url"] = colab_copy_url(url, app.config.language)


#: each edition's language switch: the other edition's folder (relative to this edition's root), the link's
#: label and its tooltip (the English edition is at ``_build/html/``, the Chinese one at ``_build/html/zh_CN/``)
LANGUAGE_SWITCH = {"en": (CHINESE, "中文", "阅读本页的中文版"),
                   CHINESE: ("..", "English", "Read this page in English")}
SWITCH_LABEL = "language-switch"  # the button's class is btn-language-switch


def has_chinese_edition(app: Sphinx) -> bool:
    """Whether the book has the Chinese edition's catalogs (``LOCALE_DIR/zh_CN/LC_MESSAGES/`` holding a ``.po``
    for some page, under one of ``locale_dirs``): only then do its pages carry a language switch."""
    for folder in app.config.locale_dirs or []:
        messages = Path(app.srcdir, folder) / CHINESE / "LC_MESSAGES"
        if messages.is_dir() and any(messages.glob("*/*.po")):
            return True
    return False


def language_switch_target(language: str, pagename: str) -> str | None:
    """The same page in the other edition, relative to this edition's root (``zh_CN/notebooks/04_x.html`` from
    English, ``../notebooks/04_x.html`` from Chinese); None for a language with no other edition."""
    if language not in LANGUAGE_SWITCH:
        return None
    return f"{LANGUAGE_SWITCH[language][0]}/{pagename}.html"


def add_language_switch(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Html-page-context hook, after the theme's buttons: a link in the article's top bar to the same page in
    the other edition, labelled ``中文`` (English pages) or ``English`` (Chinese pages)."""
    target = language_switch_target(app.config.language or "en", pagename)
    if target is None or not has_chinese_edition(app) or "header_buttons" not in context:
        return
    _, text, tooltip = LANGUAGE_SWITCH[app.config.language or "en"]
    context["header_buttons"].append({"type": "link", "url": context["pathto"](target, 1), "text": text,
                                      "tooltip": tooltip, "icon": "fas fa-language", "label": SWITCH_LABEL})


SWITCH_TARGET = re.compile(rf'(<a href="[^"]*") target="_blank"(\s+class="btn btn-sm btn-{SWITCH_LABEL})')


#: labels that sphinx-book-theme writes into its templates without passing them through a catalog, as the
#: Chinese edition shows them (tooltips and screen-reader labels)
UNTRANSLATED_LABELS = {
    'title="Toggle primary sidebar"': 'title="显示或隐藏目录侧栏"',
    'title="Toggle secondary sidebar"': 'title="显示或隐藏本页内容侧栏"',
    '<nav class="bd-links bd-docs-nav" aria-label="Main">': '<nav class="bd-links bd-docs-nav" aria-label="全书目录">',
    '<nav aria-label="Page">': '<nav aria-label="本页">',
}


def chinese_theme_labels(html: str) -> str:
    """A page of the Chinese edition with the theme's untranslatable labels in Chinese (:data:`UNTRANSLATED_LABELS`)."""
    for english, chinese in UNTRANSLATED_LABELS.items():
        html = html.replace(english, chinese)
    return html


def switch_in_same_tab(html: str) -> str:
    """The language switch opens the other edition in the same tab (the theme opens every header link in a
    new one)."""
    return SWITCH_TARGET.sub(r"\1\2", html)


class _Labels(gettext.NullTranslations):
    """A translation read from a ``.po`` file (translated, not fuzzy messages), before a fallback."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        if message in self._messages:
            return self._messages[message]
        return self._fallback.gettext(message) if self._fallback else message


def read_labels(po: Path) -> dict[str, str]:
    """The translated, not fuzzy messages of the catalog ``po``; ``ExtensionError`` naming it if it is broken."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with po.open("rb") as f:
            catalog = read_po(f, abort_invalid=True)
    except (OSError, PoFileError, ValueError) as exc:
        raise ExtensionError(f"{po}: cannot read the theme's labels: {exc}") from exc
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def own_theme_labels(app: Sphinx) -> None:
    """Builder-inited hook: in the Chinese edition, the book's ``booktheme.po`` (under ``locale_dirs``) comes
    before sphinx-book-theme's own zh_CN catalog, which leaves some labels English and one Traditional
    (列印成 PDF). (The ``sphinx`` domain's ``sphinx.po`` needs nothing: Sphinx reads ``locale_dirs`` before its
    own and the themes' catalogs.)"""
    from sphinx import locale

    if app.config.language != CHINESE:
        return
    for folder in app.config.locale_dirs or []:
        po = Path(app.srcdir, folder) / CHINESE / "LC_MESSAGES" / "booktheme.po"
        if po.is_file():
            ours = _Labels(read_labels(po))
            theirs = locale.translators.get(("general", "booktheme"))
            if theirs is not None:
                ours.add_fallback(theirs)
            locale.translators[("general", "booktheme")] = ours
            return


class TocCaptions(SphinxTransform):
    """The captions of the table of contents (``_toc.yml``'s parts: "Getting started", "Foundations", ...) in the
    edition's language. sphinx-external-toc inserts the toctrees (priority 100) after Sphinx's own translation
    of the page (priority 20), so their captions, which the gettext builder extracts into the root page's
    catalog, would stay English; this looks them up in that catalog."""

    default_priority = 101  # after sphinx-external-toc's InsertToctrees (100)

    def apply(self, **kwargs) -> None:
        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain

        if not self.config.language or self.config.language == "en" or not self.config.locale_dirs:
            return
        toctrees = [node for node in self.document.findall(addnodes.toctree) if node.get("caption")]
        if not toctrees:
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [str(Path(self.env.srcdir, folder)) for folder in self.config.locale_dirs]
        catalog, found = init_locale(dirs, self.config.language, domain)
        if found:
            for node in toctrees:
                node["caption"] = catalog.gettext(node["caption"])


class GlossaryLinks(SphinxPostTransform):
    """``[text](<#term>)`` links to the glossary entry ``term``, whatever the entry's capitals."""

    default_priority = 8  # before MyST-Parser's MystReferenceResolver (9)

    def run(self, **kwargs) -> None:
        std = self.env.get_domain("std")
        terms = {name.lower(): place for (kind, name), place in std.objects.items() if kind == "term"}
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst" or node.get("refdomain") == "doc":
                continue
            place = terms.get(node["reftarget"].lower())
            if place is None or not node.children:
                continue
            content = node[0].deepcopy()
            if isinstance(content, nodes.Element):
                content["classes"] += ["std", "std-term"]
            docname, labelid = place
            node.replace_self(make_refnode(self.app.builder, node.get("refdoc", self.env.docname),
                                           docname, labelid, content))


STATIC = Path(__file__).with_name("static")  # the book's own style sheet (gcdg.css)


def setup(app: Sphinx):  # noqa: D103 - Sphinx entry point
    os.environ.setdefault("GCDG_WIDGETS", "static")
    app.connect("builder-inited", lambda app: app.config.html_static_path.append(str(STATIC)))
    app.add_css_file("gcdg.css")
    app.connect("builder-inited", configure_mathjax2, priority=900)  # after MyST-Parser's (500)
    app.connect("build-finished", copy_mathjax)
    app.connect("config-inited", set_theme_mode)
    app.connect("html-page-context", clean_page)
    app.connect("html-page-context", launch_colab_copy, priority=502)  # after the theme's buttons (501)
    app.connect("build-finished", write_badge)
    app.connect("build-finished", clean_pages)
    app.connect("html-page-context", add_language_switch, priority=503)
    app.connect("builder-inited", own_theme_labels)
    app.add_transform(TocCaptions)
    app.add_post_transform(GlossaryLinks)
    return {"version": "1.3", "parallel_read_safe": True, "parallel_write_safe": True}
