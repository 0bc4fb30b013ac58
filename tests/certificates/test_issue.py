"""Issuing: only for a finished course, once per learner and course, whole files or none."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.certificates import (
    certificate_status,
    certificates_dir,
    issue_certificate,
    list_certificates,
    verify_certificate_file,
)
from stepcampus.certificates.pdf import read_embedded
from stepcampus.errors import Cancelled, StepCampusError
from stepcampus.progress.activity import (
    create_profile,
    finish_attempt,
    pending_statements,
    start_attempt,
)
from stepcampus.progress.xapi import VERB_BASE, course_iri
from stepcampus.tasks import Task
from tests.certificates.conftest import Learner, finish_course

CODE = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")


def test_a_finished_course_gives_a_signed_pdf_that_verifies(sample: Campus,
                                                              graduate: Learner) -> None:
    steps: list[tuple[int, int, str]] = []
    today = date.today()
    cert = issue_certificate(sample, graduate.id, SAMPLE_COURSE,
                             task=Task(on_progress=lambda *s: steps.append(s)))

    assert cert.new
    assert cert.path.parent == certificates_dir(sample.data_dir)
    assert cert.path.name == "Ana-Nunez-inclusive-social-protection.pdf"
    data = cert.path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert CODE.match(cert.code)
    assert cert.learner == "Ana Núñez"
    assert cert.course_title == "Inclusive social protection"
    assert cert.course_version == "1.0.0"
    assert cert.score_percent == 85
    assert today <= cert.completed_on <= date.today()  # finished just now
    assert [s[0] for s in steps] == [0, 1, 2, 3, 4] and all(s[1] == 4 for s in steps)

    # The PDF alone carries the signed data and the code.
    raw, signature, code = read_embedded(cert.path)
    assert code == cert.code and signature == cert.signature
    assert json.loads(raw)["learner"] == "Ana Núñez"

    checked = verify_certificate_file(cert.path, sample.trust)
    assert checked.code == cert.code
    assert checked.payload == cert.payload
    assert checked.issuer_key_id == cert.issuer_key_id

    # The record beside it lists the certificate.
    record = json.loads(cert.record_path.read_text(encoding="utf-8"))
    assert record["profile_id"] == graduate.id and record["code"] == cert.code
    assert list_certificates(sample.data_dir) == [cert]
    assert list_certificates(sample.data_dir, profile_id="someone-else") == []


def test_issuing_records_the_course_completion_once(sample: Campus, graduate: Learner) -> None:
    def completions() -> int:
        return sum(1 for s in pending_statements(sample.sessions, limit=1000)
                   if s["verb"]["id"] == VERB_BASE + "completed"
                   and s["object"]["id"] == course_iri(SAMPLE_COURSE))

    issue_certificate(sample, graduate.id, SAMPLE_COURSE)
    issue_certificate(sample, graduate.id, SAMPLE_COURSE)
    assert completions() == 1


def test_asking_again_returns_the_same_certificate(sample: Campus, graduate: Learner) -> None:
    first = issue_certificate(sample, graduate.id, SAMPLE_COURSE)
    stamp = first.path.stat().st_mtime_ns
    again = issue_certificate(sample, graduate.id, SAMPLE_COURSE, language="fr")

    assert not again.new
    assert again.code == first.code and again.path == first.path
    assert again.path.stat().st_mtime_ns == stamp
    assert len(list(certificates_dir(sample.data_dir).iterdir())) == 2  # one PDF, one record


def test_an_unfinished_course_names_what_is_missing_and_writes_nothing(sample: Campus) -> None:
    profile = create_profile(sample.sessions, "Kofi")
    view = sample.course(SAMPLE_COURSE)
    last, quiz = view.module_ids[-1], view.module_ids[1]
    finish_course(sample, profile.id, skip=frozenset({last, quiz}))
    # The second module is read but its quiz failed.
    from stepcampus.progress.activity import complete_module

    complete_module(sample.sessions, profile.id, SAMPLE_COURSE, quiz)
    attempt = start_attempt(sample.sessions, profile.id, SAMPLE_COURSE, quiz)
    finish_attempt(sample.sessions, attempt, 0.4, 70)

    status = certificate_status(sample, profile.id, SAMPLE_COURSE)
    assert not status.complete
    assert [m.module_id for m in status.unread] == [last]
    assert [m.module_id for m in status.quizzes_to_pass] == [quiz, last]

    with pytest.raises(StepCampusError) as error:
        issue_certificate(sample, profile.id, SAMPLE_COURSE)
    message = str(error.value)
    assert "not complete" in message
    assert f"modules not read to the end: 6. {view.module(last).title}" in message
    assert f"quizzes not passed yet: 2. {view.module(quiz).title}" in message
    folder = certificates_dir(sample.data_dir)
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.mark.parametrize("at_step", [1, 2, 3])
def test_cancelling_leaves_no_file(sample: Campus, graduate: Learner, at_step: int) -> None:
    task = Task()
    task.on_progress = lambda done, total, message: task.cancel() if done == at_step else None

    with pytest.raises(Cancelled):
        issue_certificate(sample, graduate.id, SAMPLE_COURSE, task=task)

    folder = certificates_dir(sample.data_dir)
    assert not folder.exists() or list(folder.iterdir()) == []
    assert list_certificates(sample.data_dir) == []
    # and the learner can still get it afterwards
    assert issue_certificate(sample, graduate.id, SAMPLE_COURSE).new


def test_names_in_any_script_are_kept_exactly(sample: Campus) -> None:
    name = "Nguyễn Łukasz Ñandú"
    profile = create_profile(sample.sessions, name)
    finish_course(sample, profile.id, score=1.0)
    cert = issue_certificate(sample, profile.id, SAMPLE_COURSE, language="es")

    assert cert.path.name == "Nguyen-Łukasz-Nandu-inclusive-social-protection.pdf"
    assert cert.score_percent == 100
    checked = verify_certificate_file(cert.path, sample.trust)
    assert checked.learner == name
    assert checked.course_title == sample.course(SAMPLE_COURSE).title("es")


def test_two_learners_whose_names_fold_alike_get_two_files(sample: Campus) -> None:
    first, second = (create_profile(sample.sessions, n) for n in ("José", "Jose"))
    for profile in (first, second):
        finish_course(sample, profile.id)
    a = issue_certificate(sample, first.id, SAMPLE_COURSE)
    b = issue_certificate(sample, second.id, SAMPLE_COURSE)

    assert a.path != b.path and a.path.exists() and b.path.exists()
    assert b.path.name == "Jose-inclusive-social-protection-2.pdf"
    assert {c.learner for c in list_certificates(sample.data_dir)} == {"José", "Jose"}
