"""Install a signed package into the learner's store: verify, fetch only missing files, then
switch versions in one step. Nothing the learner sees changes until every file is in place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import sessionmaker

from stepcampus.coursepack.contentstore import ContentStore
from stepcampus.coursepack.keys import TrustStore
from stepcampus.coursepack.manifest import Manifest, verify
from stepcampus.coursepack.packagesource import BundlePackage, PackageSource
from stepcampus.errors import InputError, Problem
from stepcampus.tasks import Task
from stepcampus.textfile import decode_utf8

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.store.models import InstalledCourse


@dataclass(frozen=True)
class InstallResult:
    course_id: str
    version: str
    previous_version: str | None
    files: int
    fetched_blobs: int
    fetched_bytes: int  # bytes transferred from the source (compressed size for bundles)
    reused_blobs: int
    package_bytes: int  # the package's distinct file bytes
    already_installed: bool = False
    on_demand: int = 0  # files left in the published tree until the learner asks for them


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def on_demand_blobs(manifest: Manifest) -> set[str]:
    """Blobs only the files a package marks on demand need (a recording's heavier variants):
    a learner on a slow line fetches them when they ask, not with the package."""
    paths = set(manifest.course.get("on_demand") or [])
    wanted = {e.sha256 for e in manifest.files if e.path not in paths}
    return {e.sha256 for e in manifest.files if e.path in paths} - wanted


def install(source: PackageSource, *, content: ContentStore, sessions: sessionmaker,
            trust: TrustStore, task: Task | None = None,
            allow_downgrade: bool = False, location: str | None = None) -> InstallResult:
    """Install from `source`. From a published tree (`location` given), files marked on demand
    stay there until asked for; from a bundle or package folder everything comes along."""
    from stepcampus.store import courses as installed

    task = task or Task()
    raw, signature = source.manifest()
    manifest = verify(raw, signature, trust, source.manifest_label)
    if isinstance(source, BundlePackage):
        extra = source.unexpected_blobs(set(manifest.blobs()))
        if extra:
            raise InputError(Problem(source.label, None,
                                     f"the bundle holds {len(extra)} file(s) its manifest does "
                                     "not list", "do not install this bundle"))
    current = installed.get_installed(sessions, manifest.course_id)
    if current is not None:
        if current.version == manifest.version and current.manifest == raw.decode():
            return InstallResult(manifest.course_id, manifest.version, current.version,
                                 len(manifest.files), 0, 0, len(manifest.blobs()),
                                 manifest.total_size, already_installed=True)
        if version_key(manifest.version) < version_key(current.version) and not allow_downgrade:
            raise InputError(Problem(source.label, None,
                                     f"version {manifest.version} is older than the installed "
                                     f"{current.version}", "nothing to do"))
        if current.version == manifest.version:
            raise InputError(Problem(source.label, None,
                                     f"version {manifest.version} is installed with different "
                                     "content", "the publisher must raise the version number"))
    blobs = manifest.blobs()
    later = on_demand_blobs(manifest) if location else set()
    left = {sha for sha in later if not content.has(sha, blobs[sha])}  # stay in the tree
    needed = {sha: size for sha, size in sorted(blobs.items())
              if sha not in later and not content.has(sha, size)}
    with content.staging() as staging:
        staged, fetched_bytes = _fetch(source, needed, staging, task)
        task.report(1, 1, "checking the course")
        check_content(manifest, lambda sha: staged[sha].read_bytes() if sha in staged
                      else content.read(sha), source.label)
        _check_media(manifest, lambda sha: staged[sha] if sha in staged
                     else content.path(sha) if content.has(sha) else None, source.label)
        task.check()  # the last moment a cancel leaves everything as it was
        content.adopt(staged)
    title = _default_title(manifest)
    installed.record_install(sessions, manifest.course_id, manifest.version, title,
                             raw.decode(), signature.decode().strip(), manifest.key_id,
                             source=location)
    content.collect_garbage(referenced_blobs(sessions))
    return InstallResult(manifest.course_id, manifest.version,
                         current.version if current else None, len(manifest.files), len(needed),
                         fetched_bytes, len(blobs) - len(needed) - len(left),
                         manifest.total_size, on_demand=len(left))


def _fetch(source: PackageSource, needed: dict[str, int], staging: Path,
           task: Task) -> tuple[dict[str, Path], int]:
    """Fetch blobs into staging, each verified by its source; returns them and the bytes."""
    fetched_bytes = 0
    staged: dict[str, Path] = {}
    # Progress in bytes: one large recording among small pages should move the bar evenly.
    total, done = sum(needed.values()), 0
    for index, (sha, size) in enumerate(needed.items()):
        message = f"fetching {index + 1} of {len(needed)} files"
        task.report(done, total, message)
        task.within_step = lambda n, base=done, text=message: task.report(base + n, total, text)
        target = staging / sha
        try:
            fetched_bytes += source.fetch_blob(sha, size, target)
        finally:
            task.within_step = None
        staged[sha] = target
        done += size
    return staged, fetched_bytes


def fetch_files(row: InstalledCourse, paths: list[str], campus: Campus,
                task: Task | None = None) -> int:
    """Fetch files of an installed package that were left on demand, from where it came."""
    import json

    task = task or Task()
    manifest = json.loads(row.manifest)
    entries = {f["path"]: (f["sha256"], int(f["size"])) for f in manifest["files"]}
    unknown = [p for p in paths if p not in entries]
    if unknown:
        raise InputError(Problem(row.course_id, None, f"has no file {unknown[0]!r}"))
    needed = {entries[p][0]: entries[p][1] for p in sorted(paths)
              if not campus.content.has(*entries[p])}
    if not needed:
        return 0
    if not row.source:
        raise InputError(Problem(row.course_id, None, "was installed from a file that did not "
                                 "hold this part", "install it from its catalog to fetch it"))
    source = campus.open_source(row.source, row.course_id, row.version, task)
    try:
        raw, _signature = source.manifest()
        if raw != row.manifest.encode():
            raise InputError(Problem(row.source, None, f"no longer offers {row.course_id} "
                                     f"{row.version} as installed", "update the course first"))
        with campus.content.staging() as staging:
            staged, fetched = _fetch(source, needed, staging, task)
            variants = _variant_files(manifest["course"])
            for path in sorted(paths):  # verified, yet no recording: it was published broken
                if path in variants and entries[path][0] in staged:
                    _probe_recording(staged[entries[path][0]], f"{row.source}!{path}")
            task.check()
            campus.content.adopt(staged)
    finally:
        source.close()
    return fetched


def _default_title(manifest: Manifest) -> str:
    course = manifest.course
    titles = course.get("title") or {}
    return str(titles.get(course.get("default_language"), course["id"]))


def referenced_blobs(sessions: sessionmaker) -> set[str]:
    """Every blob that an installed version, or the one kept before it, refers to."""
    import json

    from stepcampus.store import courses as installed

    keep: set[str] = set()
    for row in installed.installed_courses(sessions):
        for text in (row.manifest, row.previous_manifest):
            if text:
                keep.update(f["sha256"] for f in json.loads(text)["files"])
    return keep


def check_content(manifest: Manifest, read: Callable[[str], bytes], label: str) -> None:
    """Parse what the desktop will parse later, so a broken package fails now, not mid-lesson."""
    from stepcampus.coursepack.gift import parse_gift
    from stepcampus.render.frontmatter import split_front_matter
    from stepcampus.webinar.qa import parse_qa
    from stepcampus.webinar.vtt import parse_vtt

    webinar = manifest.course.get("kind") == "webinar-series"
    problems: list[Problem] = []
    for entry in manifest.files:
        suffix = PurePosixPath(entry.path).suffix
        if suffix not in (".md", ".gift", ".yaml", ".vtt"):
            continue
        where = f"{label}!{entry.path}"
        try:
            text = decode_utf8(read(entry.sha256), where)
            if suffix == ".md" and not webinar:
                split_front_matter(text, where)
            elif suffix == ".gift":
                parse_gift(text, where)
            elif suffix == ".vtt":
                parse_vtt(text, where)
            elif webinar and PurePosixPath(entry.path).name == "qa.yaml":
                parse_qa(text, where)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)


def _variant_files(course: dict[str, Any]) -> set[str]:
    """The recordings' files of a webinar series (none in a course)."""
    if course.get("kind") != "webinar-series":
        return set()
    return {variant["file"] for session in course.get("sessions") or []
            for variant in (session.get("recording") or {}).get("variants") or []}


def _probe_recording(path: Path, label: str) -> None:
    from stepcampus.webinar.media import probe

    try:
        probe(path)
    except InputError:
        raise InputError(Problem(label, None, "is not a recording this computer can play",
                                 "the package is damaged: get it again")) from None


def _check_media(manifest: Manifest, path_of: Callable[[str], Path | None], label: str) -> None:
    """A recording that cannot be read fails the install, not the learner's first play.
    `path_of` gives None for a file left on demand: it is checked when it is fetched."""
    shas = {entry.path: entry.sha256 for entry in manifest.files}
    for file in sorted(_variant_files(manifest.course)):
        path = path_of(shas[file]) if file in shas else None
        if path is not None:
            _probe_recording(path, f"{label}!{file}")
