"""Reports on a class: per learner (modules completed, best quiz scores, attendance) and per
quiz question (item analysis), with CSV export. The PDF is drawn by `report_pdf`.

Everything is read from this desktop's store in a handful of queries, whatever the size of the
class. Learners enrolled as campus accounts have no profile here, so no local progress: they
appear with their attendance only (`LearnerReport.local` is False), their progress being on the
campus server.

Item analysis reads each local learner's latest finished attempt at each quiz, matching answers
to the quiz's questions by their position, as the quiz page saves them:

- *answered*: the attempt holds an answer to the question (an empty one does not count);
- *share correct*: of those who answered, the share given full credit;
- choice questions (multiple choice, several answers, true/false): how many chose each answer
  (with several answers, each ticked box counts), and the wrong answer chosen most; typed
  answers (short answer, numerical): the wrong answer typed most, compared without case or
  extra spaces. Essays have no share correct: a person reads them.

Answers are matched to the questions of the quiz in the report's language: translations of a
quiz keep its questions and answers in the same order, as the quiz page relies on too.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from stepcampus.classroom.classes import attendance_grid, local_start
from stepcampus.errors import InputError, Problem, StepCampusError
from stepcampus.progress.summary import DEFAULT_PASS_MARK
from stepcampus.quiz import scoring
from stepcampus.quiz.model import (
    DESCRIPTION,
    ESSAY,
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    NUMERICAL,
    SHORTANSWER,
    TRUEFALSE,
    Question,
)
from stepcampus.store.models import (
    ClassMember,
    InstalledCourse,
    ModuleProgress,
    QuizAnswer,
    QuizAttempt,
)

if TYPE_CHECKING:
    from stepcampus.coursepack.contentstore import ContentStore
    from stepcampus.store.database import SessionFactory

CHOICE_TYPES = (MULTICHOICE, MULTIPLE_ANSWERS, TRUEFALSE)
TYPED_TYPES = (SHORTANSWER, NUMERICAL)
_FULL = 1 - 1e-9  # full credit, whatever the float sums of partial weights give
_CHUNK = 500  # SQLite's bound-parameter limit, with room to spare


# What a report holds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleLine:
    """One module of the course for one learner."""

    module_id: str
    title: str
    completed: bool  # read to the end
    has_quiz: bool
    best: float | None  # best score (0..1) of the finished attempts, None before any
    passed: bool
    attempts: int  # finished attempts


@dataclass(frozen=True)
class AttendanceCounts:
    present: int = 0
    late: int = 0
    absent: int = 0
    excused: int = 0

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def share(self) -> float | None:
        """Sessions attended of those recorded; an excused absence does not count against the
        learner. None before any attendance is taken."""
        counted = self.present + self.late + self.absent
        return self.attended / counted if counted else None


@dataclass(frozen=True)
class LearnerReport:
    member_id: int
    name: str
    profile_id: str | None
    campus_username: str | None
    modules: list[ModuleLine]  # in course order; empty for campus accounts
    attendance: AttendanceCounts
    statuses: list[str | None]  # per session of the class, in time order

    @property
    def local(self) -> bool:
        """A profile of this desktop, whose progress is in this store."""
        return self.profile_id is not None

    @property
    def completed(self) -> int:
        return sum(m.completed for m in self.modules)

    def quiz(self, module_id: str) -> ModuleLine | None:
        return next((m for m in self.modules if m.module_id == module_id and m.has_quiz), None)


@dataclass(frozen=True)
class ChoiceCount:
    """One answer of a choice question and how many chose it."""

    key: int | bool | None  # its index in the question's answers; True or False for
    # true/false; None for an answer typed in
    text: str
    weight: float  # percent of the mark it earns, -100..100
    count: int

    @property
    def right(self) -> bool:
        return self.weight > 0


@dataclass(frozen=True)
class ItemAnalysis:
    module_id: str
    index: int  # the question's position in the quiz file (descriptions included)
    number: int  # as the quiz page numbers it (descriptions not counted)
    name: str | None
    text: str  # plain text
    type: str
    takers: int  # learners with a finished attempt at the quiz
    answered: int
    correct: int | None  # full credit; None for essays
    choices: list[ChoiceCount] = field(default_factory=list)  # choice questions only
    top_wrong: ChoiceCount | None = None  # the wrong answer given most, chosen or typed

    @property
    def share_correct(self) -> float | None:
        if self.correct is None or not self.answered:
            return None
        return self.correct / self.answered


@dataclass(frozen=True)
class QuizSummary:
    module_id: str
    title: str
    takers: int  # local learners with a finished attempt
    passed: int
    mean_best: float | None  # of the takers' best scores
    items: list[ItemAnalysis]
    problem: str | None = None  # why its questions could not be read, if they could not


@dataclass(frozen=True)
class SessionLine:
    session_id: str
    title: str
    start: datetime  # in the session's own time zone


@dataclass(frozen=True)
class ClassReport:
    class_id: str
    class_name: str
    course_id: str | None
    course_title: str
    pass_mark: float  # percent
    made_at: datetime
    modules: list[tuple[str, str]]  # (id, title) of the course's modules
    sessions: list[SessionLine]
    learners: list[LearnerReport]
    quizzes: list[QuizSummary]
    notes: list[str]  # what the report could not include (a course not installed, say)

    @property
    def local_learners(self) -> list[LearnerReport]:
        return [r for r in self.learners if r.local]

    @property
    def has_campus_learners(self) -> bool:
        return any(not r.local for r in self.learners)

    @property
    def mean_completed(self) -> float | None:
        local = self.local_learners
        return sum(r.completed for r in local) / len(local) if local else None

    @property
    def mean_attendance(self) -> float | None:
        shares = [s for r in self.learners if (s := r.attendance.share) is not None]
        return sum(shares) / len(shares) if shares else None

    @property
    def mean_score(self) -> float | None:
        """The mean of the quizzes' mean best scores."""
        means = [q.mean_best for q in self.quizzes if q.mean_best is not None]
        return sum(means) / len(means) if means else None

    def learner(self, key: str) -> LearnerReport:
        """A learner by name, campus user name, member or profile id (any case)."""
        wanted = key.strip().casefold()
        for row in self.learners:
            names = {row.name, row.campus_username or "", row.profile_id or "",
                     str(row.member_id)}
            if wanted in {n.casefold() for n in names if n}:
                return row
        known = ", ".join(r.name for r in self.learners) or "none yet"
        raise InputError(Problem("learner", None, f"{key!r} is not a learner of "
                                 f"{self.class_name}", f"its learners: {known}"))


