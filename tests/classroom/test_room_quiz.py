"""A quiz with the room, without any transport: release, answers, tally, reveal, hands,
credit per learner, and every malformed answer refused with its reason."""

from __future__ import annotations

import threading
import time

import pytest

from stepcampus.classroom.room_quiz import RoomError, RoomQuiz
from stepcampus.coursepack.gift import parse_gift
from stepcampus.paths import SAMPLE_COURSES_DIR

QUIZ = """
::one:: Which one is a contributory scheme? {
 =Social health insurance #Right: members pay contributions.
 ~A cash transfer #No: it is financed from taxes.
 ~A school feeding programme
}

::two:: Exclusion is only about income. {F}

::three:: Name the Indian trade union of informal women workers. {
 =SEWA
 =Self-Employed Women's Association
}

::many:: Which are people who may lack coverage? {
 ~%50%Informal workers
 ~%50%Migrants
 ~%-100%Civil servants
}

::essay:: Describe your district. {}

::how:: How many pillars does the module name? {#3}
"""


@pytest.fixture
def room() -> RoomQuiz:
    quiz = RoomQuiz("Module 1", parse_gift(QUIZ, "test.gift"))
    for participant, name in (("ana", "Ana"), ("kofi", "Kofi"), ("mia", "Mia")):
        quiz.join(participant, name)
    return quiz


def test_questions_a_room_can_answer_in_order(room: RoomQuiz) -> None:
    # The essay stays in the individual quiz; the others keep their place in the file.
    assert [(q.number, q.index, q.kind) for q in room.questions] == [
        (1, 0, "multichoice"), (2, 1, "truefalse"), (3, 2, "shortanswer"),
        (4, 3, "multiple_answers"), (5, 5, "numerical")]
    assert room.view()["state"] == "waiting" and "question" not in room.view()


def test_release_answer_tally_reveal(room: RoomQuiz) -> None:
    first = room.release()
    assert first.number == 1 and room.view("ana")["question"]["choices"][0] == \
        "Social health insurance"
    assert "correct" not in room.view("ana")  # never before the reveal
    before = room.version
    room.answer("ana", 1, 0)
    room.answer("kofi", 1, 1)
    room.answer("mia", 1, 1)
    room.answer("mia", 1, 0)  # changed her mind: the last answer counts
    assert room.version == before + 4
    tally = room.tally(1)
    assert (tally.answered, tally.counts, tally.show_of_hands) == (3, [2, 1, 0], False)
    room.reveal()
    view = room.view("kofi")
    assert view["correct"] == [0] and view["your_answer"] == 1
    assert view["feedback"] == ["No: it is financed from taxes."]
    with pytest.raises(RoomError, match="no question is open"):
        room.answer("kofi", 1, 0)  # revealed: answers are closed

    room.release()  # true or false: the statement is false
    room.answer("ana", 2, 1)
    room.answer("kofi", 2, 0)
    room.reveal()
    assert room.correct(2) == [1]

    room.release()  # typed answers, grouped however they were typed
    for who, text in (("ana", "sewa"), ("kofi", " SEWA "), ("mia", "ILO")):
        room.answer(who, 3, text)
    tally = room.tally(3)
    assert tally.labels == ["sewa", "ILO"] and tally.counts == [2, 1]
    assert room.correct(3) == [0]

    room.release()
    room.answer("ana", 4, [1, 0])
    room.answer("kofi", 4, [0, 2])
    assert room.tally(4).counts == [2, 1, 1]
    room.release()
    room.answer("ana", 5, "3")
    room.finish()

    results = room.results()
    assert results["ana"] == {0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0, 5: 1.0}
    assert results["kofi"] == {0: 0.0, 1: 0.0, 2: 1.0, 3: 0.0}
    assert results["mia"] == {0: 1.0, 2: 0.0}
    # One learner's credit for one question, as their screen shows it at the reveal.
    assert [room.credit("kofi", n) for n in (1, 2, 3, 4, 5)] == [0.0, 0.0, 1.0, 0.0, None]
    assert room.credit("nobody", 1) is None


