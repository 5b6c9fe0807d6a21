"""pluggy hook implementations of the incubator plugin."""
from kjgl.core.hookspecs import MenuItem, Migrations, ModuleInfo, hookimpl

MODULE = ModuleInfo(
    key="incubator",
    title="天津市科技企业孵化器绩效评估系统",
    description="科技企业孵化器运营机构按年度在线填报绩效评估材料，导出Word签章后上传并提交区科技局初审、市科技局评价。",
    home_route="incubator.home",
)


@hookimpl
def kjgl_module():
    return MODULE


@hookimpl
def kjgl_includeme(config):
    config.include("kjgl.plugins.incubator")


@hookimpl
def kjgl_migrations():
    return Migrations(branch="incubator", location="kjgl.plugins.incubator:migrations/versions")


@hookimpl
def kjgl_menu_items():
    return [MenuItem("天津市科技企业孵化器绩效评估系统", "incubator.home", "incubator:module:use", 50)]
