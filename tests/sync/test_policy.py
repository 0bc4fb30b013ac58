"""The download choice: always, later (only when asked), or only on a chosen network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from stepcampus.settings import Settings
from stepcampus.sync import policy
from stepcampus.sync.policy import cap_bytes_per_s, current_network_id, may_download

HOME = "a1b2c3d4e5f60718"


def test_always_allows_even_without_a_route_out() -> None:
    # A classroom LAN with no internet still reaches the facilitator's machine.
    assert may_download(Settings(download_when="always"), None) == (True, "")
    assert may_download(Settings(download_when="always"), HOME) == (True, "")


def test_later_waits_until_the_person_asks() -> None:
    settings = Settings(download_when="later")
    allowed, reason = may_download(settings, HOME)
    assert not allowed and "until you ask for them" in reason
    assert may_download(settings, HOME, asked=True) == (True, "")


def test_network_allows_only_the_chosen_network() -> None:
    settings = Settings(download_when="network", download_network=HOME)
    assert may_download(settings, HOME) == (True, "")
    allowed, reason = may_download(settings, "ffffffffffffffff")
    assert not allowed and "another one" in reason
    allowed, reason = may_download(settings, None)
    assert not allowed and "offline" in reason
    # asking does not override it: the other network may cost money
    assert not may_download(settings, "ffffffffffffffff", asked=True)[0]


def test_network_without_a_chosen_network_explains_what_to_do() -> None:
    allowed, reason = may_download(Settings(download_when="network"), HOME)
    assert not allowed and "choose this network" in reason


def test_an_unknown_choice_is_refused_with_its_name() -> None:
    allowed, reason = may_download(Settings(download_when="sometimes"), HOME)
    assert not allowed and "'sometimes'" in reason


def test_cap() -> None:
    assert cap_bytes_per_s(Settings()) == 0
    assert cap_bytes_per_s(Settings(download_cap_kib=64)) == 65536
    assert cap_bytes_per_s(Settings(download_cap_kib=-5)) == 0
    assert cap_bytes_per_s(Settings(download_cap_kib=True)) == 0  # type: ignore[arg-type]


def test_the_network_id_is_stable_and_short() -> None:
    first = current_network_id()
    assert first == current_network_id() == current_network_id()
    if first is not None:
        assert len(first) == 16 and int(first, 16) >= 0


def test_the_network_id_follows_the_subnet_and_gateway(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    addresses = {socket.AF_INET: "10.1.2.3", socket.AF_INET6: None}
    monkeypatch.setattr(policy, "_local_address", lambda family, probe: addresses[family])
    table = tmp_path / "route"
    monkeypatch.setattr(policy, "_ROUTE_TABLE", table)
    table.write_text("Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                     "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\n"
                     "eth0\t00000000\t0102000A\t0003\t0\t0\t0\t00000000\n")
    assert policy.default_gateway(table) == "10.0.2.1"
    office = current_network_id()
    addresses[socket.AF_INET] = "10.1.2.77"  # a new lease on the same subnet
    assert current_network_id() == office
    table.write_text(table.read_text().replace("0102000A", "FE02000A"))  # another router
    assert current_network_id() != office
    addresses[socket.AF_INET] = "192.168.8.20"
    assert current_network_id() not in (office, None)
    addresses[socket.AF_INET] = None
    assert current_network_id() is None  # no route out: offline


def test_an_unreadable_route_table_is_no_gateway(tmp_path: Path) -> None:
    assert policy.default_gateway(tmp_path / "missing") is None
    (tmp_path / "route").write_text("Iface\tDestination\tGateway\tFlags\nbad line\n")
    assert policy.default_gateway(tmp_path / "route") is None


def test_loopback_is_not_a_network() -> None:
    assert policy._local_address(socket.AF_INET, "127.0.0.1") is None
