"""Demo data of the registry (``kjgl demo etc/chongqing.ini``): a few hundred
generated enterprises across Chongqing's districts and zones with three years
of reports in mixed review states (:mod:`.generate`), a 渝中区 reviewer, and
an enterprise account that has not filed yet (the journey's starting point).

Idempotent: the generated enterprises are made once (found by their credit
code prefix), the accounts by their names. Only a Chongqing deployment (its
tree holds Chongqing's bureau and not Tianjin's) gets them: the development
deployment keeps its small demo world."""
from __future__ import annotations

from sqlalchemy import func, select
from stdnum.cn import uscc

from kjgl.core.accounts.models import User
from kjgl.core.accounts.passwords import hash_password
from kjgl.core.agencies.models import Agency
from kjgl.core.demo import DEMO_ID, DEMO_PASSWORD
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.organisations.models import Organisation

from . import generate

DEMO_ENTERPRISES = 300
SHOWCASE_CODE = "91500105MA5U7Q8K3"  # + check character
LOGINS = (("yuzhongkj", "渝中区科学技术局 审核人员"), ("cqqiye", "个人用户：重庆渝创示范科技有限公司（未填报基本信息）"))


def _user(db, account, **fields) -> User:
    user = db.scalars(select(User).where(User.account == account)).first()
    if user is None:
        user = User(account=account, password_hash=hash_password(DEMO_PASSWORD), status="active", **fields)
        db.add(user)
        db.flush()
    return user


def load(db, context: dict) -> None:
    agencies = context.get("agencies") or {}
    if "cq" not in agencies or "tj" in agencies:
        return
    district = db.scalars(select(Agency).where(Agency.level == "district", Agency.region == "渝中区",
                                               Agency.code.like("cq-%"))).first() \
        or db.scalars(select(Agency).where(Agency.level == "district", Agency.code.like("cq-%"))
                      .order_by(Agency.code)).first()
    if district is None:
        return
    made = db.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.credit_code.like(generate.CODE_PREFIX + "%")))
    if not made:
        generate.generate(db, DEMO_ENTERPRISES, years=3, seed=2026, events=True)
    _user(db, "yuzhongkj", kind="agency", name=f"{district.region}审核员", agency=district, mobile="13602300004")
    code = SHOWCASE_CODE + uscc.calc_check_digit(SHOWCASE_CODE)
    org = db.scalars(select(Organisation).where(Organisation.credit_code == code)).first()
    if org is None:
        name = "重庆渝创示范科技有限公司"
        org = Organisation(name=name, credit_code=code, legal_type="企业", legal_nature="企业法人", status="active",
                           legal_rep_name="何晓东", legal_rep_id_type="身份证", legal_rep_id_number=DEMO_ID,
                           legal_rep_id_long_term=True, legal_rep_mobile="13983001234", contact_name="何晓东",
                           contact_mobile="13983001234", contact_email="contact@yuchuang.example.cn",
                           agency=district, reg_district=district.region, reg_address="解放碑民族路88号",
                           loc_district=district.region, loc_address="解放碑民族路88号", bank_account_name=name,
                           bank_name="重庆银行解放碑支行", bank_account_no="0300000000000000088")
        db.add(org)
        db.flush()
    admin = _user(db, "cqqiyeadmin", kind="org_admin", name="何晓东", organisation=org, id_type="身份证",
                  id_number=DEMO_ID, mobile="13983001234", email="admin@yuchuang.example.cn")
    filer = _user(db, "cqqiye", kind="individual", name="唐静", organisation=org, id_type="身份证",
                  id_number=DEMO_ID, mobile="13983005678", email="tangjing@yuchuang.example.cn")
    if db.scalar(select(ModuleGrant.id).where(ModuleGrant.user_id == filer.id,
                                              ModuleGrant.module_key == "enterprise_registry")) is None:
        db.add(ModuleGrant(user_id=filer.id, module_key="enterprise_registry", granted_by_id=admin.id))
    db.flush()
    from . import declaration_demo

    declaration_demo.load(db)
