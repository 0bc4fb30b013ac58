"""`stepcampus render FILE.md`: print a module body as the sanitised HTML the app would show."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from stepcampus.render.markdown import render_module_file
from stepcampus.textfile import write_stdout


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
    module = render_module_file(args.file, args.package_root)
    write_stdout(module.html + "\n")
    return 0
