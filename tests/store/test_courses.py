from __future__ import annotations

import json

from stepcampus.store import courses
from stepcampus.store.database import SessionFactory

COURSE = "inclusive-social-protection"


def _install(factory: SessionFactory, version: str, key_id: str = "k1") -> None:
    manifest = json.dumps({"id": COURSE, "version": version}, indent=1)
    courses.record_install(
        factory, COURSE, version, f"Title {version}", manifest, f"sig-{version}", key_id
    )


def test_first_install_has_no_previous(factory: SessionFactory) -> None:
    _install(factory, "1.0.0")
    course = courses.get_installed(factory, COURSE)
    assert course is not None
    assert (course.version, course.title, course.key_id) == ("1.0.0", "Title 1.0.0", "k1")
    assert course.manifest == json.dumps({"id": COURSE, "version": "1.0.0"}, indent=1)
    assert course.previous_version is None and course.previous_manifest is None
    assert course.installed_at.tzinfo is not None


def test_update_keeps_the_previous_version(factory: SessionFactory) -> None:
    _install(factory, "1.0.0", key_id="k1")
    _install(factory, "1.1.0", key_id="k2")
    course = courses.get_installed(factory, COURSE)
    assert course is not None
    assert (course.version, course.signature, course.key_id) == ("1.1.0", "sig-1.1.0", "k2")
    assert course.previous_version == "1.0.0"
    assert course.previous_signature == "sig-1.0.0"
    assert course.previous_key_id == "k1"
    assert course.previous_manifest is not None and '"1.0.0"' in course.previous_manifest


def test_reinstalling_the_same_version_keeps_the_rollback_target(factory: SessionFactory) -> None:
    _install(factory, "1.0.0")
    _install(factory, "1.1.0")
    _install(factory, "1.1.0")
    course = courses.get_installed(factory, COURSE)
    assert course is not None and course.previous_version == "1.0.0"


def test_list_and_remove(factory: SessionFactory) -> None:
    assert courses.installed_courses(factory) == []
    _install(factory, "1.0.0")
    assert [c.course_id for c in courses.installed_courses(factory)] == [COURSE]
    assert courses.remove_course(factory, COURSE) is True
    assert courses.remove_course(factory, COURSE) is False
    assert courses.get_installed(factory, COURSE) is None
