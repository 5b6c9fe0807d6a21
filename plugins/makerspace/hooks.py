"""pluggy hook implementations of the makerspace plugin."""
from kjgl.core.hookspecs import MenuItem, Migrations, ModuleInfo, hookimpl

MODULE = ModuleInfo(
    key="makerspace",
    title="天津市众创空间绩效评估系统",
    description="众创空间运营机构按年度在线填报绩效评估材料，导出Word签章后上传并提交区科技局初审、市科技局评价。",
    home_route="makerspace.home",
)


@hookimpl
def kjgl_module():
    return MODULE


@hookimpl
def kjgl_includeme(config):
    config.include("kjgl.plugins.makerspace")


@hookimpl
def kjgl_migrations():
    return Migrations(branch="makerspace", location="kjgl.plugins.makerspace:migrations/versions")


@hookimpl
def kjgl_menu_items():
    return [MenuItem("天津市众创空间绩效评估系统", "makerspace.home", "makerspace:module:use", 50)]
