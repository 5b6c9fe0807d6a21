from kjgl.core import main
from kjgl.core.testing import base_settings


def test_the_production_app_compiles_every_template_before_serving(tmp_path):
    """Every template of the core and the enabled plugins compiles (a broken
    one stops start-up here rather than failing a request later)."""
    from kjgl.core import warmup

    seen = []
    original = warmup.compile_templates

    def spy(registry):
        count = original(registry)
        seen.append(count)
        return count

    warmup.compile_templates = spy
    try:
        main({}, **base_settings("sqlite:///" + str(tmp_path / "w.sqlite")))
    finally:
        warmup.compile_templates = original
    specs = warmup.template_specs(["kjgl.core"])
    assert "kjgl.core:templates/layout.pt" in specs and "kjgl.core:templates/filings/form.pt" in specs
    assert seen and seen[0] >= len(specs)


def test_no_template_loads_another_with_load(tmp_path):
    """``load:`` makes a template instance per caller that start-up never
    compiles: the first requests compile it on several threads at once, which
    CPython 3.11 can fail with a 500 (cpython#106905; seen in the load test).
    Macro files come in as globals from the renderer cache instead."""
    import re
    from importlib.resources import files

    from kjgl.core import warmup

    offenders = []
    for spec in warmup.template_specs(["kjgl.core"] + [f"kjgl.plugins.{p}" for p in
                                                       ("makerspace", "incubator", "national_record",
                                                        "enterprise_registry")]):
        package, rel = spec.split(":")
        if re.search(r"\bload:", (files(package) / rel).read_text(encoding="utf-8")):
            offenders.append(spec)
    assert offenders == []


def test_after_start_up_no_request_compiles_a_template(make_app, dbsession, monkeypatch):
    import chameleon.template

    from kjgl.core import factories, warmup
    from kjgl.core.testing import login

    app = make_app(**{"kjgl.title": "模板预编译测试"})  # an app of its own: nothing rendered before
    warmup.compile_templates(app.app.registry)
    compiled = []
    original = chameleon.template.BaseTemplate.cook

    def cook(self, body):
        compiled.append(str(self.filename))
        return original(self, body)

    monkeypatch.setattr(chameleon.template.BaseTemplate, "cook", cook)
    for path in ("/login", "/register/legal", "/register/individual", "/recover/sms", "/recover/questions"):
        app.get(path, status=200)
    org = factories.organisation(dbsession)
    login(app, factories.org_admin(dbsession, org).account)
    app.get("/org/users", status=200)
    app.reset()
    import datetime as dt

    from kjgl.core.grants.models import ModuleGrant
    from kjgl.core.review import services as review

    person = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=person.id, module_key="makerspace"))
    today = dt.date.today()
    batch = review.open_batch(dbsession, "makerspace", today.year, today + dt.timedelta(days=30),
                              factories.user(dbsession, "agency", agency_code="tj"))
    filing = app.app.registry["kjgl.filings"]["makerspace"]
    draft = review.create_draft(dbsession, module_key="makerspace", kind=filing.kind, batch=batch,
                                organisation=org, applicant=person, title="和平创客空间")
    dbsession.flush()
    login(app, person.account)
    app.get("/makerspace/new", status=200)
    app.get(f"/makerspace/{draft.id}/edit", status=200)  # uses the filing macros
    app.get(f"/makerspace/{draft.id}", status=200)
    assert compiled == []
