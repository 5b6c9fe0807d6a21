"""pluggy hook implementations of the enterprise_registry plugin."""
from kjgl.core.hookspecs import MenuItem, Migrations, ModuleInfo, hookimpl

MODULE = ModuleInfo(
    key="enterprise_registry",
    title="科技型企业信息系统",
    description="企业填报基本信息和年度报告，区县、市科技局审核、查询统计，并管理各类企业库。",
    home_route="enterprise_registry.home",
)


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
def kjgl_menu_items():
    return [MenuItem("科技型企业信息系统", "enterprise_registry.home", "enterprise_registry:module:use", 65)]
