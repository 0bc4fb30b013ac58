"""`stepcampus search QUERY`: find text in the installed courses and webinar series, indexing
what is missing.

One line a hit: course modules and glossaries first, exactly as before (scripts read them),
then the webinars' Q&A, transcripts and summaries, each with its own label:

    COURSE/MODULE#ANCHOR  Module title: snippet
    COURSE/glossary  Term: snippet
    SERIES/SESSION/qa#ENTRY@2:41  Q&A: question — answer snippet
    SERIES/SESSION/transcript@2:47  Transcript: snippet
    SERIES/SESSION/summary#ANCHOR  Summary: snippet
"""

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
        help="search the text of the installed courses and webinars",
        description="Search every installed course (module text, titles and glossaries) and "
        "webinar series (Q&A, transcripts and summaries). Those not yet indexed at their "
        "installed version are indexed first.",
    )
    parser.add_argument("query", metavar="QUERY", help="words to find (the last may be cut)")
    parser.add_argument("--language", metavar="L",
                        help="search the text shown in this language (e.g. fr); courses "
                        "without it answer in their default language")
    parser.add_argument("--limit", type=int, default=30, metavar="N",
                        help="at most N results of each kind (default: 30)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(func=run)
    return parser


def plain(snippet_html: str) -> str:
    """A snippet as plain text: no <b> tags, entities decoded."""
    return html.unescape(_TAGS.sub("", snippet_html))


def run(args: argparse.Namespace) -> int:
    from stepcampus.campus import Campus
    from stepcampus.search import QAArchive, SearchIndex

    campus = Campus(args.data_dir)
    try:
        index = SearchIndex.for_campus(campus)
        index.ensure_indexed(campus)  # quietly: a person asked for results, not for progress
        hits = index.search(args.query, args.language, args.limit)
        archive = QAArchive(index)
        answers = archive.search(args.query, limit=args.limit)
        texts = [*archive.search_transcript(args.query, limit=args.limit),
                 *archive.search_summaries(args.query, limit=args.limit)]
    finally:
        campus.close()
    if args.json:
        records = [{
            "course_id": h.course_id, "module_id": h.module_id, "language": h.language,
            "kind": h.kind, "anchor": h.anchor, "title": h.title,
            "course_title": h.course_title, "snippet_html": h.snippet_html,
            "snippet": plain(h.snippet_html), "definition": h.definition,
        } for h in hits]
        # The same keys as a module hit (course_id is the series), then the webinar's own.
        records += [{
            "course_id": a.series_id, "module_id": "", "language": a.language, "kind": "qa",
            "anchor": a.entry_id, "title": a.question, "course_title": a.series_title,
            "snippet_html": a.answer_html, "snippet": plain(a.answer_html), "definition": "",
            "series_id": a.series_id, "series_title": a.series_title,
            "session_id": a.session_id, "session_title": a.session_title,
            "entry_id": a.entry_id, "question": a.question, "answer": a.answer,
            "question_html": a.question_html, "answer_html": a.answer_html,
            "asked_by": a.asked_by, "answered_by": a.answered_by, "at": a.at,
            "topics": list(a.topics),
        } for a in answers]
        records += [{
            "course_id": t.series_id, "module_id": "", "language": t.language,
            "kind": t.kind, "anchor": t.anchor, "title": t.session_title,
            "course_title": t.series_title, "snippet_html": t.snippet_html,
            "snippet": plain(t.snippet_html), "definition": "",
            "series_id": t.series_id, "series_title": t.series_title,
            "session_id": t.session_id, "session_title": t.session_title,
            "start": t.start, "speaker": t.speaker,
        } for t in texts]
        write_stdout(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
        return 0
    lines = []
    for h in hits:
        where = f"{h.course_id}/{h.module_id}" + (f"#{h.anchor}" if h.anchor else "")
        if h.kind == "glossary":
            where = f"{h.course_id}/glossary"
        lines.append(f"{where}  {h.title}: {plain(h.snippet_html)}\n")
    for a in answers:
        where = f"{a.series_id}/{a.session_id}/qa#{a.entry_id}" + _at(a.at)
        lines.append(f"{where}  Q&A: {plain(a.question_html)} — {plain(a.answer_html)}\n")
    for t in texts:
        where = f"{t.series_id}/{t.session_id}/{t.kind}"
        where += f"#{t.anchor}" if t.kind == "summary" else _at(t.start)
        label = "Transcript" if t.kind == "transcript" else "Summary"
        lines.append(f"{where}  {label}: {plain(t.snippet_html)}\n")
    write_stdout("".join(lines))
    return 0


def _at(seconds: float | None) -> str:
    from stepcampus.webinar.vtt import clock

    return "" if seconds is None else f"@{clock(seconds)}"
