"""Module grants (模块配置)."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..notifications import services as notifications
from .models import ModuleGrant


def granted_keys(dbsession, user_id: int) -> set[str]:
    return set(dbsession.scalars(select(ModuleGrant.module_key).where(ModuleGrant.user_id == user_id)))


def set_grants(dbsession, user, keys: set[str], enabled_keys: set[str], granted_by,
               titles: dict[str, str] | None = None) -> tuple[set, set]:
    """Make the user's grants among the deployment's enabled modules equal
    ``keys``. Grants of modules not enabled here are left untouched; the
    user is told what changed (``titles``: module key → title). Returns
    (added, removed)."""
    unknown = keys - enabled_keys
    if unknown:
        raise ValueError("未知模块: " + ", ".join(sorted(unknown)))
    current = granted_keys(dbsession, user.id) & enabled_keys
    added, removed = keys - current, current - keys
    for key in added:
        dbsession.add(ModuleGrant(user_id=user.id, module_key=key, granted_by_id=granted_by.id))
    if removed:
        dbsession.execute(delete(ModuleGrant).where(ModuleGrant.user_id == user.id,
                                                    ModuleGrant.module_key.in_(removed)))
    titles = titles or {}
    notifications.grants_changed(dbsession, user, {k: titles.get(k, k) for k in sorted(added)},
                                 {k: titles.get(k, k) for k in sorted(removed)})
    return added, removed


def revoke_all(dbsession, user_id: int) -> set[str]:
    """Remove every grant the user holds (on changing organisation the new
    organisation's admin decides again). Returns the keys removed."""
    keys = granted_keys(dbsession, user_id)
    if keys:
        dbsession.execute(delete(ModuleGrant).where(ModuleGrant.user_id == user_id))
    return keys
