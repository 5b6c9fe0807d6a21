"""Realistic enterprises in bulk: ``kjgl generate-enterprises INI N`` (the
benchmarks' million) and the demo's few hundred come from the same rows.

Each enterprise gets an organisation (valid 统一社会信用代码 check character,
sealed personal fields), an approved (or pending, or returned) first version
of its basic information, its ``er_enterprise`` row, and for a listed
enterprise one annual report per year in mixed review states with the
routes a submitted report is decided along. Figures are skewed as real ones
are: revenue log-normal by size class, a few large enterprises, many micro
ones; districts weighted (central districts and the zones hold more, every
one holds some).

Rows are written straight to the tables, ids assigned here: on PostgreSQL
with ``COPY … FROM STDIN`` on a thread of its own, a large load with the
tables' secondary indexes and constraints dropped and built again after it,
all in one savepoint (:mod:`.bulk_load`); elsewhere in batched ``INSERT``s.
A million enterprises make about 22 million rows, so a row costs a few
random numbers and no more: weighted choices by bisection, names from
pools, personal values sealed once per pool entry (:data:`SEALED_POOL`) and
shared, since COPY bypasses the column types that would seal them.
"""
from __future__ import annotations

import datetime as dt
import math
import operator
import os
import random
import secrets
from bisect import bisect
from typing import Callable

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

from . import bulk_load
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
BASIC_STATES = (("approved", 0.85), ("submitted", 0.1), ("returned", 0.05))
# a report's (state, step): the latest year is still being filed and reviewed, earlier ones mostly decided
LATEST_REPORT_STATES = ((("draft", 0), 0.15), (("submitted", 0), 0.2), (("submitted", 1), 0.15),
                        (("returned", 0), 0.05), (("approved", 0), 0.45))
EARLIER_REPORT_STATES = ((("approved", 0), 0.9), (("returned", 0), 0.05), (("submitted", 1), 0.05))
LISTINGS = (("未上市", 0.95), ("已挂牌", 0.03), ("已上市", 0.01), ("拟上市", 0.01))

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
SEALED_POOL = 512  # distinct mobile numbers per generation, each sealed once
# the basic information's columns in the order enterprise_rows() makes them (contact_mobile is sealed apart)
BASIC_ORDER = ("name", "credit_code", "registered_on", "district", "zone", "registered_capital", "industry", "scale",
               "tech_field", "main_business", "legal_rep", "contact_name", "address", "above_scale")
assert set(BASIC_ORDER) | {"contact_mobile"} == set(m.BASIC_COLUMNS), "enterprise_rows() must fill every basic column"


def check_character(body: str) -> str:
    """GB 32100's check character of a 17-character body (as stdnum's uscc, faster in bulk)."""
    total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, body), USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


