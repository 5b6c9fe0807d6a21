"""pluggy hook implementations of the enterprise_registry plugin."""
from kjgl.core.hookspecs import Command, DemoData, MenuItem, Migrations, ModuleInfo, hookimpl

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
    from .declaration_models import TABLES as DECLARATION_TABLES
    from .models import TABLES

    return [m.__table__ for m in TABLES + DECLARATION_TABLES]


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
        # the seed's menu order: 申报事项, 科企信息统计表, 科企梯次培育库, 科企后备库, 科企认定库
        MenuItem("申报事项", r + "declarations", "enterprise_registry:module:use", 66),
        MenuItem("申报事项 › 知识价值信用评级列表", r + "ratings", DECIDE, 69),
        MenuItem("申报事项 › 科技创新券申领统计表", r + "voucher_stats", DECIDE, 69),
        MenuItem("申报事项 › 科技创新券情况统计表", r + "voucher_summary", DECIDE, 69),
        MenuItem("申报事项 › 科技创新券列表", r + "vouchers", DECIDE, 69),
        MenuItem("科企信息统计表 › 培育进度统计表", r + "stats_progress", DECIDE, 69),
        MenuItem("科企信息统计表 › 区县入库企业情况统计表", r + "stats_listing", DECIDE, 69),
        MenuItem("科企信息统计表 › 区县科技型企业年报统计表", r + "stats_annual", DECIDE, 69),
        MenuItem("科企信息统计表 › 全市概况图", r + "stats_overview", DECIDE, 69),
        MenuItem("科企信息统计表 › 自定义查询", r + "custom_query", DECIDE, 69),
        *pool_menu(),
        MenuItem("科企认定库 › 科技型企业认定库", r + "pool_tech", DECIDE, 69),
        MenuItem("科企认定库 › 高新技术企业认定库", r + "pool_hitech", DECIDE, 69),
    ]


def pool_menu():
    from .pools import POOLS

    return [MenuItem(f"{p.group} › {p.title}", p.route, DECIDE, 69) for p in POOLS.values()]


@hookimpl
def kjgl_demo_data():
    from . import demo

    return DemoData(load=demo.load, order=65)


def _generate_arguments(parser):
    parser.add_argument("count", type=int, nargs="?", default=1_000_000, help="企业数量（默认1000000）")
    parser.add_argument("--years", type=int, default=3, help="每家企业的年报年数（默认3）")
    parser.add_argument("--batch", type=int, default=10000, help="每批写入的企业数")
    parser.add_argument("--workers", type=int, default=None,
                        help="生成数据的进程数（PostgreSQL；默认：2万家及以上时为2，否则为0即本进程）")


def _generate(args, settings, session) -> int:
    import time

    from kjgl.core.agencies.services import seed_tree

    from . import generate

    if args.count < 1 or not 1 <= args.years <= 10 or args.batch < 1 or (args.workers or 0) < 0:
        print("企业数量和每批企业数须大于0，年报年数须在1-10之间，进程数不能为负")
        return 2
    seed_tree(session, settings)  # the deployment's agency tree, as serving would make it
    started = time.monotonic()

    def progress(done):
        print(f"  已生成 {done} 家企业（{time.monotonic() - started:.0f} 秒）", flush=True)

    def note(step):
        print(f"  {step}（{time.monotonic() - started:.0f} 秒）", flush=True)

    made = generate.generate(session, args.count, years=args.years, batch=args.batch, progress=progress, note=note,
                             workers=args.workers)
    print(f"已生成 {made} 家企业及其年报，用时 {time.monotonic() - started:.1f} 秒")
    return 0


@hookimpl
def kjgl_commands():
    return [Command("generate-enterprises", "批量生成企业、基本信息和年报（基准测试数据）", _generate_arguments, _generate)]
