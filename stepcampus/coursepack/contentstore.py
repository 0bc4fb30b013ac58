"""The learner's content-addressed file store: one copy of each file, shared by every course
and version that holds it, so an update fetches only what changed."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


class ContentStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.blobs = self.root / "blobs" / "sha256"

    def path(self, sha256: str) -> Path:
        return self.blobs / sha256[:2] / sha256

    def has(self, sha256: str, size: int | None = None) -> bool:
        path = self.path(sha256)
        try:
            found = path.stat().st_size
        except FileNotFoundError:
            return False
        return size is None or found == size

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A private folder on the same file system, removed whatever happens."""
        base = self.root / "staging"
        base.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=base))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def adopt(self, staged: dict[str, Path]) -> None:
        """Move verified blobs in. A rename on one file system: a blob is whole or absent."""
        for sha, source in staged.items():
            target = self.path(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)

    def collect_garbage(self, keep: Iterable[str]) -> int:
        """Remove blobs no installed (or previous) version refers to; return how many."""
        keep = set(keep)
        removed = 0
        if not self.blobs.is_dir():
            return 0
        for folder in self.blobs.iterdir():
            for blob in folder.iterdir():
                if blob.name not in keep:
                    blob.unlink()
                    removed += 1
        return removed
