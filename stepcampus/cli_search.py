"""`stepcampus search QUERY`: find text in the installed courses, indexing what is missing."""

from __future__ import annotations

import argparse
import html
import json
import re
from typing import Any

from stepcampus.textfile import write_stdout

_TAGS = re.compile(r"</?b>")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `search` subcommand on an argparse subparsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "search",
        help="search the text of the installed courses",
        description="Search every installed course (module text, titles and glossaries). "
        "Courses not yet indexed at their installed version are indexed first.",
    )
    parser.add_argument("query", metavar="QUERY", help="words to find (the last may be cut)")
    parser.add_argument("--language", metavar="L",
                        help="search the text shown in this language (e.g. fr); courses "
                        "without it answer in their default language")
    parser.add_argument("--limit", type=int, default=30, metavar="N",
                        help="at most N results (default: 30)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(func=run)
    return parser


def plain(snippet_html: str) -> str:
    """A snippet as plain text: no <b> tags, entities decoded."""
    return html.unescape(_TAGS.sub("", snippet_html))


def run(args: argparse.Namespace) -> int:
    from stepcampus.campus import Campus
    from stepcampus.search import SearchIndex

    campus = Campus(args.data_dir)
    try:
        index = SearchIndex.for_campus(campus)
        index.ensure_indexed(campus)  # quietly: a person asked for results, not for progress
        hits = index.search(args.query, args.language, args.limit)
    finally:
        campus.close()
    if args.json:
        write_stdout(json.dumps([{
            "course_id": h.course_id, "module_id": h.module_id, "language": h.language,
            "kind": h.kind, "anchor": h.anchor, "title": h.title,
            "course_title": h.course_title, "snippet_html": h.snippet_html,
            "snippet": plain(h.snippet_html), "definition": h.definition,
        } for h in hits], indent=2, ensure_ascii=False) + "\n")
        return 0
    lines = []
    for h in hits:
        where = f"{h.course_id}/{h.module_id}" + (f"#{h.anchor}" if h.anchor else "")
        if h.kind == "glossary":
            where = f"{h.course_id}/glossary"
        lines.append(f"{where}  {h.title}: {plain(h.snippet_html)}\n")
    write_stdout("".join(lines))
    return 0
