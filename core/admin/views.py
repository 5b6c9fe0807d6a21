"""Agency staff management pages (permission ``core:admin:manage``)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import masking
from ..accounts.models import STATUSES as STAFF_STATUSES
from ..accounts.models import User
from ..accounts.services import account_taken
from ..agencies.heads import AgencyHead, HeadRefused, head_id, set_head
from ..agencies.services import by_code
from ..audit.localtime import show as show_time
from ..audit.services import changes, record, snapshot
from ..forms import form_values
from ..layout import flash
from ..pagination import paginate
from ..reveal import reveal
from . import services
from .agency_tree import full_names, tree_options
from .schemas import BY_EMAIL, RESET, SHOW_ONCE, staff_schema

PAGE_SIZE = 15
# what the audit log keeps of a created staff account (personal values masked)
STAFF_FIELDS = ("account", "name", "mobile", "email", "status")
STAFF_MASKS = {"mobile": masking.mobile, "email": masking.email}


def _staff_or_404(request) -> User:
    user = services.find_staff(request.dbsession, int(request.matchdict["id"]))
    if user is None:
        raise HTTPNotFound()
    return user


def _mail_password(request, user: User, password: str, agency_name: str, reset: bool) -> None:
    title = request.registry.settings["kjgl.title"]
    what = "密码已由系统管理员重置" if reset else f"系统管理员已为您开通{title}主管部门用户账号"
    body = (
        f"{user.name}，您好：\n\n{what}。\n"
        f"账号：{user.account}\n{'新密码' if reset else '初始密码'}：{password}\n"
        f"所属主管部门：{agency_name}\n\n"
        f"请登录 {request.route_url('login')} 后立即修改密码。如非本人操作，请联系系统管理员。"
    )
    subject = f"【{title}】" + ("密码重置通知" if reset else "账号开通通知")
    request.registry["kjgl.mail"].send(request.dbsession, user.email, subject, body)


def _render_password(request, user: User, password: str, agency_name: str, reset: bool):
    """The one response that carries the clear password; never cached."""
    request.override_renderer = "kjgl.core:templates/admin/staff_password.pt"
    request.response.headers["Cache-Control"] = "no-store"
    return {"page_title": "密码已重置" if reset else "主管部门用户已创建", "staff": user,
            "password": password, "agency_name": agency_name, "reset": reset}


@view_config(route_name="admin.staff", renderer="kjgl.core:templates/admin/staff_list.pt",
             permission="core:admin:manage", request_method="GET")
def staff_list(request):
    text = request.params.get("q", "").strip()[:50]
    agency = by_code(request.dbsession, request.params.get("agency", "")) if request.params.get("agency") else None
    status = request.params.get("status", "")
    status = status if status in STAFF_STATUSES else ""
    page = paginate(request.dbsession, services.staff_query(text=text, agency=agency, status=status),
                    request, PAGE_SIZE)
    return {
        "page_title": "主管部门用户管理",
        "page": page,
        "heads": set(request.dbsession.scalars(select(AgencyHead.user_id).where(
            AgencyHead.user_id.in_([u.id for u in page.items])))),
        "agency_names": full_names(request.dbsession, [u.agency for u in page.items]),
        "options": tree_options(request.dbsession),
        "filters": {"q": text, "agency": agency.code if agency else "", "status": status},
        "statuses": STAFF_STATUSES,
        "mask_mobile": masking.mobile,
        "show_time": show_time,
    }


@view_config(route_name="admin.staff.new", renderer="kjgl.core:templates/admin/staff_form.pt",
             permission="core:admin:manage")
def staff_new(request):
    options = tree_options(request.dbsession, active_only=True)  # no new staff for a retired agency
    schema = staff_schema(o.code for o in options)
    values, errors = {"delivery": SHOW_ONCE}, {}
    if request.method == "POST":
        result = schema.validate(request.POST)
        values, errors = form_values(schema, request.POST), dict(result.errors)
        data = result.data
        if "account" not in errors and account_taken(request.dbsession, data["account"]):
            errors["account"] = "该账号已被使用，请更换"
        if not errors:
            agency = by_code(request.dbsession, data["agency"])
            try:
                with request.dbsession.begin_nested():
                    user, password = services.create_staff(
                        request.dbsession, account=data["account"], name=data["name"], agency=agency,
                        mobile=data["mobile"], email=data["email"])
            except IntegrityError:  # the same account created at the same moment elsewhere
                errors["account"] = "该账号已被使用，请更换"
            else:
                agency_name = full_names(request.dbsession, [agency])[agency.id]
                record(request.dbsession, request, "staff_create", object_type="user", object_id=user.id,
                       created_account=user.account, agency=agency.name, delivery=data["delivery"],
                       changes=changes({}, {**snapshot(user, STAFF_FIELDS), "agency": agency.name},
                                       masks=STAFF_MASKS))
                if data["delivery"] == BY_EMAIL:
                    _mail_password(request, user, password, agency_name, reset=False)
                    flash(request, f"已创建主管部门用户 {user.account}，初始密码已发送至 {masking.email(user.email)}")
                    return HTTPSeeOther(request.route_url("admin.staff"))
                return _render_password(request, user, password, agency_name, reset=False)
    return {"page_title": "新增主管部门用户", "schema": schema, "values": values, "errors": errors,
            "options": options}


@view_config(route_name="admin.staff.detail", renderer="kjgl.core:templates/admin/staff_detail.pt",
             permission="core:admin:manage", request_method="GET")
def staff_detail(request):
    """Mobile and e-mail masked; ``?full=1`` shows them and is audited."""
    user = _staff_or_404(request)
    return _detail(request, user, {}, {"delivery": SHOW_ONCE})


def _detail(request, user, errors, values):
    head = head_id(request.dbsession, user.agency_id)
    return {"page_title": "主管部门用户详情", "staff": user, "is_head": head == user.id,
            "current_head": request.dbsession.get(User, head) if head and head != user.id else None,
            "agency_name": full_names(request.dbsession, [user.agency]).get(user.agency_id, ""),
            "schema": RESET, "errors": errors, "values": values, "show_time": show_time, "mask": masking,
            **reveal(request, "admin.staff.detail", id=user.id, object_type="user", object_id=user.id,
                     fields=["mobile", "email"], note="手机号码和电子邮箱")}


@view_config(route_name="admin.staff.status", permission="core:admin:manage", request_method="POST")
def staff_status(request):
    user = _staff_or_404(request)
    wanted = request.POST.get("status")
    if wanted not in STAFF_STATUSES:
        flash(request, "无效的操作")
        return HTTPSeeOther(request.route_url("admin.staff.detail", id=user.id))
    before = snapshot(user, ("status",))
    if services.set_status(user, wanted):
        event = "user_enable" if wanted == "active" else "user_disable"
        record(request.dbsession, request, event, object_type="user", object_id=user.id,
               target_account=user.account, changes=changes(before, snapshot(user, ("status",))))
        flash(request, f"已{'启用' if wanted == 'active' else '禁用'}用户 {user.account}")
    back = request.POST.get("back", "")
    list_path = request.route_path("admin.staff")
    target = back if back == list_path or back.startswith(list_path + "?") else \
        request.route_url("admin.staff.detail", id=user.id)
    return HTTPSeeOther(target)


@view_config(route_name="admin.staff.reset", renderer="kjgl.core:templates/admin/staff_detail.pt",
             permission="core:admin:manage", request_method="POST")
def staff_reset(request):
    user = _staff_or_404(request)
    result = RESET.validate(request.POST)
    errors = dict(result.errors)
    if not errors and result.data["delivery"] == BY_EMAIL and not user.email:
        errors["delivery"] = "该用户未登记电子邮箱，请选择页面显示"
    if errors:
        return _detail(request, user, errors, form_values(RESET, request.POST))
    password = services.reset_password(user)
    agency_name = full_names(request.dbsession, [user.agency]).get(user.agency_id, "")
    record(request.dbsession, request, "password_reset", object_type="user", object_id=user.id,
           target_account=user.account, delivery=result.data["delivery"])
    if result.data["delivery"] == BY_EMAIL:
        _mail_password(request, user, password, agency_name, reset=True)
        flash(request, f"已重置用户 {user.account} 的密码，新密码已发送至 {masking.email(user.email)}")
        return HTTPSeeOther(request.route_url("admin.staff.detail", id=user.id))
    return _render_password(request, user, password, agency_name, reset=True)


@view_config(route_name="admin.staff.head", permission="core:admin:manage", request_method="POST")
def staff_head(request):
    """设为 / 取消 the agency's head (负责人), who assigns its records; audited."""
    from ..errors import refusal

    user = _staff_or_404(request)
    wanted = request.POST.get("head")
    if wanted not in ("0", "1"):
        return refusal(request, "请选择设为或取消负责人", 400)
    try:
        changed = set_head(request.dbsession, request.identity, user, wanted == "1", request=request)
    except HeadRefused as exc:
        return refusal(request, exc.message, 409)
    if changed:
        flash(request, f"已将{user.name}设为{user.agency.name}负责人" if wanted == "1"
              else f"已取消{user.name}的负责人身份")
    else:
        flash(request, "没有修改")
    return HTTPSeeOther(request.route_url("admin.staff.detail", id=user.id))
