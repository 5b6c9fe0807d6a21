"""Small factories for tests and demo data: each makes a valid object with
sensible defaults and flushes it."""
from __future__ import annotations

import itertools

from stdnum.cn import uscc

from .accounts.models import User, UserSession
from .accounts.passwords import hash_password
from .agencies.models import Agency
from .agencies.services import by_code, seed_tree
from .organisations.models import Organisation

_seq = itertools.count(1)
DEFAULT_PASSWORD = "Passw0rd!"


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100 check character computed)."""
    body = f"91120116{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def agency(dbsession, code: str = "tj-d01", settings=None) -> Agency:
    found = by_code(dbsession, code)
    if found is None:
        seed_tree(dbsession, settings or {"kjgl.agency_tree": "national tianjin chongqing"})
        found = by_code(dbsession, code)
    return found


def user(dbsession, kind: str = "individual", *, account: str | None = None, password: str = DEFAULT_PASSWORD,
         organisation: Organisation | None = None, agency_code: str | None = None, status: str = "active",
         **fields) -> User:
    n = next(_seq)
    defaults = dict(
        name=fields.pop("name", f"测试用户{n}"),
        id_type="身份证", id_number="11010519491231002X", mobile=f"138{n:08d}"[:11],
        email=f"user{n}@example.cn",
    )
    defaults.update(fields)
    u = User(account=account or f"user{n:04d}", password_hash=hash_password(password), kind=kind,
             status=status, organisation=organisation,
             agency=agency(dbsession, agency_code) if agency_code else None, **defaults)
    dbsession.add(u)
    dbsession.flush()
    return u


def user_session(dbsession, user: User, *, ip: str = "10.0.0.9",
                 user_agent: str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36"):
    """A logged-in session of ``user`` on another device (a token nobody holds)."""
    import secrets

    from .accounts.sessions import token_hash

    row = UserSession(token_hash=token_hash(secrets.token_urlsafe(32)), user_id=user.id,
                      auth_version=user.auth_version, ip=ip, user_agent=user_agent)
    dbsession.add(row)
    dbsession.flush()
    return row


def organisation(dbsession, *, name: str | None = None, status: str = "active", agency_code: str = "tj-d01",
                 admin_account: str | None = None, **fields) -> Organisation:
    n = next(_seq)
    org_name = name or f"天津测试科技有限公司{n}"
    defaults = dict(
        legal_type="企业", legal_nature="企业法人", legal_rep_name="张三", legal_rep_id_type="身份证",
        legal_rep_id_number="11010519491231002X", legal_rep_mobile="13800000000",
        contact_name="李四", contact_mobile="13900000000", contact_email="contact@example.cn",
        reg_district="和平区", reg_address="南京路1号", loc_district="和平区", loc_address="南京路1号",
        bank_account_name=org_name, bank_name="中国银行天津分行", bank_account_no="6216000000000000",
    )
    defaults.update(fields)
    org = Organisation(name=org_name, credit_code=credit_code(n), status=status,
                       agency=agency(dbsession, agency_code), **defaults)
    dbsession.add(org)
    dbsession.flush()
    user(dbsession, "org_admin", account=admin_account or f"org{n:04d}", organisation=org,
         name=defaults["legal_rep_name"])
    return org


def org_admin(dbsession, org: Organisation) -> User:
    from sqlalchemy import select

    return dbsession.scalars(select(User).where(User.organisation_id == org.id, User.kind == "org_admin")).first()


def organisation_upload(dbsession, org: Organisation, storage_dir: str, body: bytes,
                        filename: str = "营业执照.pdf"):
    """A file in the organisation's first 信息补全 slot, uploaded by its admin."""
    import io
    from types import SimpleNamespace

    from .attachments.services import add_upload
    from .attachments.storage import DirectoryStorage
    from .organisations.schemas import SLOTS

    return add_upload(dbsession, DirectoryStorage(storage_dir), owner_type="organisation", owner_id=org.id,
                      slot=SLOTS[0], upload=SimpleNamespace(filename=filename, file=io.BytesIO(body)),
                      default_max=10 * 1024 * 1024, user=org_admin(dbsession, org))