# Building it ------------------------------------------------------------------------------------


def class_report(factory: SessionFactory, content: ContentStore, class_id: str,
                 language: str | None = None, *, now: datetime | None = None) -> ClassReport:
    """The report on a class, with titles and questions in `language` where the course has
    it. InputError naming "class" if there is no such class."""
    from stepcampus.coursepack.installed import CourseView

    grid = attendance_grid(factory, class_id)
    group = grid.group
    notes: list[str] = []
    view: CourseView | None = None
    if group.course_id is not None:
        with factory() as session:
            row = session.get(InstalledCourse, group.course_id)
        if row is None:
            notes.append(f"the course {group.course_id} is not installed on this desktop: "
                         "no progress or quiz results")
        else:
            view = CourseView(row.manifest, content)
    modules: list[tuple[str, str]] = []
    quizzes: list[tuple[str, str, list[Question] | None, str | None]] = []
    if view is not None:
        for module_id in view.module_ids:
            info = view.module(module_id, language)
            modules.append((module_id, info.title))
            if info.quiz is not None:
                questions, problem = _questions(view, info.quiz)
                quizzes.append((module_id, info.title, questions, problem))
                if problem:
                    notes.append(f"{info.title}: {problem}")

    profile_ids = [m.profile_id for m in grid.members if m.profile_id is not None]
    course_id = group.course_id or ""
    store = _read_store(factory, profile_ids, course_id) if view is not None else _Store()

    sessions = [SessionLine(s.id, s.title, local_start(s)) for s in grid.sessions]
    learners = [_learner(member, grid.marks, sessions, modules, {q[0] for q in quizzes}, store)
                for member in grid.members]
    summaries = [_quiz_summary(module_id, title, questions, problem, profile_ids, store)
                 for module_id, title, questions, problem in quizzes]
    title = view.title(language) if view is not None else (group.course_id or "")
    pass_mark = float(view.course.get("pass_mark", DEFAULT_PASS_MARK)) if view is not None \
        else DEFAULT_PASS_MARK
    return ClassReport(group.id, group.name, group.course_id, title, pass_mark,
                       now or datetime.now().astimezone(), modules, sessions, learners,
                       summaries, notes)


