"""The system admin's changes to the agency tree: add, rename, move, retire
(and restore), delete. Every change is audited here, so the admin pages and
any other caller share one set of rules.

An agency that anything refers to — organisations, users, filing records,
batches, child agencies — is never deleted, only retired; neither is one the
deployment's tree seeds (``kjgl db upgrade`` would create it again). A
retired agency is offered to no registrant and no new staff account, and its
staff are disabled at once."""
from __future__ import annotations

from sqlalchemy import func, select

from ..accounts.models import User
from ..audit.services import changes, record, snapshot
from ..names import same_name
from ..organisations.models import Organisation
from ..review.models import Batch, Submission
from .models import Agency
from .tree_data import tree_for

# the level of an agency's children, and the kinds an agency of a level has
CHILD_LEVEL = {"national": "city", "city": "district"}
KINDS = {"bureau": "科技厅（局）", "district": "区县科技局", "zone": "功能区科技主管部门"}
LEVEL_KINDS = {"city": ("bureau",), "district": ("district", "zone")}
AUDITED = ("name", "kind", "region", "parent", "status")


class AgencyRefused(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def seeded_codes(settings: dict) -> set[str]:
    """The codes the deployment's ``kjgl.agency_tree`` seeds."""
    from pyramid.settings import aslist

    codes: set[str] = set()

    def walk(node):
        codes.add(node[0])
        for child in node[5]:
            walk(child)

    walk(tree_for(aslist(settings.get("kjgl.agency_tree", "tianjin"))))
    return codes


def usage(db, agency: Agency) -> dict[str, int]:
    """What refers to ``agency`` (non-zero counts only)."""
    counts = {
        "下级主管部门": db.scalar(select(func.count(Agency.id)).where(Agency.parent_id == agency.id)),
        "单位": db.scalar(select(func.count(Organisation.id)).where(Organisation.agency_id == agency.id)),
        "用户": db.scalar(select(func.count(User.id)).where(User.agency_id == agency.id)),
        "填报记录": db.scalar(select(func.count(Submission.id)).where(Submission.agency_id == agency.id)),
        "填报批次": db.scalar(select(func.count(Batch.id)).where(Batch.owner_agency_id == agency.id)),
    }
    return {k: v for k, v in counts.items() if v}


def _state(agency: Agency) -> dict:
    return {**snapshot(agency, ("name", "kind", "region", "status")),
            "parent": agency.parent.name if agency.parent is not None else ""}


def _check(db, *, name: str, kind: str, region: str, parent: Agency, agency: Agency | None = None) -> tuple:
    name, region = (name or "").strip(), (region or "").strip()
    if not name or len(name) > 100:
        raise AgencyRefused("请填写主管部门名称（最多100个字符）", "name")
    if len(region) > 64:
        raise AgencyRefused("所辖区域最多64个字符", "region")
    if agency is not None and (parent is None or CHILD_LEVEL.get(parent.level) != agency.level):
        raise AgencyRefused(f"{agency.level_title}主管部门只能移到上一级（{_parent_title(agency.level)}）主管部门下",
                            "parent")
    if parent is None or parent.level not in CHILD_LEVEL:
        raise AgencyRefused("请选择省市级或国家级的上级主管部门", "parent")
    if parent.retired:
        raise AgencyRefused(f"上级主管部门“{parent.name}”已撤销，不能在其下新增或移入", "parent")
    level = CHILD_LEVEL[parent.level]
    if kind not in LEVEL_KINDS[level]:
        raise AgencyRefused("请选择类型：" + "、".join(KINDS[k] for k in LEVEL_KINDS[level]), "kind")
    siblings = db.scalars(select(Agency).where(Agency.parent_id == parent.id))
    if any(same_name(s.name, name) for s in siblings if agency is None or s.id != agency.id):
        raise AgencyRefused(f"“{parent.name}”下已有名为“{name}”的主管部门", "name")
    return name, region or name, level


def _parent_title(level: str) -> str:
    from .models import LEVELS

    return next(LEVELS[p] for p, c in CHILD_LEVEL.items() if c == level)


def create(db, actor, *, parent: Agency, name: str, kind: str, region: str = "", request=None) -> Agency:
    name, region, level = _check(db, name=name, kind=kind, region=region, parent=parent)
    sort = db.scalar(select(func.coalesce(func.max(Agency.sort), -1)).where(Agency.parent_id == parent.id)) + 1
    agency = Agency(code=f"new-{parent.id}-{sort}", name=name, level=level, kind=kind, parent=parent,
                    sort=sort, region=region, status="active", path="/")
    db.add(agency)
    db.flush()
    agency.code, agency.path = f"a{agency.id}", f"{parent.path}{agency.id}/"
    db.flush()
    record(db, request, "agency_create", user=actor, object_type="agency", object_id=agency.id,
           code=agency.code, changes=changes({}, _state(agency)))
    return agency


def change(db, actor, agency: Agency, *, name: str, kind: str, region: str = "", parent: Agency | None = None,
           request=None) -> bool:
    """Rename, re-kind, re-region and (when ``parent`` differs) move with its
    subtree. Returns False when nothing changed."""
    if agency.parent is None:
        if parent is not None:
            raise AgencyRefused("根主管部门不能移动", "parent")
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise AgencyRefused("请填写主管部门名称（最多100个字符）", "name")
        region, kind = (region or "").strip() or agency.region, agency.kind
    else:
        parent = parent or agency.parent
        name, region, _ = _check(db, name=name, kind=kind, region=region, parent=parent, agency=agency)
    before = _state(agency)
    agency.name, agency.kind, agency.region = name, kind, region
    if parent is not None and parent.id != agency.parent_id:
        old = agency.path
        new = f"{parent.path}{agency.id}/"
        for a in db.scalars(select(Agency).where(Agency.path.startswith(old))):
            a.path = new + a.path[len(old):]
        agency.parent = parent
    db.flush()
    after = _state(agency)
    if after == before:
        return False
    record(db, request, "agency_change", user=actor, object_type="agency", object_id=agency.id,
           code=agency.code, changes=changes(before, after))
    return True


def retire(db, actor, agency: Agency, request=None) -> list[User]:
    """撤销: offered to nobody any more; its staff disabled at once. An agency
    with active child agencies is refused (retire or move them first)."""
    from ..accounts.dormancy import disable_staff_of

    if agency.retired:
        raise AgencyRefused(f"“{agency.name}”已撤销")
    if agency.parent is None:
        raise AgencyRefused("根主管部门不能撤销")
    active_children = db.scalar(select(func.count(Agency.id)).where(Agency.parent_id == agency.id,
                                                                   Agency.status == "active"))
    if active_children:
        raise AgencyRefused(f"“{agency.name}”还有{active_children}个使用中的下级主管部门，请先撤销或移走")
    _set_status(db, actor, agency, "retired", "agency_retire", request)
    return disable_staff_of(db, agency, actor, request)


def restore(db, actor, agency: Agency, request=None) -> None:
    """恢复 a retired agency (its staff stay disabled until re-enabled)."""
    if not agency.retired:
        raise AgencyRefused(f"“{agency.name}”未被撤销")
    if agency.parent is not None and agency.parent.retired:
        raise AgencyRefused(f"上级主管部门“{agency.parent.name}”已撤销，请先恢复上级")
    _set_status(db, actor, agency, "active", "agency_restore", request)


def _set_status(db, actor, agency: Agency, status: str, event: str, request) -> None:
    before = _state(agency)
    agency.status = status
    db.flush()
    record(db, request, event, user=actor, object_type="agency", object_id=agency.id, code=agency.code,
           changes=changes(before, _state(agency)))


def delete(db, actor, agency: Agency, settings: dict, request=None) -> None:
    """Only an agency added by mistake: nothing refers to it and the
    deployment's tree does not seed it."""
    used = usage(db, agency)
    if used:
        listed = "、".join(f"{k}{v}个" for k, v in used.items())
        raise AgencyRefused(f"“{agency.name}”已有{listed}，不能删除，只能撤销")
    if agency.code in seeded_codes(settings) or agency.parent is None:
        raise AgencyRefused(f"“{agency.name}”是本部署初始化的主管部门（升级时会重新创建），不能删除，只能撤销")
    state = _state(agency)
    record(db, request, "agency_delete", user=actor, object_type="agency", object_id=agency.id,
           code=agency.code, changes=changes(state, {k: None for k in state}))
    db.delete(agency)
    db.flush()
