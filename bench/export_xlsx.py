"""Time and peak memory of the streaming Excel list export.

    .venv/bin/python bench/export_xlsx.py                      # 10k and 100k rows, 5 runs each
    .venv/bin/python bench/export_xlsx.py --sizes 1000 --runs 3

Rows look like a review list export: 20 columns (text, integers, decimals,
dates, a timestamp, an opinion). Each size is written ``--runs`` times to a
temporary file for the time (tracemalloc off) and ``--runs`` more times under
tracemalloc for the peak of Python allocations; the medians are printed.
Memory should stay flat from 10k to 100k rows (xlsxwriter's constant_memory).

``stored s`` is the whole export path of the app (``--runs`` more runs): the
workbook written to a temporary file, copied into the storage directory
with its SHA-256 (``documents.services.save_hashed``) and read back through
the verifying download (``documents.integrity.open_verified``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
import tracemalloc
from decimal import Decimal

from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.documents.integrity import CHUNK_BYTES, open_verified
from kjgl.core.documents.services import save_hashed
from kjgl.core.exports.xlsx_builder import Column, write_rows

COLUMNS = [
    Column("serial", "序号", "int"),
    Column("year", "年度", "int"),
    Column("organisation", "单位名称", "text"),
    Column("district", "所在区", "text"),
    Column("name", "众创空间名称", "text"),
    Column("founded", "成立时间", "date"),
    Column("level", "认定级别", "text"),
    Column("area", "场地总面积（m²）", "decimal"),
    Column("team_area", "其中：用于创业团队和企业的面积（m²）", "decimal"),
    Column("workstations", "工位数（个）", "int"),
    Column("staff", "服务人员数（人）", "int"),
    Column("mentors", "创业导师数（人）", "int"),
    Column("teams", "服务创业团队数（个）", "int"),
    Column("financing", "获得投融资总额（万元）", "decimal"),
    Column("income", "总收入（万元）", "decimal"),
    Column("state", "状态", "text"),
    Column("grade", "评价等级", "text"),
    Column("score", "评分", "decimal"),
    Column("submitted_at", "提交时间", "datetime"),
    Column("opinions", "审批意见", "text"),
]
DISTRICTS = ("和平区", "河西区", "南开区", "滨海新区", "滨海高新区", "东丽区")
GRADES = ("优秀", "良好", "合格", None)


def rows(n: int):
    day = dt.date(2018, 5, 1)
    submitted = dt.datetime(2026, 3, 1, 9, 30)
    for i in range(n):
        yield {
            "serial": i + 1, "year": 2025, "organisation": f"天津市第{i}科技发展有限公司",
            "district": DISTRICTS[i % len(DISTRICTS)], "name": f"第{i}号创新创业众创空间",
            "founded": day + dt.timedelta(days=i % 2000), "level": "市级",
            "area": Decimal(1000 + i % 5000) + Decimal("0.5"), "team_area": Decimal(800 + i % 4000),
            "workstations": 100 + i % 300, "staff": 10 + i % 40, "mentors": 5 + i % 30, "teams": i % 90,
            "financing": Decimal(i % 10000) / 4, "income": Decimal(i % 3000) / 10,
            "state": "审核通过", "grade": GRADES[i % len(GRADES)], "score": Decimal(60 + i % 40),
            "submitted_at": submitted + dt.timedelta(minutes=i),
            "opinions": "2026-03-02 10:00 区科技局初审 审核通过：同意推荐",
        }


def write_once(n: int) -> None:
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write_rows(path, COLUMNS, rows(n), "列表")
    finally:
        os.unlink(path)


def timed(n: int) -> float:
    start = time.perf_counter()
    write_once(n)
    return time.perf_counter() - start


def stored_once(n: int, root: str) -> float:
    """Seconds for the app's export path: write, store with SHA-256, verify and read back."""
    storage = DirectoryStorage(root)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as spool:
        write_rows(spool, COLUMNS, rows(n), "列表")
        spool.seek(0)
        key, size, sha256 = save_hashed(storage, spool)
    with open_verified(storage, key, sha256, size) as served:
        while served.read(CHUNK_BYTES):
            pass
    seconds = time.perf_counter() - start
    storage.delete(key)
    return seconds


def peak_bytes(n: int) -> int:
    tracemalloc.start()
    try:
        write_once(n)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"{len(COLUMNS)} columns, median of {args.runs} runs")
    print(f"{'rows':>8} {'seconds':>9} {'rows/s':>9} {'peak MiB':>9} {'stored s':>9}")
    with tempfile.TemporaryDirectory() as root:
        for n in args.sizes:
            seconds = statistics.median(timed(n) for _ in range(args.runs))
            peak = statistics.median(peak_bytes(n) for _ in range(args.runs))
            stored = statistics.median(stored_once(n, root) for _ in range(args.runs))
            print(f"{n:>8} {seconds:>9.2f} {n / seconds:>9.0f} {peak / 2**20:>9.2f} {stored:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
