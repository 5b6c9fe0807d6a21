"""pluggy hook implementations of the enterprise_registry plugin."""
from kjgl.core.hookspecs import MenuItem, Migrations, ModuleInfo, hookimpl

MODULE = ModuleInfo(
    key="enterprise_registry",
    title="科技型企业信息系统",
    description="企业填报基本信息和科技信息年报，区县、市科技局审核、查询、导出，并查看科企认定库。",
    home_route="enterprise_registry.home",
)
DECIDE = "enterprise_registry:review:decide"


@hookimpl
def kjgl_module():
    return MODULE


@hookimpl
def kjgl_includeme(config):
    config.include("kjgl.plugins.enterprise_registry")


@hookimpl
def kjgl_migrations():
    return Migrations(branch="enterprise_registry", location="kjgl.plugins.enterprise_registry:migrations/versions")


@hookimpl
def kjgl_metadata():
    from .models import TABLES

    return [m.__table__ for m in TABLES]


@hookimpl
def kjgl_review_chains():
    from .schemas import BASIC_CHAIN, REPORT_CHAIN

    return [BASIC_CHAIN, REPORT_CHAIN]


@hookimpl
def kjgl_menu_items():
    r = "enterprise_registry."
    return [
        MenuItem("科技型企业信息系统", r + "home", "enterprise_registry:module:use", 65),
        MenuItem("企业信息 › 基本信息审核", r + "basic_review", DECIDE, 65),
        MenuItem("企业信息 › 企业信息查询列表", r + "enterprises", DECIDE, 66),
        MenuItem("科技信息年报 › 年报数据审核", r + "report_review", DECIDE, 67),
        MenuItem("科技信息年报 › 年报数据查询", r + "reports", DECIDE, 68),
        MenuItem("科企认定库 › 科技型企业认定库", r + "pool_tech", DECIDE, 69),
        MenuItem("科企认定库 › 高新技术企业认定库", r + "pool_hitech", DECIDE, 69),
    ]
