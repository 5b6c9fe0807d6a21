"""Filenames from browsers are untrusted text: clean them before they are
stored or shown, and encode them properly when a file is served."""
from __future__ import annotations

import os
import re
import unicodedata
from urllib.parse import quote

MAX_NAME_CHARS = 100
# reserved on Windows, where most of our users save the file again
_RESERVED = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")


def sanitize(raw: str | None, fallback: str = "附件") -> str:
    """A display/download name: no directories (old IE sends the whole
    client path), no control or bidi-override characters, no characters
    Windows refuses, at most :data:`MAX_NAME_CHARS` characters with the
    extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    # Cc: control characters; Cf: format characters such as U+202E, which
    # would display "gpj.exe" as "exe.jpg"
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = _RESERVED.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" .")
    if not name:
        return fallback
    if len(name) > MAX_NAME_CHARS:
        stem, ext = os.path.splitext(name)
        if len(ext) > 10:
            stem, ext = name, ""
        name = stem[: MAX_NAME_CHARS - len(ext)].rstrip(" .") + ext
    return name


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """``attachment; filename="…"; filename*=UTF-8''…`` (RFC 6266 / RFC 5987):
    an ASCII fallback for old clients and the exact UTF-8 name for the rest."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    fallback = fallback.replace('"', "_").replace("\\", "_")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
