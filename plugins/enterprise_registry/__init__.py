"""科技型企业信息系统 (seed 004, Chongqing): enterprises file their basic
information (a standing record) and yearly 科技信息年报; districts, then the
city, review; agencies query, export and see the recognition pools."""

PREFIX = "/enterprise-registry"


def includeme(config):
    from kjgl.core.filings import tab_views
    from kjgl.core.security import kind_is

    from . import custom_query_views, declaration_views, pool_views, stats_views, views
    from .pool_settings import AUDIT_EVENT
    from .schemas import REPORT

    config.add_permission_rule("enterprise_registry:review:decide", kind_is("agency"))
    config.add_audit_event(*AUDIT_EVENT)
    config.add_route("enterprise_registry.home", f"{PREFIX}/")
    config.add_route("enterprise_registry.basic.start", f"{PREFIX}/basic/start")
    config.add_route("enterprise_registry.basic.edit", f"{PREFIX}/basic/{{id:\\d{{1,9}}}}/edit")
    config.add_route("enterprise_registry.basic.submit", f"{PREFIX}/basic/{{id:\\d{{1,9}}}}/submit")
    config.add_route("enterprise_registry.basic.view", f"{PREFIX}/basic/{{id:\\d{{1,9}}}}")
    config.add_route("enterprise_registry.report.new", f"{PREFIX}/reports/new")
    # the annual report's tabs, 查看 and 提交: the core engine's pages
    tab_views.register(config, REPORT, f"{PREFIX}/reports")
    views.register(config)
    stats_views.register(config)
    pool_views.register(config)
    declaration_views.register(config)
    custom_query_views.register(config)
    config.scan(".views")
