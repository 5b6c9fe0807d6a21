"""The screened pools (``pools.POOLS``) on a database filled by ``kjgl generate-enterprises``: for the
city and one district, page 1 + count under the default settings and with every condition unticked
(the fixed ones only), the explanation of one enterprise, prev/next; best of 3. Then the city's full
export of the loosest pool.

    .venv/bin/python bench/registry_pools.py postgresql+psycopg://postgres@127.0.0.1:5432/kjgl_bench_pools"""
import datetime as dt, sys, tempfile, time
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from kjgl.core import crypto, models  # noqa
from kjgl.core.testing import base_settings
from kjgl.core.agencies.models import Agency
from kjgl.core.exports.xlsx_builder import write_rows
from kjgl.plugins.enterprise_registry import pool_settings, pools, queries
url = sys.argv[1]
s = base_settings(url); s["kjgl.data_keys"] = "d1:ZGV2ZWxvcG1lbnQtZGF0YS1rZXktY2hhbmdlLW1lISE="
crypto.configure(s)
db = Session(create_engine(url))
city = db.scalars(select(Agency).where(Agency.code == "cq")).one()
district = db.scalars(select(Agency).where(Agency.code == "cq-d04")).one()
today = dt.date.today()
def t(label, fn, n=3):
    best = min((lambda: (time.perf_counter(), fn(), time.perf_counter()))() for _ in range(n))
    print(f"{label}: {1000 * (best[2] - best[0]):.0f} ms  -> {best[1]}")
    return best[1]
for who, agency in (("city", city), ("district", district)):
    year = pools.latest_year(db, agency)
    for pool in pools.POOLS.values():
        for how, settings in (("defaults", pool.defaults()), ("fixed only", pools.Settings(frozenset(), pool.defaults().values))):
            ld = pool_settings.listdef(pool, settings)
            f = {**ld.filters({}), "year": str(year)}
            page = t(f"{who} {pool.key} {how} page 1 + count", lambda: queries.page(db, ld, agency, f).count)
        rows = queries.page(db, ld, agency, f).rows
        if rows:
            key = rows[len(rows) // 2]["id"]
            t(f"{who} {pool.key} explain one", lambda: pools.explain(db, pool, agency, key, year if pool.yearly else None, pool.defaults(), today)[0])
            t(f"{who} {pool.key} prev/next", lambda: queries.neighbours(db, ld, agency, f, key))
pool = pools.POOLS["sme_reserve"]
ld = pool_settings.listdef(pool, pool.defaults())
f = {**ld.filters({}), "year": str(pools.latest_year(db, city))}
start = time.perf_counter()
with tempfile.TemporaryFile() as out:
    n = write_rows(out, ld.columns, queries.export_rows(db, ld, city, f), "x")
print(f"export {pool.title} (city): {n} rows, {time.perf_counter() - start:.1f} s")