class Picker:
    """A weighted choice made with one random number and a bisection."""

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        total, self.bounds = 0.0, []
        for _, weight in pairs:
            total += weight
            self.bounds.append(total)
        self.total, self.last = total, len(self.values) - 1

    def __call__(self, random_: Callable[[], float]):
        return self.values[min(bisect(self.bounds, random_() * self.total), self.last)]


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
        self.pick_district = Picker([((a.id, a.region or a.name, zone_of(a.region or a.name) if a.kind == "zone"
                                       else None), w) for a, w in self.districts])
        self.pick_size = Picker([((name, math.log(revenue), math.log(staff)), share)
                                 for name, share, revenue, staff in SIZES])
        self.pick_basic_state = Picker(BASIC_STATES)
        self.pick_latest_report = Picker(LATEST_REPORT_STATES)
        self.pick_earlier_report = Picker(EARLIER_REPORT_STATES)
        self.pick_listing = Picker(LISTINGS)
        self.standing = standing_batch(db, MODULE_KEY)
        self.years = [today.year - k for k in range(years, 0, -1)]
        self.batches = {y: review.ensure_batch(db, MODULE_KEY, y, STANDING_DEADLINE, None) for y in self.years}
        self.carrier_keys = {y: review.carrier_key(f"{y}年度科技信息年报") for y in self.years}
        applicant = db.scalars(select(User).where(User.account == GENERATOR_ACCOUNT)).first()
        if applicant is None:
            applicant = User(account=GENERATOR_ACCOUNT, password_hash=hash_password(secrets.token_urlsafe(24)),
                             kind="individual", status="disabled", name="批量生成数据")
            db.add(applicant)
        db.flush()
        self.applicant_id = applicant.id
        # plain values only from here on: worker processes read the plan (see generate)
        self.city_id, self.city_name = self.city.id, self.city.region or self.city.name
        self.standing_id = self.standing.id
        self.batch_ids = {y: b.id for y, b in self.batches.items()}
        # ids follow the enterprise's serial number, so that chunks can be made apart: an enterprise's
        # submissions are its basic information and one report a year (unused ones leave gaps)
        self.first_ids = {t: (db.scalar(select(func.max(c))) or 0) + 1 for t, c in (
            ("organisation", Organisation.id), ("submission", Submission.id), ("er_enterprise", m.Enterprise.id))}
        self.submissions_each = 1 + len(self.years)
        self.code_start = db.scalar(select(func.count()).select_from(Organisation).where(
            Organisation.credit_code.like(CODE_PREFIX + "%"))) or 0
        self.today = today
        self.now = utcnow()
        # personal values are sealed once per pool entry (sealing each of a million rows would dominate)
        ring, rng = keyring(), random.Random(today.toordinal())
        contexts = ("organisation.legal_rep_id_number", "organisation.legal_rep_mobile", "er_enterprise.contact_mobile",
                    "er_basic.contact_mobile")
        self.sealed = []
        for _ in range(SEALED_POOL):
            mobile = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            self.sealed.append({c: ring.seal("11010519491231002X" if c.endswith("id_number") else mobile, c)
                                for c in contexts})

    def check_copy_safe(self) -> None:
        """COPY's text format is written without escaping (:func:`copy_text`): no text the rows take
        from the pools, the agency tree or the sealed values may hold a tab, a newline or a backslash."""
        texts = [*PREFIXES, *CORES, *(t for pair in TRADES for t in pair), *STREETS, SURNAMES, *GIVEN,
                 self.city_name, *(d[1] for d in self.pick_district.values),
                 *(v for sealed in self.sealed for v in sealed.values())]
        unsafe = [t for t in texts if any(c in t for c in "\t\n\r\\")]
        if unsafe:
            raise ValueError(f"text unsafe for COPY: {unsafe[:3]}")


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


