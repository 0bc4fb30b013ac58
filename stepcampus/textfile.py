"""Files in and out: UTF-8 text whose decoding errors name the file and the line, and
writes that are whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
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


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path with data in one step: a crash leaves the old file or the new, never half.

    The file is world-readable (0644), as a static web server serving a published tree needs.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
