"""`stepcampus render FILE.md`: print a module body as the sanitised HTML the app would show."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from stepcampus.errors import InputError
from stepcampus.render.markdown import render_module_file


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `render` subcommand on an argparse subparsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "render",
        help="print a module's body as sanitised HTML",
        description="Render a course module (Markdown with front matter) to sanitised HTML.",
    )
    parser.add_argument("file", type=Path, metavar="FILE.md", help="the module file")
    parser.add_argument(
        "--package-root",
        type=Path,
        metavar="DIR",
        help="the course folder; links and images must stay inside it and name existing files",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        module = render_module_file(args.file, args.package_root)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    _write_utf8(module.html + "\n")
    return 0


def _write_utf8(text: str) -> None:
    # The console encoding may not be UTF-8 (Windows), but piped HTML must be.
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
