from __future__ import annotations

import pytest

from stepcampus.errors import InputError, StepCampusError
from stepcampus.progress import activity
from stepcampus.store.database import SessionFactory

COURSE = "isp"


def test_create_profile(factory: SessionFactory) -> None:
    profile = activity.create_profile(factory, "  Amina  ")
    assert profile.name == "Amina"
    assert len(profile.id) == 32 and int(profile.id, 16) >= 0
    assert profile.pin_hash is None
    assert profile.created_at.tzinfo is not None


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_refused(factory: SessionFactory, name: str) -> None:
    with pytest.raises(InputError, match="name is empty"):
        activity.create_profile(factory, name)
    assert activity.list_profiles(factory) == []


def test_duplicate_name_is_refused_whatever_the_case(factory: SessionFactory) -> None:
    activity.create_profile(factory, "Amina")
    with pytest.raises(InputError, match="'amina' exists"):
        activity.create_profile(factory, "amina")
    assert [p.name for p in activity.list_profiles(factory)] == ["Amina"]


def test_list_profiles_by_name(factory: SessionFactory) -> None:
    for name in ("kofi", "Amina", "Bea"):
        activity.create_profile(factory, name)
    assert [p.name for p in activity.list_profiles(factory)] == ["Amina", "Bea", "kofi"]


def test_pin_is_hashed_and_checked(factory: SessionFactory) -> None:
    profile = activity.create_profile(factory, "Amina", pin="2468")
    assert profile.pin_hash is not None
    assert profile.pin_hash.startswith("scrypt$") and "2468" not in profile.pin_hash
    assert activity.check_pin(profile, "2468")
    assert not activity.check_pin(profile, "2469")
    assert not activity.check_pin(profile, "")
    assert not activity.check_pin(profile, None)
    other = activity.create_profile(factory, "Kofi", pin="2468")
    assert other.pin_hash != profile.pin_hash  # salted


def test_profile_without_pin_opens(factory: SessionFactory) -> None:
    profile = activity.create_profile(factory, "Amina", pin="")
    assert profile.pin_hash is None
    assert activity.check_pin(profile, None)


def test_delete_profile_removes_its_rows_and_keeps_its_statements(
    factory: SessionFactory,
) -> None:
    keep = activity.create_profile(factory, "Kofi").id
    gone = activity.create_profile(factory, "Amina").id
    for profile_id in (keep, gone):
        activity.record_progress(factory, profile_id, COURSE, "m1", "p-1", 10)
        activity.add_bookmark(factory, profile_id, COURSE, "m1", "p-1")
        attempt = activity.start_attempt(factory, profile_id, COURSE, "m1")
        activity.save_answer(factory, attempt, 0, "x", 1.0)
    assert activity.delete_profile(factory, gone) is True
    assert activity.delete_profile(factory, gone) is False
    assert [p.id for p in activity.list_profiles(factory)] == [keep]
    assert activity.course_progress(factory, gone, COURSE) == []
    assert activity.list_bookmarks(factory, gone) == []
    assert activity.best_score(factory, gone, COURSE, "m1") is None
    assert len(activity.course_progress(factory, keep, COURSE)) == 1
    actors = [s["actor"]["account"]["name"] for s in activity.pending_statements(factory)]
    assert actors.count(gone) == 3  # progressed, attempted, answered: still to be sent


def test_unknown_profile(factory: SessionFactory) -> None:
    with pytest.raises(StepCampusError, match="no learner profile"):
        activity.record_launch(factory, "nobody", COURSE)


def test_a_profile_is_a_learner_unless_made_a_facilitator(factory: SessionFactory) -> None:
    learner = activity.create_profile(factory, "Amina")
    facilitator = activity.create_profile(factory, "Fatou", pin="1357", role="facilitator")
    assert learner.role == "learner" and facilitator.role == "facilitator"
    assert activity.check_pin(facilitator, "1357")
    roles = {p.name: p.role for p in activity.list_profiles(factory)}
    assert roles == {"Amina": "learner", "Fatou": "facilitator"}


@pytest.mark.parametrize("pin", [None, ""])
def test_a_facilitator_without_a_pin_is_refused(factory: SessionFactory, pin: str | None) -> None:
    with pytest.raises(InputError, match=r"^pin: a facilitator profile needs a PIN"):
        activity.create_profile(factory, "Fatou", pin=pin, role="facilitator")
    assert activity.list_profiles(factory) == []


def test_an_unknown_role_is_refused(factory: SessionFactory) -> None:
    with pytest.raises(InputError, match=r"^role: unknown role 'admin'"):
        activity.create_profile(factory, "Fatou", pin="1357", role="admin")
    amina = activity.create_profile(factory, "Amina", pin="1357")
    with pytest.raises(InputError, match="unknown role"):
        activity.set_role(factory, amina.id, "teacher")
    assert activity.list_profiles(factory)[0].role == "learner"


def test_set_role_with_the_profiles_own_pin(factory: SessionFactory) -> None:
    amina = activity.create_profile(factory, "Amina", pin="2468")
    made = activity.set_role(factory, amina.id, "facilitator")
    assert made.role == "facilitator" and made.pin_hash == amina.pin_hash  # PIN unchanged
    again = activity.set_role(factory, amina.id, "learner")
    assert again.role == "learner" and activity.check_pin(again, "2468")  # keeps its PIN
    assert [p.role for p in activity.list_profiles(factory)] == ["learner"]


def test_becoming_a_facilitator_needs_a_pin_or_is_given_one(factory: SessionFactory) -> None:
    kofi = activity.create_profile(factory, "Kofi")
    with pytest.raises(InputError, match=r"^pin: a facilitator profile needs a PIN"):
        activity.set_role(factory, kofi.id, "facilitator")
    stored = activity.list_profiles(factory)[0]
    assert stored.role == "learner" and stored.pin_hash is None  # nothing changed
    made = activity.set_role(factory, kofi.id, "facilitator", pin="9753")
    assert made.role == "facilitator" and activity.check_pin(made, "9753")
    assert not activity.check_pin(made, "")


def test_set_role_of_an_unknown_profile(factory: SessionFactory) -> None:
    with pytest.raises(StepCampusError, match="no learner profile"):
        activity.set_role(factory, "nobody", "facilitator", pin="1234")


def test_the_snapshot_reads_the_role(factory: SessionFactory, db_path) -> None:
    from stepcampus.store.snapshot import Snapshot

    activity.create_profile(factory, "Amina")
    activity.create_profile(factory, "Fatou", pin="1357", role="facilitator")
    snapshot = Snapshot.open(db_path)
    assert snapshot is not None
    try:
        rows = snapshot.profiles()
    finally:
        snapshot.close()
    assert [(r.name, r.role, r.is_facilitator, r.has_pin) for r in rows] == [
        ("Amina", "learner", False, False), ("Fatou", "facilitator", True, True)]
