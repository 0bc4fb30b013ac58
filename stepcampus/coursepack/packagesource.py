"""Where a package's manifest and blobs come from: a package folder or a bundle (zip).

A published tree on a server or a folder is read by `stepcampus.sync.download`. Every source
hands out bytes that the installer verifies against the signed manifest before keeping them.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import IO, Protocol

from stepcampus.coursepack.build import blob_relpath
from stepcampus.errors import InputError, Problem

MAX_ENTRY_BYTES = 1024 * 1024 * 1024
MAX_BUNDLE_BYTES = 8 * 1024 * 1024 * 1024
MAX_RATIO = 200  # deflate rarely beats 10:1 on course files; bombs reach 1000:1
_BLOB_ENTRY = re.compile(r"^blobs/([0-9a-f]{64})$")


class PackageSource(Protocol):
    label: str
    manifest_label: str  # how errors about the manifest name it

    def manifest(self) -> tuple[bytes, bytes]:
        """The manifest's bytes and its signature file's bytes."""
        ...

    def fetch_blob(self, sha256: str, size: int, dest: Path) -> int:
        """Write the verified blob to `dest`; return the bytes transferred."""
        ...

    def close(self) -> None: ...


def copy_verified(stream: IO[bytes], dest: Path, sha256: str, size: int, label: str) -> int:
    """Copy at most `size` bytes, failing on any more, any less or a different hash."""
    digest = hashlib.sha256()
    written = 0
    with open(dest, "wb") as out:
        while chunk := stream.read(min(1 << 20, size - written + 1)):
            written += len(chunk)
            if written > size:
                raise InputError(Problem(label, None, f"blob {sha256[:12]} is larger than the "
                                         "manifest says", "the package was altered"))
            digest.update(chunk)
            out.write(chunk)
    if written != size or digest.hexdigest() != sha256:
        raise InputError(Problem(label, None, f"blob {sha256[:12]} does not match its SHA-256",
                                 "the package is damaged or was altered: get it again"))
    return written


class FolderPackage:
    """A package folder as `stepcampus build` writes it."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.label = str(self.folder)
        self.manifest_label = str(self.folder / "manifest.json")

    def manifest(self) -> tuple[bytes, bytes]:
        try:
            return ((self.folder / "manifest.json").read_bytes(),
                    (self.folder / "manifest.sig").read_bytes())
        except FileNotFoundError as exc:
            raise InputError(Problem(str(exc.filename), None, "is missing",
                                     "this folder is not a built package")) from None

    def fetch_blob(self, sha256: str, size: int, dest: Path) -> int:
        path = self.folder / blob_relpath(sha256)
        if path.is_symlink() or not path.is_file():
            raise InputError(Problem(self.label, None, f"blob {sha256[:12]} is missing",
                                     "the package is incomplete: build it again"))
        with open(path, "rb") as handle:
            return copy_verified(handle, dest, sha256, size, self.label)

    def close(self) -> None:
        pass


class BundlePackage:
    """A single-file bundle: a zip holding manifest.json, manifest.sig and blobs/<sha256>.

    Every entry is checked before anything is read: no paths that climb out, no absolute paths,
    no links, nothing unexpected, no entry too large or compressed suspiciously well.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.label = str(self.path)
        self.manifest_label = f"{self.label}!manifest.json"
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise InputError(Problem(self.label, None, "no such file")) from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(Problem(self.label, None, f"not a STEP Campus bundle ({exc})",
                                     "copy the .stepcampus file again")) from None
        try:
            self.entries = self._check_entries()
        except InputError:
            self.zip.close()
            raise

    def _check_entries(self) -> dict[str, zipfile.ZipInfo]:
        problems: list[Problem] = []
        entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in self.zip.infolist():
            name = info.filename

            def bad(message: str, hint: str = "do not install this bundle", n: str = name) -> None:
                problems.append(Problem(f"{self.label}!{n}", None, message, hint))

            mode = info.external_attr >> 16
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
                bad("entry has an absolute path")
            elif ".." in re.split(r"[/\\]", name):
                bad("entry climbs out of the bundle with '..'")
            elif stat.S_ISLNK(mode):
                bad("entry is a symbolic link")
            elif name in entries:
                bad("entry appears twice")
            elif name not in ("manifest.json", "manifest.sig") and not _BLOB_ENTRY.match(name):
                bad("unexpected entry", "a bundle holds only manifest.json, manifest.sig "
                    "and blobs/")
            elif info.file_size > MAX_ENTRY_BYTES:
                bad(f"entry is too large ({info.file_size} bytes)")
            elif info.file_size > (1 << 20) and \
                    info.file_size > MAX_RATIO * max(info.compress_size, 1):
                bad("entry is compressed suspiciously well (a zip bomb?)")
            else:
                entries[name] = info
                total += info.file_size
        if total > MAX_BUNDLE_BYTES:
            problems.append(Problem(self.label, None, "the bundle expands to more than 8 GiB"))
        for required in ("manifest.json", "manifest.sig"):
            if required not in entries and not any(p.file.endswith("!" + required)
                                                   for p in problems):
                problems.append(Problem(self.label, None, f"{required} is missing",
                                        "this is not a STEP Campus bundle"))
        if problems:
            raise InputError(problems)
        return entries

    def _read_small(self, name: str, limit: int) -> bytes:
        with self.zip.open(self.entries[name]) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise InputError(Problem(f"{self.label}!{name}", None, "is too large"))
        return data

    def manifest(self) -> tuple[bytes, bytes]:
        from stepcampus.coursepack.manifest import MAX_MANIFEST_BYTES

        return (self._read_small("manifest.json", MAX_MANIFEST_BYTES),
                self._read_small("manifest.sig", 1024))

    def unexpected_blobs(self, wanted: set[str]) -> list[str]:
        return sorted(m.group(1) for name in self.entries
                      if (m := _BLOB_ENTRY.match(name)) and m.group(1) not in wanted)

    def fetch_blob(self, sha256: str, size: int, dest: Path) -> int:
        info = self.entries.get(f"blobs/{sha256}")
        if info is None:
            raise InputError(Problem(self.label, None, f"blob {sha256[:12]} is missing",
                                     "the bundle is incomplete: copy it again"))
        try:
            with self.zip.open(info) as handle:
                copy_verified(handle, dest, sha256, size, self.label)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            # zlib errors and CRC mismatches: the file on the stick is damaged.
            raise InputError(Problem(f"{self.label}!blobs/{sha256}", None,
                                     f"cannot be read ({exc})", "copy the bundle again")) from None
        return info.compress_size

    def close(self) -> None:
        self.zip.close()
