"""The people and objects the authorisation tests act on.

Two organisations on the two sides of a district line: A (和平区, agency
tj-d01, the "right" district) and B (河东区, tj-d02), plus a pending
organisation P under tj-d01. Each active organisation has an individual
holding the makerspace and incubator grants, with a draft and a submitted
record in each module and a file on the submitted one; each organisation
has a file of its 信息补全, and a generated document of its granted individual
and one of its admin. Reviewers sit in tj-d01, tj-d02 and the city (tj),
and there is one account of each admin kind and a locked account.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from pyramid.interfaces import IRoutesMapper

from kjgl.core import factories
from kjgl.core.attachments.models import Attachment
from kjgl.core.db import utcnow
from kjgl.core.documents.models import GeneratedDocument
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.organisations.schemas import OWNER_TYPE as ORG_OWNER_TYPE
from kjgl.core.organisations.schemas import SLOTS as ORG_SLOTS
from kjgl.core.review import services as review
from kjgl.core.testing import login

MODULES = ("makerspace", "incubator", "national_record")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Roles in the order the matrix lists them (三员分立: system, security and
# audit admin are separate kinds).
ANON, IND, IND_G, ORG, ORG_P, AG_OTHER, AG_RIGHT, CITY, ADMIN, SEC_ADMIN, AUDIT_ADMIN = (
    "anonymous", "individual", "individual_granted", "org_admin", "org_admin_pending",
    "agency_other_district", "agency_right_district", "city_agency", "admin", "security_admin", "audit_admin")
ROLES = [ANON, IND, IND_G, ORG, ORG_P, AG_OTHER, AG_RIGHT, CITY, ADMIN, SEC_ADMIN, AUDIT_ADMIN]


@dataclass
class Side:
    """One organisation's people and records."""
    org: object
    admin: object
    individual: object  # no grant
    granted: object  # makerspace + incubator
    drafts: dict = field(default_factory=dict)  # module -> Submission
    submitted: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)  # module -> Attachment on the submitted record
    org_file: object = None  # a 信息补全 attachment of the organisation
    document: object = None  # a generated document (Word export) made by ``granted``
    admin_document: object = None  # one made by ``admin`` (the risk commitment letter)
    carrier: object = None  # a national_record carrier of the organisation
    message: object = None  # a 站内消息 to ``granted``
    er_version: object = None  # enterprise_registry: a change of the basic information under review
    er_enterprise: object = None  # the enterprise (listed, with a city-approved report holding a 高企 certificate)
    er_rating: object = None  # its 知识价值信用评价 application (not yet rated)
    er_voucher: object = None  # its 科技创新券 application (not yet decided)


@dataclass
class World:
    a: Side
    b: Side
    pending_org: object
    pending_admin: object
    agency_right: object
    agency_other: object
    city: object
    admins: dict  # kind -> User
    locked: object  # an account locked by failed logins
    session: object = None  # a logged-in session (user_session row) of A's individual
    batches: dict = field(default_factory=dict)  # module -> the city's open batch
    notices: dict = field(default_factory=dict)  # "right" (tj-d01, published), "other" (tj-d02), "draft" (tj-d01)
    er_choice: object = None  # enterprise_registry: a saved custom-query column choice of the tj-d01 reviewer

    def user_for(self, role):
        return {
            IND: self.a.individual, IND_G: self.a.granted, ORG: self.a.admin, ORG_P: self.pending_admin,
            AG_OTHER: self.agency_other, AG_RIGHT: self.agency_right, CITY: self.city,
        }.get(role) or self.admins.get(role)


def _stored_file(db, storage, owner_type, owner_id, slot, user) -> Attachment:
    key = storage.save(iter([PDF]))
    attachment = Attachment(owner_type=owner_type, owner_id=owner_id, slot=slot, filename="签章页.pdf",
                            content_type="application/pdf", size=len(PDF),
                            sha256=hashlib.sha256(PDF).hexdigest(), storage_key=key, uploaded_by_id=user.id)
    db.add(attachment)
    db.flush()
    return attachment


