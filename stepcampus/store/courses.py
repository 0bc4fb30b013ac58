"""Which courses are installed, each with its signed manifest and the version it replaced."""

from __future__ import annotations

from sqlalchemy import select

from stepcampus.store.database import SessionFactory, write_session
from stepcampus.store.models import InstalledCourse, utcnow


def installed_courses(factory: SessionFactory) -> list[InstalledCourse]:
    with factory() as session:
        return list(session.scalars(select(InstalledCourse).order_by(InstalledCourse.title)))


def get_installed(factory: SessionFactory, course_id: str) -> InstalledCourse | None:
    with factory() as session:
        return session.get(InstalledCourse, course_id)


def record_install(
    factory: SessionFactory,
    course_id: str,
    version: str,
    title: str,
    manifest: str,
    signature: str,
    key_id: str,
    source: str | None = None,
) -> InstalledCourse:
    """Record course_id as installed at version; the version it replaces becomes previous_*.

    The caller has verified the signature; manifest is stored exactly as signed. Reinstalling
    the same version (a repair) keeps the earlier previous_* so rollback still has a target.
    """
    with write_session(factory) as session:
        course = session.get(InstalledCourse, course_id)
        if course is None:
            course = InstalledCourse(course_id=course_id)
            session.add(course)
        elif course.version != version:
            course.previous_version = course.version
            course.previous_manifest = course.manifest
            course.previous_signature = course.signature
            course.previous_key_id = course.key_id
        course.version = version
        course.title = title
        course.manifest = manifest
        course.signature = signature
        course.key_id = key_id
        course.source = source
        course.installed_at = utcnow()
    return course


def remove_course(factory: SessionFactory, course_id: str) -> bool:
    """Forget an installed course; False if it was not installed.

    The learner's progress, bookmarks and attempts stay, for when the course comes back.
    """
    with write_session(factory) as session:
        course = session.get(InstalledCourse, course_id)
        if course is None:
            return False
        session.delete(course)
    return True
