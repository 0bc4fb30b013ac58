"""Split a course module into its YAML front matter and its Markdown body.

Errors name the file and the line *in the file*, not in the YAML snippet, so an author can go
straight to the mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stepcampus.errors import InputError, Problem
from stepcampus.textfile import read_text

__all__ = ["FrontMatter", "read_text", "split_front_matter"]

_FENCE = "---"


@dataclass(frozen=True)
class FrontMatter:
    """The parsed front matter, the body text, and the file line where the body starts."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # 1-based, so later errors about the body can name real lines


def split_front_matter(text: str, source: str) -> FrontMatter:
    """Split `text` (the contents of `source`) into front matter and body.

    Text that does not start with a `---` line has no front matter: meta is empty and the
    whole text is the body.
    """
    import yaml  # here, so importing the render package stays cheap

    text = text.removeprefix("\ufeff")
    # Normalise line ends before counting lines, so line numbers match any editor's.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].rstrip() != _FENCE:
        return FrontMatter({}, text, 1)

    # Index of the closing fence; lines[0] is the opening one.
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == _FENCE), None)
    if close is None:
        raise InputError(
            Problem(source, 1, "the front matter is not closed", "end it with a line '---'")
        )

    try:
        meta = yaml.safe_load("\n".join(lines[1:close]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        # The mark is 0-based within the YAML, which starts on file line 2.
        line = mark.line + 2 if mark is not None else 1
        what = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            Problem(source, line, f"invalid YAML in the front matter: {what}")
        ) from exc

    if meta is None:  # an empty block between the fences
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(
            Problem(
                source,
                2,
                f"the front matter must be a mapping of keys to values, not {type(meta).__name__}",
                "write one 'key: value' per line",
            )
        )
    return FrontMatter(meta, "\n".join(lines[close + 1 :]), close + 2)
