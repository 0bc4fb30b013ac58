"""A quiz with the room over the hub: the facilitator's desktop runs it, learners' devices
answer, and each learner's results become xAPI statements in the hub's LRS, forwarded to the
campus exactly once like anything a learner sends.

Routes (JSON; errors are `{"error": "..."}` with 400, 403, 404 or 409):

    GET  /room/quizzes                 the installed modules whose quiz a room can answer
    GET  /room/quiz?after=V&wait=S     the room quiz as the asker may see it; with `after`, a
                                       long poll: answered at once when the version is not V,
                                       else when something changes (for a learner: something
                                       in their own view), within S (<= 25) seconds
    POST /room/quiz                    start: {"course", "module", "language"?, "class"?:
                                       {"id", "name"}}
    POST /room/quiz/release            {"number"?}: the next question by default
    POST /room/quiz/reveal             the right answer and its feedback, to everyone
    POST /room/quiz/hands              {"counts": [...], "number"?}: show-of-hands counts
    POST /room/quiz/finish             results written; a second finish changes nothing
    POST /room/join                    a learner is in the room (and in the quiz running)
    POST /room/answer                  {"number", "answer"}: a later answer replaces the first

Who: the hub's own accounts, Basic or bearer as its LRS takes them. Facilitator and admin
accounts run the quiz; learner accounts join and answer. Accounts rather than a secret printed
at start: the room already has them, with their roles, the failed-login limit and tokens, and
nothing new is shown on a projected screen or kept in a terminal's scrollback. A learner's view
never holds the right answer before the reveal, nor anyone else's answer or the tally.

Long polls hold no thread: every waiting request awaits one event on the loop, set by each
change (all made on the loop, or on the pool by `write_results`, which wakes it safely). A room
of 500 costs 500 idle sockets, not 500 threads of the server's pool (40 by default, which the
LRS needs).

Statements, in the hub's LRS under each learner's account: at every reveal, "answered" for each
answer not written yet (so a hub killed mid-quiz keeps what the room saw revealed); at the
finish, the answers still unwritten (to a question left open) and one "completed" per learner
who answered, scored over the questions released. The run is an activity of its own
(`...:quiz:MODULE:room:RUN`), so the learner's desktop never takes it for a quiz attempt of
theirs; the question is the module quiz's own question IRI. Context: parent the run (for
answers) or the module (for the run), grouping the course, the module and the class if one was
named, registration the run's id. Show-of-hands counts belong to nobody: no statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stepcampus.classroom.room_quiz import CHOICE_TYPES, RoomError, RoomQuestion, RoomQuiz
from stepcampus.errors import InputError, StepCampusError
from stepcampus.progress import xapi
from stepcampus.quiz.plaintext import plain_text
from stepcampus.server import statements
from stepcampus.server.access import Access
from stepcampus.server.accounts import Principal
from stepcampus.server.agents import learner_agent
from stepcampus.server.context import authenticate
from stepcampus.server.problems import Refused, bad_request, forbidden
from stepcampus.server.web import read_body

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from stepcampus.campus import Campus
    from stepcampus.quiz.model import Question

LONGEST_WAIT = 25.0  # below the 30 s at which proxies and clients commonly give up
MAX_BODY = 64 * 1024
PLATFORM = "STEP Campus hub"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
RUNNERS = ("facilitator", "admin")
_CLASS_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


@dataclass
class Run:
    """One room quiz: the quiz itself and what the hub keeps about it."""

    id: str  # a UUID: the statements' registration
    quiz: RoomQuiz
    course_id: str
    course_title: str
    module_id: str
    module_title: str
    language: str
    by: Principal  # the facilitator who started it: the statements' authority
    class_id: str | None = None
    class_name: str | None = None
    asked: set[int] = field(default_factory=set)  # question numbers released at least once
    written: dict[tuple[str, int], Any] = field(default_factory=dict)  # -> response written
    completed_written: bool = False
    statements: int = 0


@dataclass(frozen=True)
class ModuleQuiz:
    """A module's quiz as the room would answer it."""

    course_id: str
    course_title: str
    module_id: str
    module_title: str
    language: str
    questions: list[Question]


