"""个人数据: download one's own data, close one's own account (permission
``core:account:self``; the rules live in ``personal_data.py``)."""
from __future__ import annotations

import json

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import forget
from pyramid.view import view_config

from ..audit.services import record
from ..documents import services as documents
from ..forms import Field, Schema
from ..layout import flash
from . import personal_data
from .passwords import verify_password

CLOSE = Schema(
    Field("password", "当前密码", kind="password", max_length=64, secret=True,
          help="为确认是您本人操作，请输入当前登录密码"),
    Field("confirm", "我已了解注销后账号不能恢复", kind="checkbox", required=False),
)


@view_config(route_name="me.data", renderer="kjgl.core:templates/accounts/personal_data.pt",
             permission="core:account:self", request_method="GET")
def personal_data_page(request):
    return {"page_title": "个人数据与账号注销", "may_close": request.identity.kind in personal_data.MAY_CLOSE}


@view_config(route_name="me.data.export", permission="core:account:self", request_method="GET")
def personal_data_export(request):
    """Kept and served like every export (a generated document with its hash,
    the verifying download); deleted with the account when it is closed."""
    user = request.identity
    modules = {m.key: m.title for m in request.registry["kjgl.modules"]}
    body = json.dumps(personal_data.export(request.dbsession, user, modules), ensure_ascii=False, indent=2)
    record(request.dbsession, request, "personal_data_export", object_type="user", object_id=user.id)
    return documents.export(request, body.encode("utf-8"), kind=personal_data.DOCUMENT_KIND,
                            filename=f"个人数据-{user.account}.json", content_type="application/json",
                            object_type="user", object_id=user.id)


@view_config(route_name="me.close", renderer="kjgl.core:templates/accounts/close.pt",
             permission="core:account:self", request_method=("GET", "POST"))
def close_account(request):
    user = request.identity
    page = {"page_title": "注销账号", "schema": CLOSE, "values": {}, "errors": {},
            "may_close": user.kind in personal_data.MAY_CLOSE}
    if request.method == "GET" or not page["may_close"]:
        if request.method == "POST":
            request.response.status = 409  # the page says why: staff and admins are disabled instead
        return page
    result = CLOSE.validate(request.POST)
    errors = dict(result.errors)
    if not errors and not result.data["confirm"]:
        errors["confirm"] = "请勾选确认：注销后账号不能恢复"
    if not errors and not verify_password(user.password_hash, result.data["password"]):
        errors["password"] = "当前密码不正确"
        record(request.dbsession, request, "account_close", success=False, object_type="user", object_id=user.id)
    if errors:
        request.response.status = 400
        return {**page, "errors": errors}
    personal_data.close_account(request.dbsession, user, request)
    headers = forget(request)
    flash(request, "您的账号已注销，个人信息已删除；您为单位填报的记录仍由单位保存。")
    return HTTPSeeOther(request.route_url("login"), headers=headers)
