"""Links between profiles and LRS accounts, and what a failed sync records and leaves alone."""

from __future__ import annotations

import pytest

from stepcampus.errors import InputError
from stepcampus.progress import activity
from stepcampus.sync.accounts import get_link, remove_link, save_link
from stepcampus.sync.engine import queued_count, sync_profile
from stepcampus.sync.errors import SyncError
from stepcampus.sync.retry import RetryPolicy, parse_retry_after
from tests.lrs_server import free_port
from tests.sync.conftest import Learner, new_learner, no_wait, record_some, server_ids


def test_save_get_and_remove_a_link(desktops) -> None:
    desk = desktops()
    saved = save_link(desk.factory, desk.profile_id, " https://lrs.example.org/xapi ", "amina",
                      "pw")
    assert saved.endpoint == "https://lrs.example.org/xapi/"
    assert get_link(desk.factory, desk.profile_id) == saved
    assert remove_link(desk.factory, desk.profile_id) is True
    assert get_link(desk.factory, desk.profile_id) is None
    assert remove_link(desk.factory, desk.profile_id) is False


def test_a_bare_server_address_means_its_lrs_folder(desktops) -> None:
    desk = desktops()
    for typed in ("http://campus.example.org:8470", "http://campus.example.org:8470/"):
        saved = save_link(desk.factory, desk.profile_id, typed, "amina", "pw")
        assert saved.endpoint == "http://campus.example.org:8470/xapi/"
    saved = save_link(desk.factory, desk.profile_id, "https://lrs.example.org/data/xAPI",
                      "amina", "pw")
    assert saved.endpoint == "https://lrs.example.org/data/xAPI/"


@pytest.mark.parametrize(("endpoint", "user", "secret", "field"), [
    ("ftp://x/", "a", "pw", "endpoint"),
    ("not a url", "a", "pw", "endpoint"),
    ("http://x/?q=1", "a", "pw", "endpoint"),
    ("http://x/", " ", "pw", "user"),
    ("http://x/", "a:b", "pw", "user"),
    ("http://x/", "a", "", "password"),
])
def test_a_bad_link_names_its_field_and_changes_nothing(desktops, endpoint, user, secret,
                                                        field) -> None:
    desk = desktops()
    with pytest.raises(InputError) as caught:
        save_link(desk.factory, desk.profile_id, endpoint, user, secret)
    assert caught.value.problems[0].file == field
    assert get_link(desk.factory, desk.profile_id) is None


def test_a_link_to_another_account_starts_afresh(lrs, desktops) -> None:
    desk = desktops()
    record_some(desk)
    sync_profile(desk.factory, desk.profile_id, desk.link(lrs, new_learner(lrs)),
                 retry=no_wait())
    other = desk.link(lrs, new_learner(lrs))
    assert (other.home_page, other.last_sync_at) == (None, None)


def test_server_down_is_offline_and_changes_no_outbox(desktops) -> None:
    desk = desktops()
    record_some(desk)
    queued = queued_count(desk.factory)
    link = desk.link(f"http://127.0.0.1:{free_port()}/xapi/", Learner("amina", "pw"))
    waits: list[float] = []
    policy = RetryPolicy(attempts=4, sleep=waits.append, rand=lambda: 1.0)

    with pytest.raises(SyncError) as caught:
        sync_profile(desk.factory, desk.profile_id, link, retry=policy)

    assert caught.value.kind == "offline"
    assert link.endpoint in str(caught.value) and "cannot connect" in str(caught.value)
    assert waits == [0.5, 1.0, 2.0]  # three retries after the first try, doubling
    assert queued_count(desk.factory) == queued
    after = get_link(desk.factory, desk.profile_id)
    assert after is not None and after.last_error == str(caught.value)
    assert after.last_sync_at is None


def test_wrong_password_is_unauthorised_names_the_user_and_changes_nothing(lrs,
                                                                          desktops) -> None:
    learner = new_learner(lrs)
    desk = desktops()
    record_some(desk)
    queued = queued_count(desk.factory)
    link = desk.link(lrs, Learner(learner.username, "not-the-password"))

    with pytest.raises(SyncError) as caught:
        sync_profile(desk.factory, desk.profile_id, link, retry=no_wait())

    assert caught.value.kind == "unauthorised"
    assert f"refused user {learner.username}'s password" in caught.value.message
    assert queued_count(desk.factory) == queued and server_ids(lrs, learner.username) == []


def test_success_clears_the_last_error(lrs, desktops) -> None:
    learner = new_learner(lrs)
    desk = desktops()
    record_some(desk)
    with pytest.raises(SyncError):
        sync_profile(desk.factory, desk.profile_id,
                     desk.link(lrs, Learner(learner.username, "wrong")), retry=no_wait())
    sync_profile(desk.factory, desk.profile_id, desk.link(lrs, learner), retry=no_wait())
    link = get_link(desk.factory, desk.profile_id)
    assert link is not None and link.last_error is None and link.last_sync_at is not None
    assert link.home_page == "urn:stepcampus:campus"


def test_backoff_has_full_jitter_below_a_cap_and_honours_retry_after() -> None:
    policy = RetryPolicy(base=0.5, cap=30.0, rand=lambda: 0.999)
    ceilings = [policy.delay(n) for n in range(10)]
    assert ceilings[:4] == pytest.approx([0.4995, 0.999, 1.998, 3.996])
    assert max(ceilings) == pytest.approx(29.97)
    assert RetryPolicy(rand=lambda: 0.0).delay(5) == 0.0
    assert policy.delay(3, retry_after=7.0) == 7.0
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("soon") is None


def test_a_deleted_profile_takes_its_link_along(desktops) -> None:
    desk = desktops()
    save_link(desk.factory, desk.profile_id, "http://x/", "a", "pw")
    activity.delete_profile(desk.factory, desk.profile_id)
    assert get_link(desk.factory, desk.profile_id) is None
