"""A learner gives the hub a newer version of a course: `stepcampus hub offer URL COURSE_ID`.

The learner's computer bundles its installed copy (the signed manifest and signature, and the
files the hub does not have yet) and posts it to /hub/offer. The hub installs the bundle into
its own store with the installer every learner uses: trusted publisher, signature, every hash,
never an older version; a refused bundle changes nothing. Its /content/ then serves it.
"""

from __future__ import annotations

import json
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from stepcampus.coursepack.build import blob_relpath
from stepcampus.coursepack.install import version_key
from stepcampus.errors import InputError, Problem, StepCampusError
from stepcampus.http_errors import server_said

if TYPE_CHECKING:
    import httpx

    from stepcampus.campus import Campus
    from stepcampus.coursepack.install import InstallResult

MAX_OFFER_BYTES = 8 * 1024 * 1024 * 1024  # the largest bundle an install accepts
OFFER_PATH = "/hub/offer"


class OfferRefused(StepCampusError):
    """The hub refused the course; its message says why (nothing changed on the hub)."""


@dataclass(frozen=True)
class OfferResult:
    course_id: str
    version: str
    hub_had: str | None  # the version the hub served before
    sent_files: int
    sent_bytes: int
    already: bool = False


def hub_base(url: str) -> str:
    """The hub's address from what a person typed (its address, or its /content/ or /xapi/)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(Problem("URL", None, f"{url!r} is not an http(s) URL",
                                 "give the hub's address, e.g. http://192.168.1.20:8471"))
    path = parts.path.rstrip("/")
    for suffix in ("/content", "/xapi"):
        path = path.removesuffix(suffix)
    return f"{parts.scheme}://{parts.netloc}{path}"


def write_bundle(campus: Campus, course_id: str, dest: Path,
                 skip: set[str] | frozenset[str] = frozenset()) -> tuple[str, int, int]:
    """Bundle the installed copy of a course, leaving out the blobs in `skip`; the version,
    the files and bytes it holds. InputError if this computer lacks a file the hub lacks."""
    from stepcampus.store.courses import get_installed

    row = get_installed(campus.sessions, course_id)
    if row is None:
        raise InputError(Problem(course_id, None, "is not installed on this computer",
                                 "run 'stepcampus list' to see what is"))
    manifest = json.loads(row.manifest)
    blobs = {f["sha256"]: int(f["size"]) for f in manifest["files"]}
    wanted = {sha: size for sha, size in sorted(blobs.items()) if sha not in skip}
    lacking = [sha for sha, size in wanted.items() if not campus.content.has(sha, size)]
    if lacking:
        raise InputError(Problem(course_id, None, f"this computer lacks {len(lacking)} of its "
                                 "files (left on demand), and so does the hub",
                                 "open or download them first, then offer it again"))
    size = 0
    # Stored, not deflated: on a LAN compressing costs more time than it saves.
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED) as bundle:
        bundle.writestr("manifest.json", row.manifest.encode("utf-8"))
        bundle.writestr("manifest.sig", row.signature.strip().encode("ascii") + b"\n")
        for sha in wanted:
            bundle.write(campus.content.path(sha), f"blobs/{sha}")
            size += wanted[sha]
    return row.version, len(wanted), size


def offer(campus: Campus, url: str, course_id: str, auth: Any) -> OfferResult:
    """Give the hub at url this computer's installed version of a course.

    `auth` is what httpx takes (a (user, password) pair, or an httpx.Auth for a token).
    """
    import httpx

    from stepcampus.store.courses import get_installed

    base = hub_base(url)
    row = get_installed(campus.sessions, course_id)
    if row is None:
        raise InputError(Problem(course_id, None, "is not installed on this computer",
                                 "run 'stepcampus list' to see what is"))
    with httpx.Client(base_url=base, timeout=httpx.Timeout(120.0, connect=10.0)) as client:
        hub_had = _hub_version(client, base, course_id)
        if hub_had is not None and version_key(hub_had) >= version_key(row.version):
            return OfferResult(course_id, row.version, hub_had, 0, 0, already=True)
        manifest = json.loads(row.manifest)
        present = {sha for sha in {f["sha256"] for f in manifest["files"]}
                   if _hub_has(client, sha)}
        with tempfile.TemporaryDirectory() as tmp:
            bundle = Path(tmp) / f"{course_id}-{row.version}.stepcampus"
            version, files, size = write_bundle(campus, course_id, bundle, present)
            try:
                with open(bundle, "rb") as body:
                    answer = client.post(OFFER_PATH, content=body, auth=auth, headers={
                        "Content-Type": "application/zip",
                        "Content-Length": str(bundle.stat().st_size)})
            except httpx.HTTPError as exc:
                raise OfferRefused(f"the hub at {base} cannot be reached ({exc})") from None
    if answer.status_code == 401:
        raise OfferRefused(f"the hub at {base} refused the sign-in (check --user and the "
                           "password)")
    if answer.status_code >= 300:
        raise OfferRefused(f"the hub at {base} refused {course_id} {version}: "
                           f"{server_said(answer, or_status=True)}")
    return OfferResult(course_id, version, hub_had, files, size)


def _hub_version(client: httpx.Client, base: str, course_id: str) -> str | None:
    import httpx

    try:
        answer = client.get("/content/catalog.json")
    except httpx.HTTPError as exc:
        raise OfferRefused(f"the hub at {base} cannot be reached ({exc})") from None
    if answer.status_code != 200:
        raise OfferRefused(f"there is no STEP Campus hub at {base} (its catalog answered "
                           f"{answer.status_code})")
    try:
        courses = answer.json()["courses"]
        entry = next((c for c in courses if c.get("id") == course_id), None)
        return str(entry["latest"]) if entry else None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise OfferRefused(f"the hub at {base} sent a malformed catalog") from None


def _hub_has(client: httpx.Client, sha: str) -> bool:
    import httpx

    try:
        return client.head(f"/content/{blob_relpath(sha)}").status_code == 200
    except httpx.HTTPError:
        return False


# ------------------------------------------------------------------------- the hub's side


class OfferDesk:
    """Receives offered bundles and installs them one at a time into the hub's store."""

    def __init__(self, campus: Campus) -> None:
        self.campus = campus
        self._lock = threading.Lock()

    def incoming(self) -> Path:
        folder = self.campus.data_dir / "staging"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def install(self, bundle: Path) -> InstallResult:
        """Install exactly as `stepcampus install BUNDLE` does; InputError changes nothing."""
        with self._lock:
            return self.campus.install(str(bundle))
