"""The audit log as sentences: every stored detail key gets its Chinese
title and every coded value its label (a module's title, a review step's
title, a decision's label, an object's name), for the log page and its
export alike.

A :class:`Reader` is made for the rows of one page (or one export chunk):
it loads the names of the objects they point at in one query per kind.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterable

from sqlalchemy import select

from ..accounts.models import KINDS as USER_KINDS, STATUSES as USER_STATUSES
from ..organisations.models import STATUSES as ORG_STATUSES
from ..review.models import DECISIONS, STATES
from . import REGISTRY_KEY
from .models import AuditEvent
from .services import DETAIL_TITLES, FIELD_TITLES, OBJECT_FIELD_TITLES, object_type_titles

# titles of the detail keys services write beyond services.DETAIL_TITLES
MORE_TITLES = {
    "attachment_id": "附件编号", "slot": "附件栏目", "title": "名称", "tab": "页签", "state": "状态",
    "step": "审核环节", "grade": "评价等级", "score": "评分", "method": "找回方式", "sent_to": "发送至",
    "organisation_id": "单位编号", "credit_code": "统一社会信用代码", "grants_removed": "取消的授权",
    "previous_organisation_id": "原单位编号", "locked_until": "锁定至", "documents": "清理生成文档数",
    "grace_hours": "保留未完成上传（小时）", "orphans": "清理无主文件数", "partial": "清理未完成上传数",
    "retention_days": "生成文档保留天数", "year": "年度", "deadline": "截止日期", "bulk": "批量审核", "marked": "标记需修改", "filers": "提醒填报人数",
    "reviewers": "提醒审核人数", "today": "提醒日期", "assignee": "承办人",
    "code": "主管部门代码", "created": "新增主管部门", "tree": "主管部门树", "source": "恢复来源",
    "erased": "清除的个人信息", "grants_removed_count": "取消授权数", "grants_revoked": "取消的授权",
    "renamed_to": "注销后账号", "channels": "提醒方式", "disable_on": "预计停用日期",
    "captchas_purged": "清理过期图形验证码数", "recovery_purged": "清理密保答错记录数",
    "sessions_purged": "清理过期会话数", "ip_of_session": "会话登录地址", "others_ended": "结束的其他会话数",
    "found": "是否找到该版本", "is_submitted": "是否为提交的版本", "typed": "输入的版本号",
    "version": "版本", "based_on": "所依据的已入库版本",
}
# a key whose meaning depends on the event
EVENT_TITLES = {"register": {"kind": "用户类型"}}

DECISION_LABELS = {**DECISIONS, "return": "审核不通过（退回修改）"}
DOCUMENT_KINDS = {
    "filing_word": "填报记录Word文档", "filing_excel": "审核列表Excel", "audit_excel": "审计日志Excel",
    "risk_letter": "风险承诺书", "pledge_template": "承诺书模板", "application_version": "申报书（带版本号）",
    "application_pdf": "申报书PDF（带版本号）", "application_proofs": "申报证明材料打包（打印材料）",
    "registry_excel": "企业信息列表Excel",
}
METHODS = {"sms": "短信验证码", "questions": "密保问题"}
BATCH_STATUSES = {"open": "开放填报", "closed": "已关闭"}
FILTER_TITLES = {
    "year": "年度", "state": "状态", "name": "名称", "district": "所在区", "todo": "待我审核",
    "date_from": "开始日期", "date_to": "结束日期", "account": "账号", "event": "事件",
    "object_type": "对象类型", "object_id": "对象编号", "success": "结果",
}
YES_NO = {True: "是", False: "否"}


class Reader:
    """Chinese sentences for audit rows, with the deployment's titles."""

    def __init__(self, db, registry, rows: Iterable[AuditEvent] = ()):
        self.db = db
        self.events = registry.get(REGISTRY_KEY, {})
        self.modules = {m.key: m.title for m in registry.get("kjgl.modules", ())}
        self.filings = registry.get("kjgl.filings", {})
        self.chains = registry.get("kjgl.review_chains", {})
        self.object_types = object_type_titles(registry.get("kjgl.modules", ()))
        self.names: dict[tuple[str, str], str] = {}
        self._agencies: dict[str, str] | None = None
        self.load(rows)

    # --- object names, one query per kind of object ---------------------------
    def load(self, rows: Iterable[AuditEvent]) -> None:
        from ..accounts.models import User
        from ..attachments.models import Attachment
        from ..documents.models import GeneratedDocument
        from ..notices.models import Notice
        from ..organisations.models import Organisation
        from ..review.models import Batch, Submission

        wanted: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            if row.object_type and row.object_id and str(row.object_id).isdigit():
                kind = "submission" if row.object_type.endswith(".submission") else row.object_type
                wanted[kind].add(int(row.object_id))
        queries = {
            "user": (User, lambda u: f"{u.name}（{u.account}）"),
            "organisation": (Organisation, lambda o: o.name),
            "attachment": (Attachment, lambda a: a.filename),
            "generated_document": (GeneratedDocument, lambda d: d.filename),
            "review_batch": (Batch, lambda b: f"{b.title}（{self.modules.get(b.module_key, b.module_key)}）"),
            "submission": (Submission, lambda s: s.title),
            "notice": (Notice, lambda n: n.title),
        }
        for kind, ids in wanted.items():
            if kind not in queries:
                continue
            model, name = queries[kind]
            for obj in self.db.scalars(select(model).where(model.id.in_(ids))):
                self.names[(kind, str(obj.id))] = name(obj)

    def event_title(self, row: AuditEvent) -> str:
        return self.events.get(row.event, row.event)

    def object_text(self, row: AuditEvent) -> str:
        """单位“…”, 众创空间绩效评估系统填报记录“…”, 填报批次“2026年度（…）”."""
        if not row.object_type:
            return ""
        kind = "submission" if row.object_type.endswith(".submission") else row.object_type
        title = self.object_types.get(row.object_type) or self._module_object(row.object_type)
        name = self.names.get((kind, str(row.object_id)))
        if name:
            return f"{title}“{name}”"
        return f"{title} #{row.object_id}" if row.object_id else title

    def _module_object(self, object_type: str) -> str:
        module, _, rest = object_type.partition(".")
        if module in self.modules:
            return f"{self.modules[module]}（{rest}）" if rest != "submission" else f"{self.modules[module]}填报记录"
        return object_type

    # --- details ---------------------------------------------------------------
    def details(self, row: AuditEvent) -> list[tuple[str, str]]:
        try:
            detail = json.loads(row.detail or "{}")
        except ValueError:
            return [("详情", row.detail or "")]
        if not isinstance(detail, dict):
            return [("详情", str(detail))]
        return [(self.title(row, key), self.value(row, key, value)) for key, value in detail.items()]

    def text(self, row: AuditEvent) -> str:
        return "；".join(f"{title}：{text}" for title, text in self.details(row))

    def title(self, row: AuditEvent, key: str) -> str:
        return (EVENT_TITLES.get(row.event, {}).get(key) or DETAIL_TITLES.get(key) or MORE_TITLES.get(key)
                or self._field_titles(row).get(key) or key)

    def _field_titles(self, row) -> dict[str, str]:
        return {**FIELD_TITLES, **OBJECT_FIELD_TITLES.get(row.object_type or "", {})}

    def _filing(self, row):
        module = (row.object_type or "").split(".", 1)[0]
        return self.filings.get(module)

    def value(self, row: AuditEvent, key: str, value: Any) -> str:
        if value is None or value == "":
            return "空"
        if key == "changes" and isinstance(value, dict):
            titles = self._field_titles(row)
            return "，".join(
                f"{titles.get(k, MORE_TITLES.get(k, k))} {self.value(row, k, v[0]) if v[0] not in (None, '') else '空'}"
                f" → {self.value(row, k, v[1]) if v[1] not in (None, '') else '空'}"
                if isinstance(v, list) and len(v) == 2 else f"{titles.get(k, k)}：{v}" for k, v in value.items())
        if key == "filters" and isinstance(value, dict):
            return "，".join(f"{FILTER_TITLES.get(k, self.title(row, k))}={self._filter_value(row, k, v)}"
                            for k, v in value.items()) or "无"
        if isinstance(value, (list, tuple)):
            return "、".join(self.value(row, key, v) for v in value) or "无"
        if isinstance(value, bool):
            return YES_NO[value]
        text = str(value)
        if key == "decision":
            return DECISION_LABELS.get(text, text)
        if key == "state":
            return STATES.get(text, text)
        if key == "status":
            table = {"organisation": ORG_STATUSES, "user": USER_STATUSES,
                     "review_batch": BATCH_STATUSES}.get(row.object_type or "", {**USER_STATUSES})
            return table.get(text, text)
        if key == "step":
            return self._step(row, value)
        if key in ("added", "removed", "grants_removed"):
            return self.modules.get(text, text)
        if key in ("source_type", "object_type"):
            return self.object_types.get(text) or self._module_object(text)
        if key == "kind":
            return USER_KINDS.get(text, text) if row.event == "register" else DOCUMENT_KINDS.get(text, text)
        if key == "method":
            return METHODS.get(text, text)
        if key in ("fields", "masked"):
            return self._field_titles(row).get(text, text)
        if key == "slot":
            return self._slot(row, text)
        if key == "tab":
            filing = self._filing(row)
            tab = filing.tab(text) if filing is not None and filing.tabs else None
            return tab.title if tab is not None else text
        if key == "columns" and text == "all":
            return "全部列"
        return text

    def _step(self, row, value) -> str:
        if isinstance(value, str) and not value.isdigit():
            return value  # recorded as the step's title
        filing = self._filing(row)
        chain = self.chains.get(filing.kind) if filing is not None else None
        try:
            return chain.step(int(value)).title if chain is not None else f"第{int(value) + 1}环节"
        except (IndexError, ValueError):
            return str(value)

    def _slot(self, row, name: str) -> str:
        filing = self._filing(row)
        if filing is not None:
            slot = filing.slot(name)
            if slot is not None:
                return slot.title
        from ..organisations.schemas import SLOTS as ORG_SLOTS

        return next((s.title for s in ORG_SLOTS if s.name == name), name)

    def _filter_value(self, row, key, value) -> str:
        if key == "district" and str(value).isdigit():
            from ..agencies.models import Agency

            agency = self.db.get(Agency, int(value))
            return agency.name if agency is not None else str(value)
        if key == "event":
            return self.events.get(str(value), str(value))
        if key in ("todo",) and str(value) in ("1", "true"):
            return "是"
        return self.value(row, key, value)
