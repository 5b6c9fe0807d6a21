"""Realistic enterprises in bulk: ``kjgl generate-enterprises INI N`` (the
benchmarks' million) and the demo's few hundred come from the same rows.

Each enterprise gets an organisation (valid 统一社会信用代码 check character,
sealed personal fields), an approved (or pending, or returned) first version
of its basic information, its ``er_enterprise`` row, and for a listed
enterprise one annual report per year in mixed review states with the
routes a submitted report is decided along. Figures are skewed as real ones
are: revenue log-normal by size class, a few large enterprises, many micro
ones; districts weighted (central districts and the zones hold more).

Rows are written straight to the tables, ids assigned here: with PostgreSQL
``COPY … FROM STDIN`` (psycopg), elsewhere in batched ``INSERT``s. Values of
sealed columns are sealed here, since COPY bypasses the column types.
"""
from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from decimal import Decimal
from typing import Iterable

from sqlalchemy import func, select

from kjgl.core.accounts.models import User
from kjgl.core.accounts.passwords import hash_password
from kjgl.core.agencies.models import Agency
from kjgl.core.crypto import keyring
from kjgl.core.db import utcnow
from kjgl.core.filings.standing import STANDING_DEADLINE, standing_batch
from kjgl.core.organisations.models import Organisation
from kjgl.core.review import services as review
from kjgl.core.review.models import Submission

from . import models as m
from .schemas import BASIC, MODULE_KEY, REPORT

GENERATOR_ACCOUNT = "er_generated"  # the applicant of generated records (a disabled account)
CODE_PREFIX = "91500103"  # 企业 + 重庆市渝中区 (500103): 8 characters + 9 digits = the 17 before the check character
PREFIXES = ("渝", "巴渝", "山城", "嘉陵", "长江", "两江", "缙云", "朝天", "渝州", "西部", "金佛山", "三峡", "钓鱼城",
            "大足", "歌乐", "鹅岭", "龙门", "华岩")
CORES = ("恒", "达", "博", "睿", "鑫", "远", "创", "智", "华", "泰", "航", "瑞", "宏", "昊", "星", "诚", "嘉", "盛",
         "源", "越", "凯", "鼎", "锐", "新", "联", "海", "宇", "晟", "力", "天")
TRADES = (("电子信息", "电子科技"), ("电子信息", "信息技术"), ("电子信息", "软件"), ("生物与新医药", "生物医药"),
          ("生物与新医药", "医疗器械"), ("航空航天", "航空科技"), ("新材料", "新材料科技"), ("高技术服务", "检测技术"),
          ("高技术服务", "数据服务"), ("新能源与节能", "新能源科技"), ("资源与环境", "环保科技"),
          ("先进制造与自动化", "智能装备"), ("先进制造与自动化", "机械制造"), ("先进制造与自动化", "汽车零部件"))
STREETS = ("科园一路", "金开大道", "星光大道", "杨家坪正街", "学府大道", "江北城西大街", "渝州路", "大学城南路",
           "龙山大道", "北部新区高新园")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚")
def zone_of(region: str) -> str | None:
    """The seed's 园区 column (两江新区 / 高新区 / 经开区) of a zone's full name."""
    if "两江新区" in region:
        return "两江新区"
    if "高新技术产业开发区" in region or region.endswith("高新区"):
        return "高新区"
    if "经济技术开发区" in region or "经开区" in region:
        return "经开区"
    return None
# (enterprise share, revenue median 千元, employees median) by 企业规模
SIZES = (("微型", 0.45, 800, 8), ("小型", 0.38, 9000, 40), ("中型", 0.13, 90000, 220), ("大型", 0.04, 900000, 1500))


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
SEALED_POOL = 512  # distinct mobile numbers per generation, each sealed once


