"""Updates to installed courses found in the learner's catalogs, fetched when the desktop's
download choice allows ("always", or "network" on the chosen network) and within its cap.

New courses are never fetched unasked: only versions newer than an installed one. A catalog
that cannot be reached is reported and the others still count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stepcampus.errors import Cancelled, StepCampusError
from stepcampus.tasks import Task

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.coursepack.install import InstallResult
    from stepcampus.settings import Settings


@dataclass(frozen=True)
class Offer:
    """A course version a catalog has: new here, or newer than the installed one."""

    location: str
    course_id: str
    titles: dict[str, str]
    latest: str
    installed: str | None
    size: int


@dataclass
class UpdateRun:
    installed: list[InstallResult] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # course id, message
    skipped: str = ""  # why nothing was fetched, for a person


def find_offers(campus: Campus, locations: list[str],
                task: Task | None = None) -> tuple[list[Offer], list[tuple[str, str]]]:
    """What the catalogs offer beyond what is installed, and (catalog, error) for failures."""
    from stepcampus.coursepack.install import version_key

    installed = {row.course_id: row.version for row in campus.installed()}
    offers: list[Offer] = []
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()
    for location in locations:
        if task is not None:
            task.check()
        try:
            catalog = campus.catalog(location)
        except StepCampusError as exc:
            errors.append((location, str(exc)))
            continue
        for entry in catalog.get("courses", []):
            course_id, latest = str(entry.get("id")), str(entry.get("latest"))
            have = installed.get(course_id)
            if course_id in seen or (have and version_key(have) >= version_key(latest)):
                continue
            seen.add(course_id)
            offers.append(Offer(location, course_id, dict(entry.get("title") or {}), latest,
                                have, _size(entry, latest)))
    return offers, errors


def install_updates(campus: Campus, settings: Settings, task: Task | None = None,
                    network_id: str | None = None) -> UpdateRun:
    """Fetch and install every update the catalogs offer, if the download choice allows now.

    network_id is the network the desktop is on (policy.current_network_id() when None).
    """
    from stepcampus.sync import policy

    run = UpdateRun()
    if network_id is None:
        network_id = policy.current_network_id()
    allowed, reason = policy.may_download(settings, network_id)
    if not allowed:
        run.skipped = reason
        return run
    offers, errors = find_offers(campus, list(settings.catalogs), task)
    run.failed += errors
    for offer in (o for o in offers if o.installed is not None):
        try:
            # The cap comes from the saved settings, as for every install from a tree.
            run.installed.append(campus.install(offer.location, offer.course_id, task=task))
        except Cancelled:
            raise
        except StepCampusError as exc:  # one bad update does not stop the others
            run.failed.append((offer.course_id, str(exc)))
    return run


def _size(entry: dict[str, Any], version: str) -> int:
    for item in entry.get("versions", []):
        if str(item.get("version")) == version:
            return int(item.get("size", 0))
    return 0