def _questions(view: Any, path: str) -> tuple[list[Question] | None, str | None]:
    from stepcampus.coursepack.gift import parse_gift

    try:
        return parse_gift(view.read_text(path), path), None
    except StepCampusError as exc:  # a quiz file left in its published tree, say
        return None, f"its quiz could not be read ({exc})"
    except UnicodeDecodeError:
        return None, "its quiz is not UTF-8 text"


@dataclass
class _Store:
    """What the report needs from the store, read in one go."""

    completed: set[tuple[str, str]] = field(default_factory=set)  # (profile, module)
    best: dict[tuple[str, str], float] = field(default_factory=dict)  # (profile, quiz)
    passed: set[tuple[str, str]] = field(default_factory=set)
    attempts: Counter[tuple[str, str]] = field(default_factory=Counter)
    latest: dict[tuple[str, str], str] = field(default_factory=dict)  # -> attempt id
    answers: dict[str, dict[int, tuple[Any, float | None]]] = field(default_factory=dict)


def _read_store(factory: SessionFactory, profile_ids: list[str], course_id: str) -> _Store:
    store = _Store()
    if not profile_ids:
        return store
    with factory() as session:
        for start in range(0, len(profile_ids), _CHUNK):
            chunk = profile_ids[start:start + _CHUNK]
            store.completed.update((profile, module) for profile, module in session.execute(
                select(ModuleProgress.profile_id, ModuleProgress.module_id).where(
                    ModuleProgress.profile_id.in_(chunk), ModuleProgress.course_id == course_id,
                    ModuleProgress.completed_at.is_not(None))))
            rows = session.execute(
                select(QuizAttempt.id, QuizAttempt.profile_id, QuizAttempt.quiz_id,
                       QuizAttempt.score, QuizAttempt.passed).where(
                    QuizAttempt.profile_id.in_(chunk), QuizAttempt.course_id == course_id,
                    QuizAttempt.state == "finished")
                # Oldest first, so the last one seen is the latest; rowid breaks ties.
                .order_by(QuizAttempt.finished_at, text("quiz_attempts.rowid")))
            for attempt_id, profile_id, quiz_id, score, passed in rows:
                key = (profile_id, quiz_id)
                store.attempts[key] += 1
                if score is not None and score >= store.best.get(key, -1.0):
                    store.best[key] = score
                if passed:
                    store.passed.add(key)
                store.latest[key] = attempt_id
        latest = list(store.latest.values())
        for start in range(0, len(latest), _CHUNK):
            for attempt_id, index, response, fraction in session.execute(
                    select(QuizAnswer.attempt_id, QuizAnswer.question_index,
                           QuizAnswer.response, QuizAnswer.fraction).where(
                        QuizAnswer.attempt_id.in_(latest[start:start + _CHUNK]))):
                try:
                    value = json.loads(response)
                except ValueError:
                    continue  # not written by the quiz page: nothing to count
                store.answers.setdefault(attempt_id, {})[index] = (value, fraction)
    return store


def _learner(member: ClassMember, marks: dict[tuple[int, str], str],
             sessions: list[SessionLine], modules: list[tuple[str, str]], with_quiz: set[str],
             store: _Store) -> LearnerReport:
    statuses = [marks.get((member.id, s.session_id)) for s in sessions]
    counts = Counter(s for s in statuses if s)
    attendance = AttendanceCounts(counts["present"], counts["late"], counts["absent"],
                                  counts["excused"])
    lines: list[ModuleLine] = []
    profile = member.profile_id
    if profile is not None:
        for module_id, title in modules:
            key = (profile, module_id)
            lines.append(ModuleLine(module_id, title, key in store.completed,
                                    module_id in with_quiz, store.best.get(key),
                                    key in store.passed, store.attempts[key]))
    return LearnerReport(member.id, member.display_name, profile, member.campus_username,
                         lines, attendance, statuses)


def _quiz_summary(module_id: str, title: str, questions: list[Question] | None,
                  problem: str | None, profile_ids: list[str], store: _Store) -> QuizSummary:
    takers = [p for p in profile_ids if (p, module_id) in store.latest]
    bests = [store.best[(p, module_id)] for p in takers if (p, module_id) in store.best]
    passed = sum((p, module_id) in store.passed for p in takers)
    items: list[ItemAnalysis] = []
    number = 0
    for index, question in enumerate(questions or []):
        if question.type == DESCRIPTION:
            continue
        number += 1
        answers = [store.answers.get(store.latest[(p, module_id)], {}).get(index)
                   for p in takers]
        items.append(_item(module_id, index, number, question, len(takers),
                           [a for a in answers if a is not None and _given(a[0])]))
    mean = sum(bests) / len(bests) if bests else None
    return QuizSummary(module_id, title, len(takers), passed, mean, items, problem)


