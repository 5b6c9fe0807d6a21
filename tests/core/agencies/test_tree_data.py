"""The seeded trees use the official full names (issue 8 §4)."""
from kjgl.core.agencies.tree_data import CHONGQING_DISTRICTS, CHONGQING_ZONES, chongqing, tree_for

SEED_004_ZONES = ("两江新区", "高新", "经济技术开发区")  # 两江新区/高新区、经开区


def test_chongqing_has_its_26_districts_8_counties_and_4_autonomous_counties():
    districts = [d for d in CHONGQING_DISTRICTS if d.endswith("区")]
    autonomous = [d for d in CHONGQING_DISTRICTS if d.endswith("自治县")]
    counties = [d for d in CHONGQING_DISTRICTS if d.endswith("县") and d not in autonomous]
    assert (len(districts), len(counties), len(autonomous)) == (26, 8, 4)
    assert len(set(CHONGQING_DISTRICTS)) == 38
    assert {"万州区", "渝中区", "两江新区"} & set(districts) == {"万州区", "渝中区"}  # 两江新区 is a zone


def test_chongqing_zones_are_named_in_full():
    assert "重庆两江新区" in CHONGQING_ZONES and "重庆高新技术产业开发区" in CHONGQING_ZONES
    assert "重庆经济技术开发区" in CHONGQING_ZONES and "万盛经济技术开发区" in CHONGQING_ZONES
    for zone in CHONGQING_ZONES:
        assert any(word in zone for word in SEED_004_ZONES), zone
        assert not zone.endswith(("经开区", "高新区")) and len(zone) >= 6, f"abbreviated: {zone}"
    zones = [child for child in chongqing()[5] if child[3] == "zone"]
    assert [z[0] for z in zones[:3]] == ["cq-z01", "cq-z02", "cq-z03"]
    assert zones[1][1] == "重庆高新技术产业开发区科技主管部门" and zones[1][4] == "重庆高新技术产业开发区"


def test_the_national_tree_expands_the_provinces_it_names():
    root = tree_for(["national", "chongqing"])
    codes = [child[0] for child in root[5]]
    assert "cq" in codes and "tj" not in codes and len(codes) == 31
