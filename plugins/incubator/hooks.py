"""pluggy hook implementations of the incubator plugin."""
from kjgl.core.filings import filing_menu_items
from kjgl.core.hookspecs import DemoData, Migrations, ModuleInfo, ReviewChain, ReviewStep, hookimpl

from . import demo
from .models import IncubatorEvaluation

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
    from .schemas import FILING

    return filing_menu_items(FILING, order=55)


@hookimpl
def kjgl_metadata():
    return [IncubatorEvaluation.__table__]


@hookimpl
def kjgl_review_chains():
    return [ReviewChain(kind="incubator", title="天津市科技企业孵化器绩效评估", steps=(
        ReviewStep("district", "区科技局初审", "district"),
        ReviewStep("city", "市科技局评价", "city", grades=("优秀", "良好", "合格", "不合格")),
    ))]


@hookimpl
def kjgl_demo_data():
    return DemoData(load=demo.load, order=50)
