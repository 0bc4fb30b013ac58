"""What a learner reads in a course, cut into passages the search index stores.

A passage belongs to the paragraph or heading the reader can scroll to: text inside lists,
tables, footnotes or admonitions without such an id of their own goes with the nearest
paragraph or heading before it, so opening a hit always lands on a real anchor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from stepcampus.errors import StepCampusError

if TYPE_CHECKING:
    from stepcampus.coursepack.installed import CourseView

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Tags whose text runs on inside a word; every other tag separates words ("cell</td><td>cell").
_INLINE = frozenset({"a", "b", "i", "u", "s", "em", "strong", "span", "mark", "small", "del",
                     "ins", "q", "cite", "abbr", "dfn", "kbd", "samp", "var", "code"})
# Control characters would clash with the snippet markers, and mean nothing to a reader.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Passage:
    """One row of the index. heading: text weighted higher (titles, headings, terms)."""

    module_id: str
    kind: str  # "module" | "glossary"
    anchor: str
    title: str  # the module title or the glossary term, as shown in a result
    heading: str
    body: str
    fallback: bool  # the text is the default language's, shown because L lacks it
    detail: str = ""  # a glossary term's definition, shown when the hit is opened


def clean_text(text: str) -> str:
    return _SPACES.sub(" ", _CONTROLS.sub(" ", text)).strip()


class _Blocks(HTMLParser):
    """Collects (anchor, heading text, body text) from the reader's HTML, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # The text before the first paragraph or heading belongs to the top of the module.
        self.blocks: list[tuple[str, list[str], list[str]]] = [("", [], [])]
        self._in_heading = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ident = dict(attrs).get("id") or ""
        if ident and (tag == "p" or tag in _HEADINGS):
            self.blocks.append((ident, [], []))
        if tag in _HEADINGS:
            self._in_heading += 1
        if tag not in _INLINE:
            self._space()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADINGS and self._in_heading:
            self._in_heading -= 1
        if tag not in _INLINE:
            self._space()

    def handle_data(self, data: str) -> None:
        _, heading, body = self.blocks[-1]
        (heading if self._in_heading else body).append(data)

    def _space(self) -> None:
        _, heading, body = self.blocks[-1]
        (heading if self._in_heading else body).append(" ")


def html_blocks(html: str) -> list[tuple[str, str, str]]:
    """(anchor, heading, body) for each paragraph or heading with an id, plus "" for the top."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    out = []
    for anchor, heading, body in parser.blocks:
        heading_text, body_text = clean_text("".join(heading)), clean_text("".join(body))
        if heading_text or body_text or anchor == "":
            out.append((anchor, heading_text, body_text))
    return out


def module_passages(view: CourseView, module_id: str, language: str) -> list[Passage]:
    """The module as the reader shows it in `language` (or the default language's text)."""
    info = view.module(module_id, language)
    fallback = info.language != language
    rendered = view.render_module(module_id, language)
    blocks = html_blocks(rendered.html)
    _, top_heading, top_body = blocks[0]
    # The title row: what the reader shows above the text, at the top of the module.
    intro = [*info.objectives, *info.key_messages, top_heading, top_body]
    rows = [Passage(module_id, "module", "", info.title, clean_text(info.title),
                    clean_text(" ".join(t for t in intro if t)), fallback)]
    rows += [Passage(module_id, "module", anchor, info.title, heading, body, fallback)
             for anchor, heading, body in blocks[1:]]
    return rows


def glossary_passages(view: CourseView, language: str) -> list[Passage]:
    """The glossary the learner sees in `language`, or the default language's one."""
    glossaries: dict[str, str] = view.course.get("glossary") or {}
    path = glossaries.get(language)
    fallback = path is None
    if path is None:
        path = glossaries.get(view.default_language)
    if path is None:
        return []
    rows = []
    for entry in _load_entries(view, path):
        term = clean_text(str(entry.get("term") or ""))
        definition = clean_text(str(entry.get("definition") or ""))
        aliases = entry.get("aliases") or []
        if not term:
            continue
        if not isinstance(aliases, list):
            aliases = [aliases]
        names = "; ".join(clean_text(str(a)) for a in aliases if a)
        body = f"{definition} {names}".strip()
        rows.append(Passage("", "glossary", "", term, term, body, fallback, definition))
    return rows


def _load_entries(view: CourseView, path: str) -> Iterator[dict[str, Any]]:
    import yaml

    try:
        data = yaml.safe_load(view.read_text(path))
    except (yaml.YAMLError, StepCampusError, UnicodeDecodeError):
        return  # a build validates glossaries; a broken one only loses its search rows
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict):
            yield entry
