"""docs/security.md names the test proving each line of the 等保 checklist;
every named test must exist, and a line marked done must name one."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
DOC = ROOT / "docs" / "security.md"
STATUSES = {"done", "in progress", "not yet"}


def checklist_rows():
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[3] in STATUSES | {"status"} and cells[3] != "status":
            yield cells


def named_tests(cell: str):
    """`tests/a.py::x`, `::y` → (tests/a.py, x), (tests/a.py, y)."""
    current = None
    for ref in re.findall(r"`([^`]*::[A-Za-z_0-9]+)`", cell):
        path, name = ref.split("::")
        current = path or current
        yield current, name


def test_every_named_test_exists():
    missing = []
    for requirement, _, tests, _ in checklist_rows():
        for path, name in named_tests(tests):
            source = ROOT / path
            if not source.is_file() or not re.search(rf"^def {name}\(", source.read_text(encoding="utf-8"), re.M):
                missing.append(f"{requirement[:50]}: {path}::{name}")
    assert not missing, "\n" + "\n".join(missing)


def test_every_done_line_names_a_test():
    rows = list(checklist_rows())
    assert len(rows) > 40
    unproved = [r[0] for r in rows if r[3] == "done" and not list(named_tests(r[2]))]
    assert unproved == []
