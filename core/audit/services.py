"""Recording audit events. Every security event and business decision calls
:func:`record` inside the request's transaction, so the event is stored if and
only if what it describes is."""
from __future__ import annotations

import json

from .models import AuditEvent

EVENTS = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "register": "用户注册",
    "password_change": "修改密码",
    "password_reset": "重置密码",
    "password_recover": "找回密码",
    "org_submit": "提交单位信息",
    "org_review": "单位审核",
    "org_choose": "个人选择单位",
    "grant_change": "模块授权变更",
    "user_enable": "启用用户",
    "user_disable": "禁用用户",
    "staff_create": "创建主管部门用户",
    "attachment_upload": "上传附件",
    "attachment_delete": "删除附件",
}


def client_ip(request) -> str | None:
    return request.client_addr if request is not None else None


def record(dbsession, request, event: str, *, user=None, object_type: str | None = None,
           object_id=None, success: bool = True, **detail) -> AuditEvent:
    actor = user if user is not None else (request.identity if request is not None else None)
    row = AuditEvent(
        user_id=getattr(actor, "id", None),
        account=getattr(actor, "account", None) or detail.pop("account", None),
        role=getattr(actor, "kind", None),
        ip=client_ip(request),
        event=event,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        success=success,
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    )
    dbsession.add(row)
    return row
