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
from typing import BinaryIO, Iterable, Protocol

KEY_RE = re.compile(r"^[0-9a-f]{32}$")


class Storage(Protocol):
    def save(self, chunks: Iterable[bytes]) -> str:
        """Write the chunks; return the new key. If iterating ``chunks``
        raises, nothing is left behind and the exception propagates."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes for reading (the caller closes it)."""

    def delete(self, key: str) -> None:
        """Remove the stored bytes; a missing key is not an error."""


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


def storage_from_settings(settings: dict) -> Storage:
    return DirectoryStorage(settings["kjgl.storage_dir"])
