"""Who may see and change the attachments of each kind of owner.

The attachment feature does not know what an organisation or a plugin's
record is; each owner type registers its rules with
``config.add_attachment_owner(owner_type, can_view, can_change)``:

- ``can_view(request, owner_id) -> bool``: may the current user download
  the owner's files (and see that the owner exists at all)?
- ``can_change(request, owner_id) -> Refusal | None``: ``None`` when the
  current user may add or delete files now, otherwise why not (403 not
  theirs, 409 the document is locked, with the message to show).

Only the owner type's rules grant access: the system, security and audit
admins have no business reading applicants' files (their duties are staff,
accounts and the audit log) and get "not found" like anybody else outside
the rules. Nobody may touch files of an owner type without rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

REGISTRY_KEY = "kjgl.attachment_owners"


class Refusal(NamedTuple):
    status: int
    message: str


@dataclass(frozen=True)
class OwnerRules:
    owner_type: str
    can_view: Callable[[Any, int], bool]
    can_change: Callable[[Any, int], Refusal | None]


def add_attachment_owner(config, owner_type: str, can_view, can_change):
    owners = config.registry.setdefault(REGISTRY_KEY, {})
    if owner_type in owners:
        raise ValueError(f"attachment owner type registered twice: {owner_type}")
    owners[owner_type] = OwnerRules(owner_type, can_view, can_change)


def rules_for(request, owner_type: str) -> OwnerRules | None:
    return request.registry.get(REGISTRY_KEY, {}).get(owner_type)


def may_view(request, owner_type: str, owner_id: int) -> bool:
    user = request.identity
    if user is None:
        return False
    rules = rules_for(request, owner_type)
    return rules is not None and bool(rules.can_view(request, owner_id))


def change_refusal(request, owner_type: str, owner_id: int) -> Refusal | None:
    rules = rules_for(request, owner_type)
    if rules is None:
        return Refusal(403, "您没有修改此附件的权限。")
    return rules.can_change(request, owner_id)