def _generated(db, storage, user, object_type, object_id) -> GeneratedDocument:
    key = storage.save(iter([PDF]))
    document = GeneratedDocument(kind="test", filename="导出.docx", content_type="application/octet-stream",
                                 size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(), storage_key=key,
                                 created_by_id=user.id, object_type=object_type, object_id=object_id)
    db.add(document)
    db.flush()
    return document


def _side(db, registry, district_code, batches, n) -> Side:
    org = factories.organisation(db, agency_code=district_code)
    side = Side(org=org, admin=factories.org_admin(db, org),
                individual=factories.user(db, "individual", organisation=org),
                granted=factories.user(db, "individual", organisation=org))
    for module in MODULES:
        db.add(ModuleGrant(user_id=side.granted.id, module_key=module))
    db.flush()
    district = factories.agency(db, district_code)
    filings = registry["kjgl.filings"]
    for module in MODULES:
        filing = filings[module]
        for state in ("draft", "submitted"):
            sub = review.create_draft(db, module_key=module, kind=filing.kind, batch=batches[module],
                                      organisation=org, applicant=side.granted,
                                      title=f"{org.name}{module}{state}{n}")
            sub.agency_id = district.id
            if state == "submitted":
                sub.state, sub.step, sub.submitted_at = "submitted", 0, utcnow()
                side.submitted[module] = sub
            else:
                side.drafts[module] = sub
        side.files[module] = _stored_file(db, registry["kjgl.storage"], filing.owner_type,
                                          side.submitted[module].id, filing.all_slots[-1].name, side.granted)
    side.org_file = _stored_file(db, registry["kjgl.storage"], ORG_OWNER_TYPE, org.id, ORG_SLOTS[0].name,
                                 side.admin)
    side.document = _generated(db, registry["kjgl.storage"], side.granted, filings["makerspace"].owner_type,
                               side.drafts["makerspace"].id)
    from kjgl.plugins.national_record.models import Carrier
    side.carrier = Carrier(organisation_id=org.id, name=f"{org.name}众创空间", kind="众创空间", address="某路1号",
                           founded_on=dt.date(2020, 1, 1), level="市级")
    db.add(side.carrier)
    side.admin_document = _generated(db, registry["kjgl.storage"], side.admin, ORG_OWNER_TYPE, org.id)
    from kjgl.core.notifications.models import Notification
    side.message = Notification(user_id=side.granted.id, kind="review_returned", title="退回修改",
                                object_type="submission", object_id=side.drafts["makerspace"].id,
                                module_key="makerspace")
    db.add(side.message)
    _registry(db, side, district)
    db.flush()
    return side


def _registry(db, side, district):
    """enterprise_registry: A's (B's) granted individual files for its
    enterprise in its district: an approved first version of the basic
    information and a change under review; a report approved by the district
    and the city (with a valid 高企 certificate), one at the district, one draft.
    ``drafts``/``submitted`` of the module hold the draft and the pending report."""
    from kjgl.core.filings import tabbed
    from kjgl.plugins.enterprise_registry import services as er
    from kjgl.plugins.enterprise_registry.models import ReportMarket
    from kjgl.plugins.enterprise_registry.schemas import BASIC_CHAIN, REPORT_CHAIN

    db.add(ModuleGrant(user_id=side.granted.id, module_key="enterprise_registry"))
    deciders = [factories.user(db, "agency", agency_code=district.code),
                factories.user(db, "agency", agency_code=district.parent.code)]
    ctx = tabbed.Context(db=db, actor=side.granted, settings={})

    def through(sub, chain, steps):
        sub.agency_id = district.id
        review.submit(db, chain, sub, side.granted)
        for who in deciders[:steps]:
            review.decide(db, chain, sub, who, decision="approve", expected_version=sub.version)
        return sub

    er.sync_enterprise(db, through(er.start_basic(ctx, side.org), BASIC_CHAIN, 1))
    side.er_version = through(er.start_basic(ctx, side.org), BASIC_CHAIN, 0)
    er.sync_enterprise(db, side.er_version)
    side.er_enterprise = er.enterprise_of(db, side.org.id)
    year = dt.date.today().year
    done = er.start_report(ctx, side.org, year - 3)
    market = db.get(ReportMarket, done.id)
    market.hitech_certified, market.hitech_valid_until = "是", dt.date(year + 1, 12, 31)
    through(done, REPORT_CHAIN, 2)
    side.submitted["enterprise_registry"] = through(er.start_report(ctx, side.org, year - 2), REPORT_CHAIN, 0)
    side.drafts["enterprise_registry"] = er.start_report(ctx, side.org, year - 1)
    from kjgl.plugins.enterprise_registry import declaration_services as declarations
    side.er_rating = declarations.apply_rating(ctx, side.org, {
        "year": str(year - 1), "rd_expense": "100", "rd_staff": "3", "ip_count": "2", "revenue": "1000"})
    side.er_voucher = declarations.apply_voucher(ctx, side.org, {
        "year": str(year - 1), "kind": "检验检测", "amount": "10", "purpose": "产品检测"})


