"""The individual's 申报系统选择 portal and the modules' landing pages."""
from kjgl.core import factories
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.hookspecs import ModuleInfo, hookimpl
from kjgl.core.portal.views import module_home
from kjgl.core.testing import login


class LandingPlugin:
    """A plugin whose home page is still the core's generic landing page."""

    MODULE = ModuleInfo(key="landing_demo", title="测试子系统", description="用于测试的子系统说明。",
                        home_route="landing_demo.home")

    @hookimpl
    def kjgl_module(self):
        return self.MODULE

    @hookimpl
    def kjgl_includeme(self, config):
        config.add_route("landing_demo.home", "/landing-demo/")
        config.add_view(lambda request: module_home(request, self.MODULE), route_name="landing_demo.home",
                        renderer="kjgl.core:templates/module_home.pt", permission="landing_demo:module:use")


def _grant(dbsession, org, person, *keys):
    admin = factories.org_admin(dbsession, org)
    for key in keys:
        dbsession.add(ModuleGrant(user_id=person.id, module_key=key, granted_by_id=admin.id))
    dbsession.flush()


def test_portal_shows_cards_of_granted_modules_only(make_app, dbsession):
    app = make_app(plugins=["makerspace", "incubator"])
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    _grant(dbsession, org, person, "makerspace", "enterprise_registry")
    login(app, person.account)
    page = app.get("/portal")
    cards = page.html.select(".modules .module")
    assert [c.select_one("h3").text for c in cards] == ["天津市众创空间绩效评估系统"]
    assert page.click("在线办理").request.path == "/makerspace/"


def test_module_landing_page(make_app, dbsession):
    app = make_app(plugins=["landing_demo"], extra_plugins={"landing_demo": LandingPlugin()})
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    login(app, person.account)
    app.get("/landing-demo/", status=403)
    _grant(dbsession, org, person, "landing_demo")
    landing = app.get("/portal").click("在线办理")
    assert landing.html.select_one("h1").text == "测试子系统"
    assert "用于测试的子系统说明。" in landing.text
    # not built yet, and saying so: no empty list that looks like a finished page (issue 13 §5)
    assert "该子系统正在建设中" in landing.html.select_one(".notice.building").text
    assert landing.html.select_one("table") is None
    assert landing.click("申报系统选择").request.path == "/portal"


def test_portal_explains_what_is_missing(app, dbsession):
    loose = factories.user(dbsession)
    login(app, loose.account)
    assert "您尚未选择管理单位" in app.get("/portal").text

    pending = factories.organisation(dbsession, status="pending")
    waiting = factories.user(dbsession, organisation=pending)
    app.reset()
    login(app, waiting.account)
    page = app.get("/portal")
    assert "尚未通过主管部门审核" in page.text and "在线办理" not in page.text

    active = factories.organisation(dbsession)
    ungranted = factories.user(dbsession, organisation=active)
    app.reset()
    login(app, ungranted.account)
    assert "还没有任何子系统的访问权限" in app.get("/portal").text


def test_portal_is_for_individuals(app, dbsession):
    org = factories.organisation(dbsession)
    login(app, factories.org_admin(dbsession, org).account)
    app.get("/portal", status=403)
