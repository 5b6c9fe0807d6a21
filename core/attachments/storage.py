"""Where attachment bytes live, behind one small interface.

A backend stores a stream of chunks under a key it chooses (random, never
derived from the user's filename), opens it again, and deletes it. The
directory backend keeps files under ``kjgl.storage_dir``, which is not served
by the web server: files are only reachable through the download view, which
checks who may see them.
"""
from __future__ import annotations

import os
import re
import secrets
from typing import BinaryIO, Iterable, Iterator, Protocol

KEY_RE = re.compile(r"^[0-9a-f]{32}$")


class Storage(Protocol):
    def save(self, chunks: Iterable[bytes]) -> str:
        """Write the chunks; return the new key. If iterating ``chunks``
        raises, nothing is left behind and the exception propagates."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes for reading (the caller closes it)."""

    def delete(self, key: str) -> None:
        """Remove the stored bytes; a missing key is not an error."""

    def files(self) -> Iterator[tuple[str, bool, float]]:
        """(key, partial, mtime) of every stored file, and of every unfinished
        write (``partial``: a ``.part`` left by a crash), for the sweep."""

    def delete_partial(self, key: str) -> None:
        """Remove the unfinished write of ``key``."""



# how much of a stored file is read or written at a time
CHUNK_BYTES = 64 * 1024

def discard_unless_committed(txn, storage, key: str) -> None:
    """Remove ``key``'s bytes when ``txn`` aborts or its commit fails: stored
    bytes outlive the request only together with the row that names them."""
    txn.addAfterAbortHook(lambda: storage.delete(key))
    txn.addAfterCommitHook(lambda ok: None if ok else storage.delete(key))

class DirectoryStorage:
    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def _path(self, key: str) -> str:
        if not KEY_RE.match(key):
            raise ValueError(f"invalid storage key {key!r}")
        return os.path.join(self.root, key[:2], key)

    def save(self, chunks: Iterable[bytes]) -> str:
        key = secrets.token_hex(16)
        path = self._path(key)
        os.makedirs(os.path.dirname(path), mode=0o750, exist_ok=True)
        partial = path + ".part"
        try:
            with open(partial, "xb") as out:
                for chunk in chunks:
                    out.write(chunk)
            os.replace(partial, path)
        except BaseException:
            if os.path.exists(partial):
                os.remove(partial)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        try:
            os.remove(self._path(key))
        except FileNotFoundError:
            pass

    def files(self) -> Iterator[tuple[str, bool, float]]:
        if not os.path.isdir(self.root):
            return
        for folder in os.scandir(self.root):
            if not folder.is_dir(follow_symlinks=False) or len(folder.name) != 2:
                continue
            for entry in os.scandir(folder.path):
                partial = entry.name.endswith(".part")
                key = entry.name[:-len(".part")] if partial else entry.name
                if KEY_RE.match(key) and key[:2] == folder.name and entry.is_file(follow_symlinks=False):
                    try:
                        yield key, partial, entry.stat(follow_symlinks=False).st_mtime
                    except FileNotFoundError:  # removed meanwhile
                        continue

    def delete_partial(self, key: str) -> None:
        try:
            os.remove(self._path(key) + ".part")
        except FileNotFoundError:
            pass


def storage_from_settings(settings: dict) -> Storage:
    return DirectoryStorage(settings["kjgl.storage_dir"])
