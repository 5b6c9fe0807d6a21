"""The audit log: :func:`services.record` for every security event and
business decision, chained by keyed hashes (HMAC-SHA256, :mod:`.chain`; ``kjgl audit
verify`` / ``kjgl audit purge``), and the read-only log page with its Excel
export (:mod:`.export`).

A plugin that records events of its own gives them their Chinese titles with
``config.add_audit_event("name", "标题")``, so the log page can filter them."""
from .services import EVENTS

REGISTRY_KEY = "kjgl.audit_events"


def add_audit_event(config, name: str, title: str):
    events = config.registry[REGISTRY_KEY]
    if name in events:
        raise ValueError(f"audit event declared twice: {name}")
    events[name] = title


def includeme(config):
    config.registry[REGISTRY_KEY] = dict(EVENTS)
    config.add_directive("add_audit_event", add_audit_event)
    # read-only by design: there is no route that edits or deletes an event
    config.add_route("admin.audit", "/admin/audit")
    config.add_route("admin.audit.export", "/admin/audit/export")
    config.scan(".views")
    config.scan(".export")
