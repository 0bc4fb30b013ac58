"""The calendar store: imports replace by source, bad input changes nothing, subscriptions
refresh from a real web server and keep their last good copy when a refresh fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from stepcampus.calendar.store import CalendarStore
from stepcampus.errors import InputError
from tests.calendar.helpers import DATA, thursday_series
from tests.webserver import serve


@pytest.fixture
def store(tmp_path: Path) -> CalendarStore:
    return CalendarStore.for_data_dir(tmp_path / "data", floating_zone="Africa/Nairobi")


def test_import_then_reimport_replaces_the_file_s_events(store: CalendarStore,
                                                         tmp_path: Path) -> None:
    copy = tmp_path / "webinars.ics"
    shutil.copy(DATA / "google.ics", copy)
    assert len(store.import_file(copy)) == 2
    store.import_file(DATA / "apple.ics")
    assert len(store.events()) == 4
    text = copy.read_bytes().replace(b"SUMMARY:Shock-responsive cash transfers: Q&A",
                                     b"SUMMARY:Renamed Q&A")
    copy.write_bytes(text)
    store.import_file(copy)
    titles = sorted(e.title for e in store.events())
    assert len(titles) == 4 and "Renamed Q&A" in titles
    assert "Shock-responsive cash transfers: Q&A" not in titles
    assert {e.source for e in store.events()} == {str(copy.resolve()),
                                                  str((DATA / "apple.ics").resolve())}
    assert store.path == tmp_path / "data" / "calendar" / "calendars.json"


def test_bad_input_changes_nothing(store: CalendarStore, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_bytes((DATA / "google.ics").read_bytes()[:1500])
    with pytest.raises(InputError, match=r"broken\.ics:.*cut short"):
        store.import_file(broken)
    assert not store.path.exists()  # nothing half-installed, not even an empty store
    store.import_file(DATA / "outlook.ics")
    before = store.path.read_bytes()
    with pytest.raises(InputError, match=r"broken\.ics"):
        store.import_file(broken)
    with pytest.raises(InputError, match="cannot read the file"):
        store.import_file(tmp_path / "missing.ics")
    assert store.path.read_bytes() == before


def test_damaged_store_file_is_named(store: CalendarStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"format": 1, "sources": ')
    with pytest.raises(InputError, match=r"calendars.json:1: is damaged"):
        store.events()


def test_app_sessions_stored_under_their_own_key(store: CalendarStore) -> None:
    store.put_events("webinar-series:42", [thursday_series()])
    (event,) = store.events()
    assert (event.uid, event.kind, event.source) == (
        "webinar-series-42@stepcampus", "webinar", "webinar-series:42")
    assert store.remove("webinar-series:42") and store.events() == []
    assert not store.remove("webinar-series:42")


def test_subscription_refreshes_and_keeps_the_last_good_copy(store: CalendarStore,
                                                             tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    feed = site / "feed.ics"
    shutil.copy(DATA / "apple.ics", feed)
    with serve(site) as server:
        url = f"{server.url}/feed.ics"
        assert len(store.import_url(url, subscribe=True)) == 2
        feed.write_bytes(feed.read_bytes().replace(b"Study group (local time)",
                                                   b"Study group (new room)"))
        (result,) = store.refresh()
        assert result.ok and result.events == 2
        assert "Study group (new room)" in {e.title for e in store.events()}

        feed.write_bytes(b"<html>maintenance</html>")
        (result,) = store.refresh()
        assert not result.ok and "kept the previous copy" in result.message
        assert "feed.ics:1: is not an iCalendar file" in result.message
        assert "Study group (new room)" in {e.title for e in store.events()}
        (info,) = store.sources()
        assert info.kind == "subscription" and "not an iCalendar file" in info.last_error

        feed.unlink()
        (result,) = store.refresh()
        assert not result.ok and "404" in result.message and result.events == 2

        with pytest.raises(InputError, match="404"):
            store.import_url(f"{server.url}/other.ics")
    assert len(store.events()) == 2
    saved = json.loads(store.path.read_text())
    assert list(saved["sources"]) == [url]


def test_changes_saved_at_once_from_several_threads_are_all_kept(tmp_path: Path) -> None:
    import threading

    events = [thursday_series()]
    errors: list[BaseException] = []

    def publish(worker: int) -> None:
        # Each its own store object on the same folder, as each worker of the app makes one.
        store = CalendarStore.for_data_dir(tmp_path / "data")
        try:
            for n in range(15):
                store.put_events(f"app:{worker}:{n}", events)
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=publish, args=(w,)) for w in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    kept = {s.key for s in CalendarStore.for_data_dir(tmp_path / "data").sources()}
    assert kept == {f"app:{w}:{n}" for w in range(6) for n in range(15)}
