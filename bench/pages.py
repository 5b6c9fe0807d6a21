"""Page throughput: the app's pages against a bare Pyramid + Chameleon page
(the floor) served by waitress with the same settings, in alternated rounds.

    .venv/bin/python bench/pages.py                 # SQLite, wrk, 5 rounds of 5 s per page
    .venv/bin/python bench/pages.py --db-url postgresql+psycopg://postgres@127.0.0.1:5432/kjgl_bench

Prints requests/s, p50 and p95 latency (medians over the rounds) and the
ratio to the floor for the portal of a granted individual, the makerspace
applicant list and a district reviewer's list holding ``--records`` submitted
records, then the time from ``kjgl serve`` to the first 200 on /login with an
empty and with a warm template cache. See bench/README.md.
"""
from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_drafts import Client, empty_database, free_port, pct, write_ini  # noqa: E402

DEMO_PASSWORD = "Demo@2026"
# page name → (account, path, text the page must hold)
PAGES = {
    "portal": ("zhangmin", "/portal", "申报系统选择"),
    "makerspace list": ("zhangmin", "/makerspace/", "众创空间"),
    "reviewer list": ("hepingkj", "/makerspace/review/", "共查询出"),
}
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("KJGL %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


# --- the floor: a bare Pyramid app rendering a 20-row Chameleon table ----------

def floor_app():
    from pyramid.config import Configurator

    rows = [{"name": f"众创空间{i}", "org": f"天津测试科技有限公司{i}", "state": "审核中",
             "at": "2026-11-30 10:00"} for i in range(1, 21)]

    def page(request):
        return {"title": "众创空间绩效评估 — 审核", "rows": rows}

    with Configurator() as config:
        config.include("pyramid_chameleon")
        config.add_route("page", "/")
        config.add_view(page, route_name="page", renderer=str(Path(__file__).with_name("floor.pt")))
        return config.make_wsgi_app()


def serve_floor(port: int, threads: int) -> None:
    import waitress

    waitress.serve(floor_app(), host="127.0.0.1", port=port, threads=threads, _quiet=True)


# --- set-up ----------------------------------------------------------------------

def setup(ini: Path, records: int) -> None:
    """The demo data, then ``records`` submitted makerspace records of as many
    organisations in 和平区, waiting for the district's first step."""
    from sqlalchemy import select

    from kjgl.core.accounts import passwords
    from kjgl.core.accounts.models import User
    from kjgl.core.cli import _context, main
    from kjgl.core.factories import organisation
    from kjgl.core.filings import services as filings
    from kjgl.core.review import services as review
    from kjgl.plugins.makerspace.demo import current_batch
    from kjgl.plugins.makerspace.samples import evaluation_sample
    from kjgl.plugins.makerspace.schemas import FILING

    assert main(["demo", str(ini)]) == 0
    settings, pm, engine, session_factory = _context(str(ini))
    session = session_factory()
    # the organisations' admins never log in here: a cheap hash keeps set-up short
    passwords.configure({"kjgl.argon2_time_cost": "1", "kjgl.argon2_memory_kib": "1024",
                         "kjgl.argon2_parallelism": "1"})
    chain = next(c for chains in pm.hook.kjgl_review_chains() for c in chains if c.kind == FILING.kind)
    with session.begin():
        batch = current_batch(session)
        district = filings.district_agency(session, settings, "和平区")
        for i in range(records):
            org = organisation(session, name=f"天津压测科技有限公司{i:03d}", agency_code=district.code)
            raw = dict(evaluation_sample(name=f"压测众创空间{i:03d}"), **FILING.prefill(org))
            applicant = session.scalars(select(User).where(User.organisation_id == org.id)).first()
            sub = review.create_draft(session, module_key=FILING.module_key, kind=FILING.kind, batch=batch,
                                      organisation=org, applicant=applicant, title=raw[FILING.name_field])
            sub.agency_id = district.id
            session.add(FILING.model(submission_id=sub.id,
                                     data=filings.serialise(FILING, FILING.schema.validate(raw).data)))
            session.flush()
            review.submit(session, chain, sub, applicant)
    session.close()
    engine.dispose()


# --- servers ---------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used: unlike the wall clock,
    it does not grow when other work shares the machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 300) -> tuple[float, float]:
    """Wall seconds until ``url`` answers 200, and the server's CPU seconds by then."""
    t0 = time.perf_counter()
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}) before answering {url}")
        if time.perf_counter() - t0 > timeout:
            raise SystemExit(f"no 200 from {url} within {timeout} s")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return time.perf_counter() - t0, cpu_seconds(proc.pid)
        except OSError:
            pass
        time.sleep(0.02)


