"""The audit log's filter form."""
from __future__ import annotations

from ..forms import Field, Schema

RESULTS = {"1": "成功", "0": "失败"}


def _date_order(data):
    if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
        return {"date_to": "结束日期不能早于开始日期"}
    return {}


def filter_schema(event_names) -> Schema:
    return Schema(
        Field("date_from", "开始日期", kind="date", required=False),
        Field("date_to", "结束日期", kind="date", required=False),
        Field("account", "账号", required=False, max_length=30),
        Field("event", "事件类型", kind="select", required=False, choices=tuple(event_names)),
        Field("object_type", "对象类型", required=False, max_length=64),
        Field("object_id", "对象编号", required=False, max_length=64),
        Field("success", "结果", kind="select", required=False, choices=tuple(RESULTS)),
        checks=(_date_order,),
    )
