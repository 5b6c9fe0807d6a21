"""获取短信验证码 for a new mobile on the profile page (JSON, like the
registration's); the change itself is checked by :mod:`.contact_change`
when the profile is saved."""
from __future__ import annotations

from pyramid.view import view_config

from . import contact_change


@view_config(route_name="me.mobile_code", request_method="POST", renderer="json",
             permission="core:individual:self")
def send_mobile_code(request):
    try:
        masked = contact_change.send_code(request, request.identity, request.POST.get("mobile"))
    except contact_change.ChangeRefused as refused:
        request.response.status = 429 if "sms_code" in refused.errors else 422
        return {"errors": refused.errors}
    return {"message": f"短信验证码已发送至新手机号码{masked}，10分钟内有效"}
