"""pluggy hook implementations of the national_record plugin."""
from dataclasses import replace

from kjgl.core.filings import filing_menu_items
from kjgl.core.hookspecs import DemoData, Migrations, ModuleInfo, hookimpl

MODULE = ModuleInfo(
    key="national_record",
    title="国家备案众创空间申报系统",
    description="众创空间运营主体填报国家备案众创空间申报材料，生成带版本号的申报书并提交受理机构审核。",
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
def kjgl_metadata():
    from .models import DETAIL_MODELS, Application, Carrier

    return [Carrier.__table__, Application.__table__] + [m.__table__ for m in DETAIL_MODELS]


@hookimpl
def kjgl_review_chains():
    from .schemas import CHAIN

    return [CHAIN]


@hookimpl
def kjgl_menu_items():
    from .schemas import FILING

    items = filing_menu_items(FILING, order=60)
    return [replace(items[0], title="认定备案管理 › 众创空间国家备案")] + items[1:]


@hookimpl
def kjgl_demo_data():
    from . import demo

    return DemoData(load=demo.load, order=60)
