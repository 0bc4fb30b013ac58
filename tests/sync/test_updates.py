"""Updates found in the catalogs are fetched only when the desktop's download choice allows."""

from __future__ import annotations

from pathlib import Path

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.coursepack.build import build
from stepcampus.coursepack.packagesource import BundlePackage, FolderPackage
from stepcampus.coursepack.publish import publish
from stepcampus.settings import Settings, save_settings
from stepcampus.sync.updates import find_offers, install_updates
from tests.webserver import serve


def tree_with_two_versions(tmp_path: Path, course_copy: Path, sample_key,
                           sample_build) -> Path:
    tree = tmp_path / "tree"
    publish(BundlePackage(sample_build.bundle), tree)
    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    glossary = course_copy / "en" / "glossary.yaml"
    glossary.write_text(glossary.read_text() + "\n- term: Zz\n  definition: z\n")
    publish(FolderPackage(build(course_copy, tmp_path / "b", sample_key).package_dir), tree)
    return tree


def campus_on_1_0(tmp_path: Path, sample_build, settings: Settings) -> Campus:
    campus = Campus(tmp_path / "data")
    campus.install(str(sample_build.bundle))
    save_settings(campus.data_dir, settings)
    return campus


def installed_version(campus: Campus) -> str:
    return {row.course_id: row.version for row in campus.installed()}[SAMPLE_COURSE]


def test_updates_wait_when_the_learner_chose_later_and_come_when_allowed(
        tmp_path: Path, course_copy: Path, sample_key, sample_build) -> None:
    tree = tree_with_two_versions(tmp_path, course_copy, sample_key, sample_build)
    with serve(tree) as server:
        settings = Settings(catalogs=[server.url], download_when="later")
        campus = campus_on_1_0(tmp_path, sample_build, settings)
        offers, errors = find_offers(campus, settings.catalogs)
        assert errors == []
        assert [(o.course_id, o.installed, o.latest) for o in offers] == [
            (SAMPLE_COURSE, "1.0.0", "1.1.0")]
        assert offers[0].size > 0

        server.reset()
        run = install_updates(campus, settings, network_id="net-a")
        assert run.installed == [] and "ask" in run.skipped.lower()
        assert server.requests == []  # nothing was even asked of the server
        assert installed_version(campus) == "1.0.0"

        settings.download_when, settings.download_network = "network", "net-a"
        run = install_updates(campus, settings, network_id="net-b")
        assert run.installed == [] and run.skipped
        assert installed_version(campus) == "1.0.0"

        run = install_updates(campus, settings, network_id="net-a")
        assert [r.version for r in run.installed] == ["1.1.0"] and run.failed == []
        assert installed_version(campus) == "1.1.0"
        # up to date now: nothing more on offer
        assert find_offers(campus, settings.catalogs)[0] == []
        campus.close()


def test_an_unreachable_catalog_is_reported_and_the_others_still_count(
        tmp_path: Path, course_copy: Path, sample_key, sample_build) -> None:
    tree = tree_with_two_versions(tmp_path, course_copy, sample_key, sample_build)
    with serve(tree) as server:
        settings = Settings(catalogs=["http://127.0.0.1:9/", server.url])
        campus = campus_on_1_0(tmp_path, sample_build, settings)
        run = install_updates(campus, settings, network_id="any")
        assert [r.version for r in run.installed] == ["1.1.0"]
        assert [location for location, _ in run.failed] == ["http://127.0.0.1:9/"]
        campus.close()
