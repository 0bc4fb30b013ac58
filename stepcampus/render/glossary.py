"""Glossary terms in module text: each term's first use in a module links to its definition.

The reader shows the definition on hover (and on Enter, for keyboard users). Terms are found
in text only, never inside links, headings or code, so no markup is ever broken.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stepcampus.coursepack.installed import CourseView

TERM_SCHEME = "term:"
_SKIP = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "th", "sup"})


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()


def load_glossary(view: CourseView, language: str | None = None) -> list[Term]:
    """The course's glossary in a language, else in its default language; [] if none."""
    import yaml

    files = view.course.get("glossary") or {}
    path = files.get(language or "") or files.get(view.default_language)
    if not path or not view.has_file(path):
        return []
    entries = yaml.safe_load(view.read_text(path)) or []
    terms = []
    for number, entry in enumerate(entries):
        terms.append(Term(id=f"g{number}", term=str(entry["term"]),
                          definition=str(entry.get("definition", "")),
                          aliases=tuple(str(a) for a in entry.get("aliases") or ())))
    return terms


def mark_terms(page: str, terms: list[Term]) -> str:
    """page with the first use of each term wrapped in `<a class="term" href="term:ID">`."""
    if not terms:
        return page
    forms = {}
    for term in terms:
        for form in (term.term, *term.aliases):
            forms.setdefault(form.casefold(), term.id)
    # Longest first, so "social health protection" wins over "social protection".
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        + r")(?![\w-])", re.IGNORECASE)
    marker = _Marker(pattern, forms)
    marker.feed(page)
    marker.close()
    return "".join(marker.out)


class _Marker(HTMLParser):
    def __init__(self, pattern: re.Pattern[str], forms: dict[str, str]) -> None:
        super().__init__(convert_charrefs=False)  # keep the text exactly as it came
        self.pattern = pattern
        self.forms = forms
        self.seen: set[str] = set()
        self.skipping = 0
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        self.out.append(f"</{tag}>")

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            self.out.append(data)
            return
        self.out.append(self.pattern.sub(self._link, data))

    def _link(self, match: re.Match[str]) -> str:
        term_id = self.forms[match.group(1).casefold()]
        if term_id in self.seen:
            return match.group(0)
        self.seen.add(term_id)
        return f'<a class="term" href="{TERM_SCHEME}{term_id}">{match.group(0)}</a>'


def definition_html(term: Term) -> str:
    return f"<b>{html.escape(term.term)}</b><br>{html.escape(term.definition)}"