def build(db, registry) -> World:
    city = factories.user(db, "agency", agency_code="tj")
    today = dt.date.today()
    batches = {m: review.open_batch(db, m, today.year, today + dt.timedelta(days=30), city) for m in MODULES}
    pending = factories.organisation(db, status="pending", agency_code="tj-d01")
    world = World(
        a=_side(db, registry, "tj-d01", batches, 1),
        b=_side(db, registry, "tj-d02", batches, 2),
        pending_org=pending, pending_admin=factories.org_admin(db, pending),
        agency_right=factories.user(db, "agency", agency_code="tj-d01"),
        agency_other=factories.user(db, "agency", agency_code="tj-d02"),
        city=city,
        admins={k: factories.user(db, k) for k in (ADMIN, SEC_ADMIN, AUDIT_ADMIN)},
        locked=factories.user(db, "individual", locked_until=utcnow() + dt.timedelta(minutes=30),
                              failed_logins=5),
        batches=batches,
    )
    world.session = factories.user_session(db, world.a.individual)
    from kjgl.plugins.enterprise_registry.declaration_models import ColumnChoice
    world.er_choice = ColumnChoice(user_id=world.agency_right.id, name="常用", columns=["e_name"])
    db.add(world.er_choice)
    from kjgl.core.notices.models import Notice
    for key, staff, status in (("right", world.agency_right, "published"), ("other", world.agency_other, "published"),
                               ("draft", world.agency_right, "draft")):
        world.notices[key] = Notice(agency_id=staff.agency_id, title=f"通知{key}", body="正文", status=status,
                                    target="subtree", created_by_id=staff.id,
                                    published_at=utcnow() if status == "published" else None)
        db.add(world.notices[key])
    db.flush()
    return world


def client(make_app, world: World, role: str):
    """A WebTest app logged in as ``role`` (or not logged in for anonymous)."""
    app = make_app()
    if role != ANON:
        login(app, world.user_for(role).account)
    return app


def csrf_token(app, role: str) -> str:
    page = app.get("/login" if role == ANON else "/account/password")
    form = next(f for f in page.forms.values() if "csrf_token" in f.fields)
    return form["csrf_token"].value


def routes(registry) -> dict:
    """{route name: (route, methods)} for every route with a view; methods
    is the set of request methods its views accept (None: any)."""
    mapper = registry.getUtility(IRoutesMapper)
    by_name = {r.name: r for r in mapper.get_routes()}
    found: dict = {}
    for entry in registry.introspector.get_category("views"):
        intr = entry["introspectable"]
        name = intr["route_name"]
        if name is None or name.startswith("__static"):
            continue
        methods = intr.get("request_methods")
        if isinstance(methods, str):
            methods = (methods,)
        current = found.get(name, (by_name[name], set()))[1]
        current.update(methods or ("*",))
        found[name] = (by_name[name], current)
    return found


def takes_id(route) -> bool:
    return re.search(r"\{id\b", route.pattern) is not None


def path(route, object_id=None) -> str:
    params = {"tab": "basic"} if "{tab" in route.pattern else {}
    if object_id is not None:
        params["id"] = str(object_id)
    return route.generate(params)
