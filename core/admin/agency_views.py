"""The system admin's agency tree pages (主管部门管理, permission
``core:admin:manage``): list, add, rename/move, retire/restore, delete.
The rules and the audit live in :mod:`kjgl.core.agencies.manage`."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import func, select

from ..accounts.models import User
from ..agencies import manage
from ..agencies.models import LEVELS, Agency
from ..agencies.services import by_code
from ..errors import refusal
from ..layout import flash
from ..organisations.models import Organisation
from .agency_tree import tree_options

T = "kjgl.core:templates/admin/"


def _agency_or_404(request) -> Agency:
    agency = request.dbsession.get(Agency, int(request.matchdict["id"]))
    if agency is None:
        raise HTTPNotFound()
    return agency


def _counts(db, column) -> dict[int, int]:
    return dict(db.execute(select(column, func.count()).where(column.is_not(None)).group_by(column)).all())


@view_config(route_name="admin.agencies", renderer=T + "agencies.pt", permission="core:admin:manage",
             request_method="GET")
def agency_list(request):
    db = request.dbsession
    return {"page_title": "主管部门管理", "options": tree_options(db), "levels": LEVELS, "kinds": manage.KINDS,
            "orgs": _counts(db, Organisation.agency_id), "staff": _counts(db, User.agency_id)}


def _parents(request, agency: Agency | None = None):
    """The agencies a new or moved agency may sit under (active, above district level)."""
    wanted = {"city"} if agency is not None and agency.level == "district" else \
        {"national"} if agency is not None else {"national", "city"}
    return [o for o in tree_options(request.dbsession, active_only=True) if o.agency.level in wanted]


def _form(request, agency, values, errors, status=200):
    request.response.status = status
    return {"page_title": "修改主管部门" if agency is not None else "新增主管部门", "agency": agency,
            "parents": _parents(request, agency) if agency is None or agency.parent is not None else [],
            "kinds": manage.KINDS, "values": values, "errors": errors,
            "usage": manage.usage(request.dbsession, agency) if agency is not None else {}}


def _posted(request) -> dict:
    return {k: request.POST.get(k, "").strip() for k in ("parent", "name", "kind", "region")}


@view_config(route_name="admin.agency.new", renderer=T + "agency_form.pt", permission="core:admin:manage",
             request_method=("GET", "POST"))
def agency_new(request):
    if request.method == "GET":
        return _form(request, None, {"kind": "district"}, {})
    values = _posted(request)
    try:
        agency = manage.create(request.dbsession, request.identity, parent=by_code(request.dbsession, values["parent"]),
                               name=values["name"], kind=values["kind"], region=values["region"], request=request)
    except manage.AgencyRefused as exc:
        return _form(request, None, values, {exc.field or "name": exc.message}, 400)
    flash(request, f"已新增主管部门“{agency.name}”")
    return HTTPSeeOther(request.route_url("admin.agencies"))


@view_config(route_name="admin.agency.edit", renderer=T + "agency_form.pt", permission="core:admin:manage",
             request_method=("GET", "POST"))
def agency_edit(request):
    agency = _agency_or_404(request)
    if request.method == "GET":
        return _form(request, agency, {"parent": agency.parent.code if agency.parent else "", "name": agency.name,
                                       "kind": agency.kind, "region": agency.region}, {})
    values = _posted(request)
    parent = by_code(request.dbsession, values["parent"]) if values["parent"] else None
    if values["parent"] and parent is None:
        return _form(request, agency, values, {"parent": "请选择上级主管部门"}, 400)
    try:
        changed = manage.change(request.dbsession, request.identity, agency, name=values["name"],
                                kind=values["kind"] or agency.kind, region=values["region"], parent=parent,
                                request=request)
    except manage.AgencyRefused as exc:
        return _form(request, agency, values, {exc.field or "name": exc.message}, 400)
    flash(request, f"已保存主管部门“{agency.name}”" if changed else "没有修改")
    return HTTPSeeOther(request.route_url("admin.agencies"))


@view_config(route_name="admin.agency.status", renderer=T + "agency_status.pt", permission="core:admin:manage",
             request_method=("GET", "POST"))
def agency_status(request):
    """撤销 / 恢复: a confirmation page naming what happens, then the change."""
    agency = _agency_or_404(request)
    staff = list(request.dbsession.scalars(select(User).where(User.agency_id == agency.id, User.status == "active")
                                           .order_by(User.account)))
    if request.method == "GET":
        return {"page_title": "恢复主管部门" if agency.retired else "撤销主管部门", "agency": agency,
                "staff": staff, "usage": manage.usage(request.dbsession, agency)}
    try:
        if agency.retired:
            manage.restore(request.dbsession, request.identity, agency, request)
            flash(request, f"已恢复主管部门“{agency.name}”；其用户仍为停用状态，需由安全管理员重新启用")
        else:
            disabled = manage.retire(request.dbsession, request.identity, agency, request)
            flash(request, f"已撤销主管部门“{agency.name}”，停用其用户{len(disabled)}个")
    except manage.AgencyRefused as exc:
        return refusal(request, exc.message, 409)
    return HTTPSeeOther(request.route_url("admin.agencies"))


@view_config(route_name="admin.agency.delete", permission="core:admin:manage", request_method="POST")
def agency_delete(request):
    agency = _agency_or_404(request)
    name = agency.name
    try:
        manage.delete(request.dbsession, request.identity, agency, request.registry.settings, request)
    except manage.AgencyRefused as exc:
        return refusal(request, exc.message, 409)
    flash(request, f"已删除主管部门“{name}”")
    return HTTPSeeOther(request.route_url("admin.agencies"))
