"""Render a module body from Markdown to sanitised HTML that only points inside its package.

Three stages:

1. python-markdown with the extensions the authoring guide promises;
2. nh3 (ammonia) with a tight allow-list, which parses the HTML the way a browser does and drops
   every tag, attribute and scheme-bearing URL it does not know to be safe;
3. a small html.parser pass over ammonia's well-formed output that resolves the remaining
   relative URLs against the module file, rewrites them to ``pkg:``/``module:`` form (or removes
   them), and gives block elements stable ids so the reader can restore a reading position.

``markdown`` and ``nh3`` are imported on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from stepcampus.errors import InputError, Problem
from stepcampus.render.frontmatter import read_text, split_front_matter

if TYPE_CHECKING:
    import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        # text structure
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "span",
        "ul", "ol", "li", "dl", "dt", "dd",
        "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
        "q", "cite", "abbr", "dfn", "kbd", "samp", "var", "code", "pre",
        # links, images, tables
        "a", "img", "figure", "figcaption",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start"},  # sane_lists emits it for lists that do not start at 1
}

# Dropped together with everything inside them: their content is code or foreign markup, never
# text a learner should see.
REMOVED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
        "textarea", "select", "title", "noembed", "noframes", "xmp",
    }
)  # fmt: skip

_EXTENSIONS = [
    "tables",
    "footnotes",
    "admonition",
    "attr_list",
    "toc",
    "def_list",
    "fenced_code",
    "sane_lists",
]
_EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "tables": {"use_align_attribute": True},  # the default emits style=, which we strip
    "toc": {"permalink": False, "marker": ""},  # no [TOC] expansion: the app draws the TOC
}

_VOID = frozenset({"br", "hr", "img", "wbr"})
# Besides every top-level block, these get ids wherever they are, so a position can be
# restored to a paragraph or list item inside a list, admonition or blockquote.
_ANCHORED_ANYWHERE = frozenset({"p", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6"})
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Browsers ignore tabs and newlines inside URLs and C0 controls/space around them.
_URL_IGNORED = str.maketrans("", "", "\t\n\r")
_URL_STRIP = "".join(chr(i) for i in range(0x21))


@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    id: str
    title: str  # plain text


@dataclass(frozen=True)
class Rendered:
    html: str  # sanitised
    toc: list[TocEntry] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # block ids in document order


@dataclass(frozen=True)
class RenderedModule:
    path: Path
    module_path: str  # posix, relative to the package root
    meta: dict[str, Any]
    body_line: int
    rendered: Rendered

    @property
    def html(self) -> str:
        return self.rendered.html

    @property
    def toc(self) -> list[TocEntry]:
        return self.rendered.toc

    @property
    def anchors(self) -> list[str]:
        return self.rendered.anchors


def render_markdown(
    body: str,
    *,
    module_path: str = "",
    package_files: frozenset[str] | None = None,
    link_modules: Mapping[str, str] | None = None,
) -> Rendered:
    """Render a module body to sanitised HTML.

    module_path: the module's posix path relative to the package root ("en/m.md"); relative
    URLs are resolved against it. package_files: posix paths of every file in the package;
    when given, links and images to anything else are removed. link_modules: package path of a
    module file -> module id; when given, it alone decides which ``.md`` links are module links
    (so a translation can link to a module that falls back to the default language).

    Kept URLs are ``#fragment``, ``pkg:PATH[#fragment]`` (PATH percent-encoded, relative to the
    package root) or ``module:ID[#fragment]``. A removed link keeps its text; a removed image
    becomes ``<span class="missing-image">ALT</span>``.
    """
    import markdown

    md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)
    raw = md.convert(body)
    clean = _cleaner().clean(raw)
    urls = _UrlPolicy(_base_dir(module_path), package_files, link_modules)
    out, ids, anchors = _rewrite(clean, urls)
    toc = [
        TocEntry(t["level"], t["id"], html.unescape(t["name"]))
        for t in _flatten(md.toc_tokens)
        if t["id"] in ids
    ]
    return Rendered(out, toc, anchors)


def render_module_file(path: Path, package_root: Path | None = None) -> RenderedModule:
    """Read, split and render one module file.

    With package_root, URLs may reach anything in the package and must name an existing file;
    without it, the module's own folder is treated as the package root.
    """
    source = str(path)
    front = split_front_matter(read_text(path), source)
    package_files: frozenset[str] | None = None
    if package_root is None:
        module_path = path.name
    else:
        root = package_root.resolve()
        try:
            module_path = path.resolve().relative_to(root).as_posix()
        except ValueError:
            raise InputError(
                Problem(source, None, f"the module is not inside the package root {package_root}")
            ) from None
        package_files = frozenset(_walk(root))
    rendered = render_markdown(front.body, module_path=module_path, package_files=package_files)
    return RenderedModule(path, module_path, front.meta, front.body_line, rendered)


@cache
def _cleaner() -> nh3.Cleaner:
    import nh3

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=None,
        # No scheme at all survives ammonia; relative URLs pass to _UrlPolicy, which also
        # rejects scheme-relative "//host" ones.
        url_schemes=set(),
        strip_comments=True,
    )


def _walk(root: Path) -> Iterator[str]:
    for folder, _dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        for name in files:
            yield name if rel == "." else f"{rel}/{name}"


def _flatten(tokens: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for token in tokens:
        yield token
        yield from _flatten(token["children"])


def _base_dir(module_path: str) -> tuple[str, ...]:
    parts = [p for p in posixpath.dirname(module_path).split("/") if p not in ("", ".")]
    if module_path.startswith("/") or ".." in parts:
        raise ValueError(f"module_path must be relative to the package root: {module_path!r}")
    return tuple(parts)


@dataclass(frozen=True)
class _UrlPolicy:
    base: tuple[str, ...]
    package_files: frozenset[str] | None
    link_modules: Mapping[str, str] | None

    def resolve(self, url: str, *, link: bool) -> str | None:
        """The rewritten URL, or None if it must go (remote, escaping, or missing)."""
        url = url.translate(_URL_IGNORED).strip(_URL_STRIP)
        if url.startswith("#"):
            return url
        # Any scheme, an absolute path or "//host" (backslashes count as slashes to browsers).
        if not url or _SCHEME.match(url) or url.startswith("/") or "\\" in url:
            return None
        path, _, fragment = url.partition("#")
        path = unquote(path.partition("?")[0])  # a query means nothing inside a package
        if not path or any(ord(c) < 0x20 or c == "\x7f" for c in path):
            return None
        if path.rsplit("/", 1)[-1] in ("", ".", ".."):
            return None  # a folder, not a file
        parts = list(self.base)
        for seg in path.split("/"):
            if seg == "..":
                if not parts:
                    return None  # escapes the package
                parts.pop()
            elif seg not in ("", "."):
                parts.append(seg)
        target = "/".join(parts)
        suffix = f"#{fragment}" if fragment else ""
        if link and target.lower().endswith(".md"):
            if self.link_modules is not None:
                module_id = self.link_modules.get(target)
            elif self.package_files is None or target in self.package_files:
                module_id = posixpath.splitext(parts[-1])[0]
            else:
                module_id = None
            return None if module_id is None else f"module:{quote(module_id)}{suffix}"
        if self.package_files is not None and target not in self.package_files:
            return None
        return f"pkg:{quote(target)}{suffix}"


class _Events(HTMLParser):
    """Collects ammonia's output as (kind, name-or-text, attrs) events."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, {}))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", data, {}))


def _rewrite(clean: str, urls: _UrlPolicy) -> tuple[str, set[str], list[str]]:
    """Apply the URL policy and add ids; returns html, all ids, and the anchor ids in order."""
    parser = _Events()
    parser.feed(clean)
    parser.close()
    # Generated ids must not collide with an author's id further down the page.
    taken = {a["id"] for kind, _, a in parser.events if kind == "start" and a.get("id")}
    seen: set[str] = set()
    counters: dict[str, int] = {}
    anchors: list[str] = []
    out: list[str] = []
    open_tags: list[bool] = []  # per open element: whether its end tag is written

    def new_id(prefix: str) -> str:
        n = counters.get(prefix, 0)
        while True:
            n += 1
            candidate = f"{prefix}-{n}"
            if candidate not in taken and candidate not in seen:
                counters[prefix] = n
                return candidate

    for kind, name, attrs in parser.events:
        if kind == "data":
            out.append(html.escape(name, quote=False))
            continue
        if kind == "end":
            if name not in _VOID and open_tags.pop():
                out.append(f"</{name}>")
            continue

        top_level = not open_tags
        if name == "a":
            href = urls.resolve(attrs["href"], link=True) if "href" in attrs else None
            if href is None:
                open_tags.append(False)  # unwrap: keep the text, drop the link
                continue
            attrs["href"] = href
        elif name == "img":
            src = urls.resolve(attrs["src"], link=False) if "src" in attrs else None
            if src is None:
                alt = html.escape(attrs.get("alt", ""), quote=False)
                out.append(f'<span class="missing-image">{alt}</span>')
                continue
            attrs["src"] = src

        ident = attrs.pop("id", "")
        if ident in seen:
            ident = ""
        if (top_level and name not in _VOID) or name in _ANCHORED_ANYWHERE:
            if not ident:
                is_admonition = name == "div" and "admonition" in attrs.get("class", "").split()
                ident = new_id("admonition" if is_admonition else name)
            anchors.append(ident)
        if ident:
            seen.add(ident)
            attrs = {"id": ident, **attrs}

        rendered_attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
        out.append(f"<{name}{rendered_attrs}>")
        if name not in _VOID:
            open_tags.append(True)
    return "".join(out), seen, anchors
