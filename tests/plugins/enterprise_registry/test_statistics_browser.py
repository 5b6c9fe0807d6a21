"""全市概况图 and the drill-through in headless Chromium on the Chongqing
demo: both ECharts canvases are drawn (pixels that are not background), a
click on a bar opens the list of the enterprises it counts, and a 合计 cell
of 区县入库企业情况统计表 lands on a list of exactly that many."""
from __future__ import annotations

import re

import pytest

from kjgl.core.testing import serve_demo

pytestmark = pytest.mark.browser

S = "/enterprise-registry/agency/statistics"

# the coloured (non-white, non-grey) pixels of a canvas: the bars
PAINTED = """(id) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  if (!canvas) { return -1; }
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let blue = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && data[i + 2] > 150 && data[i] < 80) { blue += 1; }
  }
  return blue;
}"""


@pytest.fixture(scope="module")
def cq_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("cqstats"), **{
        "kjgl.plugins": "enterprise_registry", "kjgl.agency_tree": "chongqing", "kjgl.province": "重庆市",
        "kjgl.title": "重庆市科技型企业系统"})


def test_overview_charts_are_drawn_and_a_total_cell_lands_on_its_list(browser, cq_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(cq_server + "/login")
    page.fill("#account", "cqkjj")
    page.fill("#password", "Demo@2026")
    with page.expect_navigation():
        page.click("form[action$='/login'] button[type=submit]")

    page.goto(cq_server + S + "/overview/")
    page.wait_for_selector("#chart-districts[data-drawn='1'] canvas")
    page.wait_for_selector("#chart-zones[data-drawn='1'] canvas")
    page.wait_for_timeout(300)
    assert page.evaluate(PAINTED, "chart-districts") > 500
    assert page.evaluate(PAINTED, "chart-zones") > 500
    assert errors == []  # no CSP violation, no script error

    # the charts' numbers are the table's 入库科企数
    data = page.evaluate("JSON.parse(document.getElementById('chart-data').dataset.chart)")
    year = data["year"]
    page.goto(cq_server + S + f"/listing/?year={year}")
    table = {row.locator("td").nth(1).inner_text(): int(row.locator("td").nth(4).inner_text())
             for row in page.locator("#stats-table tbody tr").all()}
    for d in data["districts"]:
        assert table[d["name"]] == d["value"], d["name"]

    # click the 合计 of 入库科企数 and land on a list of that many
    total_cell = page.locator("#stats-table tr.total a[data-measure=listed]")
    expected = total_cell.inner_text()
    assert int(expected) == sum(d["value"] for d in data["districts"]) + sum(z["value"] for z in data["zones"])
    with page.expect_navigation():
        total_cell.click()
    assert "/statistics/drill/" in page.url
    assert page.locator("#drill-count").inner_text() == expected
    assert re.search(r"共\d+条记录", page.locator(".pager").inner_text())

    # a bar of the zone chart opens its list: click the middle of the tallest bar (where ECharts drew it)
    page.goto(cq_server + S + f"/overview/?year={year}")
    page.wait_for_selector("#chart-zones[data-drawn='1'] canvas")
    tallest = max(range(3), key=lambda i: data["zones"][i]["value"])
    dx, dy = page.evaluate("""([i, v]) => echarts.getInstanceByDom(document.getElementById('chart-zones'))
        .convertToPixel({seriesIndex: 0}, [i, v / 2])""", [tallest, data["zones"][tallest]["value"]])
    page.locator("#chart-zones").scroll_into_view_if_needed()
    box = page.locator("#chart-zones").bounding_box()  # in the viewport now
    x, y = box["x"] + dx, box["y"] + dy
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert f"zone={data['zones'][tallest]['key']}" in page.url
    assert page.locator("#drill-count").inner_text() == str(data["zones"][tallest]["value"])
    context.close()
