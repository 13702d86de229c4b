"""Where uploaded files' bytes live: a small interface and its filesystem implementation.

Files are content-addressed: the key of some bytes is their SHA-256 (hex), so the same
photo uploaded twice is stored once, a key never changes meaning, and a download's ETag is
the key itself. Rows (``Material``, ``OrganisationLogo``) keep the key; the bytes are
written *before* the row's transaction commits, atomically (a temporary file in the same
directory, fsync, rename), so a reader never sees half a file and an interrupted upload
leaves at most an unreferenced complete blob (``sweep`` removes those).

``FileStorage`` (under ``data_dir/files``) is the embedded default. Several machines share
one store by putting another implementation of ``Storage`` behind the same five methods —
an S3-compatible bucket (put = PUT object if absent, read = GET) — or by mounting the same
directory on each."""

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

KEY_LENGTH = 64
_HEX = frozenset("0123456789abcdef")


class TooLarge(Exception):
    """More bytes than the caller allows."""


def key_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_key(key: str) -> bool:
    return len(key) == KEY_LENGTH and set(key) <= _HEX


class Storage(Protocol):
    def put(self, data: bytes) -> str:
        """Store `data` (if not stored already); its key."""
        ...

    def read(self, key: str) -> bytes:
        """The bytes of `key`; FileNotFoundError when there are none."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> Iterator[str]: ...


class FileStorage:
    """Blobs as files `root/ab/cd/abcd…` (two levels keep directories small)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        if not is_key(key):
            raise ValueError("not a storage key")
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = key_of(data)
        target = self.path(key)
        if target.exists():
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)  # atomic on one filesystem: the whole file or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return is_key(key) and self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.root.exists():
            return
        for path in self.root.glob("??/??/*"):
            if is_key(path.name):
                yield path.name

    def temporary_files(self) -> list[Path]:
        """Leftovers of writes that never finished (a crash between write and rename)."""
        return list(self.root.glob("??/??/.tmp-*")) if self.root.exists() else []


def sweep(storage: Storage, referenced: Iterable[str]) -> int:
    """Delete the blobs no row references; how many. Run from the CLI, never inside a
    request: a blob written by a transaction still in flight is not referenced yet."""
    keep = set(referenced)
    gone = 0
    for key in list(storage.keys()):
        if key not in keep:
            storage.delete(key)
            gone += 1
    return gone


def file_storage(data_dir: Path) -> FileStorage:
    return FileStorage(data_dir / "files")
