"""`Campus`: the one object the CLI and the desktop call. It owns the learner's data folder:
the database, the content store, the trusted keys and the default publisher key.

Heavy parts (ORM, migrations, crypto) load on first use, so a screen can show before them.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepcampus.errors import InputError, Problem
from stepcampus.paths import RESOURCES_DIR, SAMPLE_COURSES_DIR, default_data_dir
from stepcampus.tasks import Task

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy import Engine
    from sqlalchemy.orm import sessionmaker

    from stepcampus.coursepack.contentstore import ContentStore
    from stepcampus.coursepack.install import InstallResult
    from stepcampus.coursepack.installed import CourseView
    from stepcampus.coursepack.keys import TrustStore
    from stepcampus.coursepack.packagesource import PackageSource
    from stepcampus.store.models import InstalledCourse

SAMPLE_COURSE = "inclusive-social-protection"
SAMPLE_SERIES = "social-protection-in-crises"
SAMPLE_KEY = SAMPLE_COURSES_DIR / "sample-publisher.key"


class Campus:
    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        # The desktop opens the store on a worker thread while other workers may ask for it.
        self._opening = threading.Lock()

    @property
    def database_path(self) -> Path:
        return self.data_dir / "campus.sqlite"

    # -- the parts, each made on first use -------------------------------------------------
    @cached_property
    def engine(self) -> Engine:
        from stepcampus.store.database import open_database

        with self._opening:
            if "engine" in self.__dict__:  # made by another thread while this one waited
                return self.__dict__["engine"]  # type: ignore[no-any-return]
            return open_database(self.database_path)

    @cached_property
    def sessions(self) -> sessionmaker:
        from stepcampus.store.database import session_factory

        return session_factory(self.engine)

    @cached_property
    def content(self) -> ContentStore:
        from stepcampus.coursepack.contentstore import ContentStore

        return ContentStore(self.data_dir)

    @cached_property
    def trust(self) -> TrustStore:
        from stepcampus.coursepack.keys import TrustStore

        return TrustStore(self.data_dir / "trusted-keys", RESOURCES_DIR / "keys")

    @property
    def default_key_path(self) -> Path:
        return self.data_dir / "publisher" / "default.key"

    def default_key(self) -> Ed25519PrivateKey:
        """This machine's publisher key, made (and trusted here) on the first build."""
        from stepcampus.coursepack.keys import generate_key, load_private_key

        path = self.default_key_path
        if not path.exists():
            public = generate_key(path, name="this-computer")
            self.trust.trust(public)
        return load_private_key(path)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()

    # -- installing ------------------------------------------------------------------------
    def open_source(self, location: str, course_id: str | None = None,
                    version: str | None = None, task: Task | None = None) -> PackageSource:
        """A bundle file, a built package folder, or a published tree (URL or folder)."""
        from stepcampus.coursepack.packagesource import BundlePackage, FolderPackage
        from stepcampus.settings import load_settings
        from stepcampus.sync.download import Tree, is_remote
        from stepcampus.sync.policy import cap_bytes_per_s

        path = Path(location)
        if is_remote(location) or (path.is_dir() and (path / "catalog.json").exists()):
            # Unfinished downloads wait in the data folder, so a later install resumes them.
            return Tree(location, cap_bytes_per_s=cap_bytes_per_s(load_settings(self.data_dir)),
                        store=self.content, task=task).package(course_id, version)
        if path.is_dir():
            return FolderPackage(path)
        if not path.exists():
            raise InputError(Problem(location, None, "no such file, folder or URL",
                                     "give a .stepcampus bundle, a package folder or a URL"))
        return BundlePackage(path)

    def install(self, location: str, course_id: str | None = None, *, version: str | None = None,
                task: Task | None = None, allow_downgrade: bool = False) -> InstallResult:
        from stepcampus.coursepack.install import install
        from stepcampus.coursepack.packagesource import BundlePackage, FolderPackage

        source = self.open_source(location, course_id, version, task)
        tree = None if isinstance(source, BundlePackage | FolderPackage) else location
        try:
            result = install(source, content=self.content, sessions=self.sessions,
                             trust=self.trust, task=task, allow_downgrade=allow_downgrade,
                             location=tree)
        finally:
            source.close()
        if not result.already_installed:
            self._update_schedule()
        return result

    def _update_schedule(self) -> None:
        """Installed webinars appear in the learner's calendar."""
        from stepcampus.webinar.schedule import publish_schedule

        # A damaged calendar store is reported where calendars are shown, not here.
        with contextlib.suppress(InputError, OSError):
            publish_schedule(self)

    def fetch_on_demand(self, course_id: str, paths: list[str],
                        task: Task | None = None) -> int:
        """Fetch files a package left in its published tree (a recording's video, say), checked
        against the installed manifest; returns the bytes fetched."""
        from stepcampus.coursepack.install import fetch_files
        from stepcampus.store.courses import get_installed

        row = get_installed(self.sessions, course_id)
        if row is None:
            raise InputError(Problem(course_id, None, "is not installed"))
        return fetch_files(row, paths, self, task)

    def catalog(self, location: str) -> dict[str, Any]:
        from stepcampus.sync.download import Tree

        with Tree(location) as tree:
            return tree.catalog()

    def installed(self) -> list[InstalledCourse]:
        from stepcampus.store.courses import installed_courses

        return installed_courses(self.sessions)

    def course(self, course_id: str) -> CourseView:
        from stepcampus.coursepack.installed import CourseView
        from stepcampus.store.courses import get_installed

        row = get_installed(self.sessions, course_id)
        if row is None:
            raise InputError(Problem(course_id, None, "this course is not installed",
                                     "run 'stepcampus list' to see what is"))
        return CourseView(row.manifest, self.content)

    def ensure_sample_course(self, task: Task | None = None) -> InstallResult | None:
        """On first start, build the shipped sample course and webinar series and install them.

        Each is installed when nothing of its kind is: a learner who removed one keeps it
        removed only once they have courses or webinars of their own.
        """
        import json

        kinds = {json.loads(row.manifest)["course"].get("kind", "course")
                 for row in self.installed()}
        result = None
        if "course" not in kinds:
            result = self._install_sample(SAMPLE_COURSE, task)
        if "webinar-series" not in kinds:
            installed = self._install_sample(SAMPLE_SERIES, task)
            result = result or installed
        return result

    def _install_sample(self, name: str, task: Task | None) -> InstallResult:
        from stepcampus.coursepack.build import build
        from stepcampus.coursepack.keys import load_private_key

        with tempfile.TemporaryDirectory() as tmp:
            result = build(SAMPLE_COURSES_DIR / name, Path(tmp), load_private_key(SAMPLE_KEY),
                           task)
            return self.install(str(result.bundle), task=task)
