"""Instructions per request, counted by valgrind's callgrind: the same
figure run after run, whatever else the machine is doing.

    .venv/bin/python bench/instructions.py              # SQLite in a temporary directory, 30 requests a rung
    .venv/bin/python bench/instructions.py --requests 100

Each rung is one page, served in process through WebTest (no sockets: the
same WSGI stack as ``kjgl serve`` minus waitress), from the floor (a bare
Pyramid + Chameleon 20-row table) up to a reviewer's list. Each rung runs
in its own ``valgrind --tool=callgrind`` process with the instrumentation
off while the app starts and logs in and on only around ``--requests``
requests of the page. Prints millions of instructions per request and the
floor's over the page's: what the requests/s ratio would be if every
request were CPU-bound on one core. See bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# rung → (account or None, path, status, what the rung adds to the one before)
RUNGS = {
    "floor": (None, "/", 200, "bare Pyramid + Chameleon, a 20-row table, no session, no database"),
    "static file": (None, "/static/kjgl.css", 200, "the app's five tweens and pyramid_tm, a file, no database"),
    "login page": (None, "/login", 200, "the cookie session (a CSRF token: encrypted Set-Cookie) and the layout"),
    "session ping": ("zhangmin", "/session/ping", 200,
                     "logged in: the cookie decrypted, BEGIN, the identity SELECT, COMMIT; JSON, no layout"),
    "portal": ("zhangmin", "/portal", 200, "the layout with its menu, the notices, the bell"),
    "makerspace list": ("zhangmin", "/makerspace/", 200, "the applicant's records and the open batch"),
    "reviewer list": ("hepingkj", "/makerspace/review/", 200, "15 of 50 records with their filters and decisions"),
}
PASSWORD = "Demo@2026"


def child(ini: str, rung: str, requests: int) -> None:
    """Inside valgrind: start the app (or the floor), log in, warm up, then
    tell the parent, which switches the counting on; run the requests; tell
    the parent again, which switches it off."""
    import webtest

    account, path, status, _ = RUNGS[rung]
    if rung == "floor":
        from pages import floor_app

        app = webtest.TestApp(floor_app())
    else:
        from pyramid.paster import get_app

        app = webtest.TestApp(get_app(ini, "main"), extra_environ={"REMOTE_ADDR": "127.0.0.1"})
        if account:
            form = app.get("/login").forms[0]
            form["account"], form["password"] = account, PASSWORD
            form.submit(status=303)
    for _ in range(5):
        app.get(path, status=status)
    print("READY", flush=True)
    sys.stdin.readline()
    for _ in range(requests):
        app.get(path, status=status)
    print("DONE", flush=True)
    sys.stdin.readline()


def count(ini: Path, rung: str, requests: int, workdir: Path) -> float:
    """Instructions per request of ``rung``."""
    log = workdir / f"callgrind-{rung.replace(' ', '-')}.log"
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--log-file={log}",
         f"--callgrind-out-file={workdir / 'callgrind.out.%p'}",
         sys.executable, __file__, "--child", rung, "--ini", str(ini), "--requests", str(requests)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONWARNINGS="ignore"))

    def expect(word):
        line = proc.stdout.readline()
        if line.strip() != word:
            proc.kill()
            raise SystemExit(f"{rung}: expected {word}, got {line!r} (see {log})")

    expect("READY")
    subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], check=True, capture_output=True)
    proc.stdin.write("go\n")
    proc.stdin.flush()
    expect("DONE")
    subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], check=True, capture_output=True)
    proc.stdin.write("exit\n")
    proc.stdin.close()
    if proc.wait(600) != 0:
        raise SystemExit(f"{rung}: the child failed (see {log})")
    collected = re.search(r"Collected\s*:\s*([\d,]+)", log.read_text())
    if collected is None:
        raise SystemExit(f"{rung}: no count in {log}")
    return int(collected.group(1).replace(",", "")) / requests


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=30, help="requests counted per rung")
    p.add_argument("--records", type=int, default=50, help="submitted records on the reviewer's list")
    p.add_argument("--rungs", default=",".join(RUNGS), help="comma-separated, from: " + ", ".join(RUNGS))
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--ini", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.ini, args.child, args.requests)
        return 0
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install valgrind")
    rungs = [r.strip() for r in args.rungs.split(",")]
    unknown = [r for r in rungs if r not in RUNGS]
    if unknown:
        raise SystemExit(f"unknown rung(s): {', '.join(unknown)}")

    from load_drafts import write_ini
    from pages import setup

    workdir = Path(tempfile.mkdtemp(prefix="kjgl-instr-"))
    ini = write_ini(workdir / "bench.ini", f"sqlite:///{workdir / 'bench.sqlite'}", workdir / "files")
    print(f"setting up the demo and {args.records} submitted records …", flush=True)
    setup(ini, args.records)
    figures = {}
    for rung in rungs:
        figures[rung] = count(ini, rung, args.requests, workdir)
        print(f"  {rung}: {figures[rung] / 1e6:.2f} M", flush=True)

    floor = figures.get("floor")
    print(f"\ncallgrind, {args.requests} requests a rung, in process (WebTest), SQLite")
    print(f"{'rung':<18}{'M instr/req':>12}{'floor/rung':>12}  adds")
    for rung, n in figures.items():
        ratio = f"{floor / n:>11.2f}×" if floor else f"{'':>12}"
        print(f"{rung:<18}{n / 1e6:>12.2f}{ratio}  {RUNGS[rung][3]}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
