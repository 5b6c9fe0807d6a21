"""A person's own data (PIPL 第45条 查阅、复制; 第47条 删除): what kjgl holds
about them as one JSON file, and closing their account.

Closing erases or anonymises the account's personal fields and drops the
documents the person generated (their data downloads among them); the account row
itself stays (renamed ``closed_<id>``, disabled for good) so that what the
person filed for their organisation — records, uploaded files — stays with
the organisation, and the audit log keeps its records for their retention
period (``kjgl audit purge`` deletes them only after it)."""
from __future__ import annotations

import secrets

from sqlalchemy import select

from ..attachments.models import Attachment
from ..audit.localtime import show as show_time
from ..audit.models import AuditEvent
from ..audit.services import EVENTS, record
from ..documents.models import GeneratedDocument
from ..grants.services import granted_keys, revoke_all
from ..review.models import STATES, Submission
from .models import User
from .passwords import hash_password

DOCUMENT_KIND = "personal_data"  # the generated document of a download
# the individual and the organisation admin close their own accounts; agency
# staff and administrators are disabled by the system admin instead
MAY_CLOSE = ("individual", "org_admin")
CLOSED_NAME = "已注销用户"
ERASED = ("id_type", "id_number", "id_valid_from", "id_valid_to", "id_country", "mobile", "email",
          "security_q1", "security_a1", "security_q2", "security_a2", "security_q3", "security_a3",
          "totp_secret", "totp_last_step", "dormancy_warned_at", "locked_until", "last_failed_at")


def export(db, user: User, modules: dict[str, str]) -> dict:
    """Everything kjgl holds about ``user``, readable (``modules``: key → title)."""
    account = {
        "账号": user.account, "用户类型": user.kind_title, "状态": user.status_title, "姓名": user.name,
        "证件类型": user.id_type, "证件号码": user.id_number,
        "证件有效期开始": user.id_valid_from.isoformat() if user.id_valid_from else None,
        "证件有效期结束": user.id_valid_to.isoformat() if user.id_valid_to else None,
        "证件长期有效": user.id_long_term, "国家或地区": user.id_country,
        "手机号码": user.mobile, "电子邮箱": user.email,
        "密保问题": [q for q in (user.security_q1, user.security_q2, user.security_q3) if q],
        "密保答案": "已设置（以不可逆方式保存，无法导出）" if user.security_a1 else "未设置",
        "登录密码": "以不可逆方式保存，无法导出",
        "动态口令（双因素认证）": "已绑定" if user.totp_secret else "未绑定",
        "创建时间": show_time(user.created_at), "最后登录": show_time(user.last_login_at),
        "密码修改时间": show_time(user.password_changed_at),
        "所属单位": user.organisation.name if user.organisation is not None else None,
        "所属主管部门": user.agency.name if user.agency is not None else None,
    }
    grants = [modules.get(k, k) for k in sorted(granted_keys(db, user.id))]
    records = [{"子系统": modules.get(s.module_key, s.module_key), "名称": s.title,
                "状态": STATES.get(s.state, s.state), "创建时间": show_time(s.created_at),
                "提交时间": show_time(s.submitted_at)}
               for s in db.scalars(select(Submission).where(Submission.applicant_id == user.id)
                                   .order_by(Submission.id))]
    files = [{"文件名": a.filename, "大小（字节）": a.size, "上传时间": show_time(a.uploaded_at)}
             for a in db.scalars(select(Attachment).where(Attachment.uploaded_by_id == user.id)
                                 .order_by(Attachment.id))]
    documents = [{"文件名": d.filename, "生成时间": show_time(d.created_at)}
                 for d in db.scalars(select(GeneratedDocument).where(GeneratedDocument.created_by_id == user.id)
                                     .order_by(GeneratedDocument.id))]
    events = [{"时间": show_time(e.at), "操作": EVENTS.get(e.event, e.event), "IP地址": e.ip,
               "结果": "成功" if e.success else "失败"}
              for e in db.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id)
                                  .order_by(AuditEvent.id))]
    return {"说明": "本文件列出科技管理信息平台保存的您本人的个人信息及相关记录（时间为北京时间）。",
            "账号信息": account, "模块授权": grants, "本人填报的记录": records, "本人上传的附件": files,
            "本人生成的文档": documents, "本人操作日志": events}


class CloseRefused(Exception):
    pass


def close_account(db, user: User, request=None) -> str:
    """注销: the personal fields erased, the account renamed and disabled for
    good, its grants revoked. Returns the former account name."""
    if user.kind not in MAY_CLOSE:
        raise CloseRefused("主管部门用户和管理员账号不能自行注销，请联系系统管理员停用")
    former = user.account
    revoked = revoke_all(db, user.id)
    # recorded first, so the event names the account as it was
    record(db, request, "account_close", user=user, object_type="user", object_id=user.id,
           grants_revoked=sorted(revoked), erased=list(ERASED), renamed_to=f"closed_{user.id}")
    for name in ERASED:
        setattr(user, name, None)
    user.id_long_term = False
    user.name, user.account = CLOSED_NAME, f"closed_{user.id}"
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.password_history = []
    user.status, user.disabled_reason = "disabled", "closed"
    user.auth_version = (user.auth_version or 0) + 1
    # the documents the person generated are theirs alone (their personal data
    # downloads among them): the rows go now, the files with the next
    # ``kjgl storage sweep`` (no row refers to them any more)
    for document in db.scalars(select(GeneratedDocument).where(GeneratedDocument.created_by_id == user.id)):
        db.delete(document)
    db.flush()
    return former
