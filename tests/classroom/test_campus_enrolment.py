"""Enrolment codes of a real campus server for a desktop class: the facilitator makes a code
(the campus class is found, or created), a learner on another desktop enrols with it and their
profile syncs under the new account, the facilitator fetches them into the class; the CLI
commands; wrong, malformed and expired codes, a taken user name, an unreachable server, a
missing or refused facilitator link: each a clear error naming the field, nothing changed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stepcampus.campus import Campus
from stepcampus.classroom import classes
from stepcampus.classroom.campus_enrolment import (
    CampusError,
    _learners,
    enrol_with_code,
    fetch_learners,
    make_code,
)
from stepcampus.cli import main
from stepcampus.errors import InputError
from stepcampus.progress import activity
from stepcampus.sync.accounts import get_link, save_link
from stepcampus.sync.engine import sync_profile
from tests.classroom.conftest import COURSE, Desk
from tests.lrs_server import Campus as CampusServer
from tests.lrs_server import free_port, start_campus

CODE_SHAPE = re.compile(r"^[A-Z2-7]{5}-[A-Z2-7]{5}$")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CampusServer]:
    """A real campus server: fatou runs Cohort A (amina, bilal), farid Cohort B (chen)."""
    running = start_campus(f"sqlite:///{tmp_path / 'campus.sqlite'}")
    yield running
    running.server.stop()


@pytest.fixture
def linked(desk: Desk, server: CampusServer) -> Desk:
    """The desk's facilitator profile syncs with fatou's campus account."""
    save_link(desk.factory, desk.facilitator, server.url, server.facilitator,
              server.passwords[server.facilitator])
    return desk


@pytest.fixture
def learner_desk(tmp_path: Path) -> Iterator[Campus]:
    """A learner's own desktop, with one profile."""
    campus = Campus(tmp_path / "learner-desk")
    activity.create_profile(campus.sessions, "Dara")
    yield campus
    campus.close()


def only_profile(campus: Campus) -> str:
    [profile] = activity.list_profiles(campus.sessions)
    return profile.id


def campus_classes(server: CampusServer) -> dict[str, list[str]]:
    with server.client(server.admin) as admin:
        return {c["name"]: c["learners"] for c in admin.get("/api/classes").json()}


def test_make_a_code_enrol_with_it_sync_and_fetch(linked: Desk, server: CampusServer,
                                                  learner_desk: Campus, sample_build) -> None:
    group = classes.create_class(linked.factory, "Evening group", linked.facilitator, COURSE)
    made = make_code(linked.factory, group.id, uses=5, days=2)
    assert CODE_SHAPE.match(made.code) and made.class_name == "Evening group"
    assert made.uses == 5 and made.server == server.url
    assert abs(made.expires - (datetime.now(UTC) + timedelta(days=2))) < timedelta(minutes=5)
    assert campus_classes(server)["Evening group"] == []  # made on the campus, run by fatou

    # The learner types it as it is read out: small letters, a space for the dash.
    dara = only_profile(learner_desk)
    joined = enrol_with_code(learner_desk.sessions, dara, server.url + "/",
                             made.code.lower().replace("-", " "), "dara", "Dara Okafor",
                             "dara-password")
    assert (joined.username, joined.name, joined.class_name) == (
        "dara", "Dara Okafor", "Evening group")
    link = get_link(learner_desk.sessions, dara)
    assert link is not None and (link.endpoint, link.username) == (server.server.xapi, "dara")
    assert link.secret.startswith("token:")  # a revocable token, not the password
    assert campus_classes(server)["Evening group"] == ["dara"]

    # Their progress syncs under the new account.
    learner_desk.install(str(sample_build.bundle))
    activity.complete_module(learner_desk.sessions, dara, COURSE, "social-exclusion")
    report = sync_profile(learner_desk.sessions, dara, link)
    assert report.sent >= 1
    with server.server.client(token=link.secret.removeprefix("token:")) as client:
        stored = client.get("/xapi/statements").json()["statements"]
    assert stored and {s["actor"]["account"]["name"] for s in stored} == {"dara"}

    # The facilitator fetches: Dara is a learner of the class, by the name she gave.
    fetched = fetch_learners(linked.factory, group.id)
    assert [(m.campus_username, m.display_name) for m in fetched.added] == [
        ("dara", "Dara Okafor")]
    assert fetched.already == 0 and fetched.class_name == "Evening group"
    [member] = classes.list_members(linked.factory, group.id)
    assert (member.campus_username, member.display_name, member.profile_id) == (
        "dara", "Dara Okafor", None)
    # Fetching again changes nothing; a second code is for the same campus class.
    again = fetch_learners(linked.factory, group.id)
    assert again.added == [] and again.already == 1
    second = make_code(linked.factory, group.id)
    assert second.code != made.code and second.uses == 30
    assert list(campus_classes(server)).count("Evening group") == 1