def _given(response: Any) -> bool:
    """An answer was given: the quiz page keeps a cleared field or no box ticked as empty."""
    return response is not None and response != "" and response != [] and response != {}


def _item(module_id: str, index: int, number: int, question: Question, takers: int,
          answers: list[tuple[Any, float | None]]) -> ItemAnalysis:
    marked = [(response, _fraction(question, response, fraction))
              for response, fraction in answers]
    correct = None if question.type == ESSAY else sum(
        f is not None and f >= _FULL for _, f in marked)
    choices: list[ChoiceCount] = []
    top_wrong: ChoiceCount | None = None
    if question.type in CHOICE_TYPES:
        choices = _choice_counts(question, [r for r, _ in marked])
        wrong = [c for c in choices if not c.right and c.count]
        if wrong:
            top_wrong = max(wrong, key=lambda c: c.count)  # the first of equal counts
    elif question.type in TYPED_TYPES:
        typed: Counter[str] = Counter()
        shown: dict[str, str] = {}
        for response, fraction in marked:
            if isinstance(response, str) and (fraction is None or fraction < _FULL):
                words = " ".join(response.split())
                key = words.casefold()
                typed[key] += 1
                shown.setdefault(key, words)
        if typed:
            key, count = typed.most_common(1)[0]  # the first typed of equal counts
            top_wrong = ChoiceCount(None, shown[key], 0.0, count)
    return ItemAnalysis(module_id, index, number, question.name,
                        plain_text(question.display_text, question.text_format), question.type,
                        takers, len(marked), correct, choices, top_wrong)


def _fraction(question: Question, response: Any, stored: float | None) -> float | None:
    """The credit the quiz page stored with the answer; marked here if it stored none."""
    if stored is not None or question.type == ESSAY:
        return stored
    if isinstance(response, dict):  # matching, as JSON gives it back: keys are text
        response = {int(k): v for k, v in response.items() if str(k).isdigit()}
    try:
        return scoring.score(question, response)
    except (ValueError, TypeError):
        return 0.0


def _choice_counts(question: Question, responses: Iterable[Any]) -> list[ChoiceCount]:
    fmt = question.text_format
    counts: Counter[int | bool] = Counter()
    if question.type == TRUEFALSE:
        keys: list[int | bool] = [True, False]
        texts = {True: "True", False: "False"}
        right = question.correct_answer
        weights = {True: 100.0 if right else 0.0, False: 0.0 if right else 100.0}
        counts.update(r for r in responses if isinstance(r, bool))
    else:
        keys = list(range(len(question.answers)))
        texts = {i: plain_text(a.text, a.format or fmt) for i, a in enumerate(question.answers)}
        weights = {i: a.weight for i, a in enumerate(question.answers)}
        for response in responses:
            picked = response if question.type == MULTIPLE_ANSWERS else [response]
            if not isinstance(picked, list):
                continue
            # An index the quiz no longer has (a course update since) is not counted.
            counts.update({i for i in picked if isinstance(i, int) and not isinstance(i, bool)
                           and 0 <= i < len(keys)})
    return [ChoiceCount(k, texts[k], weights[k], counts[k]) for k in keys]


def plain_text(text_: str, fmt: str) -> str:
    """Question or answer text in its GIFT format as one line of plain text."""
    import html
    import re

    if fmt != "plain":
        import nh3

        if fmt == "markdown":
            import markdown

            text_ = markdown.markdown(text_)
        # Tags go; a space where a block ended keeps "a<br>b" from reading "ab".
        text_ = re.sub(r"(?i)<(br|/p|/li|/div|/h\d|/tr|/td|/th|/blockquote)\b", r" <\1", text_)
        text_ = html.unescape(nh3.clean(text_, tags=set()))
    return " ".join(text_.split())


# Words and numbers ------------------------------------------------------------------------------