def enterprise_rows(plan: Plan, rng: random.Random, serial: int,
                    out: dict[str, list[tuple]] | None = None) -> dict[str, list[tuple]]:
    """The rows of one enterprise, by table (tuples in ``TABLES`` order), appended to ``out``."""
    if out is None:
        out = {t: [] for t in TABLES}
    r, gauss, log, exp = rng.random, rng.gauss, math.log, math.exp
    now, today = plan.now, plan.today
    agency_id, region, zone = plan.pick_district(r)
    field, trade = TRADES[int(r() * len(TRADES))]
    name = f"重庆{PREFIXES[int(r() * len(PREFIXES))]}{CORES[int(r() * len(CORES))]}{CORES[int(r() * len(CORES))]}" \
           f"{trade}{'股份' if r() < 0.08 else ''}有限公司"
    body = f"{CODE_PREFIX}{plan.code_start + serial:09d}"
    code = body + check_character(body)
    size, log_revenue, log_staff = plan.pick_size(r)
    person = SURNAMES[int(r() * len(SURNAMES))] + GIVEN[int(r() * len(GIVEN))] + \
        (GIVEN[int(r() * len(GIVEN))] if r() < 0.6 else "")
    sealed = plan.sealed[int(r() * SEALED_POOL)]
    address = f"重庆市{region}{STREETS[int(r() * len(STREETS))]}{1 + int(r() * 999)}号"
    industry = "第二产业" if "制造" in trade or "零部件" in trade or r() < 0.3 else "第三产业"
    above_scale = "是" if size in ("大型", "中型") and industry == "第二产业" else "否"
    basic = (name, code, today - dt.timedelta(days=365 + int(r() * (365 * 24 + 1))), region, zone,
             round(exp(log_revenue - log(3) + gauss()), 2), industry, size, field, f"{trade}产品的研发、生产与销售",
             person, SURNAMES[int(r() * len(SURNAMES))] + GIVEN[int(r() * len(GIVEN))], address, above_scale)
    org_id = plan.first_ids["organisation"] + serial
    out["organisation"].append((
        org_id, name, code, "企业", "企业法人", "active", person, "身份证", sealed["organisation.legal_rep_id_number"],
        True, sealed["organisation.legal_rep_mobile"], agency_id, region, address, region, address, now, now, now))
    state = plan.pick_basic_state(r)
    basic_id = plan.first_ids["submission"] + serial * plan.submissions_each
    enterprise_id = plan.first_ids["er_enterprise"] + serial
    submitted = now - dt.timedelta(days=30 + int(r() * 871))
    out["submission"].append((
        basic_id, MODULE_KEY, BASIC.kind, plan.standing_id, org_id, plan.applicant_id, name, "v1", agency_id, state, 0,
        2, "请核对注册资本" if state == "returned" else None, submitted, submitted, submitted,
        submitted if state == "approved" else None))
    if state == "submitted":
        out["submission_route"].append((basic_id, 0, agency_id))
    if plan.events:
        _history(plan, out, basic_id, submitted, region, {
            "approved": [("district", "区县审核", "approve", "信息属实，同意入库。", region)],
            "returned": [("district", "区县审核", "return", "请核对注册资本", region)]}.get(state, []))
    approved = state == "approved"
    out["er_enterprise"].append((
        enterprise_id, org_id, agency_id, state, (submitted + dt.timedelta(days=1 + int(r() * 20))).date()
        if approved else None, basic_id if approved else None, basic_id, now, sealed["er_enterprise.contact_mobile"],
        *basic))
    out["er_basic"].append((basic_id, enterprise_id, sealed["er_basic.contact_mobile"], *basic))
    if not approved:
        return out
    growth = gauss(0.08, 0.15)
    revenue = exp(log_revenue + 0.9 * gauss())
    staff = max(1, int(exp(log_staff + 0.6 * gauss())))
    certified_on = today - dt.timedelta(days=30 + int(r() * 1471)) if r() < 0.3 else None
    city_name = plan.city_name
    reports, innovation, people, market = (out["er_report"], out["er_report_innovation"], out["er_report_people"],
                                           out["er_report_market"])
    last = len(plan.years) - 1
    for i, year in enumerate(plan.years):
        revenue *= 1 + growth
        staff = max(1, int(staff * (1 + growth / 2)))
        state_, step = (plan.pick_latest_report if i == last else plan.pick_earlier_report)(r)
        sub_id = basic_id + 1 + i
        at = dt.datetime(year + 1, 1 + int(r() * 6), 1 + int(r() * 28), 8 + int(r() * 11), int(r() * 60))
        title = f"{year}年度科技信息年报"
        out["submission"].append((
            sub_id, MODULE_KEY, REPORT.kind, plan.batch_ids[year], org_id, plan.applicant_id, title,
            plan.carrier_keys[year], agency_id, state_, step, 3, "请补充研发费用明细" if state_ == "returned" else None,
            at, at, None if state_ == "draft" else at, at if state_ == "approved" else None))
        if state_ != "draft":
            out["submission_route"] += [(sub_id, 0, agency_id), (sub_id, 1, plan.city_id)]
            if plan.events:
                district_ok = ("district", "区县审核", "approve", "数据核实无误。", region)
                _history(plan, out, sub_id, at, region, {
                    "submitted": [district_ok] if step else [],
                    "approved": [district_ok, ("city", "市局审核", "approve", "同意。", city_name)],
                    "returned": [("district", "区县审核", "return", "请补充研发费用明细", region)]}[state_])
        main = revenue * (0.75 + 0.23 * r())
        reports.append((
            sub_id, enterprise_id, year, agency_id, zone, size, industry, field, above_scale, round(main, 2),
            round(revenue, 2), round(revenue * gauss(0.06, 0.08), 2),  # a profit may be a loss
            round(revenue * (0.01 + 0.05 * r()), 2), round(revenue * 0.2 * r(), 2) if r() < 0.2 else 0.0,
            round(revenue * (1.0 + 1.5 * r()), 2), round(revenue * (0.02 + 0.1 * r()), 2)))
        patents = int(-log(1.0 - r()) * max(1.0, staff / 15))  # exponential, mean ~ staff / 15
        innovation.append((
            sub_id, patents // 3, patents // 6, patents, patents * 2 // 3, patents // 4, patents // 5,
            int(-log(1.0 - r()) * 3), int(-log(1.0 - r()) * 2), 0, int(r() < 0.02), int(r() < 0.05),
            int(r() < 0.08), int(r() < 0.06), int(r() < 0.01), int(r() < 0.08), int(r() < 0.15),
            int(-log(1.0 - r()) * 2), round(main * _hitech_share(r()), 2)))
        rd_staff = int(staff * (0.08 + 0.27 * r()))
        doctors = int(staff * 0.03 * r())
        masters = int(staff * (0.02 + 0.1 * r()))
        bachelors = int(staff * (0.2 + 0.3 * r()))
        people.append((sub_id, staff, rd_staff, doctors, masters, bachelors,
                       max(0, staff - doctors - masters - bachelors)))
        listing = plan.pick_listing(r)
        certified = certified_on is not None and certified_on.year <= year + 1
        market.append((
            sub_id, listing, m.BOARDS[int(r() * len(m.BOARDS))] if listing in ("已上市", "已挂牌") else None,
            "是" if certified else "否", f"GR{certified_on.year}5000{serial % 10000:04d}" if certified else None,
            certified_on if certified else None,
            certified_on + dt.timedelta(days=3 * 365 - 1) if certified else None))  # valid three years
    return out


