"""Recording audit events. Every security event and business decision calls
:func:`record` inside the request's transaction, so the event is stored if and
only if what it describes is."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from .chain import seal
from .localtime import day_start_utc
from .models import AuditEvent

EVENTS = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "account_unlock": "解除账号锁定",
    "totp_enrolled": "绑定动态口令（双因素认证）",
    "totp_ok": "动态口令验证通过",
    "totp_failed": "动态口令验证失败",
    "totp_reset": "重置动态口令",
    "logout": "退出登录",
    "session_end": "结束本人登录会话",
    "session_force_end": "强制会话下线",
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
    "integrity_failure": "文件完整性校验失败",
    "document_generate": "生成文档",
    "document_download": "下载已生成文档",
    "document_version": "生成申报书（新版本号）",
    "document_version_check": "核对申报书版本号",
    "storage_sweep": "清理存储文件",
    "batch_open": "开启填报批次",
    "batch_close": "关闭填报批次",
    "filing_create": "新建填报记录",
    "carrier_save": "保存载体信息",
    "standing_version_start": "开始修改已入库信息（新版本）",
    "registry_view": "查看企业信息",
    "registry_export_excel": "导出企业信息列表Excel",
    "registry_targets_set": "设定培育进度年度目标",
    "filing_save": "暂存填报记录",
    "filing_submit": "提交填报记录",
    "filing_view": "查看填报记录",
    "filing_review": "审核填报记录",
    "filing_export_word": "导出Word文档",
    "filing_export_excel": "导出Excel列表",
    "filing_export_excel_full": "导出Excel列表（完整联系方式，未脱敏）",
    "audit_export": "导出审计日志",
    "audit_purge": "清理过期审计日志",
    "keys_rotate": "轮换数据加密密钥",
    "pii_view": "查看完整个人信息",
    "profile_change": "修改个人信息",
    "admin_create": "创建管理员账号（命令行）",
    "demo_load": "载入演示数据（命令行）",
    "db_restore": "恢复数据库和附件（命令行）",
    "failed_login_purge": "清理过期的未知账号登录失败记录",
    "agency_seed": "初始化主管部门",
    "agency_create": "新增主管部门",
    "agency_change": "修改主管部门",
    "agency_retire": "撤销主管部门",
    "agency_restore": "恢复主管部门",
    "agency_delete": "删除主管部门",
    "batch_reopen": "重新开放填报批次",
    "batch_extend": "延长填报批次截止日期",
    "dormancy_warning": "长期未使用账号停用提醒",
    "dormant_disable": "停用长期未使用账号",
    "agency_staff_disable": "停用已撤销主管部门的用户",
    "user_reenable": "重新启用账号",
    "personal_data_export": "下载本人个人信息",
    "account_close": "注销账号",
    "notification_preferences": "修改消息提醒设置",
    "reminders_sent": "发送截止与待审核提醒",
    "review_assign": "分派审核人员",
    "notice_save": "保存通知公告草稿",
    "notice_publish": "发布通知公告",
    "notice_withdraw": "撤回通知公告",
    "review_recuse": "声明回避（利益冲突）",
    "agency_head_change": "设置主管部门负责人",
}


class CliActor:
    """Who ran a ``kjgl`` command: the operating-system user, role ``cli``
    (the audit log's account and role columns)."""

    id = None
    kind = "cli"

    def __init__(self, account: str):
        self.account = account[:30]


def cli_actor() -> CliActor:
    import getpass

    try:
        name = getpass.getuser()
    except Exception:  # no login name (a container without passwd entry): the uid
        import os

        name = f"uid{os.getuid()}"
    return CliActor(name)


def client_ip(request) -> str | None:
    """The peer address of the request. ``X-Forwarded-For`` is not read here:
    any client can send it. Behind a reverse proxy, let the server rewrite the
    address (waitress ``trusted_proxy`` / ``trusted_proxy_headers``)."""
    return request.remote_addr if request is not None else None


def record(dbsession, request, event: str, *, user=None, object_type: str | None = None,
           object_id=None, success: bool = True, ip: str | None = None, **detail) -> AuditEvent:
    """One audit event. Services without a request pass the ``user`` and ``ip``."""
    actor = user if user is not None else (request.identity if request is not None else None)
    row = AuditEvent(
        user_id=getattr(actor, "id", None),
        account=getattr(actor, "account", None) or detail.pop("account", None),
        role=getattr(actor, "kind", None),
        ip=client_ip(request) if request is not None else ip,
        event=event,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        success=success,
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    )
    seal(dbsession, row)
    return row


def changes(before: dict, after: dict, *, masks: dict | None = None, limit: int | None = None) -> dict:
    """``{field: [old, new]}`` for each field whose value differs, for an
    event's ``changes`` detail. Values are compared and shown as text;
    ``masks`` maps a field to the masking function its values pass through
    (a mobile or ID number is logged masked, see :mod:`kjgl.core.masking`);
    with ``limit`` a longer value is cut to that many characters."""
    masks = masks or {}

    def text(value):
        return "" if value is None else str(value)

    def cut(value):
        return value if limit is None or len(value) <= limit else f"{value[:limit]}…（共{len(value)}字）"

    result = {}
    for key in dict.fromkeys([*before, *after]):
        old, new = text(before.get(key)), text(after.get(key))
        if old != new:
            show = masks.get(key, lambda v: v)
            result[key] = [cut(show(old)), cut(show(new))]
    return result


def snapshot(obj, names) -> dict:
    """The attributes ``names`` of ``obj``, the before or after of :func:`changes`."""
    return {name: getattr(obj, name) for name in names}


# Chinese titles of what events point at and of the detail keys the core writes
OBJECT_TYPES = {
    "user": "用户",
    "organisation": "单位",
    "attachment": "附件",
    "generated_document": "生成文档",
    "agency": "主管部门",
    "grant": "模块授权",
    "review_batch": "填报批次",
    "notice": "通知公告",
}
DETAIL_TITLES = {
    "account": "账号",
    "reason": "原因",
    "second_factor": "双因素认证",
    "sha256": "文件校验值（SHA-256）",
    "expected_sha256": "记录的SHA-256",
    "kind": "文档类型",
    "number": "版本号",
    "document_id": "生成文档编号",
    "size": "大小（字节）",
    "source_type": "来源对象类型",
    "source_id": "来源对象编号",
    "found_sha256": "实际SHA-256",
    "expected_size": "记录的大小",
    "found_size": "实际大小",
    "created_account": "新建账号",
    "target_account": "目标账号",
    "agency": "主管部门",
    "delivery": "密码告知方式",
    "decision": "审核结果",
    "opinion": "审核意见",
    "added": "新增授权",
    "removed": "取消授权",
    "filename": "文件名",
    "changes": "变更",
    "filters": "筛选条件",
    "rows": "行数",
    "columns": "列",
    "fields": "查看字段",
    "masked": "脱敏字段",
    "before": "截止日期",
    "purged": "清理条数",
    "key": "当前密钥",
    "resealed": "重新加密",
    "sealed": "明文加密",
    "current": "无需处理",
    "hashes": "重算检索哈希",
}


# the fields whose changes the core records, for the ``changes`` detail
FIELD_TITLES = {
    "name": "姓名", "mobile": "手机号码", "email": "电子邮箱", "status": "状态",
    "id_valid_from": "证件有效期开始日期", "id_valid_to": "证件有效期结束日期", "id_long_term": "长期有效",
    "id_country": "国家或地区",
    "legal_nature": "法人性质", "legal_type": "法人类型", "contact_name": "联系人姓名",
    "contact_mobile": "联系人手机号", "contact_email": "联系人邮箱", "agency": "主管部门",
    "reg_district": "注册地区", "reg_address": "注册详细地址", "loc_district": "坐落地区",
    "loc_address": "坐落详细地址", "bank_account_name": "账户名称", "bank_name": "开户银行",
    "bank_account_no": "银行账户",
    "legal_rep_id_number": "法定代表人证件号码", "legal_rep_mobile": "法定代表人手机号码",
    "id_number": "证件号码",
    "account": "账号", "state": "状态", "step": "审核环节", "grade": "评价等级", "score": "评分",
    "last_opinion": "审批意见", "agency_head": "主管部门负责人", "year": "年度", "deadline": "截止日期", "attachment": "附件",
}


# field titles of a kind of object the core does not know (a plugin's filing
# fields), by the events' ``object_type``: ``{object_type: {field: title}}``
OBJECT_FIELD_TITLES: dict[str, dict[str, str]] = {}


def add_field_titles(object_type: str, titles: dict[str, str]) -> None:
    OBJECT_FIELD_TITLES.setdefault(object_type, {}).update(titles)


def detail_items(row: AuditEvent) -> list[tuple[str, str]]:
    """The detail JSON as (title, text) pairs, read by :class:`readable.Reader`
    without a deployment's titles (the log page and export use a Reader
    made with them)."""
    from .readable import Reader

    return Reader(None, {}).details(row)


def search(*, date_from=None, date_to=None, account=None, event=None, object_type=None,
           object_id=None, success=None):
    """The audit events matching every given filter, newest first. Dates are
    Beijing calendar days, both ends included."""
    stmt = select(AuditEvent)
    if date_from is not None:
        stmt = stmt.where(AuditEvent.at >= day_start_utc(date_from))
    if date_to is not None:
        stmt = stmt.where(AuditEvent.at < day_start_utc(date_to + dt.timedelta(days=1)))
    if account:
        stmt = stmt.where(func.lower(AuditEvent.account) == account.lower())
    if event:
        stmt = stmt.where(AuditEvent.event == event)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == str(object_id))
    if success is not None:
        stmt = stmt.where(AuditEvent.success.is_(success))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def object_type_titles(modules, current: str | None = None) -> dict[str, str]:
    """The object-type filter's choices: the core's types, each enabled
    module's submissions (``<module>.submission``), and the value asked for."""
    titles = dict(OBJECT_TYPES)
    for module in modules:
        titles[f"{module.key}.submission"] = f"{module.title}填报记录"
    if current and current not in titles:
        titles[current] = current
    return titles