def test_an_existing_campus_class_is_used_and_its_learners_fetched(linked: Desk,
                                                                   server: CampusServer) -> None:
    group = classes.create_class(linked.factory, "cohort a", linked.facilitator)
    classes.enrol(linked.factory, group.id, [linked.ana], [("bilal", "Bilal B.")])
    made = make_code(linked.factory, group.id)
    assert made.class_name == server.class_name  # matched in any case, not made again
    assert sorted(campus_classes(server)) == [server.class_name, server.other_class]
    fetched = fetch_learners(linked.factory, group.id)
    assert [(m.campus_username, m.display_name) for m in fetched.added] == [("amina", "Amina")]
    assert fetched.already == 1  # bilal was enrolled here already, and keeps his name
    shown = {m.display_name for m in classes.list_members(linked.factory, group.id)}
    assert shown == {"Ana Silva", "Amina", "Bilal B."}


def test_a_server_that_gives_no_names_enrols_by_user_name() -> None:
    assert _learners({"learners": ["dara", "bad name"]}) == [("dara", "dara")]
    assert _learners({"learners": ["dara"], "members": [
        {"username": "dara", "name": "  Dara  "}]}) == [("dara", "Dara")]


def test_bad_codes_and_accounts_are_refused_and_link_nothing(linked: Desk,
                                                              server: CampusServer,
                                                              learner_desk: Campus) -> None:
    group = classes.create_class(linked.factory, "Evening group", linked.facilitator)
    code = make_code(linked.factory, group.id).code
    dara = only_profile(learner_desk)

    def refused(server_url: str, typed: str, user: str = "dara",
                password: str = "dara-password") -> InputError:
        with pytest.raises(InputError) as caught:
            enrol_with_code(learner_desk.sessions, dara, server_url, typed, user, "Dara",
                            password)
        return caught.value

    wrong = refused(server.url, "AAAAA-BBBBB")
    assert isinstance(wrong, CampusError) and wrong.kind == "refused"
    assert str(wrong) == "code: no such enrolment code (check it with your facilitator)"
    assert str(refused(server.url, "12345")) == (
        "code: '12345' is not an enrolment code (it is 10 letters and digits, such as "
        "ABCDE-FGH23)")  # not even sent
    taken = refused(server.url, code, user=server.learner2)
    assert str(taken) == "username: 'bilal' is already taken (choose another user name)"
    local = refused(server.url, code, user="", password="short")
    assert [p.file for p in local.problems] == ["username", "password"]
    offline = refused(f"http://127.0.0.1:{free_port()}", code)
    assert isinstance(offline, CampusError) and offline.kind == "offline"
    assert str(offline).startswith("server: the campus server at http://127.0.0.1:")
    assert "cannot be reached to enrol you (cannot connect)" in str(offline)
    assert str(refused("campus.example.org", code)).startswith(
        "server: 'campus.example.org' is not an http(s) address")
    nowhere = refused(server.url + "/content", code)  # a page of the server, not its API
    assert str(nowhere).startswith(f"server: {server.url}/content has no STEP Campus account")

    # An expired code: refused once it is.
    short = make_code(linked.factory, group.id, days=0.00002).code  # about 1.7 s
    time.sleep(2)
    expired = refused(server.url, short)
    assert str(expired) == ("code: this enrolment code has expired (ask your facilitator for "
                            "a new one)")
    assert get_link(learner_desk.sessions, dara) is None
    assert campus_classes(server)["Evening group"] == []
    assert fetch_learners(linked.factory, group.id).added == []
    assert classes.list_members(linked.factory, group.id) == []


