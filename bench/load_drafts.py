"""Load test: many individuals log in and save makerspace drafts at once
against several ``kjgl serve`` processes on one PostgreSQL database, then the
rows are counted in the database.

    .venv/bin/python bench/load_drafts.py            # 200 users, 3 processes, db kjgl_bench

Loopback only; every user does a fixed number of requests and the run stops
by itself (``--timeout``). The database named by ``--db-url`` is emptied first,
so it must be a database of its own whose name starts with ``kjgl_bench``.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/kjgl_bench"
PASSWORD = "Bench@2026x"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
EDIT_RE = re.compile(r"/makerspace/(\d+)/edit$")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.csrf = ""

    def request(self, method, path, fields=None):
        body, headers = None, {"Accept": "text/html"}
        if fields is not None:
            boundary = "----bench" + secrets.token_hex(8)
            body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                            for k, v in fields.items()) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=600) as resp:
                status, text, location = resp.status, resp.read().decode(), resp.headers.get("Location", "")
        except urllib.error.HTTPError as err:
            status, text, location = err.code, err.read().decode(errors="replace"), err.headers.get("Location", "")
        m = CSRF_RE.search(text)
        if m:
            self.csrf = m.group(1)
        return status, text, location


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ARGON2_SETTINGS = ("kjgl.argon2_time_cost", "kjgl.argon2_memory_kib", "kjgl.argon2_parallelism")


def argon2_cost(value: str) -> dict[str, str]:
    """``--argon2 2,19456,1`` → the three deployment settings."""
    parts = value.split(",")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        raise argparse.ArgumentTypeError("expected TIME,MEMORY_KIB,PARALLELISM, e.g. 2,19456,1")
    return dict(zip(ARGON2_SETTINGS, (p.strip() for p in parts)))


def write_ini(path: Path, url: str, storage: Path, cost: dict[str, str] | None = None) -> Path:
    text = (ROOT / "etc" / "development.ini").read_text(encoding="utf-8")
    for key, value in (("sqlalchemy.url", url), ("kjgl.secret", "bench-secret-" + secrets.token_hex(16)),
                       ("kjgl.storage_dir", str(storage)), ("pyramid.reload_templates", "false"),
                       ("kjgl.template_cache", str(storage.parent / "templates"))):
        text = re.sub(rf"^{re.escape(key)}\s*=.*$", f"{key} = {value}", text, flags=re.M)
    text = text.replace("[app:main]\n", "[app:main]\n" + "".join(f"{k} = {v}\n" for k, v in (cost or {}).items()), 1)
    text = re.sub(r"^level = DEBUG$", "level = WARN", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    return path


def empty_database(url: str) -> None:
    """Drop everything in the bench's PostgreSQL database (refused unless its
    name starts with ``kjgl_bench``)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not (make_url(url).database or "").startswith("kjgl_bench"):
        sys.exit("the bench empties its database: use one named kjgl_bench…")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def setup(ini: Path, url: str, users: int) -> list[str]:
    """Empty the database, load the demo (agencies, 和平创客 organisation, this
    year's open batch), then add ``users`` individuals of that organisation
    holding the makerspace grant."""
    from sqlalchemy import select

    from kjgl.core.accounts.models import User
    from kjgl.core.accounts.passwords import hash_password
    from kjgl.core.cli import main
    from kjgl.core.db import get_engine, get_session_factory
    from kjgl.core.grants.models import ModuleGrant

    empty_database(url)
    assert main(["demo", str(ini)]) == 0
    engine = get_engine({"sqlalchemy.url": url})
    session = get_session_factory(engine)()
    hashed = hash_password(PASSWORD)  # the ini's argon2 cost (set by `kjgl demo`); one hash for every bench user
    accounts = [f"bench{i:04d}" for i in range(users)]
    with session.begin():
        admin = session.scalars(select(User).where(User.account == "hpchuangke")).one()
        for i, account in enumerate(accounts):
            user = User(account=account, password_hash=hashed, kind="individual", status="active",
                        name=f"压测用户{i}", id_type="身份证", id_number="11010519491231002X",
                        mobile=f"139{i:08d}", email=f"{account}@example.cn", organisation_id=admin.organisation_id)
            session.add(user)
            session.flush()
            session.add(ModuleGrant(user_id=user.id, module_key="makerspace", granted_by_id=admin.id))
    engine.dispose()
    return accounts


def start_servers(ini: Path, n: int, logdir: Path) -> list[tuple[subprocess.Popen, int]]:
    servers = []
    for i in range(n):
        port = free_port()
        log = open(logdir / f"server{i}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "kjgl.core.cli", "serve", str(ini), "--port", str(port),
                                 "--no-upgrade", "--threads", "8"], stdout=log, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PYTHONWARNINGS="ignore"))
        servers.append((proc, port))
    deadline = time.monotonic() + 120
    for proc, port in servers:
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server on port {port} did not start (see {logdir})")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
    return servers


