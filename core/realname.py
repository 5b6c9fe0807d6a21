"""Real-name verification: the service-hours rule and the default verifier.

The seeds say the public-security population database can be reached only
from 8:00 to 18:00, so registration outside those hours is refused with that
explanation. The hours are the deployment setting ``kjgl.realname_hours``
(``always`` in development).
"""
from __future__ import annotations

import datetime as dt

from . import validators
from .hookspecs import RealNameResult, hookimpl


def within_service_hours(settings: dict, now: dt.datetime | None = None) -> bool:
    hours = settings.get("kjgl.realname_hours")
    if hours is None:
        return True
    now = now or dt.datetime.now()
    start, end = hours
    return start <= now.time() <= end


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
