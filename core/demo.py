"""Demo data for ``kjgl demo INI``: the agency tree, agency staff, an approved
and a pending organisation, individuals with and without grants. Idempotent:
running it twice changes nothing."""
from __future__ import annotations

from sqlalchemy import select

from .accounts.models import User
from .accounts.passwords import hash_password
from .agencies.services import by_code, seed_tree
from .grants.models import ModuleGrant
from .organisations.models import Organisation, OrganisationReview

DEMO_PASSWORD = "Demo@2026"
DEMO_LOGINS = [
    ("admin", "系统管理员"),
    ("tjkjj", "天津市科学技术局 审核人员"),
    ("hepingkj", "和平区科学技术局 审核人员"),
    ("binhaigxq", "滨海新区高新技术产业开发区 审核人员"),
    ("cqkjj", "重庆市科学技术局 审核人员"),
    ("torch", "火炬中心 审核人员"),
    ("hpchuangke", "法人用户：天津和平创客空间管理有限公司（已审核通过）"),
    ("xqfuhua", "法人用户：天津西青科技孵化器有限公司（待审核）"),
    ("zhangmin", "个人用户：已选单位，已授权全部子系统"),
    ("liuyang", "个人用户：已选单位，未授权"),
    ("wangfang", "个人用户：未选择单位"),
]

# valid 统一社会信用代码 / 身份证号码 (check characters verified)
ORG_CODES = {"hp": "91120101MA05K3XQ1F", "xq": "91120111MA06P8RL7C"}


def _user(session, account, **fields) -> User:
    user = session.scalars(select(User).where(User.account == account)).first()
    if user is None:
        user = User(account=account, password_hash=hash_password(DEMO_PASSWORD), **fields)
        session.add(user)
        session.flush()
    return user


def load(session, settings: dict, pm) -> bool:
    """Returns True when anything was created."""
    from stdnum.cn import uscc

    if session.scalars(select(User).where(User.account == "admin")).first() is not None:
        return False
    seed_tree(session, settings)
    tj_root = by_code(session, "tj")
    heping = by_code(session, "tj-d01")
    xiqing = by_code(session, "tj-d08")
    gxq = by_code(session, "tj-z01")

    _user(session, "admin", kind="admin", name="系统管理员")
    if tj_root is not None:
        _user(session, "tjkjj", kind="agency", name="市局审核员", agency=tj_root)
        _user(session, "hepingkj", kind="agency", name="和平区审核员", agency=heping)
        _user(session, "binhaigxq", kind="agency", name="高新区审核员", agency=gxq)
    cq_root = by_code(session, "cq")
    if cq_root is not None:
        _user(session, "cqkjj", kind="agency", name="重庆市局审核员", agency=cq_root)
    torch = by_code(session, "torch")
    if torch is not None:
        _user(session, "torch", kind="agency", name="火炬中心审核员", agency=torch)

    def org(key, name, status, agency, district):
        body = ORG_CODES[key][:17]
        code = body + uscc.calc_check_digit(body)
        o = Organisation(
            name=name, credit_code=code, legal_type="企业", legal_nature="企业法人", status=status,
            legal_rep_name="陈建国", legal_rep_id_type="身份证", legal_rep_id_number="11010519491231002X",
            legal_rep_id_valid_from=None, legal_rep_id_long_term=True, legal_rep_mobile="13820001234",
            contact_name="赵敏", contact_mobile="13920005678", contact_email="contact@example.cn",
            agency=agency, reg_district=district, reg_address="示范路8号", loc_district=district,
            loc_address="示范路8号", bank_account_name=name, bank_name="中国工商银行天津分行",
            bank_account_no="0302000000000000001",
        )
        session.add(o)
        session.flush()
        return o

    hp = org("hp", "天津和平创客空间管理有限公司", "active", heping, "和平区")
    xq = org("xq", "天津西青科技孵化器有限公司", "pending", xiqing, "西青区")
    hp_admin = _user(session, "hpchuangke", kind="org_admin", name="陈建国", organisation=hp,
                     id_type="身份证", id_number="11010519491231002X", mobile="13820001234",
                     email="admin@hpck.example.cn")
    _user(session, "xqfuhua", kind="org_admin", name="周海", organisation=xq, mobile="13820004321",
          email="admin@xqfh.example.cn")
    reviewer = session.scalars(select(User).where(User.account == "hepingkj")).first()
    session.add(OrganisationReview(organisation=hp, reviewer_id=reviewer.id, decision="approve", opinion="材料齐全，同意。"))

    zhang = _user(session, "zhangmin", kind="individual", name="张敏", organisation=hp, id_type="身份证",
                  id_number="11010519491231002X", mobile="13612345678", email="zhangmin@example.cn")
    _user(session, "liuyang", kind="individual", name="刘洋", organisation=hp, id_type="普通护照",
          id_number="E12345678", mobile="13712345678", email="liuyang@example.cn")
    _user(session, "wangfang", kind="individual", name="王芳", id_type="身份证",
          id_number="11010519491231002X", mobile="15012345678", email="wangfang@example.cn")
    for plugin_module in [m for m in pm.hook.kjgl_module()]:
        session.add(ModuleGrant(user_id=zhang.id, module_key=plugin_module.key, granted_by_id=hp_admin.id))

    for demo in sorted(pm.hook.kjgl_demo_data(), key=lambda d: d.order):
        demo.load(session, {"organisations": {"hp": hp, "xq": xq}, "users": {"zhangmin": zhang}})
    return True
