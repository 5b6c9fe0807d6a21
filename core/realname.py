"""Real-name verification: the service-hours rule and the default verifier.

The seeds say the public-security population database can be reached only
from 8:00 to 18:00, so registration outside those hours is refused with that
explanation. The hours are the deployment setting ``kjgl.realname_hours``
(``always`` in development), read as Beijing time whatever the server's zone.
"""
from __future__ import annotations

import datetime as dt

from . import validators
from .hookspecs import RealNameResult, hookimpl

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact.
BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


def beijing_now() -> dt.datetime:
    """The clock the service hours are read on (tests replace it)."""
    return dt.datetime.now(BEIJING)


def within_service_hours(settings: dict, now: dt.datetime | None = None) -> bool:
    hours = settings.get("kjgl.realname_hours")
    if hours is None:
        return True
    moment = (now or beijing_now()).time()
    start, end = hours
    if start <= end:
        return start <= moment <= end
    return moment >= start or moment <= end  # a window across midnight, e.g. 22:00-06:00


def service_hours_message(settings: dict) -> str:
    start, end = settings["kjgl.realname_hours"]
    return (
        f"因公安部人口库接口开放时间限制，系统注册时间为每日{start:%H:%M}-{end:%H:%M}，"
        "该时间段外将无法注册认证，请在此时间段内进行注册。"
    )


@hookimpl(trylast=True)
def kjgl_verify_real_name(name, id_type, id_number, settings):
    message = validators.id_number(id_type, id_number)
    if message:
        return RealNameResult(False, message)
    return RealNameResult(True)


def verify(request, name: str, id_type: str, id_number: str) -> RealNameResult:
    pm = request.registry["kjgl.pm"]
    result = pm.hook.kjgl_verify_real_name(
        name=name, id_type=id_type, id_number=id_number, settings=request.registry.settings
    )
    return result or RealNameResult(False, "实名认证服务不可用")
