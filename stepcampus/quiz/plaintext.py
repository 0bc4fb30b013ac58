"""Quiz text in its GIFT format as one line of plain text: for buttons, drop-downs, a room's
devices and terminals."""

from __future__ import annotations

import html
import re

# Tags go; a space where a block ended keeps "a<br>b" from reading "ab".
_BLOCK_END = re.compile(r"(?i)<(br|/p|/li|/div|/h\d|/tr|/td|/th|/blockquote)\b")


def plain_text(text: str, fmt: str) -> str:
    if fmt != "plain":
        import nh3

        if fmt == "markdown":
            import markdown

            text = markdown.markdown(text)
        text = html.unescape(nh3.clean(_BLOCK_END.sub(r" <\1", text), tags=set()))
    return " ".join(text.split())
