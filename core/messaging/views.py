from pyramid.view import view_config
from sqlalchemy import select

from ..pagination import paginate
from .models import OutboxMessage


@view_config(route_name="dev.outbox", renderer="kjgl.core:templates/outbox.pt",
             permission="core:dev:outbox")
def outbox(request):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    recipient = request.params.get("to", "").strip()
    if recipient:
        stmt = stmt.where(OutboxMessage.to(recipient))
    return {"page_title": "短信与邮件发件箱（开发环境）", "page": paginate(request.dbsession, stmt, request, 20),
            "to": recipient}


def includeme(config):
    from pyramid.settings import asbool

    from ..security import platform_admin

    open_to_all = asbool(config.get_settings().get("kjgl.dev_outbox", False))
    config.add_route("dev.outbox", "/dev/outbox")
    config.add_permission_rule(
        "core:dev:outbox", (lambda request, user: True) if open_to_all else platform_admin
    )
    config.scan(".views")
