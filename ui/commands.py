"""The desktop's subcommands of `stepcampus`, registered through an entry point so the core
CLI never imports the UI. Qt loads only when one of them runs."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("app", help="open the desktop app")
    p.add_argument("--quit-after-start", action="store_true",
                   help="exit once the main window shows the learner's content (for timing)")
    p.set_defaults(func=run_app_command)


def add_screenshots_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "screenshots", help="save a PNG of every main screen to DIR (throw-away profile)")
    p.add_argument("dir", help="folder to write the PNGs to")
    p.set_defaults(func=run_screenshots_command)


def run_app_command(args: argparse.Namespace) -> int:
    import os
    import sys

    from ui.app import run_app

    code = run_app(data_dir=args.data_dir, quit_after_start=args.quit_after_start)
    # The window has saved everything and closed the store; unloading Qt and the ORM object
    # by object at interpreter exit only adds a visible delay after the window is gone.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_screenshots_command(args: argparse.Namespace) -> int:
    from ui.screenshots import main

    return main([args.dir])