def _hitech_share(x: float) -> float:
    """高新技术产品收入 as a share of 主营业务收入: most enterprises below 60 %, three in
    ten between 60 % and 95 % (so the 高企后备库's 60 % of total revenue has candidates)."""
    return 0.6 * x / 0.7 if x < 0.7 else 0.6 + 0.35 * (x - 0.7) / 0.3


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


# a load this large (and at least a quarter of the enterprises already there) drops the tables' secondary
# indexes and constraints and builds them again after it (bulk_load); a smaller one keeps them up to date
REBUILD_FROM = 20000

ORDER = ("organisation", "submission", "submission_route", "review_event", "er_enterprise", "er_basic", "er_report",
         "er_report_innovation", "er_report_people", "er_report_market")


def chunk_rows(plan: Plan, seed: int, n: int, batch: int, index: int) -> dict[str, list[tuple]]:
    """The rows of chunk ``index``: enterprises ``index * batch`` … (at most ``n`` in all), from a
    random generator of the chunk's own, so that a chunk is the same whichever process makes it."""
    out = {t: [] for t in TABLES}
    rng = random.Random((seed * 1_000_003 + plan.code_start) * 100_003 + index)
    for serial in range(index * batch, min(n, (index + 1) * batch)):
        enterprise_rows(plan, rng, serial, out)
    return out


_NULL = "\\N"
# the text of each date, timestamp and boolean met (a few hundred thousand distinct values in a million
# enterprises, each repeated many times; formatting them is the dear part of COPY text)
_TEXTS: dict = {True: "t", False: "f"}