def load_module_quiz(campus: Campus, course_id: str, module_id: str,
                     language: str | None = None) -> ModuleQuiz:
    """An installed module's quiz, in `language` where the course has it; Refused (404/400)
    naming what is missing."""
    from stepcampus.coursepack.gift import parse_gift

    try:
        view = campus.course(course_id)
    except InputError:
        raise Refused(404, f"the course {course_id!r} is not installed on this hub") from None
    if (view.course.get("kind") or "course") != "course":
        raise bad_request(f"{course_id!r} is a webinar series, not a course")
    if module_id not in view.module_ids:
        raise Refused(404, f"the course {course_id} has no module {module_id!r}")
    info = view.module(module_id, language)
    if info.quiz is None:
        raise bad_request(f"the module {info.title!r} has no quiz")
    try:
        questions = parse_gift(view.read_text(info.quiz), info.quiz)
    except (StepCampusError, UnicodeDecodeError) as exc:
        raise Refused(422, f"the quiz of {info.title!r} could not be read: {exc}") from None
    return ModuleQuiz(course_id, view.title(info.language), module_id, info.title,
                      info.language, questions)


def room_quizzes(campus: Campus, language: str | None = None) -> list[dict[str, Any]]:
    """Every installed module with questions a room can answer, course by course."""
    from stepcampus.classroom.room_quiz import ROOM_TYPES

    found = []
    for row in campus.installed():
        view = campus.course(row.course_id)
        if (view.course.get("kind") or "course") != "course":
            continue
        for module_id in view.module_ids:
            try:
                quiz = load_module_quiz(campus, row.course_id, module_id, language)
            except Refused:
                continue  # no quiz, or one that cannot be read: not offered
            count = sum(1 for q in quiz.questions if q.type in ROOM_TYPES)
            if count:
                found.append({"course": quiz.course_id, "course_title": quiz.course_title,
                              "module": module_id, "title": quiz.module_title,
                              "language": quiz.language, "questions": count})
    return found


