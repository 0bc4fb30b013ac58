"""A tiny HTML tree for assertions on structure rather than on exact strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"br", "hr", "img", "wbr", "input", "meta", "link", "source", "col"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    depth: int
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, -1)
        self.stack = [self.root]
        self.all: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs}, len(self.stack) - 1)
        self.stack[-1].children.append(el)
        self.all.append(el)
        if tag not in _VOID:
            self.stack.append(el)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> tuple[Element, list[Element]]:
    """The root and every element in document order."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root, builder.all


def find(html: str, tag: str) -> list[Element]:
    return [el for el in parse(html)[1] if el.tag == tag]


def urls(html: str) -> list[str]:
    """Every href/src value in the document."""
    return [el.attrs[a] for el in parse(html)[1] for a in ("href", "src") if a in el.attrs]