def score_text(fraction: float | None) -> str:
    """A score in percent, "69.9"; rounded down, as the quiz page does, so a score of
    69.96 % never reads as a pass. Empty for None."""
    if fraction is None:
        return ""
    return f"{math.floor(fraction * 1000 + 1e-6) / 10:g}"


@dataclass(frozen=True)
class Bar:
    """One bar of a report's charts, drawn by the PDF and by the desktop alike."""

    label: str
    value: float  # 0..1 of the chart's width
    text: str  # the value in words, after the bar
    right: bool = False  # a right answer or a passed score: marked ✓ and coloured


def pct(text: str) -> str:
    """A share already in words ("75") as a percentage, or a dash for none."""
    return f"{text} %" if text else "–"


def share_text(fraction: float | None) -> str:
    """A share in percent, rounded to one decimal: "66.7". Empty for None."""
    return "" if fraction is None else f"{round(fraction * 100, 1):g}"


def mean_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class Words:
    """What the exports say, in English unless given translated (the desktop passes its
    interface language)."""

    # Headings and facts
    class_report: str = "Class report"
    learner_report: str = "Learner report"
    class_: str = "Class"
    course: str = "Course"
    no_course: str = "no course"
    date: str = "Date"
    page: str = "Page {page}"
    averages: str = ("Averages: {completed} of {total} modules completed · best quiz score "
                     "{score} % · attended {attended} %")
    campus_note: str = ("Learners enrolled with a campus account have their progress on the "
                        "campus server: this report shows their attendance only.")
    # Learners
    learners: str = "Learners"
    learner: str = "Learner"
    account: str = "Account"
    this_desktop: str = "profile on this desktop"
    campus_account: str = "campus account {user}"
    on_campus: str = "progress on the campus server"
    modules: str = "Modules completed"
    modules_head: str = "Modules"
    of_modules: str = "{done} of {total}"
    best: str = "{quiz}: best %"
    passed: str = "{quiz}: passed"
    quiz_short: str = "Q{number}"
    passed_legend: str = "{mark} quiz passed"
    class_average: str = "Class average"
    yes: str = "yes"
    no: str = "no"
    # Attendance: counts (column heads, with one-letter forms for narrow tables) and statuses
    present: str = "Present"
    late: str = "Late"
    absent: str = "Absent"
    excused: str = "Excused"
    present_short: str = "P"
    late_short: str = "L"
    absent_short: str = "A"
    excused_short: str = "E"
    status_present: str = "present"
    status_late: str = "late"
    status_absent: str = "absent"
    status_excused: str = "excused"
    not_recorded: str = "not recorded"
    attended: str = "Attended %"
    attended_line: str = "Attended {attended} of {counted} sessions ({share} %)"
    attendance: str = "Attendance"
    session: str = "Session"
    status: str = "Status"
    no_sessions: str = "No session planned yet."
    # One learner's modules
    module: str = "Module"
    read: str = "Read"
    best_score: str = "Best score %"
    passed_head: str = "Passed"
    attempts: str = "Attempts"
    scores_chart: str = "Best score per quiz (the line is the pass mark, {mark} %)"
    # Quizzes and item analysis
    quizzes: str = "Quizzes"
    mean_chart: str = "Mean best score per quiz (the line is the pass mark, {mark} %)"
    quiz_line: str = "{takers} took it · {passed} passed · mean best score {mean} %"
    no_answers: str = "No finished attempt yet."
    item_analysis: str = "Item analysis"
    quiz: str = "Quiz"
    question: str = "Question"
    share_chart: str = "Share correct by question"
    took_quiz: str = "Took the quiz"
    answered: str = "Answered"
    correct: str = "Correct"
    share_correct: str = "Share correct %"
    top_wrong: str = "Wrong answer given most"
    times: str = "Times"
    question_line: str = "{answered} of {takers} answered · {share} % correct"
    essay_line: str = "{answered} of {takers} answered · read by a facilitator"
    top_wrong_line: str = "Wrong answer given most: “{text}” ({count})"
    answers_per_choice: str = "Answers per choice"
    choice: str = "Answer"
    right_answer: str = "Right answer"
    chosen: str = "Chosen"
    chosen_line: str = "{count} ({share} %)"
    true: str = "True"
    false: str = "False"

    def status_word(self, status: str | None) -> str:
        return {"present": self.status_present, "late": self.status_late,
                "absent": self.status_absent, "excused": self.status_excused,
                }.get(status or "", self.not_recorded)

    def choice_text(self, choice: ChoiceCount) -> str:
        if isinstance(choice.key, bool):
            return self.true if choice.key else self.false
        return choice.text

    def question_summary(self, item: ItemAnalysis) -> str:
        """Under a question: how many answered, the share right, the wrong answer chosen most."""
        if item.correct is None:
            line = self.essay_line.format(answered=item.answered, takers=item.takers)
        else:
            line = self.question_line.format(answered=item.answered, takers=item.takers,
                                             share=share_text(item.share_correct) or "–")
        if item.top_wrong is not None:
            line += " · " + self.top_wrong_line.format(text=self.choice_text(item.top_wrong),
                                                       count=item.top_wrong.count)
        return line

    def choice_bars(self, item: ItemAnalysis) -> list[Bar]:
        """A bar for each choice: the share of those who answered that chose it."""
        if not item.answered:
            return []
        return [Bar(self.choice_text(c), c.count / item.answered,
                    self.chosen_line.format(count=c.count,
                                            share=share_text(c.count / item.answered)),
                    right=c.right) for c in item.choices]