class RoomDesk:
    """The hub's room: who is in it and the room quiz, if one was started.

    The quiz's own methods run on the event loop (they take microseconds under the quiz's
    lock); statements are written on the thread pool, one write at a time.
    """

    def __init__(self, campus: Campus, factory: sessionmaker[Session], home_page: str,
                 say: Callable[[str], None] = print) -> None:
        self.campus = campus
        self.factory = factory
        self.home_page = home_page
        self.say = say
        self.run: Run | None = None
        self.present: dict[str, str] = {}  # learners who joined the room: username -> name
        self._base = 0  # the room's version is _base + the quiz's own, so it only grows
        self._lock = threading.Lock()  # run, present and _base
        self._write_lock = threading.Lock()  # a reveal and a finish never write one answer twice
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._closing = False

    # -- versions and waiting ----------------------------------------------------------------
    def version(self) -> int:
        run = self.run
        return self._base + (run.quiz.version if run is not None else 0)

    def _bind_loop(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._event = loop, asyncio.Event()
        return loop

    def _notify(self) -> None:
        """Wake the long polls (from any thread)."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting
            loop.call_soon_threadsafe(self._wake_waiters)

    def _wake_waiters(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = asyncio.Event()

    async def wait_newer(self, after: int, timeout: float) -> None:
        """Return once the version is not `after`, the desk closes, or after timeout."""
        loop = self._bind_loop()
        deadline = loop.time() + timeout
        # The check and the event taken without an await between them: a change after the
        # check wakes this very event, wherever it was made.
        while not self._closing and self.version() == after:
            event = self._event
            remaining = deadline - loop.time()
            if event is None or remaining <= 0:
                return
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return

    async def learner_news(self, who: Principal, after: int, timeout: float) -> dict[str, Any]:
        """A learner's view once it differs from the one of version `after` (or at timeout).

        Every answer bumps the room's version, but a learner's view shows nobody else's
        answer: woken by each, a room of N would send N views per answer, N² a question.
        """
        loop = self._bind_loop()
        deadline = loop.time() + timeout
        view = self.learner_view(who)
        if view["version"] != after:
            return view
        before = _unversioned(view)
        while True:
            await self.wait_newer(after, deadline - loop.time())
            view = self.learner_view(who)
            if self._closing or loop.time() >= deadline or _unversioned(view) != before:
                return view
            after = view["version"]

    def close(self) -> None:
        """The hub stops: long polls answer now rather than after the server's grace time."""
        self._closing = True
        self._notify()

    # -- the facilitator ---------------------------------------------------------------------
    def start(self, who: Principal, quiz: ModuleQuiz, class_id: str | None = None,
              class_name: str | None = None) -> Run:
        self._bind_loop()
        with self._lock:
            old = self.run
            if old is not None and old.quiz.state != "finished":
                raise RoomError(f"the room quiz of {old.module_title!r} is still running: "
                                "finish it first", 409)
            room = RoomQuiz(quiz.module_title, quiz.questions)  # RoomError: none to ask
            self._base = self.version() + 1
            run = Run(str(uuid.uuid4()), room, quiz.course_id, quiz.course_title,
                      quiz.module_id, quiz.module_title, quiz.language, who, class_id,
                      class_name)
            for username, name in self.present.items():
                room.join(username, name)
            self.run = run
        self._notify()
        self.say(f"room quiz started by {who.username}: {quiz.module_title} "
                 f"({len(room.questions)} questions for the room)")
        return run

    def _running(self) -> Run:
        run = self.run
        if run is None:
            raise RoomError("no room quiz is running: start one first", 409)
        if run.quiz.state == "finished":
            raise RoomError("this room quiz is finished: start a new one", 409)
        return run

    def release(self, number: Any = None) -> RoomQuestion:
        run = self._running()
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise RoomError("number must be a question's number, from 1")
        question = run.quiz.release(number)
        run.asked.add(question.number)
        self._notify()
        return question

    def reveal(self) -> Run:
        run = self._running()
        run.quiz.reveal()
        self._notify()
        return run

    def hands(self, counts: Any, number: Any = None) -> None:
        run = self._running()
        target = run.quiz.current if number is None else number
        if target == 0:
            raise RoomError("release a question before counting hands", 409)
        if not isinstance(counts, list):
            raise RoomError("counts must be a list with one count for each answer")
        run.quiz.set_hands(target, counts)
        self._notify()

    def finish(self) -> Run:
        """Finish the quiz (once; a second finish changes nothing)."""
        run = self.run
        if run is None:
            raise RoomError("no room quiz is running: start one first", 409)
        if run.quiz.state != "finished":
            run.quiz.finish()
            self._notify()
        return run

    def shutdown(self) -> None:
        """The hub stops: a quiz under way is finished and its results written."""
        self.close()
        run = self.run
        if run is None or run.completed_written:
            return
        if run.quiz.state != "finished":
            run.quiz.finish()
        try:
            self.write_results(run)
        except StepCampusError as exc:
            self.say(f"the room quiz's results could not be stored: {exc}")

    # -- learners ----------------------------------------------------------------------------
    def join(self, who: Principal) -> None:
        if who.role != "learner":
            raise RoomError(f"{who.username} is a {who.role}: the room quiz is answered with "
                            "learners' accounts", 403)
        name = who.display_name or who.username
        with self._lock:
            run = self.run
            if run is not None and run.quiz.state != "finished":
                run.quiz.join(who.username, name)  # RoomError when the room is full
            elif self.present.get(who.username) != name:
                self._base += 1
            self.present[who.username] = name
        self._notify()

    def answer(self, who: Principal, number: Any, response: Any) -> None:
        if isinstance(number, bool) or not isinstance(number, int):
            raise RoomError("number must be the number of the question on screen")
        run = self._running()
        if who.username not in run.quiz.participants:
            self.join(who)  # answering is being there; a device that rejoined after a restart
        run.quiz.answer(who.username, number, response)
        self._notify()

    # -- what each side sees -------------------------------------------------------------------
    def _base_view(self, run: Run, participant: str | None) -> dict[str, Any]:
        data = run.quiz.view(participant)
        data["version"] += self._base  # the quiz's version, read with the rest of its view
        data.update(run=run.id, course=run.course_id, course_title=run.course_title,
                    module=run.module_id, module_title=run.module_title,
                    language=run.language)
        question = data.get("question")
        if question is not None:
            rq = run.quiz.questions[question["number"] - 1]
            fmt = rq.question.text_format
            question["text"] = plain_text(question["text"], fmt)
            question["choices"] = [plain_text(c, a.format or fmt) for c, a in zip(
                question["choices"], rq.question.answers, strict=False)] \
                if rq.kind != "truefalse" else question["choices"]
            if data["state"] == "revealed":
                data["right_answers"] = [plain_text(t, fmt) for t in run.quiz.right_answers(
                    rq.number)]
                general = rq.question.general_feedback
                data["general_feedback"] = plain_text(general, fmt) if general else ""
            if "feedback" in data:
                data["feedback"] = [plain_text(t, fmt) for t in data["feedback"]]
        return data

    def facilitator_view(self) -> dict[str, Any]:
        run = self.run
        if run is None:
            with self._lock:
                return {"state": "none", "version": self.version(),
                        "joined": len(self.present), "names": sorted(self.present.values())}
        data = self._base_view(run, None)
        quiz = run.quiz
        data.update(joined=len(quiz.participants), names=sorted(quiz.participants.values()),
                    asked=sorted(run.asked), statements=run.statements,
                    class_id=run.class_id, class_name=run.class_name)
        number = data["number"]
        if number:
            tally = quiz.tally(number)
            rq = quiz.questions[number - 1]
            fmt = rq.question.text_format
            labels = tally.labels if rq.kind not in CHOICE_TYPES else data["question"]["choices"]
            data["tally"] = {"answered": tally.answered, "counts": tally.counts,
                             "labels": labels, "show_of_hands": tally.show_of_hands}
            data["hands"] = quiz.hands(number)
            if data["state"] == "revealed":
                right = quiz.right_response(number)
                data["feedback"] = [plain_text(t, fmt) for t in quiz.feedback(number, right)] \
                    if right is not None else []
        return data

    def learner_view(self, who: Principal) -> dict[str, Any]:
        run = self.run
        if run is None:
            return {"state": "none", "version": self.version(),
                    "joined": who.username in self.present}
        data = self._base_view(run, who.username)
        data["joined"] = who.username in run.quiz.participants
        question = data.get("question")
        if question is not None and question["kind"] not in CHOICE_TYPES:
            data.pop("correct", None)  # indexes into the room's typed answers: not theirs
        if data["state"] == "revealed" and data.get("your_answer") is not None:
            data["credit"] = run.quiz.credit(who.username, data["number"])
        return data

    # -- statements ----------------------------------------------------------------------------
    def write_results(self, run: Run) -> int:
        """Store the statements not written yet; how many were. Blocking: on the pool."""
        with self._write_lock:
            now = datetime.now(UTC)
            quiz = run.quiz
            final = quiz.state == "finished"
            made: list[dict[str, Any]] = []
            keys: dict[tuple[str, int], Any] = {}
            credits = quiz.results()
            for question in quiz.questions:
                if not final and quiz.state == "open" and question.number == quiz.current:
                    continue  # still taking answers
                for participant, response in quiz.answers(question.number).items():
                    key = (participant, question.number)
                    if key in run.written and run.written[key] == response:
                        continue
                    credit = credits.get(participant, {}).get(question.index, 0.0)
                    made.append(self._answered(run, participant, question, response, credit,
                                               now))
                    keys[key] = response
            if final and not run.completed_written:
                made += self._completed(run, credits, now)
            if made:
                self._store(run, made)
            run.written.update(keys)
            if final:
                run.completed_written = True
            run.statements += len(made)
        if made:
            with self._lock:
                self._base += 1  # the views' count of results changed: followers see it
            self._notify()
        return len(made)

    def _store(self, run: Run, made: list[dict[str, Any]]) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        owners = frozenset(st["actor"]["account"]["name"] for st in made)
        access = Access(run.by, owners)  # the facilitator, for these learners only
        authority = learner_agent(self.home_page, run.by.username, run.by.display_name)
        now = datetime.now(UTC)
        try:
            prepared = [statements.prepare(st, i, self.home_page, authority, access, now)
                        for i, st in enumerate(made)]
            statements.store(self.factory, prepared, access)
        except SQLAlchemyError as exc:
            raise RoomError(f"the results could not be stored ({exc.__class__.__name__}); "
                            "they are kept and stored at the next reveal or the finish",
                            503) from None

    def _context(self, run: Run, parent: str, grouping: list[tuple[str, str | None]]
                 ) -> dict[str, Any]:
        groups = [{"objectType": "Activity", "id": iri,
                   **({"definition": {"name": {run.language: name}}} if name else {})}
                  for iri, name in grouping]
        if run.class_id:
            groups.append({"objectType": "Activity", "id": xapi.class_iri(run.class_id),
                           **({"definition": {"name": {run.language: run.class_name}}}
                              if run.class_name else {})})
        return {"platform": PLATFORM, "registration": run.id, "language": run.language,
                "contextActivities": {"parent": [{"objectType": "Activity", "id": parent}],
                                      "grouping": groups}}

    def _actor(self, run: Run, participant: str) -> dict[str, Any]:
        return learner_agent(self.home_page, participant,
                             run.quiz.participants.get(participant))

    def _run_iri(self, run: Run) -> str:
        return xapi.room_quiz_iri(run.course_id, run.module_id, run.id)

    def _answered(self, run: Run, participant: str, question: RoomQuestion, response: Any,
                  credit: float, at: datetime) -> dict[str, Any]:
        scored = (response == 0) if question.kind == "truefalse" else response
        text = scored if isinstance(scored, str) else json.dumps(
            scored, ensure_ascii=False, separators=(",", ":"))
        statement = xapi.statement(
            self._actor(run, participant), "answered",
            xapi.question_iri(run.course_id, run.module_id, question.index),
            plain_text(question.question.text, question.question.text_format)[:500],
            result={"response": text, "score": {"scaled": credit}, "success": credit >= 1.0},
            timestamp=at, name_language=run.language)
        statement["context"] = self._context(run, self._run_iri(run), [
            (xapi.module_iri(run.course_id, run.module_id), run.module_title),
            (xapi.course_iri(run.course_id), run.course_title)])
        return statement

    def _completed(self, run: Run, credits: dict[str, dict[int, float]],
                   at: datetime) -> list[dict[str, Any]]:
        asked = [run.quiz.questions[n - 1].index for n in sorted(run.asked)]
        if not asked:
            return []
        made = []
        for participant, mine in sorted(credits.items()):
            raw = sum(mine.get(index, 0.0) for index in asked)
            statement = xapi.statement(
                self._actor(run, participant), "completed", self._run_iri(run),
                f"{run.module_title}: room quiz",
                result={"score": {"scaled": round(raw / len(asked), 6), "raw": round(raw, 6),
                                  "min": 0, "max": len(asked)}, "completion": True},
                timestamp=at, name_language=run.language)
            statement["object"]["definition"]["type"] = ASSESSMENT
            statement["context"] = self._context(
                run, xapi.module_iri(run.course_id, run.module_id),
                [(xapi.course_iri(run.course_id), run.course_title)])
            made.append(statement)
        return made


def _unversioned(view: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in view.items() if key != "version"}


# ------------------------------------------------------------------------------ routes


def _desk(request: Request) -> RoomDesk:
    return request.app.state.hub.room  # type: ignore[no-any-return]


async def _runner(request: Request, what: str) -> Principal:
    who = await authenticate(request)
    if who.role not in RUNNERS:
        raise forbidden(f"{what} is for the room's facilitator; {who.username} is a {who.role}")
    return who


async def _body(request: Request) -> dict[str, Any]:
    raw = await read_body(request, MAX_BODY)
    if not raw.strip():
        return {}  # the actions without parameters may be posted empty
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise bad_request(f"the request body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise bad_request("the request body must be a JSON object")
    return data


def _refused(exc: RoomError) -> Refused:
    return Refused(exc.code, str(exc))


def _text(body: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise bad_request(f"{key} must be a text of 1 to 200 characters")
    return value.strip()


def _class(body: dict[str, Any]) -> tuple[str | None, str | None]:
    value = body.get("class")
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise bad_request('class must be {"id": ..., "name": ...}')
    class_id = value.get("id")
    if not isinstance(class_id, str) or not 0 < len(class_id) <= 64 \
            or not set(class_id) <= _CLASS_ID_CHARS:
        raise bad_request("class.id must be 1 to 64 letters, digits or . _ -")
    name = value.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 200):
        raise bad_request("class.name must be a text of at most 200 characters")
    return class_id, (name or "").strip() or None


async def list_quizzes(request: Request) -> Response:
    await _runner(request, "choosing a quiz")
    language = request.query_params.get("language")
    return JSONResponse(await run_in_threadpool(room_quizzes, _desk(request).campus, language))


async def get_quiz(request: Request) -> Response:
    desk = _desk(request)
    who = await authenticate(request)
    params = request.query_params
    after = params.get("after")
    wait = params.get("wait", str(LONGEST_WAIT))
    try:
        seconds = float(wait)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= LONGEST_WAIT:
        raise bad_request(f"wait must be a number of seconds from 0 to {LONGEST_WAIT:g}")
    if after is not None:
        if not after.isdigit() or len(after) > 18:
            raise bad_request("after must be the version of the last view, a whole number")
        if who.role not in RUNNERS:
            return JSONResponse(await desk.learner_news(who, int(after), seconds))
        await desk.wait_newer(int(after), seconds)
    view = desk.facilitator_view() if who.role in RUNNERS else desk.learner_view(who)
    return JSONResponse(view)


async def start_quiz(request: Request) -> Response:
    desk = _desk(request)
    who = await _runner(request, "starting a room quiz")
    body = await _body(request)
    course, module = _text(body, "course"), _text(body, "module")
    language = _text(body, "language", required=False)
    class_id, class_name = _class(body)
    assert course is not None and module is not None
    quiz = await run_in_threadpool(load_module_quiz, desk.campus, course, module, language)
    try:
        desk.start(who, quiz, class_id, class_name)
    except RoomError as exc:
        raise _refused(exc) from None
    return JSONResponse(desk.facilitator_view(), status_code=201)


ACTIONS = {"release": "releasing questions", "reveal": "revealing the answer",
           "hands": "counting hands", "finish": "finishing the quiz"}


async def control(request: Request) -> Response:
    desk = _desk(request)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise Refused(404, f"no room quiz action {action!r} (there are "
                      f"{', '.join(ACTIONS)})")
    who = await _runner(request, ACTIONS[action])
    body = await _body(request)
    try:
        if action == "release":
            desk.release(body.get("number"))
        elif action == "hands":
            desk.hands(body.get("counts"), body.get("number"))
        else:
            run = desk.reveal() if action == "reveal" else desk.finish()
            written = await run_in_threadpool(desk.write_results, run)
            if action == "finish" and written:
                desk.say(f"room quiz finished by {who.username}: {run.module_title}, "
                         f"{run.statements} statements for "
                         f"{len({k[0] for k in run.written})} learners")
    except RoomError as exc:
        raise _refused(exc) from None
    return JSONResponse(desk.facilitator_view())


async def join(request: Request) -> Response:
    desk = _desk(request)
    who = await authenticate(request)
    try:
        desk.join(who)
    except RoomError as exc:
        raise _refused(exc) from None
    return JSONResponse(desk.learner_view(who))


async def answer(request: Request) -> Response:
    desk = _desk(request)
    who = await authenticate(request)
    if who.role != "learner":
        raise forbidden(f"{who.username} is a {who.role}: the room answers with learners' "
                        "accounts")
    body = await _body(request)
    if "answer" not in body:
        raise bad_request('give the answer: {"number": N, "answer": ...}')
    try:
        desk.answer(who, body.get("number"), body["answer"])
    except RoomError as exc:
        raise _refused(exc) from None
    return JSONResponse(desk.learner_view(who))


def room_routes() -> list[BaseRoute]:
    return [Route("/room/quizzes", list_quizzes, methods=["GET"]),
            Route("/room/quiz", get_quiz, methods=["GET"]),
            Route("/room/quiz", start_quiz, methods=["POST"]),
            Route("/room/quiz/{action:str}", control, methods=["POST"]),
            Route("/room/join", join, methods=["POST"]),
            Route("/room/answer", answer, methods=["POST"])]
