"""``kjgl backup`` / ``kjgl restore``: the database and the attachment files.

A backup is a directory holding three parts:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or
  ``database.sqlite`` (SQLite, copied with SQLite's online backup API, so the
  app may keep running);
- ``files.tar.gz``, the storage directory (``kjgl.storage_dir``) without
  half-written ``.part`` files;
- ``manifest.json`` with the size and SHA-256 of each part.

The database is dumped first, then the files: an attachment committed in
between has its bytes in the archive but no row (harmless); one deleted in
between is listed under ``missing_files`` in the manifest and reported.

``restore`` checks every part against the manifest before it changes
anything, then replaces the database contents and the storage directory.
Stop the app while restoring.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

MANIFEST = "manifest.json"
FILES = "files.tar.gz"
FORMAT = 1


class BackupError(Exception):
    pass


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dialect(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("postgresql", "sqlite"):
        raise BackupError(f"不支持的数据库类型 (unsupported database): {name}")
    return name


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("SQLite 内存数据库不能备份 (in-memory database)")
    return os.path.abspath(path)


def _libpq(url: str) -> tuple[list[str], dict]:
    """Connection options and environment for pg_dump / pg_restore."""
    u = make_url(url)
    args = ["--dbname", u.database or ""]
    if u.host:
        args += ["--host", u.host]
    if u.port:
        args += ["--port", str(u.port)]
    if u.username:
        args += ["--username", u.username]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"找不到命令 {cmd[0]}（请安装 PostgreSQL 客户端工具）") from None
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} 失败: {done.stderr.strip()}")


# every table whose rows name a file in storage (attachments, generated documents)
REFERENCED_FILES = text("SELECT storage_key FROM attachment UNION SELECT storage_key FROM generated_document")


def _storage_keys(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(REFERENCED_FILES).scalars())
    finally:
        engine.dispose()


def _dump_database(url: str, dest_dir: str) -> tuple[str, set[str]]:
    """Write the database part; return its file name and the storage keys it references."""
    if _dialect(url) == "sqlite":
        name = "database.sqlite"
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(os.path.join(dest_dir, name))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return name, _storage_keys("sqlite:///" + os.path.join(dest_dir, name))
    name = "database.dump"
    args, env = _libpq(url)
    engine = create_engine(url)
    try:
        # one snapshot for the dump and for the list of referenced files
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            keys = set(conn.execute(REFERENCED_FILES).scalars())
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  "--file", os.path.join(dest_dir, name), *args], env)
            conn.rollback()
    finally:
        engine.dispose()
    return name, keys


def _archive_files(storage_dir: str, dest: str) -> set[str]:
    """Tar the storage directory; return the stored keys (file names) it holds."""
    keys = set()
    with tarfile.open(dest, "w:gz") as tar:
        if os.path.isdir(storage_dir):
            for root, dirs, files in os.walk(storage_dir):
                dirs.sort()
                for fname in sorted(files):
                    if fname.endswith(".part"):
                        continue
                    full = os.path.join(root, fname)
                    tar.add(full, arcname=os.path.relpath(full, storage_dir), recursive=False)
                    keys.add(fname)
    return keys


def _part(dest_dir: str, name: str) -> dict:
    path = os.path.join(dest_dir, name)
    return {"file": name, "size": os.path.getsize(path), "sha256": sha256_of(path)}


def backup(settings: dict, dest_dir: str) -> dict:
    """Write a backup into ``dest_dir`` (new or empty); return the manifest."""
    url = settings["sqlalchemy.url"]
    dialect = _dialect(url)
    if os.path.exists(dest_dir) and os.listdir(dest_dir):
        raise BackupError(f"备份目录不是空目录 (not empty): {dest_dir}")
    os.makedirs(dest_dir, exist_ok=True)
    db_name, referenced = _dump_database(url, dest_dir)
    archived = _archive_files(settings["kjgl.storage_dir"], os.path.join(dest_dir, FILES))
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "dialect": dialect,
        "database": _part(dest_dir, db_name),
        "files": _part(dest_dir, FILES),
        "missing_files": sorted(referenced - archived),
    }
    with open(os.path.join(dest_dir, MANIFEST), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
    return manifest


def verify(src_dir: str) -> dict:
    """The manifest, after checking every part's size and SHA-256."""
    try:
        with open(os.path.join(src_dir, MANIFEST), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as exc:
        raise BackupError(f"无法读取备份清单 {MANIFEST}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式不支持 (format {manifest.get('format')!r})")
    for key in ("database", "files"):
        part = manifest.get(key) or {}
        name = part.get("file", "")
        if not name or os.path.basename(name) != name:
            raise BackupError(f"备份清单无效: {key}")
        path = os.path.join(src_dir, name)
        if not os.path.isfile(path):
            raise BackupError(f"备份文件缺失: {name}")
        if os.path.getsize(path) != part.get("size") or sha256_of(path) != part.get("sha256"):
            raise BackupError(f"备份文件与清单不符（已损坏或被修改）: {name}")
    return manifest


def _restore_database(url: str, src_dir: str, manifest: dict) -> None:
    dialect = _dialect(url)
    if manifest["dialect"] != dialect:
        raise BackupError(f"备份的数据库类型为 {manifest['dialect']}，当前配置为 {dialect}")
    source_path = os.path.join(src_dir, manifest["database"]["file"])
    if dialect == "sqlite":
        target_path = _sqlite_path(url)
        os.makedirs(os.path.dirname(target_path), exist_ok=True)
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)  # replaces every page of the target in one step
        finally:
            target.close()
            source.close()
        return
    args, env = _libpq(url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *args, source_path], env)


def _restore_files(storage_dir: str, archive: str) -> None:
    storage_dir = os.path.abspath(storage_dir)
    parent = os.path.dirname(storage_dir)
    os.makedirs(parent, exist_ok=True)
    fresh = tempfile.mkdtemp(prefix=".restore-", dir=parent)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(fresh, filter="data")  # no absolute paths, links or ``..`` escapes
        old = None
        if os.path.exists(storage_dir):
            old = tempfile.mkdtemp(prefix=".replaced-", dir=parent)
            os.rename(storage_dir, os.path.join(old, "files"))
        os.rename(fresh, storage_dir)
        if old:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def restore(settings: dict, src_dir: str) -> dict:
    """Replace the database and the storage directory with the backup in ``src_dir``."""
    manifest = verify(src_dir)
    _restore_database(settings["sqlalchemy.url"], src_dir, manifest)
    _restore_files(settings["kjgl.storage_dir"], os.path.join(src_dir, manifest["files"]["file"]))
    return manifest
