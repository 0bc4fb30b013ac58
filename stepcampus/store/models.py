"""The learner's local store: profiles, installed courses, progress, quizzes and the xAPI outbox.

Any change here needs a new migration in migrations/versions/ and its id in schema_version.py;
tests compare these models with the migrations.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Explicit constraint names, so future batch migrations on SQLite can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime kept as fixed-width ISO 8601 UTC text.

    SQLite has no time zones, and SQLAlchemy's DateTime hands back naive values there; fixed
    width (always microseconds, always +00:00) keeps text order equal to time order.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps aware UTC times only")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_PROFILE_FK = "profiles.id"


ROLES = ("learner", "facilitator")


class Profile(Base):
    __tablename__ = "profiles"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),
        CheckConstraint("role IN ('learner', 'facilitator')", name="role_known"),
        # Facilitator mode shows notes and class records: it is always behind a PIN.
        CheckConstraint("role = 'learner' OR pin_hash IS NOT NULL", name="facilitator_pin"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # "scrypt$n$r$p$salt$hash"; never the PIN itself.
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    role: Mapped[str] = mapped_column(String(20), default="learner", server_default="learner")


class InstalledCourse(Base):
    __tablename__ = "installed_courses"

    course_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    # Kept byte for byte as signed, so the signature can be checked again at any time.
    manifest: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(100))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The version replaced by the last install, so it can be rolled back to.
    previous_version: Mapped[str | None] = mapped_column(String(40))
    previous_manifest: Mapped[str | None] = mapped_column(Text)
    previous_signature: Mapped[str | None] = mapped_column(Text)
    # Keys rotate: checking the previous signature needs the key that made it.
    previous_key_id: Mapped[str | None] = mapped_column(String(100))
    # The published tree it came from, where files left on demand (a recording's heavier
    # variants) are fetched when asked; None for a bundle or a package folder.
    source: Mapped[str | None] = mapped_column(String(1000))


class ModuleProgress(Base):
    __tablename__ = "module_progress"
    __table_args__ = (
        UniqueConstraint("profile_id", "course_id", "module_id"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    module_id: Mapped[str] = mapped_column(String(100))
    position: Mapped[str | None] = mapped_column(String(200))
    percent: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Bookmark(Base):
    __tablename__ = "bookmarks"
    __table_args__ = (Index("ix_bookmarks_profile_id_course_id", "profile_id", "course_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    module_id: Mapped[str] = mapped_column(String(100))
    anchor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        Index(
            "ix_quiz_attempts_profile_id_course_id_quiz_id", "profile_id", "course_id", "quiz_id"
        ),
        CheckConstraint("state IN ('in_progress', 'finished')", name="state_known"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 1", name="score_range"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    profile_id: Mapped[str] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    quiz_id: Mapped[str] = mapped_column(String(100))  # the module id
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]
    state: Mapped[str] = mapped_column(String(20), default="in_progress")


class QuizAnswer(Base):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_index: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)  # JSON
    fraction: Mapped[float | None] = mapped_column(Float)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxStatement(Base):
    """An xAPI statement waiting for sync; it leaves only once the LRS has acknowledged it."""

    __tablename__ = "outbox_statements"
    __table_args__ = (Index("ix_outbox_statements_sent_at_created_at", "sent_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the statement id
    # No foreign key: statements already made outlive a deleted profile until sent.
    profile_id: Mapped[str] = mapped_column(String(32))
    statement: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SyncLinkRecord(Base):
    """A profile's link to an LRS account (one per profile), with where its last pull stopped."""

    __tablename__ = "sync_links"

    profile_id: Mapped[str] = mapped_column(
        ForeignKey(_PROFILE_FK, ondelete="CASCADE"), primary_key=True
    )
    endpoint: Mapped[str] = mapped_column(String(500))
    username: Mapped[str] = mapped_column(String(200))
    # The password or token as given: an LRS over Basic auth needs it on every request.
    secret: Mapped[str] = mapped_column(Text)
    # The account's homePage as the LRS announced it; None until the first contact.
    home_page: Mapped[str | None] = mapped_column(String(500))
    # The LRS's own `stored` value, passed back verbatim as `since`.
    pull_cursor: Mapped[str | None] = mapped_column(String(40))
    # JSON {course_id: [bookmark keys]} both sides held after the last sync, to tell a
    # bookmark deleted here from one added elsewhere.
    synced_bookmarks: Mapped[str | None] = mapped_column(Text)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class AskedQuestion(Base):
    """A question a learner asked about a webinar: queued here until the campus server has it
    (`sent_at`), then waiting for its answer, which is new until the learner has seen it."""

    __tablename__ = "asked_questions"
    __table_args__ = (
        Index("ix_asked_questions_profile_id_asked_at", "profile_id", "asked_at"),
        CheckConstraint("length(trim(text)) > 0", name="text_not_empty"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    profile_id: Mapped[str] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    series_id: Mapped[str] = mapped_column(String(100))
    session_id: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClassGroup(Base):
    """A class a facilitator runs on this desktop: its learners, sessions and attendance."""

    __tablename__ = "classes"
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    facilitator_id: Mapped[str] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"),
                                                index=True)
    course_id: Mapped[str | None] = mapped_column(String(100))  # the course it follows
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClassMember(Base):
    """A learner of a class: a profile on this desktop, or a campus account (enrolled there
    with a code) that has no profile here."""

    __tablename__ = "class_members"
    __table_args__ = (
        UniqueConstraint("class_id", "profile_id"),
        UniqueConstraint("class_id", "campus_username"),
        CheckConstraint("profile_id IS NOT NULL OR campus_username IS NOT NULL",
                        name="someone"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[str] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    profile_id: Mapped[str | None] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    campus_username: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClassSession(Base):
    """A planned classroom session: when (in the facilitator's zone) and which modules."""

    __tablename__ = "class_sessions"
    __table_args__ = (
        Index("ix_class_sessions_class_id_starts_at", "class_id", "starts_at"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    class_id: Mapped[str] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    modules: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of module ids
    location: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        CheckConstraint("status IN ('present', 'late', 'absent', 'excused')",
                        name="status_known"),
    )

    session_id: Mapped[str] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("class_members.id", ondelete="CASCADE"),
                                           primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
