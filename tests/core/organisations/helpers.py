"""Shared data and steps of the organisation tests."""
from sqlalchemy import select

from kjgl.core.attachments.models import Attachment
from kjgl.core.testing import valid_pdf

PDF = valid_pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64

BLANK = dict(legal_nature=None, contact_name=None, contact_mobile=None, contact_email=None,
             reg_district=None, reg_address=None, loc_district=None, loc_address=None,
             bank_account_name=None, bank_name=None, bank_account_no=None)


def valid_fields(org) -> dict:
    return {
        "legal_nature": "企业法人",
        "legal_type": "企业",
        "contact_name": "李四",
        "contact_mobile": "13912345678",
        "contact_email": "contact@example.cn",
        "agency": "tj-d01",
        "reg_district": "和平区",
        "reg_address": "南京路100号",
        "loc_district": "河西区",
        "loc_address": "友谊路20号",
        "bank_account_name": org.name,
        "bank_name": "中国银行天津分行",
        "bank_account_no": "6216000000000001",
    }


ALL_FILES = [("licence", "营业执照.pdf", PDF), ("risk_letter", "风险承诺书.jpg", JPG),
             ("bank_proof", "开户许可证.png", PNG)]


def post_profile(app, fields: dict, action: str = "submit", files=(), status=None):
    page = app.get("/org/profile")
    params = dict(fields)
    params["csrf_token"] = page.forms["org-profile-form"]["csrf_token"].value
    params["action"] = action
    return app.post("/org/profile", params, upload_files=list(files), status=status)


def attachments_of(dbsession, org):
    return dbsession.scalars(
        select(Attachment).where(Attachment.owner_type == "organisation", Attachment.owner_id == org.id)
        .order_by(Attachment.id)
    ).all()


def error_of(res, field: str) -> str:
    """The message(s) shown next to a field ('' when none)."""
    return " ".join(node.get_text(" ", strip=True) for node in res.html.select(f"#field-{field} .error"))