def check_character(body: str) -> str:
    """GB 32100's check character of a 17-character body (as stdnum's uscc, faster in bulk)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x <= 0:
            return value
    return pairs[-1][0]


def _money(value: float) -> Decimal:
    return Decimal(str(round(max(value, 0.0), 2)))


class Plan:
    """What the rows refer to: the districts, the city, batches, the applicant, the next ids."""

    def __init__(self, db, years: int, today: dt.date, events: bool = False):
        self.events = events
        districts = list(db.scalars(select(Agency).where(Agency.level == "district", Agency.code.like("cq-%"))
                                    .order_by(Agency.code)))
        if not districts:
            raise ValueError("没有重庆市的区县科技主管部门：请在配置中设置 kjgl.agency_tree = chongqing 并先运行 kjgl db upgrade")
        self.city = districts[0].parent
        # central districts and the zones hold more enterprises (weights fall with the tree's order)
        self.districts = [(a, 1.0 / math.sqrt(i + 1) + (1.0 if a.kind == "zone" else 0.0))
                          for i, a in enumerate(districts)]
        self.standing = standing_batch(db, MODULE_KEY)
        self.years = [today.year - k for k in range(years, 0, -1)]
        self.batches = {y: review.ensure_batch(db, MODULE_KEY, y, STANDING_DEADLINE, None) for y in self.years}
        applicant = db.scalars(select(User).where(User.account == GENERATOR_ACCOUNT)).first()
        if applicant is None:
            applicant = User(account=GENERATOR_ACCOUNT, password_hash=hash_password(secrets.token_urlsafe(24)),
                             kind="individual", status="disabled", name="批量生成数据")
            db.add(applicant)
        db.flush()
        self.applicant_id = applicant.id
        self.next_ids = {t: (db.scalar(select(func.max(c))) or 0) + 1 for t, c in (
            ("organisation", Organisation.id), ("submission", Submission.id), ("er_enterprise", m.Enterprise.id))}
        self.code_start = db.scalar(select(func.count()).select_from(Organisation).where(
            Organisation.credit_code.like(CODE_PREFIX + "%"))) or 0
        self.today = today
        # personal values are sealed once per pool entry (sealing each of a million rows would dominate)
        ring, rng = keyring(), random.Random(today.toordinal())
        contexts = ("organisation.legal_rep_id_number", "organisation.legal_rep_mobile", "er_enterprise.contact_mobile",
                    "er_basic.contact_mobile")
        self.sealed = []
        for _ in range(SEALED_POOL):
            mobile = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            self.sealed.append({c: ring.seal("11010519491231002X" if c.endswith("id_number") else mobile, c)
                                for c in contexts})

    def take(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] += 1
        return value


TABLES = {
    "organisation": ("id", "name", "credit_code", "legal_type", "legal_nature", "status", "legal_rep_name",
                     "legal_rep_id_type", "legal_rep_id_number", "legal_rep_id_long_term", "legal_rep_mobile",
                     "agency_id", "reg_district", "reg_address", "loc_district", "loc_address", "created_at",
                     "updated_at", "reviewed_at"),
    "submission": ("id", "module_key", "kind", "batch_id", "organisation_id", "applicant_id", "title", "carrier_key",
                   "agency_id", "state", "step", "version", "last_opinion", "created_at", "updated_at",
                   "submitted_at", "concluded_at"),
    "submission_route": ("submission_id", "step", "agency_id"),
    "review_event": ("submission_id", "at", "actor_id", "actor_name", "agency_name", "step_key", "step_title",
                     "decision", "opinion"),
    "er_enterprise": ("id", "organisation_id", "agency_id", "review_state", "listed_on", "approved_id", "latest_id",
                      "updated_at", "contact_mobile") + tuple(c for c in m.BASIC_COLUMNS if c != "contact_mobile"),
    "er_basic": ("submission_id", "enterprise_id", "contact_mobile") +
                tuple(c for c in m.BASIC_COLUMNS if c != "contact_mobile"),
    "er_report": ("submission_id", "enterprise_id", "year", "agency_id", "zone", "scale", "industry", "tech_field",
                  "above_scale", "main_revenue", "total_revenue", "profit", "tax", "export_earnings", "total_assets",
                  "rd_expense"),
    "er_report_innovation": ("submission_id", "invention_applied", "invention_granted", "utility_applied",
                             "utility_granted", "design_applied", "design_granted", "software_copyrights",
                             "new_products", "std_international", "std_national", "std_industry", "std_local",
                             "std_group", "platform_national", "platform_city", "platform_district",
                             "hitech_products", "hitech_income"),
    "er_report_people": ("submission_id", "employees", "rd_staff", "doctors", "masters", "bachelors", "college_below"),
    "er_report_market": ("submission_id", "listing_status", "listing_board", "hitech_certified", "hitech_cert_no",
                         "hitech_cert_on", "hitech_valid_until"),
}


def _history(plan: Plan, out, sub_id: int, at: dt.datetime, region: str, decisions) -> None:
    """提交 then each decision: (step key, step title, decision, opinion, agency name)."""
    if not plan.events:
        return
    out["review_event"].append((sub_id, at, plan.applicant_id, "企业填报人", None, "district", "区县审核", "submit", ""))
    for i, (key, title, decision, opinion, agency) in enumerate(decisions, 1):
        out["review_event"].append((sub_id, at + dt.timedelta(days=3 * i), plan.applicant_id, f"{agency}审核员", agency,
                                    key, title, decision, opinion))


def enterprise_rows(plan: Plan, rng: random.Random, serial: int) -> dict[str, list[tuple]]:
    """The rows of one enterprise, by table (tuples in ``TABLES`` order)."""
    out: dict[str, list[tuple]] = {t: [] for t in TABLES}
    now = utcnow()
    agency = _weighted(rng, plan.districts)
    region = agency.region or agency.name
    zone = zone_of(region) if agency.kind == "zone" else None
    field, trade = rng.choice(TRADES)
    name = f"重庆{rng.choice(PREFIXES)}{rng.choice(CORES)}{rng.choice(CORES)}{trade}" \
           f"{'股份' if rng.random() < 0.08 else ''}有限公司"
    body = f"{CODE_PREFIX}{plan.code_start + serial:09d}"
    code = body + check_character(body)
    size, _, revenue_median, staff_median = _weighted(rng, [(s, s[1]) for s in SIZES])
    person = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    k = int(rng.random() * SEALED_POOL)
    sealed = plan.sealed[k]
    registered = plan.today - dt.timedelta(days=rng.randint(365, 365 * 25))
    address = f"重庆市{region}{rng.choice(STREETS)}{rng.randint(1, 999)}号"
    industry = "第二产业" if "制造" in trade or "零部件" in trade or rng.random() < 0.3 else "第三产业"
    basic = {"name": name, "credit_code": code, "registered_on": registered, "district": region, "zone": zone,
             "registered_capital": _money(rng.lognormvariate(math.log(revenue_median / 3), 1.0)),
             "industry": industry, "scale": size, "tech_field": field, "main_business": f"{trade}产品的研发、生产与销售",
             "legal_rep": person, "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN), "address": address,
             "above_scale": "是" if size in ("大型", "中型") and industry == "第二产业" else "否"}
    org_id = plan.take("organisation")
    out["organisation"].append((
        org_id, name, code, "企业", "企业法人", "active", person, "身份证",
        sealed["organisation.legal_rep_id_number"], True, sealed["organisation.legal_rep_mobile"], agency.id, region, address, region, address, now, now, now))
    state = _weighted(rng, [("approved", 0.85), ("submitted", 0.1), ("returned", 0.05)])
    basic_id = plan.take("submission")
    enterprise_id = plan.take("er_enterprise")
    submitted = now - dt.timedelta(days=rng.randint(30, 900))
    out["submission"].append((
        basic_id, MODULE_KEY, BASIC.kind, plan.standing.id, org_id, plan.applicant_id, name, "v1", agency.id, state, 0,
        2, "请核对注册资本" if state == "returned" else None, submitted, submitted, submitted,
        submitted if state == "approved" else None))
    if state == "submitted":
        out["submission_route"].append((basic_id, 0, agency.id))
    _history(plan, out, basic_id, submitted, region, {
        "approved": [("district", "区县审核", "approve", "信息属实，同意入库。", region)],
        "returned": [("district", "区县审核", "return", "请核对注册资本", region)]}.get(state, []))
    listed_on = (submitted + dt.timedelta(days=rng.randint(1, 20))).date() if state == "approved" else None
    out["er_enterprise"].append((
        enterprise_id, org_id, agency.id, state, listed_on,
        basic_id if state == "approved" else None, basic_id, now, sealed["er_enterprise.contact_mobile"],
        *[basic[c] for c in m.BASIC_COLUMNS if c != "contact_mobile"]))
    out["er_basic"].append((basic_id, enterprise_id, sealed["er_basic.contact_mobile"],
                            *[basic[c] for c in m.BASIC_COLUMNS if c != "contact_mobile"]))
    if state != "approved":
        return out
    growth = rng.gauss(0.08, 0.15)
    revenue = rng.lognormvariate(math.log(revenue_median), 0.9)
    staff = max(1, int(rng.lognormvariate(math.log(staff_median), 0.6)))
    certified_on = plan.today - dt.timedelta(days=rng.randint(30, 1500)) if rng.random() < 0.3 else None
    for i, year in enumerate(plan.years):
        latest = i == len(plan.years) - 1
        revenue *= 1 + growth
        staff = max(1, int(staff * (1 + growth / 2)))
        report_state = _weighted(rng, [("draft", 0.15), ("submitted0", 0.2), ("submitted1", 0.15), ("returned", 0.05),
                                       ("approved", 0.45)] if latest else
                                 [("approved", 0.9), ("returned", 0.05), ("submitted1", 0.05)])
        sub_id = plan.take("submission")
        state_, step = (report_state[:-1], int(report_state[-1])) if report_state.startswith("submitted") \
            else (report_state, 0)
        at = dt.datetime(year + 1, rng.randint(1, 6), rng.randint(1, 28), rng.randint(8, 18), rng.randint(0, 59))
        title = f"{year}年度科技信息年报"
        out["submission"].append((
            sub_id, MODULE_KEY, REPORT.kind, plan.batches[year].id, org_id, plan.applicant_id, title,
            review.carrier_key(title), agency.id, state_, step, 3, "请补充研发费用明细" if state_ == "returned" else None,
            at, at, None if state_ == "draft" else at, at if state_ == "approved" else None))
        if state_ != "draft":
            out["submission_route"] += [(sub_id, 0, agency.id), (sub_id, 1, plan.city.id)]
            district_ok = ("district", "区县审核", "approve", "数据核实无误。", region)
            city = plan.city.region or plan.city.name
            _history(plan, out, sub_id, at, region, {
                "submitted": [district_ok] if step else [],
                "approved": [district_ok, ("city", "市局审核", "approve", "同意。", city)],
                "returned": [("district", "区县审核", "return", "请补充研发费用明细", region)]}[state_])
        main = revenue * rng.uniform(0.75, 0.98)
        rd = revenue * rng.uniform(0.02, 0.12)
        out["er_report"].append((
            sub_id, enterprise_id, year, agency.id, zone, size, industry, field, basic["above_scale"], _money(main),
            _money(revenue), Decimal(str(round(revenue * rng.gauss(0.06, 0.08), 2))),  # a profit may be a loss
            _money(revenue * rng.uniform(0.01, 0.06)),
            _money(revenue * rng.uniform(0, 0.2)) if rng.random() < 0.2 else Decimal("0.00"),
            _money(revenue * rng.uniform(1.0, 2.5)), _money(rd)))
        patents = max(0, int(rng.expovariate(1 / max(1.0, staff / 15))))
        out["er_report_innovation"].append((
            sub_id, patents // 3, patents // 6, patents, patents * 2 // 3, patents // 4, patents // 5,
            int(rng.expovariate(1 / 3)), int(rng.expovariate(1 / 2)), 0, int(rng.random() < 0.02),
            int(rng.random() < 0.05), int(rng.random() < 0.08), int(rng.random() < 0.06),
            int(rng.random() < 0.01), int(rng.random() < 0.08), int(rng.random() < 0.15),
            int(rng.expovariate(1 / 2)), _money(main * rng.uniform(0, 0.6))))
        rd_staff = max(0, int(staff * rng.uniform(0.08, 0.35)))
        doctors = int(staff * rng.uniform(0, 0.03))
        masters = int(staff * rng.uniform(0.02, 0.12))
        bachelors = int(staff * rng.uniform(0.2, 0.5))
        out["er_report_people"].append((sub_id, staff, rd_staff, doctors, masters, bachelors,
                                        max(0, staff - doctors - masters - bachelors)))
        listing = _weighted(rng, [("未上市", 0.95), ("已挂牌", 0.03), ("已上市", 0.01), ("拟上市", 0.01)])
        board = rng.choice(m.BOARDS) if listing in ("已上市", "已挂牌") else None
        certified = certified_on is not None and certified_on.year <= year + 1
        out["er_report_market"].append((
            sub_id, listing, board, "是" if certified else "否",
            f"GR{certified_on.year}5000{serial % 10000:04d}" if certified else None,
            certified_on if certified else None,
            certified_on + dt.timedelta(days=3 * 365 - 1) if certified else None))  # valid three years
    return out


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


def _copy(connection, table: str, rows: Iterable[tuple]) -> None:
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(TABLES[table])}) FROM STDIN") as copy:
            lines = []
            for row in rows:
                lines.append("\t".join(map(_text, row)))
                if len(lines) >= 5000:
                    copy.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                copy.write("\n".join(lines) + "\n")


def _insert(connection, table: str, rows: list[tuple]) -> None:
    """Batched INSERTs with the columns' types, except that sealed values are already sealed."""
    from sqlalchemy import String, column
    from sqlalchemy import table as table_clause

    from kjgl.core.crypto import EncryptedString
    from kjgl.core.db import Base

    names = TABLES[table]
    real = Base.metadata.tables[table].columns
    target = table_clause(table, *[column(n, String() if isinstance(real[n].type, EncryptedString) else real[n].type)
                                   for n in names])
    for start in range(0, len(rows), 2000):
        connection.execute(target.insert(), [dict(zip(names, r)) for r in rows[start:start + 2000]])


