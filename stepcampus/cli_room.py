"""`stepcampus room join`: a learner's terminal in a quiz with the room (the hub's /room/).

It signs in with the learner's hub account, joins, shows each question the facilitator
releases and reads an answer (or, with --answer, gives the answers it was told to), shows
the right answer and the feedback at the reveal, and ends when the facilitator finishes.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from typing import Any, TextIO

from stepcampus.errors import InputError, Problem

OFFLINE_GIVE_UP = 60.0  # seconds without an answer from the hub before the terminal gives up
EXIT_HUB_GONE = 1


def add_parser(subparsers: Any) -> None:
    from stepcampus.cli_server import password_options

    room = subparsers.add_parser("room", help="take part in a quiz with the room on a hub")
    actions = room.add_subparsers(dest="room_command", required=True, metavar="ACTION")
    q = actions.add_parser(
        "join", help="join the room quiz of a hub and answer its questions",
        description="Sign in to the hub with your room account, then answer each question "
                    "the facilitator releases: type the number of your answer (1 for the "
                    "first; several separated by commas where more than one is right), or the "
                    "word or number asked for. Ends when the facilitator finishes the quiz.")
    q.add_argument("url", metavar="URL", help="the hub's address, e.g. 192.168.1.20 or "
                                              "http://192.168.1.20:8471")
    q.add_argument("--user", required=True, metavar="U", help="your account on the hub")
    password_options(q)
    q.add_argument("--answer", action="append", default=[], metavar="N=ANSWER",
                   help="answer question N with ANSWER as it would be typed, without asking "
                        "(repeatable; questions not named are left unanswered)")
    q.set_defaults(func=cmd_join)


def _scripted(values: list[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for value in values:
        number, sep, typed = value.partition("=")
        if not sep or not number.strip().isdigit() or int(number) < 1 or not typed.strip():
            raise InputError(Problem("--answer", None, f"{value!r} is not N=ANSWER",
                                     "for example --answer 1=2 --answer 3=social economy"))
        found[int(number)] = typed
    return found


def cmd_join(args: argparse.Namespace) -> int:
    from stepcampus.classroom.room_client import LearnerClient, RoomClientError, hub_address
    from stepcampus.cli_hub import _password

    try:
        base = hub_address(args.url)
    except RoomClientError as exc:
        raise InputError(Problem("URL", None, exc.message)) from None
    scripted = _scripted(args.answer)
    password = _password(args, args.user)
    try:
        client = LearnerClient.sign_in(base, args.user, password)
    except RoomClientError as exc:
        # A hub that does not answer is the address's problem; a refused sign-in, the account's.
        field = "URL" if exc.kind == "offline" else "--user"
        raise InputError(Problem(field, None, exc.message)) from None
    with client:
        name = client.account.get("name") or args.user
        _say(f"signed in to {base} as {name} ({args.user})")
        return Terminal(client, scripted if args.answer else None, sys.stdin).follow()


def _say(line: str) -> None:
    print(line, flush=True)


class Terminal:
    """Follows the room and answers: from `scripted` answers, else from lines of `typed`."""

    def __init__(self, client: Any, scripted: dict[int, str] | None, typed: TextIO) -> None:
        self.client = client
        self.scripted = scripted
        self.typed = typed
        self.shown: set[tuple[str, int, str]] = set()  # (run, question, state) said already
        self.run: str | None = None
        self.stdin_open = True

    def follow(self) -> int:
        from stepcampus.classroom.room_client import RoomClientError

        view = self._call(self.client.join)
        if view is None:
            return EXIT_HUB_GONE
        while True:
            if self._show(view):
                return 0
            newer = self._call(partial(self.client.view, after=view["version"]))
            if newer is None:
                return EXIT_HUB_GONE
            view = newer
            if view["state"] not in ("none", "finished") and not view.get("joined"):
                try:
                    view = self.client.join()  # a new quiz while this device was away
                except RoomClientError as exc:
                    _say(f"could not join: {exc.message}")

    def _call(self, request: Any) -> Any:
        """The request's answer, trying again while the hub does not answer; None when it has
        not for OFFLINE_GIVE_UP seconds."""
        from stepcampus.classroom.room_client import RoomClientError

        gone_since: float | None = None
        while True:
            try:
                return request()
            except RoomClientError as exc:
                if exc.kind != "offline":
                    raise
                now = time.monotonic()
                if gone_since is None:
                    gone_since = now
                    _say(f"{exc.message}; trying again")
                elif now - gone_since > OFFLINE_GIVE_UP:
                    _say(f"the hub has not answered for {OFFLINE_GIVE_UP:.0f} s: giving up")
                    return None
                time.sleep(2.0)

    def _once(self, view: dict[str, Any], state: str) -> bool:
        key = (str(view.get("run")), int(view.get("number") or 0), state)
        if key in self.shown:
            return False
        self.shown.add(key)
        return True

    def _show(self, view: dict[str, Any]) -> bool:
        """Say what changed (and answer an open question); True when the quiz is over."""
        state = view["state"]
        if state == "none":
            if self._once(view, state):
                _say("waiting for the facilitator to start a room quiz")
            return False
        if view.get("run") != self.run:
            self.run = view.get("run")
            _say(f"room quiz: {view['title']} ({view['count']} questions)")
        if state == "waiting" and self._once(view, state):
            _say("waiting for the first question")
        elif state == "open" and self._once(view, state):
            self._ask(view)
        elif state == "revealed" and self._once(view, state):
            self._reveal(view)
        elif state == "finished":
            _say("the room quiz is over: thank you")
            return True
        return False

    def _ask(self, view: dict[str, Any]) -> None:
        from stepcampus.classroom.room_client import (
            RoomClientError,
            shown_response,
            typed_response,
        )

        question = view["question"]
        number = question["number"]
        _say(f"question {number} of {view['count']}: {question['text']}")
        for i, choice in enumerate(question["choices"], start=1):
            _say(f"  {i}. {choice}")
        if self.scripted is not None:
            if number not in self.scripted:
                return
            attempts = [self.scripted[number]]
        else:
            attempts = []
        while True:
            if attempts:
                typed: str | None = attempts.pop()
            elif self.scripted is None and self.stdin_open:
                print("your answer: ", end="", flush=True)
                typed = self.typed.readline()
                if not typed:
                    self.stdin_open = False  # nothing more will be typed: only follow
                    _say("")
                    return
            else:
                return
            try:
                response = typed_response(question, typed)
                self.client.answer(number, response)
            except RoomClientError as exc:
                _say(f"not taken: {exc.message}")
                if exc.kind != "refused" or exc.status == 409:
                    return  # the question closed meanwhile, or the hub is gone
                continue
            _say(f"answered: {shown_response(question, response)}")
            return

    def _reveal(self, view: dict[str, Any]) -> None:
        from stepcampus.classroom.room_client import shown_response

        right = "; ".join(view.get("right_answers") or [])
        mine = view.get("your_answer")
        if mine is None:
            _say(f"the answer: {right}")
        else:
            credit = view.get("credit") or 0.0
            verdict = "right" if credit >= 1.0 else (
                f"partly right ({credit:.0%})" if credit > 0 else "not right")
            _say(f"{verdict}: you answered {shown_response(view['question'], mine)}; "
                 f"the answer: {right}")
        for line in [*(view.get("feedback") or []), view.get("general_feedback") or ""]:
            if line:
                _say(f"  {line}")
