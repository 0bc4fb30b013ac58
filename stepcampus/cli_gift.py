"""`stepcampus gift FILE`: read a Moodle GIFT file; print it as JSON or write it back as GIFT."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from stepcampus.coursepack.gift import parse_gift, questions_to_json, to_gift
from stepcampus.textfile import read_text, write_stdout


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `gift` subcommand on an argparse subparsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "gift",
        help="check a Moodle GIFT quiz file; print it as JSON or as GIFT",
        description="Read a Moodle GIFT file, list every problem in it, and print the "
        "questions as JSON (default) or write them back as GIFT.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the GIFT file (UTF-8)")
    parser.add_argument("--to-gift", action="store_true",
                        help="write GIFT instead of JSON (normalised, same questions)")
    parser.add_argument("-o", "--output", type=Path, metavar="OUT",
                        help="write to OUT instead of standard output")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    questions = parse_gift(read_text(args.file), source=str(args.file))
    text = to_gift(questions) if args.to_gift else questions_to_json(questions) + "\n"
    if args.output is None:
        write_stdout(text)
        return 0
    try:
        # newline="" keeps "\n" on Windows too, so the file is the same everywhere.
        args.output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        print(f"error: {args.output}: cannot write: {exc.strerror}", file=sys.stderr)
        return 1
    return 0
