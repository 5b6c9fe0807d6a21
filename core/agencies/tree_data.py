"""The agency trees a deployment can seed (``kjgl.agency_tree``).

Each tree is (code, name, level, kind, children). Tianjin's functional zones
are district-level agencies beside the districts: seed 000 says a carrier in
one of them chooses the zone, any other carrier in 滨海新区 chooses 滨海新区.
"""
from __future__ import annotations

TIANJIN_DISTRICTS = (
    "和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区",
    "津南区", "北辰区", "武清区", "宝坻区", "宁河区", "静海区", "蓟州区", "滨海新区",
)
TIANJIN_ZONES = (
    "滨海新区高新技术产业开发区", "滨海新区天津港保税区", "天津经济技术开发区",
    "中新天津生态城", "东疆保税港",
)
CHONGQING_DISTRICTS = (
    "万州区", "黔江区", "涪陵区", "渝中区", "大渡口区", "江北区", "沙坪坝区", "九龙坡区",
    "南岸区", "北碚区", "綦江区", "大足区", "渝北区", "巴南区", "长寿区", "江津区",
    "合川区", "永川区", "南川区", "璧山区", "铜梁区", "潼南区", "荣昌区", "开州区",
    "梁平区", "武隆区", "城口县", "丰都县", "垫江县", "忠县", "云阳县", "奉节县",
    "巫山县", "巫溪县", "石柱土家族自治县", "秀山土家族苗族自治县",
    "酉阳土家族苗族自治县", "彭水苗族土家族自治县",
)
# Seed 004's "两江新区/高新区、经开区" column and its chart of "两江新区、国家级高新区
# 和经开区": the national new area, the four national high-tech zones and the
# three national economic-technological development zones, plus 万盛经开区
# (which governs the former 万盛区), by their official full names. 重庆高新技术
# 产业开发区 is branded 西部科学城重庆高新区. The first three codes (cq-z01..03)
# keep their order; municipal high-tech zones are added by the system admin.
CHONGQING_ZONES = (
    "重庆两江新区", "重庆高新技术产业开发区", "万盛经济技术开发区",
    "重庆经济技术开发区", "万州经济技术开发区", "长寿经济技术开发区",
    "璧山高新技术产业开发区", "荣昌高新技术产业开发区", "永川高新技术产业开发区",
)
PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
    "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省",
    "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)


def _city(prefix: str, name: str, region: str, districts, zones):
    children = [(f"{prefix}-d{i:02d}", d + "科学技术局", "district", "district", d, ())
                for i, d in enumerate(districts, 1)]
    children += [(f"{prefix}-z{i:02d}", z + "科技主管部门", "district", "zone", z, ())
                  for i, z in enumerate(zones, 1)]
    return (prefix, name, "city", "bureau", region, tuple(children))


def tianjin():
    return _city("tj", "天津市科学技术局", "天津市", TIANJIN_DISTRICTS, TIANJIN_ZONES)


def chongqing():
    return _city("cq", "重庆市科学技术局", "重庆市", CHONGQING_DISTRICTS, CHONGQING_ZONES)


def national(include=()):
    """The Torch Center with every province's science department; the
    provinces named in ``include`` get their full subtree."""
    full = {"天津市": tianjin, "重庆市": chongqing}
    children = []
    for i, province in enumerate(PROVINCES, 1):
        if province in include:
            children.append(full[province]())
        else:
            suffix = "科学技术局" if province.endswith("市") else "科学技术厅"
            children.append((f"p{i:02d}", province + suffix, "city", "bureau", province, ()))
    return ("torch", "科学技术部火炬高技术产业开发中心", "national", "bureau", "全国", tuple(children))


def tree_for(names: list[str]):
    """``kjgl.agency_tree`` → one root. ``tianjin``; ``chongqing``; ``national``
    optionally followed by provinces to expand (``national tianjin chongqing``)."""
    names = list(names)
    if not names:
        names = ["tianjin"]
    if names[0] == "national":
        include = {"tianjin": "天津市", "chongqing": "重庆市"}
        return national([include[n] for n in names[1:]])
    if names == ["tianjin"]:
        return tianjin()
    if names == ["chongqing"]:
        return chongqing()
    raise ValueError(f"kjgl.agency_tree: unknown tree {' '.join(names)!r} (tianjin, chongqing, national [tianjin] [chongqing])")
