"""Issuing certificates: check the learner finished the course, sign, draw, keep.

Certificates live in `DATA_DIR/certificates/`: each PDF with a JSON record beside it (the
signed payload, signature, code, and the local profile id so the app can list a learner's).
One learner gets one certificate per course: asking again returns the one already made.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepcampus.certificates.model import Payload, b64, code_of, unb64
from stepcampus.errors import StepCampusError
from stepcampus.tasks import Task

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.progress.summary import CourseSummary, ModuleState

FOLDER = "certificates"
RECORD_FORMAT = "stepcampus-certificate-record"
_STEPS = 4
_UNSAFE = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate this computer made: its files, code and what it states."""

    path: Path  # the PDF
    record_path: Path  # the JSON beside it
    profile_id: str
    payload: Payload
    signature: bytes
    code: str
    language: str
    issued_at: datetime
    new: bool = field(default=False, compare=False)  # made by this call, not found

    @property
    def learner(self) -> str:
        return self.payload.learner

    @property
    def course_id(self) -> str:
        return self.payload.course_id

    @property
    def course_title(self) -> str:
        return self.payload.course_title

    @property
    def course_version(self) -> str:
        return self.payload.course_version

    @property
    def completed_on(self) -> date:
        return self.payload.completed_on

    @property
    def score_percent(self) -> int | None:
        return self.payload.score_percent

    @property
    def issuer_key_id(self) -> str:
        return self.payload.issuer_key_id


@dataclass(frozen=True)
class CertificateStatus:
    """Where a learner stands towards a course's certificate."""

    summary: CourseSummary
    unread: list[ModuleState]  # modules not read to the end
    quizzes_to_pass: list[ModuleState]  # modules whose quiz is not passed yet
    certificate: IssuedCertificate | None  # the one already issued, if any

    @property
    def complete(self) -> bool:
        return self.summary.complete

    @property
    def score_percent(self) -> int | None:
        score = self.summary.score
        return None if score is None else round(score * 100)

    def missing_text(self) -> str:
        """What is still to do, in one English sentence for errors and the CLI."""
        parts = []
        if self.unread:
            parts.append("modules not read to the end: " + _names(self.summary, self.unread))
        if self.quizzes_to_pass:
            parts.append("quizzes not passed yet: " + _names(self.summary, self.quizzes_to_pass))
        return "; ".join(parts) or "the course has no modules"


def _names(summary: CourseSummary, modules: list[ModuleState]) -> str:
    order = [m.module_id for m in summary.modules]
    return ", ".join(f"{order.index(m.module_id) + 1}. {m.title}" for m in modules)


