"""Read a published tree (catalog, manifests, blobs) from a web server or a folder.

The only module of the install path that talks to the network; what it hands back is verified
by the installer against the signed manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from stepcampus.coursepack.build import blob_relpath
from stepcampus.coursepack.packagesource import copy_verified
from stepcampus.errors import InputError, Problem, StepCampusError

MAX_CATALOG_BYTES = 16 * 1024 * 1024


class TransportError(StepCampusError):
    """The server or folder could not be reached or answered with an error."""


def is_remote(location: str) -> bool:
    return urlparse(location).scheme in ("http", "https", "file")


class Tree:
    """A published tree at an http(s):// or file:// URL, or a local folder path."""

    def __init__(self, location: str, timeout: float = 30.0) -> None:
        self.location = location.rstrip("/")
        parsed = urlparse(location)
        self.folder: Path | None = None
        self.client: Any = None
        if parsed.scheme in ("http", "https"):
            import httpx

            self.client = httpx.Client(timeout=timeout, follow_redirects=True)
        elif parsed.scheme == "file":
            self.folder = Path(unquote(parsed.path))
        else:
            self.folder = Path(location)
        self.bytes_fetched = 0

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def __enter__(self) -> Tree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _name(self, rel: str) -> str:
        return f"{self.location}/{rel}"

    def get(self, rel: str, limit: int) -> bytes:
        if self.folder is not None:
            path = self.folder / rel
            try:
                with open(path, "rb") as handle:
                    data = handle.read(limit + 1)
            except FileNotFoundError:
                raise TransportError(f"{path}: not found") from None
            except OSError as exc:
                raise TransportError(f"{path}: {exc.strerror}") from None
        else:
            data = self._http_get(rel, limit)
        if len(data) > limit:
            raise InputError(Problem(self._name(rel), None, "is implausibly large"))
        self.bytes_fetched += len(data)
        return data

    def _http_get(self, rel: str, limit: int) -> bytes:
        import httpx

        url = self._name(rel)
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise TransportError(f"{url}: the server answered {response.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    chunks.append(chunk)
                    if size > limit:
                        break
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc}") from None

    def catalog(self) -> dict[str, Any]:
        raw = self.get("catalog.json", MAX_CATALOG_BYTES)
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(Problem(self._name("catalog.json"), None,
                                     f"is not a valid catalog ({exc})")) from None
        if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
            raise InputError(Problem(self._name("catalog.json"), None,
                                     "is not a STEP Campus catalog"))
        return data

    def package(self, course_id: str | None = None, version: str | None = None) -> TreePackage:
        courses = self.catalog()["courses"]
        if course_id is None:
            if len(courses) != 1:
                ids = ", ".join(str(c.get("id")) for c in courses) or "none"
                raise InputError(Problem(self._name("catalog.json"), None,
                                         f"the tree holds {len(courses)} courses ({ids})",
                                         "name the course to install"))
            entry = courses[0]
        else:
            matches = [c for c in courses if c.get("id") == course_id]
            if not matches:
                raise InputError(Problem(self._name("catalog.json"), None,
                                         f"no course {course_id!r} here",
                                         "run 'stepcampus catalog URL' to see what it holds"))
            entry = matches[0]
        version = version or str(entry.get("latest"))
        versions = {str(v.get("version")): v for v in entry.get("versions", [])}
        if version not in versions:
            raise InputError(Problem(self._name("catalog.json"), None,
                                     f"{entry.get('id')} has no version {version}"))
        return TreePackage(self, versions[version])


class TreePackage:
    """One course version of a published tree, read as a package source."""

    def __init__(self, tree: Tree, entry: dict[str, Any]) -> None:
        self.tree = tree
        self.entry = entry
        self.label = tree.location
        self.manifest_label = tree._name(str(entry.get("manifest")))

    def manifest(self) -> tuple[bytes, bytes]:
        from stepcampus.coursepack.manifest import MAX_MANIFEST_BYTES

        manifest, signature = str(self.entry["manifest"]), str(self.entry["signature"])
        for rel in (manifest, signature):
            if ".." in rel.split("/") or rel.startswith("/"):
                raise InputError(Problem(self.tree._name("catalog.json"), None,
                                         f"unsafe path {rel!r} in the catalog"))
        return self.tree.get(manifest, MAX_MANIFEST_BYTES), self.tree.get(signature, 1024)

    def fetch_blob(self, sha256: str, size: int, dest: Path) -> int:
        import io

        data = self.tree.get(blob_relpath(sha256), size)
        copy_verified(io.BytesIO(data), dest, sha256, size, self.tree._name(blob_relpath(sha256)))
        return len(data)

    def close(self) -> None:
        self.tree.close()
