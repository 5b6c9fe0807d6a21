"""单位审核: the competent agency's list, detail and decision.

A reviewer sees only organisations whose competent agency lies in the
reviewer's subtree; anything else is "not found", never "forbidden", so the
existence of another district's organisation does not leak.
"""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ..attachments.services import files_for
from ..reveal import reveal
from ..forms import form_values
from ..layout import flash
from ..pagination import paginate
from . import services
from .models import STATUSES
from .schemas import DECISION, DECISIONS, OWNER_TYPE, SLOTS
from .views import display_helpers

TEMPLATES = "kjgl.core:templates/organisations/"


def _reviewable(request):
    org = services.reviewable_one(request.dbsession, request.identity.agency, int(request.matchdict["id"]))
    if org is None:
        raise HTTPNotFound()
    return org


@view_config(route_name="agency.orgs", permission="core:org:review", renderer=TEMPLATES + "review_list.pt")
def review_list(request):
    status = request.GET.get("status", "pending")
    if status not in STATUSES and status != "all":
        status = "pending"
    name = request.GET.get("name", "").strip()[:100]
    agency = request.identity.agency
    page = None
    if agency is not None:
        stmt = services.reviewable(agency, status=None if status == "all" else status, name=name)
        page = paginate(request.dbsession, stmt, request, size=15)
    return {"page_title": "单位审核", "page": page, "status": status, "name": name,
            "statuses": STATUSES, "agency": agency, **display_helpers(request)}


# the personal numbers of an organisation shown masked until revealed
PII_FIELDS = ["legal_rep_id_number", "legal_rep_mobile", "contact_mobile", "bank_account_no"]


def _detail(request, org, values=None, errors=None, notice=None):
    return {
        "page_title": "单位信息审核",
        "org": org,
        "slots": SLOTS,
        "attachments": files_for(request.dbsession, OWNER_TYPE, org.id),
        # a GET with ?full=1 shows them and is audited; the decision's POST never does
        **reveal(request, "agency.org", id=org.id, object_type=OWNER_TYPE, object_id=org.id,
                 fields=PII_FIELDS, note="证件号码、手机号码和银行账户"),
        "schema": DECISION,
        "decisions": DECISIONS,
        "values": values or {},
        "errors": errors or {},
        "notice": notice,
        **display_helpers(request),
    }


@view_config(route_name="agency.org", permission="core:org:review", renderer=TEMPLATES + "review_detail.pt")
def review_detail(request):
    """Personal numbers masked; ``?full=1`` shows them and is audited."""
    return _detail(request, _reviewable(request))


@view_config(route_name="agency.org.decide", request_method="POST", permission="core:org:review",
             renderer=TEMPLATES + "review_detail.pt")
def decide(request):
    org = _reviewable(request)
    result = DECISION.validate(request.POST)
    if result.errors:
        return _detail(request, org, form_values(DECISION, request.POST), result.errors)
    try:
        services.decide(request.dbsession, request, org, request.identity,
                        result.data["decision"], result.data["opinion"] or "")
    except services.AlreadyDecided as refused:
        request.response.status = 409
        request.dbsession.refresh(org)
        return _detail(request, org, notice=f"{refused}，当前状态：{org.status_title}。请刷新后查看审核结果。")
    flash(request, f"已{DECISIONS[result.data['decision']]}：{org.name}")
    return HTTPSeeOther(request.route_url("agency.org", id=org.id))
