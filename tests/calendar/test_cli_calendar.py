"""`stepcampus calendar import|list|export|refresh` end to end, through the real command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from icalendar import Calendar

from stepcampus.cli import main
from tests.calendar.helpers import DATA
from tests.webserver import serve


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), "calendar", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    code, out, _ = run(capsys, home, "import", str(DATA / "outlook.ics"))
    assert code == 0 and out.strip().endswith("outlook.ics: 3 events (1 recurring)")

    code, out, _ = run(capsys, home, "list", "--from", "2026-10-01", "--days", "16",
                       "--zone", "America/Bogota")
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    # Berlin 14:00 on summer time is 07:00 in Bogota (UTC-5, no DST); the 15 October sitting
    # was moved to 16:00 Berlin
    assert [(r[0], r[1]) for r in rows] == [
        ("Thu 2026-10-01 07:00-08:30 America/Bogota", "Social registries webinar"),
        ("Thu 2026-10-15 09:00-10:30 America/Bogota", "Social registries webinar (moved)")]

    code, out, _ = run(capsys, home, "list", "--from", "2026-10-26T00:00+01:00", "--days", "11",
                       "--zone", "Africa/Nairobi", "--json")
    listed = json.loads(out)
    assert [(s["start"], s["organiser_start"]) for s in listed] == [
        ("2026-10-29T16:00:00+03:00", "2026-10-29T14:00:00+01:00"),
        ("2026-11-02T18:00:00+03:00", "2026-11-02T10:00:00-05:00"),
        ("2026-11-05T16:00:00+03:00", "2026-11-05T14:00:00+01:00")]
    uid = listed[0]["uid"]

    target = tmp_path / "series.ics"
    code, _, err = run(capsys, home, "export", "--uid", uid, "-o", str(target))
    assert code == 0 and "wrote 1 events" in err
    calendar = Calendar.from_ical(target.read_bytes())
    (master, moved) = calendar.walk("VEVENT")
    assert str(master["UID"]) == uid and "RECURRENCE-ID" in moved
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]

    code, out, _ = run(capsys, home, "export", "-o", "-")
    assert code == 0 and out.count("BEGIN:VEVENT") == 4


def test_bad_input_exits_2_naming_file_and_line(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "bad.ics"
    bad.write_text((DATA / "google.ics").read_text().replace(
        "DTSTART:20261006T120000Z", "DTSTART;TZID=Nowhere/Land:20261006T120000"))
    code, out, err = run(capsys, home, "import", str(bad))
    assert code == 2 and out == ""
    assert err == (f"error: {bad}:63: DTSTART: unknown time zone 'Nowhere/Land' and no "
                   "VTIMEZONE in the file defines it (use an IANA zone name or include its "
                   "VTIMEZONE)\n")
    assert not (home / "calendar").exists()

    code, _, err = run(capsys, home, "list", "--zone", "Mars/Olympus")
    assert code == 2 and "unknown time zone 'Mars/Olympus'" in err
    code, _, err = run(capsys, home, "list", "--from", "yesterday")
    assert code == 2 and "--from: 'yesterday' is not an ISO 8601 date" in err
    code, _, err = run(capsys, home, "export", "--uid", "nope", "-o", str(tmp_path / "x.ics"))
    assert code == 2 and "no event has UID 'nope'" in err and not (tmp_path / "x.ics").exists()
    code, _, err = run(capsys, home, "import", str(bad), "--subscribe")
    assert code == 2 and "--subscribe needs a URL" in err


def test_subscribe_and_refresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(DATA / "google.ics", site / "webinars.ics")
    with serve(site) as server:
        url = f"{server.url}/webinars.ics"
        code, out, _ = run(capsys, home, "import", url, "--subscribe")
        assert code == 0 and out.strip() == f"subscribed to {url}: 2 events (1 recurring)"
        code, out, _ = run(capsys, home, "refresh")
        assert code == 0 and out.startswith(f"ok\t{url}\t2 events")
        (site / "webinars.ics").unlink()
        code, out, _ = run(capsys, home, "refresh")
        assert code == 1 and out.startswith(f"failed\t{url}\t2 events\tkept the previous copy")
    code, out, _ = run(capsys, home, "list", "--from", "2026-10-01", "--days", "7",
                       "--zone", "Asia/Manila")
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        "Thu 2026-10-01 21:00-22:30 Asia/Manila", "Tue 2026-10-06 20:00-21:00 Asia/Manila"]
