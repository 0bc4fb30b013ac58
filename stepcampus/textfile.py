"""Text in and out: UTF-8 only, and a decoding error names the file and the line."""

from __future__ import annotations

import sys
from pathlib import Path

from stepcampus.errors import InputError, Problem


def decode_utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(Problem(source, line,
                                 f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                 "save the file as UTF-8")) from None


def read_text(path: Path | str) -> str:
    """Read a UTF-8 file; an unreadable or non-UTF-8 file is an InputError naming it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(Problem(str(path), None, f"cannot read the file: {exc.strerror}")) \
            from None
    return decode_utf8(data, str(path))


def write_stdout(text: str) -> None:
    """Write UTF-8 to standard output whatever the console's encoding (Windows), so piped
    HTML, JSON and GIFT are always UTF-8."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
