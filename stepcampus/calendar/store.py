"""Where calendars live: one JSON file in the data folder holding each source's iCalendar
text (a file, a URL, a subscription, or the app's own sessions), replaced whole on every
change, so an import is all there or not there at all."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from stepcampus.calendar.ics import export_ics, import_ics
from stepcampus.calendar.model import UTC, Event
from stepcampus.errors import InputError, Problem
from stepcampus.textfile import decode_utf8, write_atomic

FORMAT = 1
FETCH_TIMEOUT = 30.0


@dataclass(frozen=True)
class SourceInfo:
    """One calendar source: `kind` is file, url, subscription or app."""

    key: str
    kind: str
    events: int
    fetched_at: str
    last_error: str = ""


@dataclass(frozen=True)
class RefreshResult:
    url: str
    ok: bool
    events: int
    message: str


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def fetch(url: str, client: httpx.Client | None = None) -> bytes:
    """The body at `url` (webcal:// is fetched over https); any failure is an InputError."""
    if url.startswith("webcal://"):
        url = "https://" + url.removeprefix("webcal://")
    try:
        if client is None:
            response = httpx.get(url, timeout=FETCH_TIMEOUT, follow_redirects=True)
        else:
            response = client.get(url, timeout=FETCH_TIMEOUT, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise InputError(Problem(url, None, f"cannot fetch the calendar: {exc}",
                                 "check the address and the connection")) from None
    if response.status_code != 200:
        raise InputError(Problem(url, None, f"the server answered {response.status_code} "
                                 f"{response.reason_phrase}"))
    return response.content


# One lock per calendar file: the app's worker threads (an install publishing webinars, a class
# saving its plan) each load, change and save it, and must not write back each other's stale
# copy.
_file_locks: dict[Path, threading.Lock] = {}
_file_locks_guard = threading.Lock()


@contextmanager
def _changing(path: Path) -> Iterator[None]:
    with _file_locks_guard:
        lock = _file_locks.setdefault(path.resolve(), threading.Lock())
    with lock:
        yield


class CalendarStore:
    """Imported calendars and subscriptions in `folder`/calendars.json.

    Events come back parsed on every read: floating times follow `floating_zone`."""

    def __init__(self, folder: Path, floating_zone: str | None = None) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "calendars.json"
        self.floating_zone = floating_zone

    @classmethod
    def for_data_dir(cls, data_dir: Path, floating_zone: str | None = None) -> CalendarStore:
        return cls(Path(data_dir) / "calendar", floating_zone)

    # -- the file ---------------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"format": FORMAT, "sources": {}}
        try:
            data = json.loads(decode_utf8(self.path.read_bytes(), str(self.path)))
        except json.JSONDecodeError as exc:
            raise InputError(Problem(str(self.path), exc.lineno, f"is damaged: {exc.msg}",
                                     "remove it and import the calendars again")) from None
        if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
            raise InputError(Problem(str(self.path), None, "is not a calendar store"))
        return data

    def _save(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
        write_atomic(self.path, text.encode("utf-8"))

    def _parse(self, key: str, ics: str) -> list[Event]:
        return import_ics(ics, key, self.floating_zone)

    # -- reading ----------------------------------------------------------------------------

    def events(self) -> list[Event]:
        """Every stored event, each with `source` set to its source's key."""
        found: list[Event] = []
        for key, entry in sorted(self._load()["sources"].items()):
            found.extend(self._parse(key, entry["ics"]))
        return found

    def sources(self) -> list[SourceInfo]:
        return [SourceInfo(key, entry["kind"], len(self._parse(key, entry["ics"])),
                           entry.get("fetched_at", ""), entry.get("last_error", ""))
                for key, entry in sorted(self._load()["sources"].items())]

    # -- changing ---------------------------------------------------------------------------

    def _put(self, key: str, kind: str, ics: str) -> list[Event]:
        events = self._parse(key, ics)  # checked before anything is written
        with _changing(self.path):
            data = self._load()
            data["sources"][key] = {"kind": kind, "ics": ics, "fetched_at": _now(),
                                    "last_error": ""}
            self._save(data)
        return events

    def import_file(self, path: Path) -> list[Event]:
        """Import an .ics file; importing the same file again replaces its events."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(Problem(str(path), None, f"cannot read the file: {exc.strerror}")) \
                from None
        import_ics(raw, str(path), self.floating_zone)  # errors name the file as given
        key = str(path.resolve())
        return self._put(key, "file", decode_utf8(raw, str(path)).removeprefix("\ufeff"))

    def import_url(self, url: str, subscribe: bool = False,
                   client: httpx.Client | None = None) -> list[Event]:
        """Import a calendar from a URL, once or as a subscription that `refresh` updates."""
        text = decode_utf8(fetch(url, client), url).removeprefix("\ufeff")
        return self._put(url, "subscription" if subscribe else "url", text)

    def put_events(self, key: str, events: list[Event]) -> None:
        """Store the app's own sessions (a webinar series, a classroom plan) under `key`."""
        self._put(key, "app", export_ics(events).decode("utf-8"))

    def remove(self, key: str) -> bool:
        with _changing(self.path):
            data = self._load()
            if key not in data["sources"]:
                return False
            del data["sources"][key]
            self._save(data)
            return True

    def refresh(self, client: httpx.Client | None = None) -> list[RefreshResult]:
        """Fetch every subscription again; a failure keeps the previous copy and says why."""
        results: list[RefreshResult] = []
        changes: dict[str, dict[str, str]] = {}  # fetched without the lock: it may take long
        for key, entry in sorted(self._load()["sources"].items()):
            if entry["kind"] != "subscription":
                continue
            try:
                text = decode_utf8(fetch(key, client), key).removeprefix("\ufeff")
                events = self._parse(key, text)
            except InputError as exc:
                changes[key] = {"last_error": str(exc)}
                kept = len(self._parse(key, entry["ics"]))
                results.append(RefreshResult(key, False, kept,
                                             f"kept the previous copy: {exc}"))
                continue
            changes[key] = {"ics": text, "fetched_at": _now(), "last_error": ""}
            results.append(RefreshResult(key, True, len(events), "updated"))
        if changes:
            with _changing(self.path):
                data = self._load()
                for key, change in changes.items():
                    if key in data["sources"]:  # not removed meanwhile
                        data["sources"][key].update(change)
                self._save(data)
        return results
