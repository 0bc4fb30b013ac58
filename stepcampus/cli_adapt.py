"""`stepcampus adapt COURSE_ID`: an editable copy of an installed course, as a course source
folder to edit, validate and build with your own key."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "adapt", help="make an editable copy of an installed course (a course source folder)",
        description="Copy an installed course into a course source folder to adapt it: the "
                    "files as installed, course.yaml rebuilt from the signed manifest, and "
                    "derived_from recording the original.")
    parser.add_argument("course_id", metavar="COURSE_ID")
    parser.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="the folder to make (default: DATA/adapted/NEW_ID)")
    parser.add_argument("--id", dest="new_id", metavar="NEW_ID",
                        help="the adapted course's id (default: COURSE_ID-local, or COURSE_ID "
                             "for a course signed with this computer's key)")
    parser.add_argument("--version", metavar="V",
                        help="its version (default: the original's, last number raised)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from stepcampus.cli import _campus, _end_progress, _task
    from stepcampus.coursepack.adapt import adapt

    campus = _campus(args)
    result = adapt(campus, args.course_id, folder=args.output, new_id=args.new_id,
                   version=args.version, task=_task())
    _end_progress()
    source = result.provenance
    print(f"adapted {source.course} {source.version} into {result.folder}")
    print(f"  as {result.course_id} {result.version}: {result.files} files, derived_from "
          f"recorded in course.yaml")
    print("next: edit the files, then")
    print(f"  stepcampus validate {result.folder}")
    print(f"  stepcampus build {result.folder} -o dist   (this computer's key, or --key FILE)")
    print("learners trust your public key once: stepcampus trust KEY.pub")
    return 0
