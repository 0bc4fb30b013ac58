"""`stepcampus webinar import|list`: webinar recordings for trainers and learners."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "webinar", help="import webinar recordings into a series; list installed webinars")
    sub = parser.add_subparsers(dest="webinar_command", required=True, metavar="ACTION")

    p = sub.add_parser(
        "import", help="turn a recording, its slides, chapters and Q&A into a session of a "
        "webinar series folder (low-bandwidth variants, slide images, WebVTT)")
    p.add_argument("recording", type=Path, metavar="RECORDING",
                   help="the recording (video or audio: MP4, WebM, MKV, MP3, WAV, ...)")
    p.add_argument("--series", type=Path, required=True, metavar="DIR",
                   help="the series source folder (series.yaml is made if missing)")
    p.add_argument("--session", required=True, metavar="ID",
                   help="the session's id: its folder name under sessions/")
    p.add_argument("--slides", type=Path, metavar="FILE.pdf", help="the slide deck as PDF")
    p.add_argument("--chapters", type=Path, metavar="FILE",
                   help="chapters: WebVTT, or one 'MM:SS Title' a line")
    p.add_argument("--slide-times", type=Path, metavar="FILE",
                   help="when each slide appears: one 'MM:SS [PAGE]' a line (default: one "
                        "slide a chapter)")
    p.add_argument("--captions", type=Path, metavar="FILE",
                   help="captions for the transcript: WebVTT or SubRip (.srt)")
    p.add_argument("--qa", type=Path, metavar="FILE",
                   help="the Q&A compilation: YAML, CSV or Markdown")
    p.add_argument("--summary", type=Path, metavar="FILE.md", help="the written summary")
    p.add_argument("--title", help="the session's title")
    p.add_argument("--language", default="en", help="the spoken language (default: en)")
    p.add_argument("--start", metavar="DATETIME",
                   help="when it took place, e.g. 2026-03-12T14:00:00")
    p.add_argument("--timezone", metavar="ZONE", help="the organiser's time zone, e.g. "
                   "Europe/Berlin")
    p.add_argument("--panellist", action="append", default=[], metavar="'NAME, ROLE'",
                   help="a panellist (repeat for each)")
    p.add_argument("--topic", action="append", default=[], metavar="TOPIC",
                   help="a topic (repeat for each)")
    p.add_argument("--no-original", dest="keep_original", action="store_false",
                   help="do not keep the original recording next to the variants")
    p.add_argument("--replace", action="store_true", help="import a session again")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", help="show the installed webinar series and their sessions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    return parser


def cmd_import(args: argparse.Namespace) -> int:
    from stepcampus.cli import _end_progress, _size, _task
    from stepcampus.webinar.importer import ImportRequest, import_session
    from stepcampus.webinar.vtt import clock

    request = ImportRequest(
        series_dir=args.series, session_id=args.session, recording=args.recording,
        slides=args.slides, chapters=args.chapters, qa=args.qa, captions=args.captions,
        slide_times=args.slide_times, summary=args.summary, title=args.title,
        language=args.language, start=args.start, timezone=args.timezone,
        panellists=args.panellist, topics=args.topic, keep_original=args.keep_original,
        replace=args.replace)
    result = import_session(request, _task())
    _end_progress()
    minutes = result.duration / 60 if result.duration else 1
    print(f"imported {result.session_dir} ({clock(result.duration)})")
    for variant, size in result.variants.items():
        print(f"  {variant}: {_size(size)} ({size / minutes / 1000:.0f} KB per minute)")
    print(f"  {result.slides} slides, {result.chapters} chapters, {result.captions} captions, "
          f"{result.questions} questions")
    if result.series_created:
        print(f"made {args.series / 'series.yaml'}: give the series its title there")
    elif not result.series_listed:
        print(f"add '{args.session}' to sessions in {args.series / 'series.yaml'}",
              file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from stepcampus.cli import _campus
    from stepcampus.webinar.installed import installed_series

    found = installed_series(_campus(args))
    if args.json:
        print(json.dumps([{"id": s.id, "version": s.version, "title": s.title(),
                           "sessions": [{"id": w.id, "title": w.title, "start": w.start,
                                         "duration": w.recording_duration}
                                        for w in s.sessions()]}
                          for s in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("no webinars installed")
    for series in found:
        print(f"{series.id}\t{series.version}\t{series.title()}")
        for session in series.sessions():
            length = f"{session.recording_duration / 60:.0f} min" \
                if session.recording_duration else "no recording"
            print(f"  {session.id}\t{length}\t{session.title}")
    return 0
