"""Courses from the campus server's /content/: installed through a connection that drops half
way, then finished by a second try that fetches only what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.coursepack.packagesource import BundlePackage
from stepcampus.coursepack.publish import publish
from stepcampus.errors import StepCampusError
from tests.faultproxy import Cut, FaultProxy
from tests.lrs_server import start_server


def test_an_install_from_the_server_cut_half_way_resumes(tmp_path: Path, sample_build) -> None:
    tree = tmp_path / "tree"
    publish(BundlePackage(sample_build.bundle), tree)
    size = json.loads((tree / "catalog.json").read_text())["courses"][0]["versions"][0]["size"]
    server = start_server(f"sqlite:///{tmp_path / 'server.sqlite'}", content_dir=tree)
    campus = Campus(tmp_path / "data")
    try:
        with FaultProxy(server.port) as proxy:
            proxy.plan(Cut("down", size // 2))
            with pytest.raises(StepCampusError, match=r"resumes next time|cannot|connection"):
                campus.install(proxy.url + "/content", SAMPLE_COURSE)
            assert campus.installed() == []
            first_try = proxy.bytes_down
            assert size // 2 <= first_try < size

            result = campus.install(proxy.url + "/content", SAMPLE_COURSE)
            assert (result.course_id, result.version) == (SAMPLE_COURSE, "1.0.0")
            # the second try fetched the other half, not the whole course again (what is above
            # the size is HTTP headers of some 70 requests and the catalog and manifest again)
            assert proxy.bytes_down - first_try < size * 0.75
            assert proxy.bytes_down < size * 1.15
        view = campus.course(SAMPLE_COURSE)
        assert view.module_ids
    finally:
        campus.close()
        server.stop()