def server_env() -> dict:
    """The servers' environment: Python writes and reuses bytecode as on a
    deployment (``pip install`` compiles it), even where the shell sets
    PYTHONDONTWRITEBYTECODE (these machines do): compiling the app's ~180
    modules from source costs ~0.4 s of every start."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def start_app(ini: Path, threads: int, log: Path) -> tuple[subprocess.Popen, int, tuple[float, float]]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kjgl.core.cli", "serve", str(ini), "--port", str(port),
                             "--no-upgrade", "--threads", str(threads)],
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT, env=server_env())
    return proc, port, wait_for(f"http://127.0.0.1:{port}/login", proc)


def start_floor(threads: int, log: Path) -> tuple[subprocess.Popen, int, tuple[float, float]]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve-floor", str(port), "--threads", str(threads)],
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT, env=server_env())
    return proc, port, wait_for(f"http://127.0.0.1:{port}/", proc)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(30)


# --- load --------------------------------------------------------------------------

def login_cookie(base: str, account: str, path: str, marker: str) -> str:
    """A fresh session cookie of ``account``; the page must answer 200 with ``marker``."""
    client = Client(base)
    client.request("GET", "/login")
    status, _, _ = client.request("POST", "/login", {"csrf_token": client.csrf, "account": account,
                                                     "password": DEMO_PASSWORD})
    if status != 303:
        raise SystemExit(f"login of {account} answered {status}")
    jar = next(h.cookiejar for h in client.opener.handlers if hasattr(h, "cookiejar"))
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    status, text, _ = client.request("GET", path)
    if status != 200 or marker not in text:
        raise SystemExit(f"{account} GET {path}: {status}, {marker!r} {'found' if marker in text else 'missing'}")
    return cookie


def run_wrk(url: str, cookie: str, seconds: float, connections: int, threads: int, script: Path) -> dict:
    # a slow answer is measured, not dropped: wrk's default 2 s timeout would count it as an error
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script), url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("KJGL "))
    n, duration_us, p50, p95, bad_status, socket_errors = (int(x) for x in line.split()[1:])
    if bad_status or socket_errors:
        raise SystemExit(f"{url}: {bad_status} non-2xx/3xx answers, {socket_errors} socket errors")
    return {"rps": n / (duration_us / 1e6), "p50": p50 / 1000, "p95": p95 / 1000, "n": n}


def run_python(url: str, cookie: str, seconds: float, connections: int, threads: int, script=None) -> dict:
    """The same measurement without wrk: ``connections`` keep-alive clients on threads."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("//")[1].split("/", 1)[1]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        mine = []
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t0)
            if resp.status != 200:
                errors.append(str(resp.status))
        with lock:
            latencies.extend(mine)

    t0 = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{url}: answers {sorted(set(errors))}")
    return {"rps": len(latencies) / elapsed, "p50": pct(latencies, 0.5) * 1000, "p95": pct(latencies, 0.95) * 1000,
            "n": len(latencies)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db-url", default=None, help="default: a SQLite file in a temporary directory; a "
                   "PostgreSQL database must be named kjgl_bench… (it is emptied)")
    p.add_argument("--records", type=int, default=50, help="submitted records on the reviewer's list")
    p.add_argument("--rounds", type=int, default=5, help="0: only the start-up times")
    p.add_argument("--seconds", type=int, default=5, help="length of one page's measurement in a round")
    p.add_argument("--threads", type=int, default=8, help="waitress threads of both servers")
    p.add_argument("--connections", type=int, default=20)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--driver", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    p.add_argument("--serve-floor", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve_floor:
        serve_floor(args.serve_floor, args.threads)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="kjgl-pages-"))
    url = args.db_url or f"sqlite:///{workdir / 'bench.sqlite'}"
    if args.db_url:
        empty_database(url)
    ini = write_ini(workdir / "bench.ini", url, workdir / "files")  # templates cached in workdir/templates
    print(f"setting up the demo and {args.records} submitted records in {url} …", flush=True)
    setup(ini, args.records)
    measure = run_wrk if args.driver == "wrk" else run_python
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    log = workdir / "servers.log"

    startup = {}
    app, app_port, startup["app, empty template cache"] = start_app(ini, args.threads, log)
    stop(app)
    app, app_port, startup["app, warm template cache"] = start_app(ini, args.threads, log)
    floor, floor_port, startup["floor"] = start_floor(args.threads, log)
    results: dict[str, list[dict]] = {name: [] for name in ("floor", *PAGES)}
    try:
        app_base, floor_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{floor_port}/"
        for account, path, marker in PAGES.values():  # one pass each before the figures count
            login_cookie(app_base, account, path, marker)
        measure(floor_url, "", 1, args.connections, args.wrk_threads, script)
        for r in range(args.rounds):
            for name in ("floor", *PAGES):
                if name == "floor":
                    target, cookie, server = floor_url, "", floor
                else:
                    account, path, marker = PAGES[name]
                    target, cookie, server = app_base + path, login_cookie(app_base, account, path, marker), app
                cpu_before = cpu_seconds(server.pid)
                result = measure(target, cookie, args.seconds, args.connections, args.wrk_threads, script)
                # the server's own CPU per request: unlike req/s, it does not move with the neighbours' load
                result["cpu_ms"] = (cpu_seconds(server.pid) - cpu_before) * 1000 / max(1, result["n"])
                results[name].append(result)
            print(f"round {r + 1}/{args.rounds}: " + ", ".join(
                f"{n} {v[-1]['rps']:.0f}/s" for n, v in results.items()), flush=True)
    finally:
        stop(app)
        stop(floor)

    if args.rounds:
        report(args, results)
    print("\nstart to the first 200 (wall clock; the server's CPU time):")
    for name, (wall, cpu) in startup.items():
        print(f"  {name:<28}{wall:6.2f} s  {cpu:5.2f} s CPU")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(args, results: dict[str, list[dict]]) -> None:
    print(f"\n{args.driver}, {args.wrk_threads} threads, {args.connections} connections, {args.rounds} rounds of "
          f"{args.seconds:g} s, waitress {args.threads} threads, {'PostgreSQL' if args.db_url else 'SQLite'}; "
          "medians over the rounds")
    print(f"{'page':<18}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'ratio':>8}{'CPU ms/req':>12}{'CPU ratio':>11}")
    floor_rps = statistics.median(x["rps"] for x in results["floor"])
    floor_cpu = statistics.median(x["cpu_ms"] for x in results["floor"])
    for name, runs in results.items():
        rps = statistics.median(x["rps"] for x in runs)
        cpu = statistics.median(x["cpu_ms"] for x in runs)
        print(f"{name:<18}{rps:>9.0f}{statistics.median(x['p50'] for x in runs):>9.1f}"
              f"{statistics.median(x['p95'] for x in runs):>9.1f}{rps / floor_rps:>7.2f}×{cpu:>12.2f}"
              f"{floor_cpu / cpu:>10.2f}×")
    print("CPU ratio: the floor's server CPU per request over the page's (what the req/s ratio would be "
          "if each server had the CPUs alone)")


if __name__ == "__main__":
    sys.exit(main())
