"""通知公告: targeting inside the publisher's subtree, states, read tracking."""
from __future__ import annotations

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.notices import services as notices
from kjgl.core.notices.models import Notice
from kjgl.core.testing import login


def publish(app, title, target="subtree", value="", action="publish"):
    form = app.get("/notices/new").forms["notice-form"]
    form["title"], form["body"], form["target"] = title, f"{title}的正文", target
    if value:
        form["target_value"] = value
    return form.submit("action", value=action, status=303)


def titles(app, path="/notices"):
    return [a.text for a in app.get(path).html.select("table.list a")]


def test_audience_is_the_subtree_narrowed_to_a_module_or_an_organisation_type(make_app, dbsession):
    heping_org = factories.organisation(dbsession, agency_code="tj-d01", legal_type="企业")
    hedong_org = factories.organisation(dbsession, agency_code="tj-d02", legal_type="企业")
    person = factories.user(dbsession, "individual", organisation=heping_org)
    granted = factories.user(dbsession, "individual", organisation=heping_org)
    dbsession.add(ModuleGrant(user_id=granted.id, module_key="makerspace"))
    outsider = factories.user(dbsession, "individual", organisation=hedong_org)
    district = factories.user(dbsession, "agency", agency_code="tj-d01")
    city = factories.user(dbsession, "agency", agency_code="tj")
    dbsession.flush()
    d_app, c_app = make_app(), make_app()
    login(d_app, district.account)
    login(c_app, city.account)
    publish(d_app, "和平区通知")
    publish(d_app, "众创空间通知", "module", "makerspace")
    publish(d_app, "事业单位通知", "org_type", "机关事业单位")
    publish(d_app, "草稿通知", action="save")
    publish(c_app, "全市通知")

    seen = {}
    for user in (person, granted, outsider, district, city):
        app = make_app()
        login(app, user.account)
        seen[user.id] = titles(app)
    assert sorted(seen[person.id]) == sorted(["和平区通知", "全市通知"])
    assert sorted(seen[granted.id]) == sorted(["和平区通知", "众创空间通知", "全市通知"])
    assert seen[outsider.id] == ["全市通知"]  # another district: the city's notice only
    assert sorted(seen[district.id]) == sorted(["和平区通知", "全市通知"])
    assert seen[city.id] == ["全市通知"]  # a district's notice is not the city's
    assert not any("草稿通知" in t for ts in seen.values() for t in ts)
    org_admin = factories.user(dbsession, "org_admin", organisation=heping_org)
    for user in (person, granted, outsider, district, city, org_admin):
        # the portal's prebuilt statement answers as the one built per request
        built = [tuple(row) for row in dbsession.execute(notices.visible(dbsession, user).limit(2))]
        assert notices.latest_visible(dbsession, user, 2) == built, user.kind


def test_unread_first_read_tracking_and_withdrawal(make_app, dbsession):
    org = factories.organisation(dbsession, agency_code="tj-d01")
    person = factories.user(dbsession, "individual", organisation=org, name="王读者")
    district = factories.user(dbsession, "agency", agency_code="tj-d01")
    dbsession.flush()
    d_app = make_app()
    login(d_app, district.account)
    publish(d_app, "第一条")
    publish(d_app, "第二条")
    app = make_app()
    login(app, person.account)
    first = dbsession.scalars(select(Notice).where(Notice.title == "第一条")).one()
    page = app.get(f"/notices/{first.id}")
    assert "第一条的正文" in page.text
    assert titles(app) == ["第二条", "第一条"]  # unread first
    portal_items = [li.select_one("a").text for li in app.get("/portal").html.select(".notices-box li")]
    assert portal_items == ["第二条", "第一条"]
    reads = d_app.get(f"/notices/{first.id}/reads")
    assert "王读者" in reads.text and "已读人数：1" in " ".join(reads.html.text.split())

    manage = d_app.get("/notices/manage")
    form = next(f for f in manage.forms.values() if f.action.endswith(f"/notices/{first.id}/withdraw"))
    form.submit(status=303)
    app.get(f"/notices/{first.id}", status=404)
    assert titles(app) == ["第二条"]
    events = [e.event for e in dbsession.scalars(select(AuditEvent).where(AuditEvent.object_type == "notice")
                                                 .order_by(AuditEvent.id))]
    assert events.count("notice_publish") == 2 and events[-1] == "notice_withdraw"


def test_a_notice_names_its_missing_fields_and_another_agency_cannot_touch_it(make_app, dbsession):
    district = factories.user(dbsession, "agency", agency_code="tj-d01")
    other = factories.user(dbsession, "agency", agency_code="tj-d02")
    dbsession.flush()
    app = make_app()
    login(app, district.account)
    form = app.get("/notices/new").forms["notice-form"]
    form["target"] = "module"
    res = form.submit("action", value="publish", status=400)
    summary = res.html.select_one(".error-summary").text
    assert "标题：请填写标题" in summary and "正文：请填写正文" in summary and "请选择子系统" in summary
    publish(app, "和平区通知", action="save")
    notice = dbsession.scalars(select(Notice).where(Notice.title == "和平区通知")).one()
    assert notice.status == "draft"
    intruder = make_app()
    login(intruder, other.account)
    intruder.get(f"/notices/{notice.id}/edit", status=404)
    assert notices.readable(dbsession, other, notice.id) is None