def warm_up(base: str, account: str) -> None:
    """One user's pages, once, on one thread: the templates are compiled before
    the load. Compiling Chameleon templates on several threads at once hits a
    CPython 3.11 bug (``SystemError: AST constructor recursion depth mismatch``,
    python/cpython#106905); ``--cold`` skips this step to show it."""
    client = Client(base)
    client.request("GET", "/login")
    client.request("POST", "/login", {"csrf_token": client.csrf, "account": account, "password": PASSWORD})
    for path in ("/portal", "/makerspace/", "/makerspace/new", "/does-not-exist"):
        client.request("GET", path)


def user_session(base: str, account: str, index: int, start: threading.Barrier, timings: dict, errors: list):
    """Log in, 增加 + 暂存 a new draft, then edit it and 暂存 again."""
    from kjgl.plugins.makerspace.samples import evaluation_sample

    client = Client(base)

    def timed(kind, method, path, fields=None, expect=303):
        t0 = time.perf_counter()
        status, page, location = client.request(method, path, fields)
        timings[kind].append(time.perf_counter() - t0)
        if status != expect:
            raise RuntimeError(f"{account} {method} {path}: HTTP {status}")
        return page, location

    try:
        start.wait()
        client.request("GET", "/login")
        timed("login", "POST", "/login", {"csrf_token": client.csrf, "account": account, "password": PASSWORD})
        timed("page", "GET", "/makerspace/new", expect=200)
        fields = evaluation_sample(name=f"压测众创空间{index:04d}")
        _, location = timed("save", "POST", "/makerspace/new", dict(fields, csrf_token=client.csrf, action="save"))
        sub_id = EDIT_RE.search(location).group(1)
        page, _ = timed("page", "GET", f"/makerspace/{sub_id}/edit", expect=200)
        version = VERSION_RE.search(page).group(1)
        fields["address"] = f"天津市和平区压测路{index}号"
        timed("save", "POST", f"/makerspace/{sub_id}/edit",
              dict(fields, csrf_token=client.csrf, version=version, action="save"))
    except Exception as exc:  # counted and reported; the run goes on
        errors.append(f"{account}: {exc}")


def count_rows(url: str, users: int) -> list[str]:
    """Problems found in the database: every user's draft, saved twice, with the edited address."""
    from sqlalchemy import create_engine, select

    from kjgl.core.review.models import Submission
    from kjgl.plugins.makerspace.models import MakerspaceEvaluation

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(Submission.title, Submission.version, MakerspaceEvaluation.data)
                            .join(MakerspaceEvaluation, MakerspaceEvaluation.submission_id == Submission.id)
                            .where(Submission.title.like("压测众创空间%"))).all()
    engine.dispose()
    problems = []
    if len(rows) != users:
        problems.append(f"{len(rows)} drafts in the database, expected {users}")
    for title, version, data in rows:
        index = int(title[len("压测众创空间"):])
        if data.get("address") != f"天津市和平区压测路{index}号":
            problems.append(f"{title}: second 暂存 lost (address {data.get('address')!r})")
    return problems


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--processes", type=int, default=3)
    p.add_argument("--db-url", default=os.environ.get("KJGL_BENCH_DATABASE_URL", DEFAULT_DB))
    p.add_argument("--timeout", type=float, default=900, help="seconds before the run gives up")
    p.add_argument("--cold", action="store_true", help="no warm-up request per process before the load")
    p.add_argument("--argon2", type=argon2_cost, default=None, metavar="T,MEMORY_KIB,P",
                   help="argon2 cost of the deployment (default: the production default 3,65536,4)")
    args = p.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="kjgl-bench-"))
    ini = write_ini(workdir / "bench.ini", args.db_url, workdir / "files", args.argon2)
    print(f"setting up {args.users} users in {args.db_url} …", flush=True)
    accounts = setup(ini, args.db_url, args.users + 1)
    warm_account, accounts = accounts[-1], accounts[:-1]
    servers = start_servers(ini, args.processes, workdir)
    if not args.cold:
        for _, port in servers:
            warm_up(f"http://127.0.0.1:{port}", warm_account)
    timings = {"login": [], "page": [], "save": []}
    errors: list[str] = []
    try:
        start = threading.Barrier(args.users)
        threads = [threading.Thread(target=user_session, daemon=True,
                                    args=(f"http://127.0.0.1:{servers[i % len(servers)][1]}", account, i, start,
                                          timings, errors))
                   for i, account in enumerate(accounts)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        deadline = time.monotonic() + args.timeout
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        elapsed = time.perf_counter() - t0
        unfinished = sum(t.is_alive() for t in threads)
    finally:
        for proc, _ in servers:
            proc.terminate()
        for proc, _ in servers:
            proc.wait(30)

    problems = count_rows(args.db_url, args.users)
    print(f"{args.users} users, {args.processes} processes, {elapsed:.1f} s wall clock")
    for kind, values in timings.items():
        if values:
            print(f"  {kind:<6} n={len(values):<4} median {statistics.median(values) * 1000:7.0f} ms"
                  f"   p95 {pct(values, 0.95) * 1000:7.0f} ms   max {max(values) * 1000:7.0f} ms")
    print(f"  errors: {len(errors)}   unfinished users: {unfinished}   database problems: {len(problems)}")
    for line in (errors + problems)[:20]:
        print("   ", line)
    ok = not errors and not unfinished and not problems
    if ok:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"server logs kept in {workdir}")
    print("OK: no errors, no lost writes" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