def _text_of(value) -> str:
    text = _TEXTS[value] = str(value)
    return text


def copy_text(rows) -> bytes:
    """``rows`` in COPY's text format. Texts are written unescaped: every text of the rows is safe
    (:meth:`Plan.check_copy_safe`)."""
    texts = _TEXTS
    return "".join(["\t".join([
        v if (c := v.__class__) is str else str(v) if c is int else _NULL if v is None else repr(v) if c is float
        else texts.get(v) or _text_of(v) for v in row]) + "\n" for row in rows]).encode()


_worker_job: tuple | None = None  # (plan, seed, n, batch) of the pool's processes, inherited when they fork


def _chunk_text(index: int) -> dict[str, bytes]:
    plan, seed, n, batch = _worker_job
    return {t: copy_text(rows) for t, rows in chunk_rows(plan, seed, n, batch, index).items() if rows}


def _chunk_texts(plan: Plan, seed: int, n: int, batch: int, workers: int):
    """Each chunk's COPY text by table, in order; made by ``workers`` forked processes (a few chunks
    ahead of the one being written, no more) or, without workers, here."""
    global _worker_job
    chunks = range(-(-n // batch))
    _worker_job = (plan, seed, n, batch)
    try:
        if workers < 1:
            for index in chunks:
                yield _chunk_text(index)
            return
        import collections
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending = collections.deque()
            for index in chunks:
                pending.append(pool.apply_async(_chunk_text, (index,)))
                if len(pending) > workers + 1:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _worker_job = None


def generate(db, n: int, years: int = 3, seed: int = 2026, batch: int = 10000, today: dt.date | None = None,
             progress=None, events: bool = False, rebuild: bool | None = None, workers: int | None = None,
             note=None) -> int:
    """Add ``n`` enterprises (in chunks of ``batch``) through ``db``'s connection; return how many.
    ``events`` adds the review history (提交, 审核通过/不通过 with opinions) the demo shows.
    On PostgreSQL ``rebuild`` loads without index and constraint upkeep (:mod:`.bulk_load`) and
    ``workers`` processes make the rows (both by default from ``REBUILD_FROM``); ``note`` is told
    each step of the rebuild."""
    today = today or dt.date.today()
    if db.connection().dialect.name != "postgresql":
        plan = Plan(db, years, today, events)
        for index in range(-(-n // batch)):
            chunk = chunk_rows(plan, seed, n, batch, index)
            for table in ORDER:
                _insert(db.connection(), table, chunk[table])
            if progress:
                progress(min(n, (index + 1) * batch))
        return n
    large = n >= REBUILD_FROM and 4 * n >= (db.scalar(select(func.count()).select_from(m.Enterprise)) or 0)
    rebuild = large if rebuild is None else rebuild
    workers = (min(2, os.cpu_count() or 1) if large else 0) if workers is None else workers
    with bulk_load.without_upkeep(db, ORDER, note=note) if rebuild else db.begin_nested():
        plan = Plan(db, years, today, events)
        plan.check_copy_safe()
        raw = db.connection().connection.driver_connection
        with raw.cursor() as cursor:
            for index, chunk in enumerate(_chunk_texts(plan, seed, n, batch, workers)):
                for table in ORDER:
                    if table in chunk:
                        with cursor.copy(f"COPY {table} ({', '.join(TABLES[table])}) FROM STDIN") as copy:
                            copy.write(chunk[table])
                if progress:
                    progress(min(n, (index + 1) * batch))
        if not rebuild:  # (a rebuild analyses the tables before it builds their indexes)
            for table in ORDER:
                db.connection().exec_driver_sql(f"ANALYZE {table}")
    for table, key in (("organisation", "id"), ("submission", "id"), ("er_enterprise", "id")):
        db.connection().exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), (SELECT max({key}) FROM {table}))")
    return n