# the trigram indexes of er_enterprise (models.Enterprise), rebuilt after a large load
TRIGRAM_INDEXES = (("ix_er_enterprise_name_trgm", "name"), ("ix_er_enterprise_credit_code_trgm", "credit_code"))
REBUILD_FROM = 20000

ORDER = ("organisation", "submission", "submission_route", "review_event", "er_enterprise", "er_basic", "er_report",
         "er_report_innovation", "er_report_people", "er_report_market")


def generate(db, n: int, years: int = 3, seed: int = 2026, batch: int = 20000, today: dt.date | None = None,
             progress=None, events: bool = False) -> int:
    """Add ``n`` enterprises (in chunks of ``batch``) through ``db``'s connection; return how many.
    ``events`` adds the review history (提交, 审核通过/不通过 with opinions) the demo shows."""
    plan = Plan(db, years, today or dt.date.today(), events)
    connection = db.connection()
    postgres = connection.dialect.name == "postgresql"
    rebuild = postgres and n >= REBUILD_FROM
    if rebuild:  # a GIN index is built faster once than row by row
        for name, _ in TRIGRAM_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    rng = random.Random(seed + plan.code_start)
    made = 0
    while made < n:
        chunk = {t: [] for t in TABLES}
        for serial in range(made, min(n, made + batch)):
            for table, rows in enterprise_rows(plan, rng, serial).items():
                chunk[table] += rows
        for table in ORDER:
            (_copy if postgres else _insert)(connection, table, chunk[table])
        made = min(n, made + batch)
        if progress:
            progress(made)
    if rebuild:
        connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for name, column in TRIGRAM_INDEXES:
            connection.exec_driver_sql(f"CREATE INDEX {name} ON er_enterprise USING gin ({column} gin_trgm_ops)")
    if postgres:  # the planner needs statistics of what was just loaded
        for table in ORDER:
            connection.exec_driver_sql(f"ANALYZE {table}")
        for table, key in (("organisation", "id"), ("submission", "id"), ("er_enterprise", "id")):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), (SELECT max({key}) FROM {table}))")
    return made
