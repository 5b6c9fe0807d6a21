"""A small application snapshot (the plain-data shape the application
document is rendered from), shaped like seed 003's tabs: a long text section,
figures computed from a table, a wide detail table with proofs per row, and
a document-level file slot."""
import copy

VENUE_COLUMNS = [
    {"name": "address", "label": "孵化场地地址"},
    {"name": "area", "label": "众创空间面积（m²）"},
    {"name": "team_area", "label": "创业团队和企业场地面积（m²）"},
    {"name": "public_area", "label": "公共服务场地面积（m²）"},
    {"name": "own_area", "label": "自用场地面积（m²）"},
    {"name": "other_area", "label": "其它面积（m²）"},
    {"name": "seats", "label": "创业工位数"},
    {"name": "property", "label": "产权情况"},
]


def venue(row_id, address, area, seats, files):
    return {"id": row_id, "cells": {"address": address, "area": area, "team_area": "2.00", "public_area": "1.00",
                                    "own_area": "1.00", "other_area": "0.00", "seats": seats, "property": "租赁"},
            "files": files}


SNAPSHOT = {
    "title": "2026年国家备案众创空间申报书",
    "subtitle": "申报机构：天津和平创客空间管理有限公司　　载体：和平创客空间",
    "tabs": [
        {"key": "basic", "title": "基础信息",
         "fields": [
             {"name": "carrier", "label": "众创空间名称", "value": "和平创客空间"},
             {"name": "founded", "label": "成立时间", "value": "2018-05-01"},
             {"name": "media", "label": "主流媒体报道次数", "value": "3"},
             {"name": "honours", "label": "获得荣誉数量", "value": "1"},
         ],
         "tables": [
             {"key": "media", "title": "宣传报道",
              "columns": [{"name": "title", "label": "报道标题"}, {"name": "media", "label": "媒体名称"},
                          {"name": "date", "label": "报道日期"}],
              "rows": [{"id": 1, "cells": {"title": "创客空间助力青年创业", "media": "天津日报", "date": "2021-03-02"},
                        "files": ["报道截图.pdf"]}]},
         ],
         "files": [{"slot": "pledge", "title": "承诺书", "filenames": ["承诺书（签章）.pdf"]}]},
        {"key": "venues", "title": "服务场地",
         "figures": [
             {"name": "total_area", "label": "众创空间服务场地总面积", "unit": "m²", "value": "10.00"},
             {"name": "seats", "label": "创业工位总数", "unit": "个", "value": "20"},
             {"name": "ratio", "label": "创业团队和企业场地与公共服务场地的面积占总面积比例", "unit": "%", "value": "30.0"},
         ],
         "tables": [
             {"key": "venues", "title": "服务场地", "columns": VENUE_COLUMNS,
              "rows": [venue(11, "天津市和平区南京路1号", "6.00", "12", ["房产证明.pdf"]),
                       venue(12, "天津市和平区南京路2号", "4.00", "8", ["租赁合同.pdf", "补充协议.pdf"])]},
         ]},
        {"key": "ability", "title": "服务能力",
         "fields": [{"name": "ability", "label": "服务能力",
                     "value": "一、建立了创业辅导体系，为入驻团队提供政策咨询、工商注册、财务代理等服务。\n"
                              "二、与五家投资机构签订合作协议，定期举办项目路演。"}]},
    ],
}


def snapshot():
    """A fresh copy to change in a test."""
    return copy.deepcopy(SNAPSHOT)