def test_opening_a_batch_publishes_its_notice_in_the_same_step(make_app, dbsession):
    import datetime as dt

    from kjgl.core.review.models import Batch

    city = factories.user(dbsession, "agency", agency_code="tj")
    org = factories.organisation(dbsession, agency_code="tj-d01")
    granted = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=granted.id, module_key="makerspace"))
    dbsession.flush()
    app = make_app()
    login(app, city.account)
    year = dt.date.today().year + 3
    form = app.get("/makerspace/batches").forms["batch-form"]
    form["year"], form["deadline"], form["notice"] = str(year), f"{year}-06-30", True
    res = form.submit()  # the notice's title and body are missing: nothing is opened
    assert "请填写标题" in res.text and "请填写正文" in res.text
    assert dbsession.scalars(select(Batch).where(Batch.year == year)).first() is None
    form = res.forms["batch-form"]
    form["notice_title"], form["notice_body"] = f"关于开展{year}年度众创空间绩效评估的通知", "请于6月30日前完成填报。"
    flashed = form.submit(status=303).follow().html.select_one(".flash").text
    assert "并已发布通知公告" in flashed
    reader = make_app()
    login(reader, granted.account)
    assert titles(reader) == [f"关于开展{year}年度众创空间绩效评估的通知"]


def test_attachments_reach_the_audience_only(make_app, dbsession):
    from kjgl.core.testing import valid_pdf

    heping = factories.organisation(dbsession, agency_code="tj-d01")
    hedong = factories.organisation(dbsession, agency_code="tj-d02")
    reader = factories.user(dbsession, "individual", organisation=heping)
    outsider = factories.user(dbsession, "individual", organisation=hedong)
    district = factories.user(dbsession, "agency", agency_code="tj-d01")
    dbsession.flush()
    app = make_app()
    login(app, district.account)
    form = app.get("/notices/new").forms["notice-form"]
    form["title"], form["body"], form["target"] = "附件通知", "见附件", "subtree"
    fields = [(k, v) for k, v in form.submit_fields() if k not in ("files", "action")] + [("action", "publish")]
    app.post("/notices/new", fields, upload_files=[("files", "申报指南.pdf", valid_pdf())], status=303)
    notice = dbsession.scalars(select(Notice).where(Notice.title == "附件通知")).one()
    assert notice.status == "published"

    mine = make_app()
    login(mine, reader.account)
    link = mine.get(f"/notices/{notice.id}").html.select_one("ul.files a")
    assert link.text == "申报指南.pdf"
    assert mine.get(link["href"]).body.startswith(b"%PDF")
    other = make_app()
    login(other, outsider.account)
    other.get(link["href"], status=404)


def test_the_portals_notices_come_with_their_agency_and_read_mark_in_one_statement(make_app, dbsession,
                                                                                      sql_statements):
    """The portal shows each notice's agency and 已读/未读: loaded with the
    notices, so no notice or five (of the city and the district, some read)
    cost the same statements."""
    from kjgl.core.db import utcnow
    from kjgl.core.notices.models import NoticeRead

    org = factories.organisation(dbsession, agency_code="tj-d01", legal_type="企业")
    person = factories.user(dbsession, "individual", organisation=org)
    publishers = {code: factories.user(dbsession, "agency", agency_code=code) for code in ("tj", "tj-d01")}
    made = []

    def add(count):
        for _ in range(count):
            code = ("tj", "tj-d01")[len(made) % 2]
            notice = Notice(agency_id=publishers[code].agency_id, title=f"通知{len(made)}", body="正文",
                            status="published", target="subtree", created_by_id=publishers[code].id,
                            published_at=utcnow())
            dbsession.add(notice)
            dbsession.flush()
            if len(made) % 3 == 0:
                dbsession.add(NoticeRead(notice_id=notice.id, user_id=person.id))
            made.append(notice)
        dbsession.flush()
        dbsession.expire_all()

    app = make_app()
    login(app, person.account)
    app.get("/portal")
    none = sql_statements(lambda: app.get("/portal", status=200))
    add(5)
    page = app.get("/portal")
    five = sql_statements(lambda: app.get("/portal", status=200))
    assert len(five) == len(none), five
    shown = [li.get_text(" ", strip=True) for li in page.html.select(".notices-box li")]
    assert len(shown) == 5
    assert sum("已读" in text for text in shown) == 2 and all("科学技术局" in text for text in shown), shown
