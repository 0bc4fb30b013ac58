"""Turn whatever a learner types into an FTS5 query that cannot be a syntax error.

Every whitespace-separated chunk becomes a quoted string, so FTS5 operators (AND, OR, NOT,
NEAR, *, -, :, parentheses) are plain words; the tokenizer then splits a chunk such as
"l'exclusion" or "sud-sud" into a phrase, exactly as it split the indexed text.
"""

from __future__ import annotations

import re

MAX_CHARS = 500
MAX_TOKENS = 16
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_WORD = re.compile(r"[^\W_]+")  # what unicode61 keeps as a token (letters and digits)


def fts_query(text: str, min_prefix: int = 1) -> str:
    """An FTS5 MATCH expression requiring every word; the last one is a prefix while the
    learner is still typing it (no trailing space). "" when there is nothing to look for.

    A last word shorter than `min_prefix` characters is matched whole: a one-letter prefix
    matches nearly every row of a large index, and no prefix index covers it."""
    text = _CONTROLS.sub(" ", text[:MAX_CHARS])
    chunks = [c for c in text.split() if any(ch.isalnum() for ch in c)][:MAX_TOKENS]
    if not chunks:
        return ""
    quoted = ['"' + c.replace('"', '""') + '"' for c in chunks]
    typing = not text[-1:].isspace()
    words = _WORD.findall(chunks[-1])
    if typing and (not words or len(words[-1]) >= min_prefix):
        quoted[-1] += "*"
    return " ".join(quoted)
