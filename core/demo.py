"""Demo data for ``kjgl demo INI``: the agency tree, agency staff, an approved
and a pending organisation, individuals with and without grants, then each
enabled plugin's demo rows.

Idempotent object by object: every row is looked up by its natural key
(account, credit code) and only created when missing, so running it twice
changes nothing, and running it after ``kjgl create-admin`` still loads the
rest. Plugins' loaders are called on every run and must be idempotent too.
"""
from __future__ import annotations

from sqlalchemy import select


from .accounts.models import User
from .accounts.passwords import hash_password
from .agencies.models import Agency
from .agencies.services import seed_tree
from .db import utcnow
from .grants.models import ModuleGrant
from .organisations.models import Organisation, OrganisationReview

DEMO_PASSWORD = "Demo@2026"
DEMO_LOGINS = [
    ("admin", "系统管理员"),
    ("secadmin", "安全管理员"),
    ("auditor", "审计管理员"),
    ("tjkjj", "天津市科学技术局 审核人员（负责人：分派审核记录）"),
    ("tjshenhe", "天津市科学技术局 审核人员（非负责人）"),
    ("hepingkj", "和平区科学技术局 审核人员（负责人）"),
    ("xiqingkj", "西青区科学技术局 审核人员"),
    ("binhaigxq", "滨海新区高新技术产业开发区 审核人员"),
    ("cqkjj", "重庆市科学技术局 审核人员"),
    ("torch", "火炬中心 审核人员"),
    ("hpchuangke", "法人用户：天津和平创客空间管理有限公司（已审核通过）"),
    ("xqfuhua", "法人用户：天津西青科技孵化器有限公司（待审核）"),
    ("zhangmin", "个人用户：已选单位，已授权全部子系统"),
    ("liuyang", "个人用户：已选单位，未授权"),
    ("wangfang", "个人用户：未选择单位"),
]

# (account, name, agency code, mobile): created when the deployment's tree has the agency
STAFF = (
    ("tjkjj", "市局审核员", "tj", "13602000001"),
    ("tjshenhe", "王静", "tj", "13602000011"),
    ("hepingkj", "和平区审核员", "tj-d01", "13602000002"),
    ("xiqingkj", "西青区审核员", "tj-d08", "13602000004"),
    ("binhaigxq", "高新区审核员", "tj-z01", "13602000003"),
    ("cqkjj", "重庆市局审核员", "cq", "13602300001"),
    ("torch", "火炬中心审核员", "torch", "13601000001"),
    # 天津市科学技术局 in the national tree alone (kjgl.agency_tree = national)
    ("tjsl", "天津市科技局受理员", "p02", "13602000009"),
)

# the heads (负责人) of their agencies, who assign its records: every demo agency's first reviewer
HEADS = ("tjkjj", "hepingkj", "xiqingkj", "binhaigxq", "cqkjj", "torch", "tjsl")

# (title, body, published) of the demo notices of 天津市科学技术局
NOTICES = (
    ("关于开展年度众创空间和孵化器绩效评估工作的通知",
     "各区科技局、各众创空间和孵化器运营单位：\n\n年度绩效评估工作现已开始，请于截止日期前通过本平台填报并提交，"
     "提交前请核对签章页。\n\n联系电话：022-23456789", True),
    ("关于国家备案众创空间推荐工作的通知（草稿）", "请各运营单位按要求准备申报材料。", False),
)

# the first 17 characters of two 统一社会信用代码; the check character is computed
ORG_CODES = {"hp": "91120101MA05K3XQ1", "xq": "91120111MA06P8RL7"}
# a 身份证号码 with a valid check digit, for the demo people
DEMO_ID = "11010519491231002X"


