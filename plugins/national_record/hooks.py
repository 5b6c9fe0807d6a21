"""pluggy hook implementations of the national_record plugin."""
from kjgl.core.hookspecs import MenuItem, Migrations, ModuleInfo, hookimpl

MODULE = ModuleInfo(
    key="national_record",
    title="国家备案众创空间申报系统",
    description="众创空间运营主体填报国家备案众创空间申报材料，生成申报书并提交受理机构审核。",
    home_route="national_record.home",
)


@hookimpl
def kjgl_module():
    return MODULE


@hookimpl
def kjgl_includeme(config):
    config.include("kjgl.plugins.national_record")


@hookimpl
def kjgl_migrations():
    return Migrations(branch="national_record", location="kjgl.plugins.national_record:migrations/versions")


@hookimpl
def kjgl_menu_items():
    return [MenuItem("国家备案众创空间申报系统", "national_record.home", "national_record:module:use", 60)]