ENGLISH = Words()


def account_text(row: LearnerReport, words: Words = ENGLISH) -> str:
    if row.campus_username is not None:
        return words.campus_account.format(user=row.campus_username)
    return words.this_desktop


# CSV ------------------------------------------------------------------------------------------


def report_csv(report: ClassReport, learner: LearnerReport | None = None,
               words: Words = ENGLISH) -> bytes:
    """The report as one CSV file in sections (learners, attendance, item analysis, answers
    per choice), each a title row, a header row and its rows, separated by an empty row; for
    one learner, their modules and attendance. UTF-8 with a byte order mark, so spreadsheet
    programs read the accents; quoted as RFC 4180 says, with CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # QUOTE_MINIMAL, doubled quotes: RFC 4180
    sections = _learner_sections(report, learner, words) if learner is not None \
        else _class_sections(report, words)
    writer.writerows(_head(report, learner, words))
    for title, header, rows in sections:
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


Section = tuple[str, list[str], list[list[str]]]


def _head(report: ClassReport, learner: LearnerReport | None, words: Words) -> list[list[str]]:
    rows = [[words.learner_report if learner else words.class_report],
            [words.class_, report.class_name],
            [words.course, report.course_title or words.no_course],
            [words.date, f"{report.made_at:%Y-%m-%d}"]]
    if learner is not None:
        rows.insert(1, [words.learner, learner.name])
        rows.insert(2, [words.account, account_text(learner, words)])
    return rows


def _class_sections(report: ClassReport, words: Words) -> list[Section]:
    quizzes = report.quizzes
    header = [words.learner, words.account, words.modules]
    for quiz in quizzes:
        header += [words.best.format(quiz=quiz.title), words.passed.format(quiz=quiz.title)]
    header += [words.present, words.late, words.absent, words.excused, words.attended]
    rows: list[list[str]] = []
    for row in report.learners:
        line = [row.name, account_text(row, words)]
        if row.local:
            line.append(str(row.completed))
            for quiz in quizzes:
                result = row.quiz(quiz.module_id)
                best = result.best if result else None
                line += [score_text(best), "" if best is None else
                         (words.yes if result and result.passed else words.no)]
        else:
            line += [words.on_campus] + [""] * (2 * len(quizzes))
        a = row.attendance
        line += [str(a.present), str(a.late), str(a.absent), str(a.excused), share_text(a.share)]
        rows.append(line)
    average = [words.class_average, "", mean_text(report.mean_completed)]
    for quiz in quizzes:
        average += [score_text(quiz.mean_best),
                    f"{quiz.passed}/{quiz.takers}" if quiz.takers else ""]
    average += ["", "", "", "", share_text(report.mean_attendance)]
    rows.append(average)
    sections: list[Section] = [(words.learners, header, rows)]

    if report.sessions:
        head = [words.learner] + [f"{s.start:%Y-%m-%d %H:%M} {s.title}" for s in report.sessions]
        sections.append((words.attendance, head, [
            [r.name] + [words.status_word(s) if s else "" for s in r.statuses]
            for r in report.learners]))

    items: list[list[str]] = []
    choices: list[list[str]] = []
    for quiz in quizzes:
        for item in quiz.items:
            wrong = item.top_wrong
            items.append([quiz.title, str(item.number), item.text, str(item.takers),
                          str(item.answered), "" if item.correct is None else str(item.correct),
                          share_text(item.share_correct),
                          words.choice_text(wrong) if wrong else "",
                          str(wrong.count) if wrong else ""])
            for choice in item.choices:
                choices.append([quiz.title, str(item.number), words.choice_text(choice),
                                words.yes if choice.right else words.no, str(choice.count)])
    if items:
        sections.append((words.item_analysis,
                         [words.quiz, "#", words.question, words.took_quiz, words.answered,
                          words.correct, words.share_correct, words.top_wrong, words.times],
                         items))
    if choices:
        sections.append((words.answers_per_choice,
                         [words.quiz, "#", words.choice, words.right_answer, words.chosen],
                         choices))
    return sections


def _learner_sections(report: ClassReport, learner: LearnerReport,
                      words: Words) -> list[Section]:
    sections: list[Section] = []
    if learner.local and learner.modules:
        sections.append((words.modules_head, [words.module, words.read, words.best_score,
                                         words.passed_head, words.attempts],
                         [[m.title, words.yes if m.completed else words.no,
                           score_text(m.best) if m.has_quiz else "",
                           (words.yes if m.passed else words.no) if m.has_quiz else "",
                           str(m.attempts) if m.has_quiz else ""] for m in learner.modules]))
    elif not learner.local:
        sections.append((words.modules_head, [words.module], [[words.on_campus]]))
    a = learner.attendance
    rows = [[f"{s.start:%Y-%m-%d %H:%M}", s.title, words.status_word(status)]
            for s, status in zip(report.sessions, learner.statuses, strict=True)]
    rows.append([words.attended, "", share_text(a.share)])
    sections.append((words.attendance, [words.date, words.session, words.status], rows))
    return sections


def averages_text(report: ClassReport, words: Words = ENGLISH) -> str:
    return words.averages.format(completed=mean_text(report.mean_completed) or "-",
                                 total=len(report.modules),
                                 score=score_text(report.mean_score) or "-",
                                 attended=share_text(report.mean_attendance) or "-")


def report_json(report: ClassReport, learner: LearnerReport | None = None) -> dict[str, Any]:
    """The report as plain data, for `--json`: shares 0..1, None where there is none."""

    def learner_data(row: LearnerReport) -> dict[str, Any]:
        a = row.attendance
        return {"member_id": row.member_id, "name": row.name, "profile_id": row.profile_id,
                "campus_username": row.campus_username, "local": row.local,
                "modules_completed": row.completed if row.local else None,
                "modules": [{"id": m.module_id, "title": m.title, "completed": m.completed,
                             "quiz": m.has_quiz, "best": m.best, "passed": m.passed,
                             "attempts": m.attempts} for m in row.modules],
                "attendance": {"present": a.present, "late": a.late, "absent": a.absent,
                               "excused": a.excused, "share": a.share,
                               "sessions": row.statuses}}

    data: dict[str, Any] = {
        "class": {"id": report.class_id, "name": report.class_name},
        "course": {"id": report.course_id, "title": report.course_title,
                   "modules": [{"id": i, "title": t} for i, t in report.modules]},
        "pass_mark": report.pass_mark,
        "made_at": report.made_at.isoformat(),
        "sessions": [{"id": s.session_id, "title": s.title, "start": s.start.isoformat()}
                     for s in report.sessions],
        "notes": report.notes}
    if learner is not None:
        data["learner"] = learner_data(learner)
        return data
    data["learners"] = [learner_data(r) for r in report.learners]
    data["averages"] = {"modules_completed": report.mean_completed,
                        "attendance": report.mean_attendance, "score": report.mean_score}
    data["quizzes"] = [
        {"module": q.module_id, "title": q.title, "takers": q.takers, "passed": q.passed,
         "mean_best": q.mean_best, "problem": q.problem,
         "questions": [{"index": i.index, "number": i.number, "name": i.name, "text": i.text,
                        "type": i.type, "takers": i.takers, "answered": i.answered,
                        "correct": i.correct, "share_correct": i.share_correct,
                        "top_wrong": {"key": i.top_wrong.key, "text": i.top_wrong.text,
                                      "count": i.top_wrong.count} if i.top_wrong else None,
                        "choices": [{"key": c.key, "text": c.text, "weight": c.weight,
                                     "count": c.count} for c in i.choices]}
                       for i in q.items]}
        for q in report.quizzes]
    return data