class _Loader:
    def __init__(self, session):
        self.session = session
        self.created = 0

    def user(self, account: str, **fields) -> User:
        user = self.session.scalars(select(User).where(User.account == account)).first()
        if user is None:
            user = User(account=account, password_hash=hash_password(DEMO_PASSWORD), status="active", **fields)
            self.session.add(user)
            self.session.flush()
            self.created += 1
        return user

    def head(self, user: User) -> None:
        from .agencies.heads import AgencyHead

        if self.session.get(AgencyHead, user.agency_id) is None:
            self.session.add(AgencyHead(agency_id=user.agency_id, user_id=user.id))
            self.session.flush()
            self.created += 1

    def notice(self, author: User, title: str, body: str, published: bool) -> None:
        from .notices.models import Notice

        found = self.session.scalars(select(Notice).where(Notice.agency_id == author.agency_id,
                                                          Notice.title == title)).first()
        if found is None:
            self.session.add(Notice(agency_id=author.agency_id, created_by_id=author.id, title=title, body=body,
                                    target="subtree", status="published" if published else "draft",
                                    published_at=utcnow() if published else None))
            self.session.flush()
            self.created += 1

    def organisation(self, key: str, name: str, status: str, agency: Agency | None, district: str) -> Organisation:
        from stdnum.cn import uscc

        code = ORG_CODES[key] + uscc.calc_check_digit(ORG_CODES[key])
        org = self.session.scalars(select(Organisation).where(Organisation.credit_code == code)).first()
        if org is not None:
            return org
        org = Organisation(
            name=name, credit_code=code, legal_type="企业", legal_nature="企业法人", status=status,
            legal_rep_name="陈建国", legal_rep_id_type="身份证", legal_rep_id_number=DEMO_ID,
            legal_rep_id_long_term=True, legal_rep_mobile="13820001234",
            contact_name="赵敏", contact_mobile="13920005678", contact_email="contact@example.cn",
            agency=agency, reg_district=district, reg_address="示范路8号", loc_district=district,
            loc_address="示范路8号", bank_account_name=name, bank_name="中国工商银行天津分行",
            bank_account_no="0302000000000000001",
        )
        self.session.add(org)
        self.session.flush()
        self.created += 1
        return org

    def review(self, org: Organisation, reviewer: User, opinion: str) -> None:
        if org.reviews:
            return
        review = OrganisationReview(organisation=org, reviewer_id=reviewer.id, decision="approve", opinion=opinion)
        self.session.add(review)
        org.reviewed_at = org.reviewed_at or utcnow()  # the status page says when it was approved
        self.created += 1

    def grant(self, user: User, module_key: str, granted_by: User) -> None:
        exists = self.session.scalar(select(ModuleGrant.id).where(ModuleGrant.user_id == user.id,
                                                                 ModuleGrant.module_key == module_key))
        if exists is None:
            self.session.add(ModuleGrant(user_id=user.id, module_key=module_key, granted_by_id=granted_by.id))
            self.created += 1


def load(session, settings: dict, pm) -> bool:
    """Load what is missing; returns True when the core created anything."""
    loader = _Loader(session)
    root = seed_tree(session, settings)
    agencies = {a.code: a for a in session.scalars(select(Agency))}

    admin = loader.user("admin", kind="admin", name="系统管理员")
    loader.user("secadmin", kind="security_admin", name="安全管理员")
    loader.user("auditor", kind="audit_admin", name="审计管理员")
    staff = {account: loader.user(account, kind="agency", name=name, agency=agencies[code], mobile=mobile)
             for account, name, code, mobile in STAFF if code in agencies}
    for account in HEADS:
        if account in staff:
            loader.head(staff[account])

    # Tianjin's districts when the tree has them, the root bureau otherwise
    heping = agencies.get("tj-d01", root)
    xiqing = agencies.get("tj-d08", root)
    hp = loader.organisation("hp", "天津和平创客空间管理有限公司", "active", heping, "和平区")
    xq = loader.organisation("xq", "天津西青科技孵化器有限公司", "pending", xiqing, "西青区")
    if hp.status == "active":
        loader.review(hp, staff.get("hepingkj", admin), "材料齐全，同意。")
    if xq.status == "pending" and xq.submitted_at is None:
        xq.submitted_at = utcnow()

    hp_admin = loader.user("hpchuangke", kind="org_admin", name="陈建国", organisation=hp, id_type="身份证",
                           id_number=DEMO_ID, mobile="13820001234", email="admin@hpck.example.cn")
    xq_admin = loader.user("xqfuhua", kind="org_admin", name="周海", organisation=xq, id_type="身份证",
                           id_number=DEMO_ID, mobile="13820004321", email="admin@xqfh.example.cn")
    zhang = loader.user("zhangmin", kind="individual", name="张敏", organisation=hp, id_type="身份证",
                        id_number=DEMO_ID, mobile="13612345678", email="zhangmin@example.cn")
    liu = loader.user("liuyang", kind="individual", name="刘洋", organisation=hp, id_type="普通护照",
                      id_number="E12345678", mobile="13712345678", email="liuyang@example.cn")
    wang = loader.user("wangfang", kind="individual", name="王芳", id_type="身份证", id_number=DEMO_ID,
                       mobile="15012345678", email="wangfang@example.cn")
    for module in pm.hook.kjgl_module():
        loader.grant(zhang, module.key, hp_admin)
    if "tjkjj" in staff:  # 通知公告: one published to the whole Tianjin subtree, one draft
        for title, body, published in NOTICES:
            loader.notice(staff["tjkjj"], title, body, published)
    session.flush()

    context = {
        "settings": settings,  # where demo files go (kjgl.storage_dir)
        "agencies": agencies,
        "organisations": {"hp": hp, "xq": xq},
        "users": {"admin": admin, **staff, "hpchuangke": hp_admin, "xqfuhua": xq_admin,
                  "zhangmin": zhang, "liuyang": liu, "wangfang": wang},
    }
    for demo in sorted(pm.hook.kjgl_demo_data(), key=lambda d: d.order):
        demo.load(session, context)
    return loader.created > 0
