"""What a reviewer reads when two versions of an application differ."""
from kjgl.core.filings.snapshots import diff

from ..exports.sample_application import snapshot, venue


def tab(data, key):
    return next(t for t in data["tabs"] if t["key"] == key)


def venue_rows(data):
    return tab(data, "venues")["tables"][0]["rows"]


def test_equal_snapshots_have_no_differences():
    assert diff(snapshot(), snapshot()) == []


def test_a_changed_field():
    b = snapshot()
    tab(b, "basic")["fields"][2]["value"] = "4"
    assert diff(snapshot(), b) == ["基础信息 · 主流媒体报道次数：3 → 4"]


def test_a_field_emptied_or_filled():
    a, b = snapshot(), snapshot()
    tab(b, "basic")["fields"][1]["value"] = ""
    assert diff(a, b) == ["基础信息 · 成立时间：2018-05-01 → （空）"]
    assert diff(b, a) == ["基础信息 · 成立时间：（空） → 2018-05-01"]


def test_a_changed_long_text_is_summarised_with_its_lengths():
    b = snapshot()
    text = tab(b, "ability")["fields"][0]
    old = text["value"]
    text["value"] = old + "\n三、新增技术转移服务。"
    (line,) = diff(snapshot(), b)
    assert line.startswith(f"服务能力 · 服务能力：内容已修改（{len(old)}字 → {len(text['value'])}字）")


def test_a_changed_figure_with_its_unit():
    b = snapshot()
    tab(b, "venues")["figures"][0]["value"] = "12.00"
    tab(b, "venues")["figures"][2]["value"] = "—"
    assert diff(snapshot(), b) == [
        "服务场地 · 众创空间服务场地总面积（m²）：10.00 → 12.00",
        "服务场地 · 创业团队和企业场地与公共服务场地的面积占总面积比例（%）：30.0 → —",
    ]


def test_a_changed_cell_names_the_row_by_position_and_first_column():
    b = snapshot()
    venue_rows(b)[1]["cells"]["area"] = "12.00"
    assert diff(snapshot(), b) == [
        "服务场地 · 第2行（孵化场地地址：天津市和平区南京路2号）· 众创空间面积（m²）：4.00 → 12.00"]


def test_an_added_row():
    b = snapshot()
    venue_rows(b).append(venue(13, "天津市和平区南京路3号", "3.00", "4", []))
    assert diff(snapshot(), b) == ["服务场地：新增第3行（孵化场地地址：天津市和平区南京路3号）"]


def test_a_removed_row_does_not_make_the_rows_after_it_look_changed():
    b = snapshot()
    del venue_rows(b)[0]
    assert diff(snapshot(), b) == ["服务场地：删除第1行（孵化场地地址：天津市和平区南京路1号）"]


def test_rows_without_ids_are_matched_by_position():
    """Removed rows first (numbered as they were), then changed rows, then added rows."""
    a, b = snapshot(), snapshot()
    for rows in (venue_rows(a), venue_rows(b)):
        for row in rows:
            row.pop("id")
    del venue_rows(b)[0]
    assert diff(a, b) == [
        "服务场地：删除第2行（孵化场地地址：天津市和平区南京路2号）",
        "服务场地 · 第1行（孵化场地地址：天津市和平区南京路1号）· 孵化场地地址：天津市和平区南京路1号 → 天津市和平区南京路2号",
        "服务场地 · 第1行（孵化场地地址：天津市和平区南京路1号）· 众创空间面积（m²）：6.00 → 4.00",
        "服务场地 · 第1行（孵化场地地址：天津市和平区南京路1号）· 创业工位数：12 → 8",
        "服务场地 · 第1行（孵化场地地址：天津市和平区南京路1号）· 证明材料：新增 租赁合同.pdf、补充协议.pdf；删除 房产证明.pdf",
    ]


def test_a_rows_proofs():
    b = snapshot()
    venue_rows(b)[0]["files"] = ["房产证明.pdf", "产权补充说明.pdf"]
    assert diff(snapshot(), b) == [
        "服务场地 · 第1行（孵化场地地址：天津市和平区南京路1号）· 证明材料：新增 产权补充说明.pdf"]


def test_a_tabs_files():
    b = snapshot()
    tab(b, "basic")["files"][0]["filenames"] = ["承诺书（重新签章）.pdf"]
    assert diff(snapshot(), b) == ["基础信息 · 承诺书：新增 承诺书（重新签章）.pdf；删除 承诺书（签章）.pdf"]


def test_a_table_titled_differently_from_its_tab_names_both():
    b = snapshot()
    tab(b, "basic")["tables"][0]["rows"][0]["cells"]["media"] = "人民日报"
    assert diff(snapshot(), b) == ["基础信息 · 宣传报道 · 第1行（报道标题：创客空间助力青年创业）· 媒体名称：天津日报 → 人民日报"]


def test_differences_come_in_document_order():
    b = snapshot()
    tab(b, "ability")["fields"][0]["value"] = "改写"
    venue_rows(b)[0]["cells"]["seats"] = "13"
    tab(b, "basic")["fields"][3]["value"] = "2"
    lines = diff(snapshot(), b)
    assert [line.split(" · ")[0] for line in lines] == ["基础信息", "服务场地", "服务能力"]


def test_a_tab_present_in_one_version_only():
    a, b = snapshot(), snapshot()
    b["tabs"] = [t for t in b["tabs"] if t["key"] != "ability"]
    (line,) = diff(a, b)
    assert line.startswith("服务能力 · 服务能力：已清空（原")
