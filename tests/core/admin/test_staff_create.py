"""Creating agency staff accounts: the rules and what the new user can do."""
import json

from sqlalchemy import select

from kjgl.core import factories, validators
from kjgl.core.accounts.models import User
from kjgl.core.audit.models import AuditEvent
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.testing import login

SHOW = "页面显示（仅显示一次）"
MAIL = "发送至电子邮箱"


def _form(app, **values):
    form = next(f for f in app.get("/admin/staff/new").forms.values() if "account" in f.fields)
    defaults = {"account": "hexikj01", "name": "河西区审核员", "agency": "tj-d03", "mobile": "13820007777",
                "email": "", "delivery": SHOW}
    defaults.update(values)
    for name, value in defaults.items():
        form[name] = value
    return form


def _error(res, field):
    node = res.html.select_one(f"#field-{field} .error")
    return node.get_text(strip=True) if node else None


def _shown_password(res):
    return res.html.select_one("#one-time-password").get_text(strip=True)


def test_form_offers_the_whole_tree_including_the_root(admin_app, dbsession):
    factories.agency(dbsession, "tj-d01")
    page = admin_app.get("/admin/staff/new")
    codes = [o["value"] for o in page.html.select("select#agency option") if o["value"]]
    assert codes[0] == "torch"  # the tree's root bureau comes first
    assert {"tj", "tj-d01", "tj-z01", "cq", "cq-d01"} <= set(codes)
    heping = page.html.select_one('select#agency option[value="tj-d01"]')
    assert heping["title"].endswith("天津市科学技术局 / 和平区科学技术局")


def test_created_staff_is_shown_a_password_once_and_audited(admin_app, dbsession):
    res = _form(admin_app).submit(status=200)
    assert res.headers["Cache-Control"] == "no-store"
    password = _shown_password(res)
    assert validators.password_strength(password) is None
    user = dbsession.scalars(select(User).where(User.account == "hexikj01")).one()
    assert (user.kind, user.status, user.agency.code, user.must_change_password) == ("agency", "active", "tj-d03", True)
    assert "天津市科学技术局 / 河西区科学技术局" in res.text
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "staff_create")).one()
    assert (event.account, event.object_type, event.object_id) == ("platformadmin", "user", str(user.id))
    assert password not in event.detail and json.loads(event.detail)["created_account"] == "hexikj01"
    # the list then shows the account, masked mobile and full agency path; the password is gone
    listing = admin_app.get("/admin/staff")
    assert "hexikj01" in listing.text and "138****7777" in listing.text
    assert "13820007777" not in listing.text and password not in listing.text


def test_new_staff_must_change_the_password_then_lands_on_review(make_app, admin_app, dbsession):
    password = _shown_password(_form(admin_app).submit())
    staff_app = make_app()
    res = login(staff_app, "hexikj01", password)
    assert res.location.endswith("/account/password")
    page = res.follow()
    assert "请先修改密码" in page.text
    form = next(f for f in page.forms.values() if "old_password" in f.fields)
    form["old_password"], form["password"], form["password_confirm"] = password, "Hexi@2026new", "Hexi@2026new"
    done = form.submit(status=303)
    assert done.location.endswith("/agency/organisations")
    dbsession.expire_all()
    assert dbsession.scalars(select(User).where(User.account == "hexikj01")).one().must_change_password is False


def test_password_can_be_mailed_instead(make_app, admin_app, dbsession):
    res = _form(admin_app, email="hexi@kxjs.example.cn", delivery=MAIL).submit(status=303)
    listing = res.follow()
    assert "初始密码已发送至 he***@kxjs.example.cn" in listing.text
    mail = dbsession.scalars(select(OutboxMessage).where(OutboxMessage.to("hexi@kxjs.example.cn"))).one()
    assert "hexikj01" in mail.body and "账号开通" in mail.subject
    password = mail.body.split("初始密码：")[1].split()[0]
    assert validators.password_strength(password) is None
    assert password not in listing.text
    assert login(make_app(), "hexikj01", password).location.endswith("/account/password")


def test_bad_input_is_named_next_to_each_field(admin_app, dbsession):
    res = _form(admin_app, account="1abc", name="", agency="", mobile="12345", email="not-mail").submit(status=200)
    assert _error(res, "account") == validators.account("1abc")
    assert _error(res, "name") == "姓名不能为空"
    assert _error(res, "agency") == "请选择所属主管部门"
    assert _error(res, "mobile") == "请输入正确的11位手机号码"
    assert _error(res, "email") == "请输入正确的电子邮箱"
    # what was typed comes back so nothing is lost
    assert res.html.select_one("#account")["value"] == "1abc"
    assert res.html.select_one("#mobile")["value"] == "12345"
    assert dbsession.scalars(select(User).where(User.kind == "agency")).all() == []


def test_mailing_needs_an_address(admin_app, dbsession):
    res = _form(admin_app, email="", delivery=MAIL).submit(status=200)
    assert _error(res, "email") == "选择发送至电子邮箱时，电子邮箱不能为空"


def test_agency_outside_the_tree_is_refused(admin_app, dbsession):
    form = _form(admin_app)
    res = admin_app.post("/admin/staff/new", dict(form.submit_fields(), agency="nowhere"), status=200)
    assert _error(res, "agency") == "所属主管部门的取值无效"


def test_account_must_be_unique_ignoring_case(admin_app, dbsession):
    factories.user(dbsession, "individual", account="Hexikj01")
    res = _form(admin_app).submit(status=200)
    assert _error(res, "account") == "该账号已被使用，请更换"
    assert dbsession.scalars(select(User).where(User.kind == "agency")).all() == []
