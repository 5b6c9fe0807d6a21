"""The operator's pages (seed 003 §四(二)(三)): 首页 with its carriers,
the application list and 新建申报书 choosing a carrier, and the 承诺书
template. The tabs, 提交 and the review pages come from the core engine."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from kjgl.core.filings import tabbed
from kjgl.core.forms import form_values
from kjgl.core.layout import flash
from kjgl.core.review import services as review
from kjgl.core.documents import services as documents
from kjgl.core.filings.access import applicant_record

from . import services
from .models import Carrier
from .schemas import FILING

USE = "national_record:module:use"
T = "kjgl.plugins.national_record:templates/"


@view_config(route_name="national_record.home", renderer=T + "home.pt", permission=USE)
def home(request):
    user = request.identity
    db = request.dbsession
    org = user.organisation
    applications = services.applications_of(db, org.id)
    return {"page_title": "众创空间国家备案", "org": org, "carriers": services.carriers_of(db, org.id),
            "applications": applications, "batch": review.open_batch_for(db, FILING.module_key), "filing": FILING,
            "versions": services.latest_numbers(db, [s.id for s, _ in applications])}


def _carrier(request) -> Carrier:
    carrier = request.dbsession.get(Carrier, int(request.matchdict["id"]))
    if carrier is None or carrier.organisation_id != request.identity.organisation_id:
        raise HTTPNotFound()
    return carrier


@view_config(route_name="national_record.carrier_new", renderer=T + "carrier.pt", permission=USE,
             request_method=("GET", "POST"))
@view_config(route_name="national_record.carrier_edit", renderer=T + "carrier.pt", permission=USE,
             request_method=("GET", "POST"))
def carrier_form(request):
    carrier = _carrier(request) if "id" in request.matchdict else None
    values, errors = {}, {}
    if request.method == "POST":
        saved, errors = services.save_carrier(request.dbsession, request.identity, request.POST, carrier,
                                              ip=request.remote_addr)
        if saved is not None:
            flash(request, f"载体“{saved.name}”已保存")
            return HTTPSeeOther(request.route_url("national_record.home"))
        values = form_values(services.CARRIER, request.POST)
    elif carrier is not None:
        values = {n: (getattr(carrier, n).isoformat() if n == "founded_on" else getattr(carrier, n))
                  for n in services.CARRIER_FIELDS}
    request.response.status = 400 if errors else 200
    return {"page_title": "编辑载体" if carrier else "添加载体", "schema": services.CARRIER, "values": values,
            "errors": errors, "carrier": carrier}


@view_config(route_name="national_record.new", renderer=T + "new.pt", permission=USE,
             request_method=("GET", "POST"))
def new_application(request):
    """+新建众创空间国家备案申报书: choose the carrier, land on 填报说明."""
    db = request.dbsession
    user = request.identity
    carriers = services.carriers_of(db, user.organisation_id)
    batch = review.open_batch_for(db, FILING.module_key)
    page = {"page_title": "新建众创空间国家备案申报书", "carriers": carriers, "batch": batch, "errors": {}, "chosen": ""}
    if request.method == "POST":
        chosen = request.POST.get("carrier", "")
        carrier = next((c for c in carriers if str(c.id) == chosen), None)
        if carrier is None:
            page.update(errors={"carrier": "请选择要申报的载体"}, chosen=chosen)
            request.response.status = 400
            return page
        try:
            sub = services.start_application(tabbed.Context.of(request), carrier)
        except review.ReviewError as exc:
            page.update(errors={"carrier": exc.message}, chosen=chosen)
            request.response.status = 400
            return page
        flash(request, f"已新建“{carrier.name}”的申报书，请先阅读填报说明")
        return HTTPSeeOther(request.route_url("national_record.tab", id=sub.id, tab=FILING.tabs[0].key))
    return page


@view_config(route_name="national_record.pledge_template", permission=USE, request_method="GET")
def pledge_template(request):
    """承诺书模板: a Word file with the operator's and the carrier's names filled in."""
    from . import pledge  # python-docx is imported at first use, not at start-up

    sub = applicant_record(request, FILING)
    body = pledge.template(request.identity.organisation.name, sub.title, sub.batch.year)
    return documents.export(request, body, kind="pledge_template", content_type=documents.DOCX,
                            filename=f"承诺书-{sub.title}.docx", object_type=FILING.owner_type, object_id=sub.id)
