"""The registry's rules, taking plain arguments (a :class:`Context`: db,
actor, settings) and auditing themselves: an enterprise starts, saves and
submits its basic information (a standing record) and its annual reports;
the district (then, for reports, the city) decides.

The enterprise row (``er_enterprise``) follows its versions: it is made at
the first submission, carries the latest version's 审核状态, and takes the
values of a version when it is approved (until the first approval, those of
the latest submitted version, so the district sees who is waiting). A
change under review never replaces what everyone sees."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kjgl.core.audit.services import changes
from kjgl.core.db import utcnow
from kjgl.core.filings import services as filing_services
from kjgl.core.filings import standing, tabbed
from kjgl.core.filings.tabbed import Context, Outcome
from kjgl.core.review import services as review
from kjgl.core.review.models import Submission

from .models import BASIC_COLUMNS, BasicVersion, Enterprise, Report, ReportInnovation, ReportMarket, ReportPeople
from .schemas import BASIC, BASIC_CHAIN, MODULE_KEY, REPORT, REPORT_CHAIN

PROVINCE = "重庆市"
FIRST_REPORT_YEAR = 2015


def enterprise_of(db, organisation_id: int) -> Enterprise | None:
    return db.scalars(select(Enterprise).where(Enterprise.organisation_id == organisation_id)).first()


def district_agency(db, settings, district: str | None):
    return filing_services.district_agency(db, {**settings, "kjgl.province": settings.get("kjgl.province") or PROVINCE},
                                           district)


# --- basic information ----------------------------------------------------------------

def start_basic(ctx: Context, organisation) -> Submission:
    """A new version of the basic information: the first one starts from the
    organisation's registration (name, credit code, legal representative),
    later ones from the approved version."""
    first = not standing.versions(ctx.db, BASIC, organisation.id)
    sub = standing.start_version(ctx, BASIC, organisation, title=organisation.name)
    row = tabbed.typed_row(ctx.db, BasicVersion, sub.id)
    enterprise = enterprise_of(ctx.db, organisation.id)
    row.enterprise_id = enterprise.id if enterprise else None
    if first:
        row.name, row.credit_code, row.legal_rep = organisation.name, organisation.credit_code, \
            organisation.legal_rep_name
    return sub


def submit_basic(ctx: Context, sub: Submission) -> tuple[Outcome, list]:
    row = ctx.db.get(BasicVersion, sub.id)
    agency = district_agency(ctx.db, ctx.settings, row.district if row else None)
    if agency is None:
        found = tabbed.problems(ctx.db, BASIC, sub)
        if found:
            return Outcome(False, message=f"提交失败：还有{len(found)}处需要完善，请逐项修改后重新提交"), found
        return Outcome(False, {"district": "所属区县没有对应的审核单位，请重新选择"}, "所属区县没有对应的审核单位"), []
    sub.agency_id = agency.id
    outcome, found = tabbed.submit(ctx, BASIC, BASIC_CHAIN, sub)
    if outcome.ok:
        sync_enterprise(ctx.db, sub)
    return outcome, found


def sync_enterprise(db, sub: Submission) -> Enterprise:
    """Bring the enterprise row in line with version ``sub`` just submitted or decided."""
    version = db.get(BasicVersion, sub.id)
    enterprise = enterprise_of(db, sub.organisation_id)
    if enterprise is None:
        enterprise = Enterprise(organisation_id=sub.organisation_id, agency_id=sub.agency_id)
        db.add(enterprise)
        db.flush()
    version.enterprise_id = enterprise.id
    enterprise.review_state = sub.state
    enterprise.latest_id = sub.id
    enterprise.updated_at = utcnow()
    if sub.state == "approved" or enterprise.approved_id is None:
        for name in BASIC_COLUMNS:
            setattr(enterprise, name, getattr(version, name))
        enterprise.agency_id = sub.agency_id
    if sub.state == "approved":
        enterprise.approved_id = sub.id
        if enterprise.listed_on is None:
            enterprise.listed_on = dt.date.today()
        _follow_district(db, enterprise)
    db.flush()
    return enterprise


def _follow_district(db, enterprise: Enterprise) -> None:
    """Reports not yet submitted go to the district of the approved basic
    information (submitted ones keep the route stored at submission)."""
    editable = select(Submission.id).join(Report, Report.submission_id == Submission.id).where(
        Report.enterprise_id == enterprise.id, Submission.state.in_(("draft", "returned")))
    for sub in db.scalars(select(Submission).where(Submission.id.in_(editable))):
        sub.agency_id = enterprise.agency_id
        report = db.get(Report, sub.id)
        report.agency_id, report.zone = enterprise.agency_id, enterprise.zone


def decide(ctx: Context, kind: str, sub: Submission, *, decision: str, opinion: str, expected_version: int):
    """审核: 通过 or 不通过 (an opinion required), for a basic-information
    version or an annual report; the enterprise row follows its versions."""
    chain = BASIC_CHAIN if kind == BASIC.kind else REPORT_CHAIN
    filing = BASIC if kind == BASIC.kind else REPORT
    before = {"state": sub.state, "step": sub.step}
    event = review.decide(ctx.db, chain, sub, ctx.actor, decision=decision, opinion=opinion,
                          expected_version=expected_version)
    if kind == BASIC.kind:
        sync_enterprise(ctx.db, sub)
    ctx.audit("filing_review", object_type=filing.owner_type, object_id=sub.id, kind=kind, decision=decision,
              changes=changes(before, {"state": sub.state, "step": sub.step}))
    return event


# --- annual reports -------------------------------------------------------------------

REPORT_MODELS = (Report, ReportInnovation, ReportPeople, ReportMarket)


def report_years(today: dt.date | None = None) -> list[int]:
    """The years a report may be filed for: up to last year, newest first."""
    today = today or dt.date.today()
    return list(range(today.year - 1, FIRST_REPORT_YEAR - 1, -1))


def start_report(ctx: Context, organisation, year: int, today: dt.date | None = None) -> Submission:
    """新建年报 of ``year`` (one per enterprise and year), for a listed enterprise."""
    enterprise = enterprise_of(ctx.db, organisation.id)
    if enterprise is None or not enterprise.listed:
        raise review.InvalidDecision("企业基本信息审核通过（已入库）后才能填报科技信息年报", field="year")
    if year not in report_years(today):
        raise review.InvalidDecision("请选择年报年份", field="year")
    # the seed sets no closing date for reports: a year's batch stays open unless the city closes it
    batch = review.ensure_batch(ctx.db, MODULE_KEY, year, standing.STANDING_DEADLINE, ctx.actor)
    sub = review.create_draft(ctx.db, module_key=MODULE_KEY, kind=REPORT.kind, batch=batch,
                              organisation=organisation, applicant=ctx.actor, title=f"{year}年度科技信息年报",
                              today=today)
    sub.agency_id = enterprise.agency_id
    for model in REPORT_MODELS:
        tabbed.typed_row(ctx.db, model, sub.id)
    report = ctx.db.get(Report, sub.id)
    report.enterprise_id, report.year, report.agency_id, report.zone = enterprise.id, year, enterprise.agency_id, \
        enterprise.zone
    report.scale, report.industry, report.tech_field, report.above_scale = enterprise.scale, enterprise.industry, \
        enterprise.tech_field, enterprise.above_scale
    ctx.audit("filing_create", object_type=REPORT.owner_type, object_id=sub.id, title=sub.title)
    return sub


def submit_report(ctx: Context, sub: Submission) -> tuple[Outcome, list]:
    """提交 (the page's 提交申报材料 is the engine's, the same call): the report
    goes to its district — the enterprise's, kept current by :func:`sync_enterprise`."""
    return tabbed.submit(ctx, REPORT, REPORT_CHAIN, sub)


def reports_of(db, organisation_id: int) -> list[tuple[Submission, Report]]:
    return list(db.execute(
        select(Submission, Report).join(Report, Report.submission_id == Submission.id)
        .where(Submission.kind == REPORT.kind, Submission.organisation_id == organisation_id)
        .order_by(Report.year.desc())).all())
