"""`stepcampus certificate verify FILE.pdf` and `stepcampus certificate issue`.

verify exits 0 when the certificate checks, 1 when it is readable but its signature, code or
issuer does not check, 2 when the file cannot be read as a certificate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_INVALID = 1
EXIT_UNREADABLE = 2


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `certificate` subcommand on an argparse subparsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "certificate",
        help="issue or verify course completion certificates",
        description="Issue a learner's certificate for a course they completed, or check a "
        "certificate PDF against the keys this computer trusts.",
    )
    sub = parser.add_subparsers(dest="certificate_command", required=True, metavar="ACTION")

    p = sub.add_parser("verify", help="check a certificate PDF: signature, code and issuer")
    p.add_argument("file", type=Path, metavar="FILE.pdf")
    p.set_defaults(func=run_verify)

    p = sub.add_parser("issue", help="make (or find) a learner's certificate; prints its path")
    p.add_argument("--profile", required=True, metavar="NAME",
                   help="the learner's profile name (or id)")
    p.add_argument("course_id", metavar="COURSE_ID")
    p.add_argument("--language", default=None, metavar="LANG",
                   help="language of the certificate: en, fr or es (default: en)")
    p.set_defaults(func=run_issue)

    p = sub.add_parser("list", help="list the certificates made on this computer")
    p.add_argument("--profile", metavar="NAME", help="only this learner's")
    p.set_defaults(func=run_list)
    return parser


def _campus(args: argparse.Namespace) -> Any:
    from stepcampus.campus import Campus

    return Campus(getattr(args, "data_dir", None))


def _score(percent: int | None) -> str:
    return "no quiz" if percent is None else f"{percent} %"


def run_verify(args: argparse.Namespace) -> int:
    from stepcampus.certificates import CertificateInvalid, verify_certificate_file
    from stepcampus.errors import InputError

    campus = _campus(args)
    try:
        checked = verify_certificate_file(args.file, campus.trust)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_UNREADABLE
    except CertificateInvalid as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return EXIT_INVALID
    payload = checked.payload
    print(f"learner: {payload.learner}")
    print(f"course:  {payload.course_title} ({payload.course_id})")
    print(f"version: {payload.course_version}")
    print(f"date:    {payload.completed_on.isoformat()}")
    print(f"score:   {_score(payload.score_percent)}")
    print(f"code:    {checked.code}")
    name = f" ({checked.issuer_name})" if checked.issuer_name != checked.issuer_key_id else ""
    print(f"valid: signed by {checked.issuer_key_id}{name}")
    return 0


def _profile_id(campus: Any, name: str) -> str:
    from stepcampus.errors import InputError, Problem
    from stepcampus.progress.activity import list_profiles

    profiles = list_profiles(campus.sessions)
    for profile in profiles:
        if profile.id == name or profile.name.casefold() == name.strip().casefold():
            return str(profile.id)
    known = ", ".join(p.name for p in profiles) or "none yet"
    raise InputError(Problem("--profile", None, f"no learner profile named {name!r}",
                             f"profiles here: {known}"))


def run_issue(args: argparse.Namespace) -> int:
    from stepcampus.certificates import issue_certificate
    from stepcampus.cli import _end_progress, _task

    campus = _campus(args)
    certificate = issue_certificate(campus, _profile_id(campus, args.profile), args.course_id,
                                    args.language, _task())
    _end_progress()
    state = "issued" if certificate.new else "already issued"
    print(f"{state}: {certificate.code} for {certificate.learner}, "
          f"{certificate.course_title} {certificate.course_version}", file=sys.stderr)
    print(certificate.path)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from stepcampus.certificates import list_certificates

    campus = _campus(args)
    profile = _profile_id(campus, args.profile) if args.profile else None
    for certificate in list_certificates(campus.data_dir, profile):
        print(f"{certificate.code}\t{certificate.completed_on.isoformat()}\t"
              f"{certificate.learner}\t{certificate.course_id}\t{certificate.path}")
    return 0
