"""The facilitator's desktop links its hub to the campus its profile syncs with (a real
campus server): with the password the link was made with, or the token that replaced it;
once; a learner's account or an unreachable campus is refused and nothing is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepcampus.campus import Campus as Store
from stepcampus.hub.database import HubDatabase
from stepcampus.hub.desktop import link_to_campus
from stepcampus.hub.link import load_link
from stepcampus.hub.upstream import UpstreamError
from stepcampus.progress import activity
from stepcampus.sync import accounts
from stepcampus.sync.lrs import TOKEN_PREFIX
from tests.lrs_server import HOME_PAGE, start_campus


def _link(data: Path):  # type: ignore[no-untyped-def]
    db = HubDatabase.for_data_dir(data)
    try:
        return load_link(db), db.setting("upstream.home_page")
    finally:
        db.close()


@pytest.mark.parametrize("with_token", [False, True])
def test_the_hub_is_linked_once_with_the_profiles_sync_account(tmp_path: Path,
                                                               with_token: bool) -> None:
    campus = start_campus(f"sqlite:///{tmp_path / 'campus.sqlite'}")
    store = Store(tmp_path / "desk")
    try:
        maria = activity.create_profile(store.sessions, "Fatou", "2468", role="facilitator")
        secret = campus.passwords[campus.facilitator]
        if with_token:  # as a first sync leaves it
            with campus.client(campus.facilitator) as client:
                secret = TOKEN_PREFIX + client.post("/api/token").json()["token"]
        sync = accounts.save_link(store.sessions, maria.id, campus.url + "/xapi/",
                                  campus.facilitator, secret)
        assert link_to_campus(store.data_dir, sync, "Fatou's room") == ("linked", campus.url)
        link, home = _link(store.data_dir)
        assert link is not None and link.base == campus.url and home == HOME_PAGE
        assert (link.facilitator, link.label) == (campus.facilitator, "Fatou's room")
        # Once: a second opening keeps the link it has.
        assert link_to_campus(store.data_dir, sync, "again") == ("already", campus.url)
        assert _link(store.data_dir)[0] == link
        with campus.client(campus.facilitator) as client:
            hubs = client.get("/api/hubs").json()["hubs"]
        assert [h["label"] for h in hubs] == ["Fatou's room"]
    finally:
        store.close()
        campus.server.stop()


def test_a_learner_account_or_no_campus_links_nothing(tmp_path: Path) -> None:
    campus = start_campus(f"sqlite:///{tmp_path / 'campus.sqlite'}")
    store = Store(tmp_path / "desk")
    try:
        profile = activity.create_profile(store.sessions, "Amina", "2468", role="facilitator")
        sync = accounts.save_link(store.sessions, profile.id, campus.url, campus.learner,
                                  campus.passwords[campus.learner])
        with pytest.raises(UpstreamError) as refused:
            link_to_campus(store.data_dir, sync, "room")
        assert refused.value.kind == "refused" and "amina is a learner" in refused.value.message
        assert _link(store.data_dir)[0] is None
    finally:
        campus.server.stop()
    gone = accounts.save_link(store.sessions, profile.id, campus.url, campus.facilitator, "x")
    with pytest.raises(UpstreamError) as offline:
        link_to_campus(store.data_dir, gone, "room")
    assert offline.value.kind == "offline"
    assert _link(store.data_dir)[0] is None
    store.close()