def test_a_facilitator_not_linked_or_refused_changes_nothing(desk: Desk,
                                                             server: CampusServer) -> None:
    group = classes.create_class(desk.factory, "Evening group", desk.facilitator)

    def refused(**options: object) -> InputError:
        with pytest.raises(InputError) as caught:
            make_code(desk.factory, group.id, **options)  # type: ignore[arg-type]
        return caught.value

    assert str(refused()) == (
        "campus account: Maria's profile is not linked to a campus server (link this desktop "
        "to the campus first: in Settings, under Sync with your campus, type the server "
        "address and your facilitator account)")
    save_link(desk.factory, desk.facilitator, server.url, server.learner,
              server.passwords[server.learner])
    learner = refused()
    assert isinstance(learner, CampusError) and learner.kind == "unauthorised"
    assert str(learner) == ("campus account: amina is a learner; only facilitators and admins "
                            "manage classes")
    save_link(desk.factory, desk.facilitator, server.url, server.facilitator, "wrong-password")
    assert str(refused()) == (
        f"campus account: the campus server at {server.url} refused user fatou's sign-in "
        "(type the account's password again in Settings, under Sync with your campus)")
    save_link(desk.factory, desk.facilitator, server.url, server.facilitator,
              server.passwords[server.facilitator])
    assert [str(p) for p in refused(uses=0, days=400).problems] == [
        "uses: 0 is not a whole number from 1 to 10000",
        "days: 400 is not a number above 0 and at most 366"]
    with pytest.raises(CampusError) as caught:
        fetch_learners(desk.factory, group.id)
    assert str(caught.value) == ("class: the campus has no class named 'Evening group' run by "
                                 "fatou (make an enrolment code for it first; learners enrol "
                                 "with it)")
    # Another facilitator's class of the same name.
    theirs = classes.create_class(desk.factory, server.other_class, desk.facilitator)
    with pytest.raises(CampusError) as caught:
        make_code(desk.factory, theirs.id)
    assert str(caught.value).startswith("class: a class named 'Cohort B' already exists "
                                        "(another facilitator runs")
    save_link(desk.factory, desk.facilitator, f"http://127.0.0.1:{free_port()}",
              server.facilitator, "whatever-pw")
    offline = refused()
    assert isinstance(offline, CampusError) and offline.kind == "offline"
    assert "Evening group" not in campus_classes(server)
    assert classes.list_members(desk.factory, group.id) == []


# The commands -----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str,
        stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None,
        ) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_commands(linked: Desk, server: CampusServer, learner_desk: Campus,
                      capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    desk_dir, learner_dir = linked.campus.data_dir, learner_desk.data_dir
    classes.create_class(linked.factory, "Evening group", linked.facilitator)
    code, out, err = run(capsys, desk_dir, "class", "code", "evening group", "--uses", "3",
                         "--days", "1")
    assert code == 0, err
    typed, details = out.splitlines()
    assert CODE_SHAPE.match(typed)
    assert details.startswith(f"for Evening group on {server.url}: up to 3 learners, until ")

    code, out, err = run(capsys, learner_dir, "enrol", server.url, typed, "--user", "dara",
                         "--password-stdin", stdin="dara-password\n", monkeypatch=monkeypatch)
    assert code == 0, err
    assert out.splitlines() == [
        "enrolled in Evening group as dara (Dara)",
        f"this profile now syncs with {server.server.xapi}: run `stepcampus sync`"]
    code, out, err = run(capsys, learner_dir, "enrol", server.url, "AAAAA-BBBBB", "--user",
                         "eli", "--name", "Eli", "--password", "eli-password")
    assert (code, out) == (2, "")
    assert err == "error: code: no such enrolment code (check it with your facilitator)\n"
    code, _, err = run(capsys, learner_dir, "enrol", f"http://127.0.0.1:{free_port()}", typed,
                       "--user", "eli", "--password", "eli-password")
    assert code == 2 and "cannot be reached to enrol you" in err

    code, out, err = run(capsys, desk_dir, "class", "fetch-campus", "Evening group")
    assert (code, out) == (0, "enrolled: Dara (campus account dara)\n"), err
    code, out, _ = run(capsys, desk_dir, "class", "fetch-campus", "Evening group")
    assert out.splitlines() == [f"no new learner in Evening group on {server.url}",
                                "already enrolled: 1"]
    code, out, err = run(capsys, desk_dir, "class", "code", "Evening group", "--uses", "0")
    assert (code, out, err) == (2, "", "error: uses: 0 is not a whole number from 1 to "
                                "10000\n")
