"""The registry's lists on a database filled by ``kjgl generate-enterprises``: page + count,
search, prev/next for the city and one district (best of 3), then the full export of the
city's enterprise list (rows streamed into a constant-memory workbook), with peak RSS.

    .venv/bin/python bench/registry_lists.py postgresql+psycopg://postgres@127.0.0.1:5432/kjgl_bench_registry [--no-export]

The data keys are the development ones (``etc/development.ini``): generate with an INI using them."""
import resource, sys, tempfile, time
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from kjgl.core import crypto, models  # noqa
from kjgl.core.testing import base_settings
from kjgl.core.agencies.models import Agency
from kjgl.core.exports.xlsx_builder import write_rows
from kjgl.plugins.enterprise_registry import queries
url = sys.argv[1]
export = "--no-export" not in sys.argv  # (the full export of a million rows takes minutes)
s = base_settings(url); s["kjgl.data_keys"] = "d1:ZGV2ZWxvcG1lbnQtZGF0YS1rZXktY2hhbmdlLW1lISE="
crypto.configure(s)
db = Session(create_engine(url))
city = db.scalars(select(Agency).where(Agency.code == "cq")).one()
district = db.scalars(select(Agency).where(Agency.code == "cq-d04")).one()
def t(label, fn, n=3):
    best = min((lambda: (time.perf_counter(), fn(), time.perf_counter()))() for _ in range(n))
    print(f"{label}: {1000 * (best[2] - best[0]):.0f} ms")
    return best[1]
for who, agency in (("city", city), ("district", district)):
    for ld in ("enterprises", "reports", "report_review", "pool_hitech"):
        t(f"{who} {ld} page 1 + count", lambda: queries.page(db, queries.LISTS[ld], agency, {}).count)
    # two characters have no trigram (pg_trgm answers them by scanning); three and more use the index
    for q in ("恒达", "恒达电子"):
        t(f"{who} search '{q}' page+count", lambda: queries.page(db, queries.LISTS["enterprises"], agency, {"q": q}).count)
    t(f"{who} search code part page+count", lambda: queries.page(db, queries.LISTS["enterprises"], agency, {"q": "0001234"}).count)
    first = queries.page(db, queries.LISTS["enterprises"], agency, {}).rows[5]["id"]
    t(f"{who} prev/next", lambda: queries.neighbours(db, queries.LISTS["enterprises"], agency, {}, first))
if not export:
    sys.exit(0)
start = time.perf_counter()
with tempfile.TemporaryFile() as f:
    n = write_rows(f, queries.LISTS["enterprises"].columns, queries.export_rows(db, queries.LISTS["enterprises"], city, {}), "x")
    size = f.tell()
print(f"export all {n} enterprises (city): {time.perf_counter() - start:.1f} s, {size / 1e6:.1f} MB, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