def certificates_dir(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def certificate_status(campus: Campus, profile_id: str, course_id: str,
                       language: str | None = None) -> CertificateStatus:
    from stepcampus.progress.summary import course_summary

    summary = course_summary(campus.sessions, campus.course(course_id), profile_id, language)
    return status_of(summary, find_certificate(campus.data_dir, profile_id, course_id))


def status_of(summary: CourseSummary, certificate: IssuedCertificate | None = None
              ) -> CertificateStatus:
    """The status from a summary a screen already has (no store query)."""
    return CertificateStatus(
        summary=summary,
        unread=[m for m in summary.modules if not m.completed],
        quizzes_to_pass=[m for m in summary.modules if m.has_quiz and not m.quiz_passed],
        certificate=certificate)


def issue_certificate(campus: Campus, profile_id: str, course_id: str,
                      language: str | None = None, task: Task | None = None
                      ) -> IssuedCertificate:
    """The learner's certificate for a course they completed: made now, or the one made before.

    StepCampusError naming what is missing if the course is not complete; Cancelled (with no
    file left behind) if task is cancelled before the files are in place.
    """
    from stepcampus.certificates.pdf import render_pdf
    from stepcampus.certificates.texts import language_of
    from stepcampus.coursepack.keys import public_key_of
    from stepcampus.progress.activity import record_course_completion

    task = task or Task()
    task.report(0, _STEPS, "Checking your progress")
    status = certificate_status(campus, profile_id, course_id, language)
    if status.certificate is not None:
        task.report(_STEPS, _STEPS, "Certificate ready")
        return status.certificate
    summary = status.summary
    if not summary.complete:
        raise StepCampusError(f"{summary.title}: the course is not complete yet, so there is "
                              f"no certificate: {status.missing_text()}")
    learner = _profile_name(campus, profile_id)

    task.report(1, _STEPS, "Signing the certificate")
    key = campus.default_key()
    issued_at = datetime.now(UTC)
    payload = Payload(learner=learner, course_id=summary.course_id,
                      course_title=summary.title, course_version=summary.version,
                      completed_on=_completion_date(campus, profile_id, course_id) or
                      issued_at.astimezone().date(),
                      score_percent=status.score_percent,
                      issuer_key_id=public_key_of(key).key_id)
    signature = key.sign(payload.to_bytes())
    code = code_of(signature)
    lang = language_of(language)

    task.report(2, _STEPS, "Drawing the certificate")
    pdf = render_pdf(payload, signature, code, lang, issued_at)

    task.report(3, _STEPS, "Saving the certificate")
    folder = certificates_dir(campus.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    pdf_path = _free_name(folder, f"{_slug(learner, 'learner')}-{_slug(course_id, 'course')}")
    record_path = pdf_path.with_suffix(".json")
    record = {"format": RECORD_FORMAT, "profile_id": profile_id, "pdf": pdf_path.name,
              "payload": b64(payload.to_bytes()), "signature": b64(signature), "code": code,
              "language": lang, "issued_at": issued_at.isoformat()}
    record_bytes = (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode()
    _write_both(pdf_path, pdf, record_path, record_bytes, task)

    record_course_completion(campus.sessions, profile_id, summary)
    task.on_progress(_STEPS, _STEPS, "Certificate ready")  # no cancelling once saved
    return IssuedCertificate(path=pdf_path, record_path=record_path, profile_id=profile_id,
                             payload=payload, signature=signature, code=code, language=lang,
                             issued_at=issued_at, new=True)


def _write_both(pdf_path: Path, pdf: bytes, record_path: Path, record: bytes,
                task: Task) -> None:
    """Both files appear whole or not at all: written aside, then renamed into place."""
    temps: list[Path] = []
    try:
        for data in (pdf, record):
            fd, name = tempfile.mkstemp(dir=pdf_path.parent, prefix=".certificate-",
                                        suffix=".tmp")
            temps.append(Path(name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        task.check()  # last moment to cancel: nothing is in place yet
        os.replace(temps[0], pdf_path)
        # The record goes last: a listed certificate always has its PDF.
        try:
            os.replace(temps[1], record_path)
        except OSError:
            pdf_path.unlink(missing_ok=True)
            raise
    finally:
        for temp in temps:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)


def _slug(text: str, default: str) -> str:
    """A readable, filesystem-safe name part: accents folded where they can be, letters of
    any script kept, everything else a dash; capped so paths stay short on Windows."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text)
                     if not unicodedata.combining(c))
    slug = _UNSAFE.sub("-", unicodedata.normalize("NFC", folded)).strip("-_")
    return slug[:60].strip("-_") or default


def _free_name(folder: Path, stem: str) -> Path:
    """stem.pdf, or stem-2.pdf... when another learner's certificate has that name (two
    names can fold to one slug); an orphan PDF without a record is replaced."""
    number = 1
    while True:
        name = stem if number == 1 else f"{stem}-{number}"
        if not (folder / f"{name}.json").exists():
            return folder / f"{name}.pdf"
        number += 1


def _profile_name(campus: Campus, profile_id: str) -> str:
    from stepcampus.store.models import Profile

    with campus.sessions() as session:
        profile = session.get(Profile, profile_id)
        if profile is None:
            raise StepCampusError(f"no learner profile {profile_id}")
        return profile.name


def _completion_date(campus: Campus, profile_id: str, course_id: str) -> date | None:
    """The local date the course became complete: the last module read or first quiz pass."""
    from sqlalchemy import func, select

    from stepcampus.store.models import ModuleProgress, QuizAttempt

    with campus.sessions() as session:
        read = session.scalar(select(func.max(ModuleProgress.completed_at)).where(
            ModuleProgress.profile_id == profile_id, ModuleProgress.course_id == course_id))
        passes = list(session.scalars(
            select(func.min(QuizAttempt.finished_at))
            .where(QuizAttempt.profile_id == profile_id, QuizAttempt.course_id == course_id,
                   QuizAttempt.state == "finished", QuizAttempt.passed.is_(True))
            .group_by(QuizAttempt.quiz_id)))
    moments = [m for m in [read, *passes] if m is not None]
    return max(moments).astimezone().date() if moments else None


# Listing -------------------------------------------------------------------------------------


def list_certificates(data_dir: Path, profile_id: str | None = None,
                      course_id: str | None = None) -> list[IssuedCertificate]:
    """Certificates made on this computer (of one learner and/or course), newest first.

    Records that cannot be read, or whose PDF is gone, are left out.
    """
    folder = certificates_dir(data_dir)
    found = []
    for record_path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        certificate = _load_record(record_path)
        if certificate is None:
            continue
        if profile_id is not None and certificate.profile_id != profile_id:
            continue
        if course_id is not None and certificate.course_id != course_id:
            continue
        found.append(certificate)
    return sorted(found, key=lambda c: c.issued_at, reverse=True)


def find_certificate(data_dir: Path, profile_id: str, course_id: str
                     ) -> IssuedCertificate | None:
    found = list_certificates(data_dir, profile_id, course_id)
    return found[0] if found else None


def _load_record(record_path: Path) -> IssuedCertificate | None:
    try:
        data: dict[str, Any] = json.loads(record_path.read_text(encoding="utf-8"))
        if data.get("format") != RECORD_FORMAT:
            return None
        source = str(record_path)
        payload = Payload.from_bytes(unb64(data["payload"], source, "payload"), source)
        signature = unb64(data["signature"], source, "signature")
        pdf_path = record_path.parent / Path(str(data["pdf"])).name
        if not pdf_path.is_file():
            return None
        issued_at = datetime.fromisoformat(str(data["issued_at"]))
        return IssuedCertificate(path=pdf_path, record_path=record_path,
                                 profile_id=str(data["profile_id"]), payload=payload,
                                 signature=signature, code=code_of(signature),
                                 language=str(data.get("language", "en")),
                                 issued_at=issued_at)
    except (OSError, ValueError, KeyError, TypeError, StepCampusError):
        return None
