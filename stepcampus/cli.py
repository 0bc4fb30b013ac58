"""The `stepcampus` command: build, publish and install courses; validate, render, GIFT; app.

Every subcommand prints errors as `file:line: message (what to do)` and exits non-zero
without a traceback; what it prints on success is meant for people and for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from stepcampus.errors import Cancelled, InputError, StepCampusError
from stepcampus.tasks import Task

if TYPE_CHECKING:  # the real imports wait until a command needs them: `--help` stays fast
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from stepcampus.campus import Campus

EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2


def _campus(args: argparse.Namespace) -> Campus:
    from stepcampus.campus import Campus

    return Campus(args.data_dir)


def _task() -> Task:
    if not sys.stderr.isatty():
        return Task()

    def show(done: int, total: int, message: str) -> None:
        share = f"{100 * done // total:3d}% " if total else ""
        sys.stderr.write(f"\r\033[K{share}{message}")
        sys.stderr.flush()

    return Task(on_progress=show)


def _end_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def cmd_validate(args: argparse.Namespace) -> int:
    from stepcampus.coursepack.source import MANIFEST_NAME, load_course
    from stepcampus.webinar.source import SERIES_NAME, load_series

    folder = Path(args.course_dir)
    if (folder / SERIES_NAME).is_file() and not (folder / MANIFEST_NAME).exists():
        series, problems = load_series(folder)
        loaded: object = series
        count = len(series.sessions) if series else 0
        what = f"{count} webinar session{'s' if count != 1 else ''}"
    else:
        course, problems = load_course(folder)
        loaded = course
        what = f"{len(course.meta['modules'])} modules" if course else ""  # as before
    for problem in problems:
        print(problem)
    if problems or loaded is None:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_PROBLEMS
    meta = loaded.meta  # type: ignore[attr-defined]
    print(f"{meta['id']} {meta['version']}: {what}, languages "
          f"{', '.join(meta['languages'])}: no problems")
    return 0


def _signing_key(args: argparse.Namespace) -> Ed25519PrivateKey:
    from stepcampus.coursepack.keys import load_private_key

    if args.key:
        return load_private_key(Path(args.key))
    return _campus(args).default_key()


def cmd_build(args: argparse.Namespace) -> int:
    from stepcampus.coursepack.build import build

    result = build(Path(args.course_dir), Path(args.output), _signing_key(args), _task())
    _end_progress()
    print(f"package: {result.package_dir}")
    print(f"bundle:  {result.bundle} ({_size(result.bundle.stat().st_size)})")
    print(f"{result.course_id} {result.version}: {result.files} files, {result.blobs} distinct")
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from stepcampus.coursepack.keys import generate_key

    public = generate_key(Path(args.output), args.name or "")
    print(f"private key: {args.output} (keep it secret)")
    print(f"public key:  {args.output}.pub (key id {public.key_id}; share it with learners)")
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    from stepcampus.coursepack.keys import read_public_key

    key = read_public_key(Path(args.public_key))
    _campus(args).trust.trust(key)
    print(f"trusted publisher {key.name or key.key_id} (key id {key.key_id})")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from stepcampus.coursepack.build import build, is_source_folder
    from stepcampus.coursepack.packagesource import BundlePackage, FolderPackage
    from stepcampus.coursepack.publish import publish

    tree = Path(args.to)
    with tempfile.TemporaryDirectory() as tmp:
        for location in args.sources:
            path = Path(location)
            if path.is_dir() and is_source_folder(path):
                built = build(path, Path(tmp), _signing_key(args), _task())
                source = FolderPackage(built.package_dir)
            elif path.is_dir():
                source = FolderPackage(path)
            else:
                source = BundlePackage(path)
            try:
                result = publish(source, tree, _task())
            finally:
                source.close()
            _end_progress()
            print(f"published {result.course_id} {result.version} to {tree}: "
                  f"{result.new_blobs} new files ({_size(result.new_bytes)}), "
                  f"{result.shared_blobs} already there")
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    catalog = _campus(args).catalog(args.url)
    if args.json:
        print(json.dumps(catalog, indent=2, ensure_ascii=False))
        return 0
    for course in catalog["courses"]:
        title = (course.get("title") or {}).get("en") or next(
            iter((course.get("title") or {}).values()), "")
        latest = next((v for v in course["versions"] if v["version"] == course["latest"]), {})
        versions = ", ".join(v["version"] for v in course["versions"])
        print(f"{course['id']}\t{course['latest']}\t{_size(int(latest.get('size', 0)))}\t"
              f"{title}\t(versions: {versions})")
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    campus = _campus(args)
    result = campus.install(args.source, args.course_id, version=args.version, task=_task(),
                            allow_downgrade=args.allow_downgrade)
    _end_progress()
    if result.already_installed:
        print(f"{result.course_id} {result.version} is already installed")
        return 0
    was = f" (was {result.previous_version})" if result.previous_version else ""
    later = f", {result.on_demand} fetched when asked for" if result.on_demand else ""
    print(f"installed {result.course_id} {result.version}{was}: fetched {result.fetched_blobs} "
          f"files ({_size(result.fetched_bytes)}), reused {result.reused_blobs}{later}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    rows = _campus(args).installed()
    if args.json:
        print(json.dumps([{"id": r.course_id, "version": r.version, "title": r.title,
                           "previous_version": r.previous_version, "publisher": r.key_id}
                          for r in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no courses installed")
    for row in rows:
        print(f"{row.course_id}\t{row.version}\t{row.title}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from stepcampus import cli_gift, cli_render

    parser = argparse.ArgumentParser(prog="stepcampus", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="the learner's data folder (default: STEPCAMPUS_HOME or the "
                             "platform's data folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a course or webinar series source folder and "
                       "list every problem")
    p.add_argument("course_dir")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="build a signed package and a bundle from a course folder")
    p.add_argument("course_dir")
    p.add_argument("-o", "--output", default="dist", help="output folder (default: dist)")
    p.add_argument("--key", help="private key to sign with (default: this computer's key)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("keygen", help="make a publisher key pair: FILE and FILE.pub")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--name", help="a name for the publisher, shown to learners")
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("trust", help="trust a publisher's public key for installs")
    p.add_argument("public_key", metavar="FILE.pub")
    p.set_defaults(func=cmd_trust)

    p = sub.add_parser("publish", help="add courses to a static tree any web server can serve")
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="a course folder (built first), a package folder or a bundle")
    p.add_argument("-o", "--to", required=True, metavar="TREE", help="the published tree")
    p.add_argument("--key", help="private key to sign course folders with")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("catalog", help="list the courses a published tree holds")
    p.add_argument("url", metavar="URL")
    p.add_argument("--json", action="store_true", help="print the catalog as JSON")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("install", help="install a bundle, or a course from a published tree")
    p.add_argument("source", metavar="BUNDLE|URL")
    p.add_argument("course_id", nargs="?", metavar="COURSE_ID")
    p.add_argument("--version", help="a version other than the latest")
    p.add_argument("--allow-downgrade", action="store_true",
                   help="install even if it is older than the installed version")
    p.set_defaults(func=cmd_install)

    p = sub.add_parser("list", help="show the installed courses")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    cli_render.add_parser(sub)
    cli_gift.add_parser(sub)
    from stepcampus import cli_certificate

    cli_certificate.add_parser(sub)
    from stepcampus import cli_search

    cli_search.add_parser(sub)
    from stepcampus import cli_sync

    cli_sync.add_parser(sub)
    from stepcampus import cli_server

    cli_server.add_parsers(sub)
    from stepcampus import cli_calendar

    cli_calendar.add_parser(sub)
    from stepcampus import cli_webinar

    cli_webinar.add_parser(sub)
    from stepcampus import cli_class

    cli_class.add_parser(sub)
    from stepcampus import cli_enrol

    cli_enrol.add_parser(sub)
    from stepcampus import cli_hub

    cli_hub.add_parser(sub)
    from stepcampus import cli_room

    cli_room.add_parser(sub)
    from stepcampus import cli_adapt

    cli_adapt.add_parser(sub)

    # Front-ends add their own commands (the desktop adds `app`): the core never imports them.
    from importlib.metadata import entry_points

    for entry in entry_points(group="stepcampus.commands"):
        entry.load()(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        _end_progress()
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Cancelled:
        _end_progress()
        print("cancelled: nothing was changed", file=sys.stderr)
        return 130
    except StepCampusError as exc:
        _end_progress()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
