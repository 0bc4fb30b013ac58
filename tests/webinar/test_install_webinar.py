"""A webinar series as a signed package: from a bundle everything comes along; from a published
tree only the lightest variant, the others on demand, verified; damaged packages install
nothing; courses and series live side by side."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.cli import main
from stepcampus.coursepack.build import BuildResult, blob_relpath, build
from stepcampus.errors import InputError, StepCampusError
from stepcampus.webinar import media
from stepcampus.webinar.installed import SeriesView, installed_series
from tests.webinar.helpers import SAMPLE_SESSION, copy_sample_series
from tests.webserver import serve

SERIES = "social-protection-in-crises"
RECORDING = f"sessions/{SAMPLE_SESSION}/recording"
AUDIO, VIDEO, ORIGINAL = (f"{RECORDING}/audio.webm", f"{RECORDING}/video-360p.mp4",
                          f"{RECORDING}/original.mp4")


def files_of(build_result: BuildResult) -> dict[str, tuple[str, int]]:
    manifest = json.loads(build_result.manifest)
    return {f["path"]: (f["sha256"], f["size"]) for f in manifest["files"]}


def blobs_in(campus: Campus) -> set[str]:
    folder = campus.content.blobs
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def the_series(campus: Campus) -> SeriesView:
    [series] = installed_series(campus)
    return series


@pytest.fixture(scope="session")
def series_tree(tmp_path_factory: pytest.TempPathFactory, series_build: BuildResult) -> Path:
    """The sample series published with `stepcampus publish`; tests copy it to change it."""
    tree = tmp_path_factory.mktemp("tree") / "site"
    assert main(["publish", str(series_build.package_dir), "--to", str(tree)]) == 0
    return tree


@pytest.fixture
def tree_copy(tmp_path: Path, series_tree: Path) -> Path:
    return Path(shutil.copytree(series_tree, tmp_path / "site"))


@pytest.fixture
def learner(tmp_path: Path) -> Iterator[Campus]:
    """A second computer: a data folder of its own."""
    campus = Campus(tmp_path / "learner")
    yield campus
    campus.close()


def test_bundle_brings_every_variant(campus: Campus, series_build: BuildResult,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    result = campus.install(str(series_build.bundle))
    assert (result.course_id, result.version, result.on_demand) == (SERIES, "1.0.0", 0)
    assert result.fetched_blobs == len(set(files_of(series_build).values()))
    series = the_series(campus)
    session = series.session(SAMPLE_SESSION)
    assert [v.id for v in session.variants] == ["audio", "video-low", "original"]
    assert all(session.available(v) for v in session.variants)
    default = session.default_variant()
    assert default is not None and default.id == "audio" and default.audio_only
    for variant in session.variants:
        info = media.probe(session.media_path(variant))
        assert info.has_audio and info.has_video == (variant.kind == "video")
    assert len(session.slides) == 7 and session.slide_image(0)[:4] == b"RIFF"
    assert session.chapters[0].text == "Welcome"
    assert session.caption_languages() == ["en"] and session.transcript
    assert session.questions and session.questions[0].id == "q01"
    summary = session.summary_html()
    assert summary is not None and "<h" in summary.html

    assert main(["--data-dir", str(campus.data_dir), "webinar", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{SERIES}\t1.0.0\tSocial protection in crises",
        f"  {SAMPLE_SESSION}\t4 min\tLinking humanitarian cash transfers with social safety "
        "nets"]


def test_tree_install_fetches_the_lightest_variant_then_the_video_on_demand(
        tree_copy: Path, series_build: BuildResult, learner: Campus) -> None:
    files = files_of(series_build)
    later = {files[VIDEO], files[ORIGINAL]}
    wanted = set(files.values()) - later
    with serve(tree_copy) as server:
        result = learner.install(server.url)  # the tree's only package: no id needed
        fetched = server.bytes_sent
        requested = {r for r in server.requests if "/blobs/" in r}
        assert result.on_demand == 2 and result.fetched_blobs == len(wanted)
        catalog = (tree_copy / "catalog.json").stat().st_size
        signature = (tree_copy / f"manifests/{SERIES}/1.0.0.sig").stat().st_size
        assert fetched == sum(size for _sha, size in wanted) + len(series_build.manifest) + \
            catalog + signature
        assert requested == {f"/blobs/sha256/{sha[:2]}/{sha}" for sha, _size in wanted}
        assert blobs_in(learner) == {sha for sha, _size in wanted}

        session = the_series(learner).session(SAMPLE_SESSION)
        assert [(v.id, session.available(v)) for v in session.variants] == [
            ("audio", True), ("video-low", False), ("original", False)]
        assert session.default_variant() == session.variant("audio")
        media.probe(session.media_path(session.variant("audio")))

        server.reset()
        got = learner.fetch_on_demand(SERIES, [VIDEO])
        sha, size = files[VIDEO]
        assert got == size == server.bytes_sent - len(series_build.manifest) - catalog - \
            signature
        assert server.sent[f"/{blob_relpath(sha)}"] == size
        assert session.available(session.variant("video-low"))
        assert learner.content.path(sha).read_bytes() == \
            (series_build.package_dir / blob_relpath(sha)).read_bytes()
        assert not session.available(session.variant("original"))
        # asked again: it is here, nothing is fetched
        server.reset()
        assert learner.fetch_on_demand(SERIES, [VIDEO]) == 0 and server.bytes_sent == 0
    with pytest.raises(InputError, match=r"has no file 'sessions/nope\.mp4'"):
        learner.fetch_on_demand(SERIES, ["sessions/nope.mp4"])
    with pytest.raises(InputError, match="is not installed"):
        learner.fetch_on_demand("another-series", [VIDEO])


def test_a_tampered_blob_is_refused_and_nothing_is_adopted(tree_copy: Path,
                                                           series_build: BuildResult,
                                                           learner: Campus) -> None:
    files = files_of(series_build)

    def tamper(path: str) -> str:
        sha = files[path][0]
        blob = tree_copy / blob_relpath(sha)
        data = bytearray(blob.read_bytes())
        data[len(data) // 2] ^= 0xFF
        blob.write_bytes(bytes(data))
        return sha

    video = tamper(VIDEO)
    audio = tamper(AUDIO)
    with serve(tree_copy) as server:
        with pytest.raises(InputError, match="does not match its SHA-256"):
            learner.install(server.url)
        assert learner.installed() == [] and blobs_in(learner) == set()

        # the audio mended: the install goes through, the damaged video stays refused
        shutil.copyfile(series_build.package_dir / blob_relpath(audio),
                        tree_copy / blob_relpath(audio))
        learner.install(server.url)
        with pytest.raises(InputError, match="does not match its SHA-256"):
            learner.fetch_on_demand(SERIES, [VIDEO])
        assert video not in blobs_in(learner)
        session = the_series(learner).session(SAMPLE_SESSION)
        assert not session.available(session.variant("video-low"))
    assert not any((learner.data_dir / "staging").glob("*"))  # nothing half-adopted


@pytest.fixture(scope="session")
def broken_audio_build(tmp_path_factory: pytest.TempPathFactory, sample_key) -> BuildResult:
    """The sample series with garbage where its audio variant should be: valid as a source
    (validate does not decode recordings), signed, yet unplayable."""
    folder = copy_sample_series(tmp_path_factory.mktemp("broken") / "series")
    (folder / AUDIO).write_bytes(b"this is not a recording\n" * 500)
    return build(folder, tmp_path_factory.mktemp("broken-build"), sample_key)


def test_a_recording_that_is_not_one_fails_the_bundle_install(campus: Campus,
                                                              broken_audio_build: BuildResult,
                                                              capsys) -> None:
    data = ["--data-dir", str(campus.data_dir)]
    assert main([*data, "install", str(broken_audio_build.bundle)]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {broken_audio_build.bundle}!{AUDIO}: is not a recording this "
                   "computer can play (the package is damaged: get it again)\n")
    assert campus.installed() == [] and blobs_in(campus) == set()


def test_a_recording_that_is_not_one_fails_the_tree_install(tmp_path: Path,
                                                            broken_audio_build: BuildResult,
                                                            learner: Campus) -> None:
    tree = tmp_path / "site"
    assert main(["publish", str(broken_audio_build.package_dir), "--to", str(tree)]) == 0
    with serve(tree) as server, pytest.raises(InputError) as exc:
        learner.install(server.url)
    [problem] = exc.value.problems
    assert problem.file.endswith(f"!{AUDIO}") and "is not a recording" in problem.message
    assert learner.installed() == [] and blobs_in(learner) == set()


def test_an_on_demand_variant_that_is_not_a_recording_is_refused_when_fetched(
        tmp_path: Path, sample_key, learner: Campus) -> None:
    folder = copy_sample_series(tmp_path / "series")
    (folder / VIDEO).write_bytes(b"not a video either\n" * 500)
    built = build(folder, tmp_path / "dist", sample_key)
    tree = tmp_path / "site"
    assert main(["publish", str(built.package_dir), "--to", str(tree)]) == 0
    with serve(tree) as server:
        learner.install(server.url)  # the video stays in the tree: not checked yet
        with pytest.raises(InputError) as exc:
            learner.fetch_on_demand(SERIES, [VIDEO])
    [problem] = exc.value.problems
    assert problem.file == f"{server.url}!{VIDEO}" and "is not a recording" in problem.message
    assert files_of(built)[VIDEO][0] not in blobs_in(learner)


def test_courses_and_series_side_by_side(campus: Campus, sample_build: BuildResult,
                                         series_build: BuildResult,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(campus.data_dir)]
    assert main([*data, "install", str(sample_build.bundle)]) == 0
    assert main([*data, "install", str(series_build.bundle)]) == 0
    capsys.readouterr()
    assert main([*data, "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{SAMPLE_COURSE}\t1.0.0\tInclusive social protection",
        f"{SERIES}\t1.0.0\tSocial protection in crises"]
    course = campus.course(SAMPLE_COURSE)
    assert course.module_ids and course.read_text(course.module(course.module_ids[0]).file)
    assert campus.course(SERIES).module_ids == []  # a series has sessions, not modules
    assert [s.id for s in installed_series(campus)] == [SERIES]
    # installing the course again, or an update of one, keeps the other's files
    assert main([*data, "install", str(series_build.bundle)]) == 0
    assert "already installed" in capsys.readouterr().out
    session = the_series(campus).session(SAMPLE_SESSION)
    assert all(session.available(v) for v in session.variants)
    with pytest.raises(StepCampusError, match="is not a webinar series"):
        SeriesView(campus.installed()[0].manifest, campus.content)
