"""Install a signed package into the learner's store: verify, fetch only missing files, then
switch versions in one step. Nothing the learner sees changes until every file is in place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy.orm import sessionmaker

from stepcampus.coursepack.contentstore import ContentStore
from stepcampus.coursepack.keys import TrustStore
from stepcampus.coursepack.manifest import Manifest, verify
from stepcampus.coursepack.packagesource import BundlePackage, PackageSource
from stepcampus.errors import InputError, Problem
from stepcampus.tasks import Task
from stepcampus.textfile import decode_utf8


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


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def install(source: PackageSource, *, content: ContentStore, sessions: sessionmaker,
            trust: TrustStore, task: Task | None = None,
            allow_downgrade: bool = False) -> InstallResult:
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
    needed = {sha: size for sha, size in sorted(blobs.items()) if not content.has(sha, size)}
    fetched_bytes = 0
    with content.staging() as staging:
        staged: dict[str, Path] = {}
        # Progress in bytes: one large recording among small pages should move the bar evenly.
        total, done = sum(needed.values()), 0
        for index, (sha, size) in enumerate(needed.items()):
            message = f"fetching {index + 1} of {len(needed)} files"
            task.report(done, total, message)
            task.within_step = lambda n, base=done, text=message: task.report(base + n, total,
                                                                              text)
            target = staging / sha
            try:
                fetched_bytes += source.fetch_blob(sha, size, target)
            finally:
                task.within_step = None
            staged[sha] = target
            done += size
        task.report(total, total, "checking the course")
        check_content(manifest, lambda sha: staged[sha].read_bytes() if sha in staged
                      else content.read(sha), source.label)
        task.check()  # the last moment a cancel leaves everything as it was
        content.adopt(staged)
    title = _default_title(manifest)
    installed.record_install(sessions, manifest.course_id, manifest.version, title,
                             raw.decode(), signature.decode().strip(), manifest.key_id)
    content.collect_garbage(referenced_blobs(sessions))
    return InstallResult(manifest.course_id, manifest.version,
                         current.version if current else None, len(manifest.files), len(needed),
                         fetched_bytes, len(blobs) - len(needed), manifest.total_size)


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

    problems: list[Problem] = []
    for entry in manifest.files:
        suffix = PurePosixPath(entry.path).suffix
        if suffix not in (".md", ".gift", ".yaml"):
            continue
        where = f"{label}!{entry.path}"
        try:
            text = decode_utf8(read(entry.sha256), where)
            if suffix == ".md":
                split_front_matter(text, where)
            elif suffix == ".gift":
                parse_gift(text, where)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
