"""The signed package manifest: every file by path, SHA-256 and size, plus the course's
description. Its exact bytes are what the publisher signs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from stepcampus.coursepack.keys import PublicKey, TrustStore, decode_signature, key_id_of
from stepcampus.coursepack.source import ID_PATTERN, VERSION_PATTERN, derived_from_problems
from stepcampus.errors import InputError, Problem
from stepcampus.textfile import decode_utf8

FORMAT = "stepcampus-package"
FORMAT_VERSION = 1
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """A verified manifest: its signed bytes, signature and parsed content."""

    raw: bytes
    signature: bytes  # the .sig file content (base64 text)
    data: dict[str, Any]
    files: tuple[FileEntry, ...]
    key_id: str

    @property
    def course(self) -> dict[str, Any]:
        return self.data["course"]

    @property
    def course_id(self) -> str:
        return str(self.course["id"])

    @property
    def version(self) -> str:
        return str(self.course["version"])

    def blobs(self) -> dict[str, int]:
        """Distinct content hashes and their sizes (identical files are stored once)."""
        return {entry.sha256: entry.size for entry in self.files}

    @property
    def total_size(self) -> int:
        return sum(self.blobs().values())


def serialise(data: dict[str, Any]) -> bytes:
    """Canonical bytes: sorted keys, fixed indentation, UTF-8, so builds are reproducible."""
    return (json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def make_manifest(course: dict[str, Any], files: list[FileEntry], publisher: PublicKey) -> bytes:
    return serialise({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "course": course,
        "files": [{"path": f.path, "sha256": f.sha256, "size": f.size}
                  for f in sorted(files, key=lambda f: f.path)],
        "publisher": {"key_id": publisher.key_id, "public_key": publisher.b64},
    })


def parse_manifest(raw: bytes, signature: bytes, source: str) -> tuple[dict[str, Any], bytes]:
    """Parse and structurally check a manifest (without trusting it yet)."""
    if len(raw) > MAX_MANIFEST_BYTES:
        raise InputError(Problem(source, None, "the manifest is implausibly large",
                                 "this is not a STEP Campus package"))
    text = decode_utf8(raw, source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(source, exc.lineno, f"the manifest is not valid JSON: {exc.msg}",
                                 "the package was damaged: get it again")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(Problem(source, None, "not a STEP Campus package manifest"))
    if data.get("format_version") != FORMAT_VERSION:
        raise InputError(Problem(source, None,
                                 f"package format {data.get('format_version')!r} is not supported",
                                 "update STEP Campus to install this package"))
    return data, decode_signature(signature, source.replace("manifest.json", "manifest.sig"))


def check_structure(data: dict[str, Any], source: str) -> tuple[FileEntry, ...]:
    problems: list[Problem] = []

    def bad(message: str, hint: str = "the package was built wrongly or altered") -> None:
        problems.append(Problem(source, None, message, hint))

    course = data.get("course")
    if not isinstance(course, dict):
        raise InputError(Problem(source, None, "the manifest has no course description"))
    if not isinstance(course.get("id"), str) or not ID_PATTERN.match(course["id"]):
        bad(f"course id {course.get('id')!r} is not valid")
    if not isinstance(course.get("version"), str) or not VERSION_PATTERN.match(course["version"]):
        bad(f"course version {course.get('version')!r} is not valid")
    if course.get("derived_from") is not None:  # the provenance learners are shown
        for _key, message in derived_from_problems(course["derived_from"]):
            bad(message)
    entries: list[FileEntry] = []
    seen: set[str] = set()
    raw_files = data.get("files")
    if not isinstance(raw_files, list) or not raw_files:
        raise InputError(Problem(source, None, "the manifest lists no files"))
    for item in raw_files:
        if not isinstance(item, dict):
            bad("a file entry is not an object")
            continue
        path, sha, size = item.get("path"), item.get("sha256"), item.get("size")
        if not isinstance(path, str) or not is_safe_path(path):
            bad(f"file path {path!r} is unsafe (absolute, '..' or odd characters)")
            continue
        if path in seen:
            bad(f"file {path!r} is listed twice")
        seen.add(path)
        if not isinstance(sha, str) or not _SHA256.match(sha):
            bad(f"file {path!r} has no valid SHA-256")
            continue
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_FILE_BYTES:
            bad(f"file {path!r} has an invalid size {size!r}")
            continue
        entries.append(FileEntry(path, sha, size))
    for module in course.get("modules") or []:
        for text in (module.get("languages") or {}).values():
            for key in ("file", "quiz", "facilitator"):
                named = text.get(key)
                if named and named not in seen:
                    bad(f"the manifest names {named!r}, which the package does not hold")
    if problems:
        raise InputError(problems)
    return tuple(entries)


def verify(raw: bytes, signature: bytes, trust: TrustStore | None, source: str,
           embedded_only: bool = False) -> Manifest:
    """Check a manifest's signature and structure.

    With a trust store, the signer must be a trusted publisher allowed to sign this course.
    With `embedded_only`, only integrity is checked (the key inside the manifest), as a
    publisher does before putting a package on a server.
    """
    data, sig = parse_manifest(raw, signature, source)
    publisher = data.get("publisher") or {}
    embedded = _embedded_key(publisher, source)
    if embedded_only or trust is None:
        key = embedded
    else:
        trusted = trust.get(embedded.key_id)
        if trusted is None or trusted.raw != embedded.raw:
            raise InputError(Problem(source, None,
                                     f"unknown publisher (key {embedded.key_id})",
                                     "if you trust this publisher, run "
                                     "'stepcampus trust THEIR_KEY.pub' first"))
        key = trusted
    if not key.verify(sig, raw):
        raise InputError(Problem(source.replace("manifest.json", "manifest.sig"), None,
                                 "the signature does not match the manifest",
                                 "the package was altered after signing: do not install it"))
    files = check_structure(data, source)
    course_id = data["course"]["id"]
    if not key.may_sign(course_id):
        raise InputError(Problem(source, None,
                                 f"publisher {key.name or key.key_id} may not sign "
                                 f"course {course_id!r}",
                                 "this key is trusted for other courses only"))
    return Manifest(raw=raw, signature=signature, data=data, files=files, key_id=key.key_id)


def _embedded_key(publisher: dict[str, Any], source: str) -> PublicKey:
    import base64
    import binascii

    try:
        raw = base64.b64decode(str(publisher.get("public_key", "")), validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32 or publisher.get("key_id") != key_id_of(raw):
        raise InputError(Problem(source, None, "the manifest names no valid publisher key",
                                 "the package was built wrongly or altered"))
    return PublicKey(raw=raw)


def is_safe_path(path: str) -> bool:
    """A relative POSIX path with no '..', no empty or hidden parts and no backslashes."""
    if not path or len(path) > 512 or "\\" in path or "\x00" in path or ":" in path:
        return False
    pure = PurePosixPath(path)
    if pure.is_absolute() or path.startswith("/"):
        return False
    parts = path.split("/")
    return all(part and part not in (".", "..") and not part.startswith(".") for part in parts)
