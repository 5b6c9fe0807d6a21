"""What every page's template gets: the layout macros, the menu, the user,
the CSRF token and flash messages."""
from __future__ import annotations

from pyramid.events import BeforeRender
from pyramid.renderers import get_renderer

from .audit import localtime
from .hookspecs import MenuItem

CORE_MENU = (
    MenuItem("我的工作台", "home", "core:account:self", 0),
    MenuItem("单位信息", "org.profile", "core:org:complete", 10),
    MenuItem("用户管理", "org.users", "core:org:users", 20),
    MenuItem("个人信息", "me.profile", "core:individual:self", 10),
    MenuItem("单位审核", "agency.orgs", "core:org:review", 10),
    MenuItem("主管部门用户", "admin.staff", "core:admin:manage", 10),
    MenuItem("主管部门管理", "admin.agencies", "core:admin:manage", 12),
    MenuItem("审计日志", "admin.audit", "core:audit:read", 20),
    MenuItem("账号锁定管理", "admin.locked", "core:security:manage", 10),
    MenuItem("双因素认证管理", "admin.totp", "core:security:manage", 15),
    MenuItem("长期未使用账号", "admin.dormant", "core:security:manage", 16),
    MenuItem("我的导出文件", "documents.mine", "core:account:self", 93),
    MenuItem("个人数据与注销", "me.data", "core:account:self", 94),
    MenuItem("短信与邮件（开发）", "dev.outbox", "core:dev:outbox", 90),
    MenuItem("修改密码", "account.password", "core:account:password", 95),
)


def menu_for(request) -> list[MenuItem]:
    if request.identity is None:
        return []
    items = list(CORE_MENU)
    for plugin_items in request.registry["kjgl.pm"].hook.kjgl_menu_items():
        items.extend(plugin_items or [])
    return [
        item for item in sorted(items, key=lambda i: i.order)
        if request.has_permission(item.permission)
    ]


def add_globals(event):
    request = event.get("request")
    if request is None:
        return
    event["layout"] = get_renderer("kjgl.core:templates/layout.pt").implementation()
    event["forms"] = get_renderer("kjgl.core:templates/forms.pt").implementation()
    # macro files come from the renderer cache, which start-up has compiled
    # (core/warmup.py), never through ``load:``: that makes a template of its
    # own per caller, compiled at its first request, on several threads at
    # once under load (cpython#106905)
    event["filing_macros"] = get_renderer("kjgl.core:templates/filings/macros.pt").implementation()
    event["account_widgets"] = get_renderer("kjgl.core:templates/accounts/widgets.pt").implementation()
    event["site_title"] = request.registry.settings["kjgl.title"]
    event.setdefault("page_title", "")
    event.setdefault("errors", {})
    event.setdefault("values", {})
    event["user"] = request.identity
    event["menu"] = menu_for(request)
    event["flashes"] = request.session.pop_flash() if request.session else []
    event["csrf_token"] = request.session.get_csrf_token()
    event["local_time"] = localtime.show_minutes  # stored UTC → Beijing time for pages


def flash(request, message: str):
    request.session.flash(message)


def includeme(config):
    config.add_subscriber(add_globals, BeforeRender)