@pytest.mark.parametrize(("number", "response", "message"), [
    (1, 3, "one of the 3 choices"),
    (1, True, "one of the 3 choices"),
    (1, "0", "one of the 3 choices"),
    (2, 0, "question 2 is not the one open"),
    (1, None, "one of the 3 choices"),
])
def test_a_malformed_answer_is_refused_and_changes_nothing(room: RoomQuiz, number: object,
                                                          response: object,
                                                          message: str) -> None:
    room.release()
    before = room.version
    with pytest.raises(RoomError, match=message):
        room.answer("ana", number, response)
    assert room.version == before and room.tally(1).answered == 0


def test_typed_and_multiple_answers_are_checked(room: RoomQuiz) -> None:
    room.release(4)
    for bad in ([0, 0], [5], "0,1", [True]):
        with pytest.raises(RoomError, match="distinct choices"):
            room.answer("ana", 4, bad)
    room.release(5)
    with pytest.raises(RoomError, match="not a number"):
        room.answer("ana", 5, "three")
    with pytest.raises(RoomError, match="1 to 200 characters"):
        room.answer("ana", 5, "9" * 201)
    with pytest.raises(RoomError, match="join the room"):
        room.answer("stranger", 5, "3")


def test_show_of_hands_when_the_room_has_no_devices() -> None:
    room = RoomQuiz("Module 1", parse_gift(QUIZ, "test.gift"))
    room.release()
    room.set_hands(1, [12, 5, 1])
    tally = room.tally(1)
    assert (tally.answered, tally.counts, tally.show_of_hands) == (18, [12, 5, 1], True)
    with pytest.raises(RoomError, match="one count from 0 to 10000 for each of the 3"):
        room.set_hands(1, [1, 2])
    with pytest.raises(RoomError, match="choice questions only"):
        room.set_hands(3, [1])
    assert room.results() == {}  # hands are counts, not anybody's answers


def test_the_sample_course_quizzes_work_with_a_room() -> None:
    folder = SAMPLE_COURSES_DIR / "inclusive-social-protection" / "en" / "quizzes"
    for path in sorted(folder.glob("*.gift")):
        room = RoomQuiz(path.stem, parse_gift(path.read_text(encoding="utf-8"), str(path)))
        assert room.questions, path
        for question in room.questions:
            room.release(question.number)
            assert room.view()["question"]["text"]


def test_a_waiting_screen_is_woken_by_news(room: RoomQuiz) -> None:
    seen: list[int] = []
    woken: list[bool] = []
    waiting = threading.Event()

    def wait() -> None:
        with room.changed:
            start = room.version
            waiting.set()  # the lock is released inside wait_for: the release can come now
            woken.append(room.changed.wait_for(lambda: room.version > start, timeout=5))
            seen.append(room.version)

    waiter = threading.Thread(target=wait)
    waiter.start()
    assert waiting.wait(5)
    started = time.monotonic()
    room.release()
    waiter.join(5)
    assert seen == [room.version]
    assert woken == [True] and time.monotonic() - started < 4  # woken, not timed out


def test_a_quiz_with_nothing_for_a_room_is_refused() -> None:
    with pytest.raises(RoomError, match="no question a room can answer"):
        RoomQuiz("Essays", parse_gift("::e:: Describe. {}", "e.gift"))


def test_a_part_credit_choice_is_not_marked_right() -> None:
    room = RoomQuiz("Part", parse_gift("::p:: Which is best? {=Best ~%50%Half right ~Wrong}",
                                       "p.gift"))
    room.release()
    assert room.correct(1) == [0] and room.right_response(1) == 0
    room.join("ana", "Ana")
    room.answer("ana", 1, 1)
    assert room.credit("ana", 1) == 0.5
