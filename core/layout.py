"""What every page's template gets: the layout macros, the menu, the user,
the CSRF token and flash messages."""
from __future__ import annotations

import json

from pyramid.events import BeforeRender
from pyramid.interfaces import IRoutesMapper
from pyramid.renderers import get_renderer

from .audit import localtime
from .forms import error_items
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
    MenuItem("在线用户", "admin.sessions", "core:security:manage", 16),
    MenuItem("长期未使用账号", "admin.dormant", "core:security:manage", 16),
    MenuItem("我的导出文件", "documents.mine", "core:account:self", 93),
    MenuItem("个人数据与注销", "me.data", "core:account:self", 94),
    MenuItem("通知公告", "notices", "core:account:self", 5),
    MenuItem("通知公告管理", "notices.manage", "core:notice:manage", 85),
    MenuItem("短信与邮件（开发）", "dev.outbox", "core:dev:outbox", 90),
    MenuItem("修改密码", "account.password", "core:account:password", 95),
    MenuItem("登录会话", "account.sessions", "core:account:self", 96),
)


def declared_menu(pm) -> tuple[MenuItem, ...]:
    """The core's and the enabled plugins' menu items in order; declared once
    per process, at start-up."""
    items = list(CORE_MENU)
    for plugin_items in pm.hook.kjgl_menu_items():
        items.extend(plugin_items or [])
    return tuple(sorted(items, key=lambda i: i.order))


def menu_for(request) -> list[MenuItem]:
    """The items the user may open: each permission is decided on the
    request's identity and grant set, which are read once per request."""
    if request.identity is None:
        return []
    # what request.has_permission decides per item, with the policy, the
    # identity and its gate looked up once for the whole menu
    from pyramid.interfaces import ISecurityPolicy

    allowed = request.registry.queryUtility(ISecurityPolicy).decider(request)
    return [item for item in request.registry["kjgl.menu"] if allowed(item.permission)]


# macro files come from the renderer cache, which start-up has compiled
# (core/warmup.py), never through ``load:``: that makes a template of its
# own per caller, compiled at its first request, on several threads at
# once under load (cpython#106905)
MACRO_FILES = {
    "layout": "kjgl.core:templates/layout.pt",
    "forms": "kjgl.core:templates/forms.pt",
    "filing_macros": "kjgl.core:templates/filings/macros.pt",
    "account_widgets": "kjgl.core:templates/accounts/widgets.pt",
    "tab_macros": "kjgl.core:templates/filings/tab_macros.pt",
}


def macro_templates(registry) -> dict:
    """The macro files' templates, looked up once per process (a template
    reloads itself when ``pyramid.reload_templates`` is on)."""
    found = registry.get("kjgl.macro_templates")
    if found is None:
        found = registry["kjgl.macro_templates"] = {
            name: get_renderer(spec).implementation() for name, spec in MACRO_FILES.items()}
    return found


def static_links(request):
    """``route_link(route_name)`` for the layout: the URL of a route without
    parameters from its path, generated once per process. ``route_url``
    costs about as much as a page's whole menu decision, and the layout asks
    for up to fifty (every menu item, the header's links)."""
    app_url = request.application_url
    paths = request.registry.setdefault("kjgl.static_route_paths", {})

    def link(name: str) -> str:
        path = paths.get(name)
        if path is None:
            route = request.registry.getUtility(IRoutesMapper).get_route(name)
            if route is None or route.pregenerator is not None or any(c in route.pattern for c in "{*"):
                return request.route_url(name)
            path = paths[name] = route.generate({})
        return app_url + path
    return link


def add_globals(event):
    request = event.get("request")
    if request is None or not str(event.get("renderer_name", "")).endswith(".pt"):
        return  # a JSON answer (session ping, form checks) shows no menu, user bar or bell
    event.update(macro_templates(request.registry))
    event["json_dumps"] = _json_dumps
    event["route_link"] = static_links(request)
    event["has_route"] = lambda name: request.registry.getUtility(IRoutesMapper).get_route(name) is not None
    event["site_title"] = request.registry.settings["kjgl.title"]
    event.setdefault("page_title", "")
    event.setdefault("errors", {})
    event.setdefault("values", {})
    event["user"] = request.identity
    event["menu"] = menu_for(request)
    event["flashes"] = pop_flashes(request)
    event["csrf_token"] = request.session.get_csrf_token()
    event["local_time"] = localtime.show_minutes  # stored UTC → Beijing time for pages
    event["unread_messages"] = unread_messages(request)
    event["error_items"] = error_items
    event.setdefault("marks", {})  # a reviewer's field marks on a returned record (filings/marks.py)
    event.setdefault("mark_list", [])  # … of a tabbed document: [(target, comment)] listed at the top
    event.setdefault("mark_counts", {})  # … and how many on each tab (the tab bar)


def pop_flashes(request, queue: str = "") -> list:
    """The session's flash messages, removed from it. A page with none
    leaves the session untouched: popping marks it changed, and a changed
    session is encrypted and sent again as a cookie on every response."""
    session = request.session
    if not session or FLASH_PREFIX + queue not in session:
        return []
    return session.pop_flash(queue)


# where Pyramid's cookie session keeps a flash queue
FLASH_PREFIX = "_f_"


def unread_messages(request) -> int:
    """The bell's count in the header (0 for a visitor)."""
    if request.identity is None or not request.has_permission("core:account:self"):
        return 0
    from .notifications.services import unread_count

    return unread_count(request.dbsession, request.identity.id)


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def flash(request, message: str):
    request.session.flash(message)


def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the page says."""
    from pyramid.path import AssetResolver
    from pyramid.response import FileResponse

    path = AssetResolver().resolve("kjgl.core:static/favicon.ico").abspath()
    response = FileResponse(path, request=request, content_type="image/x-icon", cache_max_age=86400)
    return response


def includeme(config):
    config.registry["kjgl.menu"] = declared_menu(config.registry["kjgl.pm"])
    config.add_subscriber(add_globals, BeforeRender)
    config.add_route("favicon", "/favicon.ico")
    config.add_view(favicon, route_name="favicon", permission="core:public")
