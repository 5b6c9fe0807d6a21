"""The parameters an agency sets for a screened pool: read from a form
(errors name the field), remembered per agency (``er_pool_setting``), every
change audited with its before and after; 重置 returns to the defaults.
And the pool as a :class:`~.queries.ListDef`, so its page, count, prev/next
and export are the registry's list machinery over :func:`.pools.compile_pool`."""
from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import select

from kjgl.core.audit.services import record
from kjgl.core.exports.xlsx_builder import Column

from . import models as m
from .pools import E, Pool, Settings, compile_pool
from .queries import ListDef

AUDIT_EVENT = ("registry_pool_settings", "设置科企培育库、后备库条件参数")


def load(db, agency, pool: Pool) -> Settings:
    """The agency's settings of ``pool`` (the defaults where it set none)."""
    row = db.scalar(select(m.PoolSetting).where(m.PoolSetting.agency_id == agency.id,
                                                m.PoolSetting.pool_key == pool.key))
    defaults = pool.defaults()
    if row is None:
        return defaults
    data = json.loads(row.params)
    keys = {c.key for c in pool.choosable()}
    values = dict(defaults.values)
    for name, value in (data.get("values") or {}).items():
        if name in values:
            values[name] = Decimal(value)
    return Settings(frozenset(k for k in data.get("ticked", ()) if k in keys), values)


def parse(pool: Pool, form) -> tuple[Settings, dict[str, str]]:
    """Ticked conditions (``tick``) and parameter values from a form; the errors by field name."""
    ticked = frozenset(k for k in form.getall("tick") if k in {c.key for c in pool.choosable()}) \
        if hasattr(form, "getall") else frozenset(form.get("tick") or ())
    values, errors = {}, {}
    for p in pool.params():
        value, error = p.parse(form.get(p.name))
        if error:
            errors[p.name] = error
        else:
            values[p.name] = value
    return Settings(ticked, values), errors


def save(db, request, agency, pool: Pool, settings: Settings) -> bool:
    """Remember ``settings`` for the agency (audited with before/after); False when nothing changed."""
    before = load(db, agency, pool)
    if before.as_json() == settings.as_json():
        return False
    row = db.scalar(select(m.PoolSetting).where(m.PoolSetting.agency_id == agency.id,
                                                m.PoolSetting.pool_key == pool.key))
    if row is None:
        row = m.PoolSetting(agency_id=agency.id, pool_key=pool.key, params="{}")
        db.add(row)
    row.params = json.dumps(settings.as_json(), ensure_ascii=False)
    row.updated_by = getattr(request.identity, "id", None) if request is not None else None
    db.flush()
    _audit(db, request, agency, pool, before, settings)
    return True


def reset(db, request, agency, pool: Pool) -> bool:
    """重置: forget the agency's settings (audited); False when it had none."""
    row = db.scalar(select(m.PoolSetting).where(m.PoolSetting.agency_id == agency.id,
                                                m.PoolSetting.pool_key == pool.key))
    if row is None:
        return False
    before = load(db, agency, pool)
    db.delete(row)
    db.flush()
    _audit(db, request, agency, pool, before, pool.defaults())
    return True


def readable(pool: Pool, settings: Settings) -> dict[str, str]:
    """The settings as a person reads them: 选用 of each condition, each parameter with its unit."""
    out = {}
    for n, c in enumerate(pool.choosable(), 1):
        out[f"条件{n}是否选用"] = "是" if c.key in settings.ticked else "否"
        for p in c.params():
            out[p.label] = p.show(settings.values[p.name])
    return out


def _audit(db, request, agency, pool, before: Settings, after: Settings):
    """One event per change: the pool and ``{what: [before, after]}`` of what changed."""
    old, new = readable(pool, before), readable(pool, after)
    record(db, request, "registry_pool_settings", object_type="agency", object_id=agency.id, title=pool.title,
           changes={k: [old[k], new[k]] for k in new if old.get(k) != new[k]})


# --- the pool as a list ----------------------------------------------------------------------

def columns(pool: Pool) -> tuple[Column, ...]:
    out = [Column("name", "企业名称", width=30), Column("credit_code", "统一社会信用代码", width=22),
           Column("district", "所属区县"), Column("zone", "所在园区"), Column("registered_on", "注册时间", "date"),
           Column("tech_field", "高新技术领域")]
    if pool.yearly:
        out.insert(0, Column("year", "年份", "int"))
    for f in pool.columns:
        if f.unit == "万元":
            out.append(Column(f.key, f"{f.label}（千元）", "amount"))
        elif f.unit == "%":
            out.append(Column(f.key, f"{f.label}（%）", "amount"))
        else:
            out.append(Column(f.key, f"{f.label}（{f.unit}）" if f.unit else f.label, "int" if f.unit else "text"))
    if pool.first_year:
        out.append(Column("first_year", "首次符合条件年度", "int"))
    return tuple(out)


def listdef(pool: Pool, settings: Settings) -> ListDef:
    def build(agency, filters, today, full=True):
        return compile_pool(pool, agency, filters, settings, today, full)

    return ListDef(pool.key, pool.title, pool.route, pool.route + ".detail", E.id, build, pool.filter_names,
                   columns(pool))
