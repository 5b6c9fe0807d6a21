"""The applicant's pages of a tabbed document: one page per tab (保存 /
下一步), the read-only 查看 of every tab, and 提交申报材料 with the
accepting agency. Thin adapters over :mod:`.tabbed`."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther

from ..attachments import services as attachments
from ..errors import refusal
from ..layout import flash
from ..review import services as review
from . import marks, services, tabbed
from .access import applicant_record
from .tables import cell_key, posted_rows
from .tabs import FIGURES_NOTE, shown
from .versions import versions_of


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _posted_table_rows(request, table, stored_by_token) -> list[dict]:
    rows, _ = posted_rows(table, request.POST)
    out = []
    for tok, raw in rows:
        known = stored_by_token.get(tok)
        out.append({"token": tok, "id": raw.get("id") or "",
                    "cells": {c.name: raw.get(c.name) if isinstance(raw.get(c.name), str) else ""
                              for c in table.columns},
                    "files": known["files"] if known else {}})
    return out


def document_view(db, filing, sub) -> dict:
    """Everything the read-only pages show: values, figures, rows, files."""
    stored = tabbed.stored_rows(db, filing, sub.id)
    data = tabbed.stored_values(db, filing, sub)
    return {
        "data": data,
        "rows": {t.key: tabbed.shown_rows(db, filing, t, stored[t.key]) for t in filing.tables},
        "figures": {f.name: shown(f, data.get(f.name) or None) for f in filing.figures},
    }


def review_marks(db, filing, sub) -> dict:
    """The reviewer's open marks of a returned document: next to each field,
    row and proof (``marks``), listed at the top and counted on the tab bar."""
    shown = marks.shown_marks(db, filing, sub)
    if shown is None:
        return {}
    return {"marks": shown.notes, "mark_list": shown.listed, "mark_counts": shown.per_tab}


def _tab_page(request, filing, sub, tab, *, values=None, rows=None, errors=None, message="", status=200):
    request.response.status = status
    db = request.dbsession
    doc = document_view(db, filing, sub)
    return {
        **review_marks(db, filing, sub),
        "page_title": f"{filing.title} — {tab.title}", "filing": filing, "sub": sub, "tab": tab,
        "values": values if values is not None else dict(doc["data"]),
        "rows": rows if rows is not None else doc["rows"], "figures": doc["figures"],
        "figures_note": FIGURES_NOTE, "errors": errors or {}, "message": message,
        "attachments": attachments.files_for(db, filing.owner_type, sub.id),
        "completeness": tabbed.completeness(db, filing, sub), "editable": sub.editable,
        "next_tab": _next(filing, tab), "cell_key": cell_key,
        "history": review.history(db, sub),
    }


def _next(filing, tab):
    keys = [t.key for t in filing.tabs]
    i = keys.index(tab.key)
    return filing.tabs[i + 1] if i + 1 < len(keys) else None


def _tab_of(request, filing):
    tab = filing.tab(request.matchdict["tab"])
    if tab is None:
        raise HTTPNotFound()
    return tab


def tab_view(request, filing):
    sub = applicant_record(request, filing)
    tab = _tab_of(request, filing)
    if request.method == "POST":
        if not sub.editable:
            return refusal(request, "已提交的申报材料不能修改（如需修改，请等待审核退回）")
        if not tab.savable:
            return HTTPSeeOther(request.route_url(f"{filing.module_key}.tab", id=sub.id, tab=_next(filing, tab).key)
                                if _next(filing, tab) else request.route_url(f"{filing.module_key}.tab", id=sub.id, tab=tab.key))
        try:
            outcome = tabbed.save_tab(tabbed.Context.of(request), filing, sub, tab, request.POST, _version(request))
        except review.ReviewError as exc:
            return _redisplay(request, filing, sub, tab, {}, exc.message, exc.status)
        if outcome.ok:
            flash(request, outcome.message)
            target = _next(filing, tab) if request.POST.get("action") == "next" and _next(filing, tab) else tab
            return HTTPSeeOther(request.route_url(f"{filing.module_key}.tab", id=sub.id, tab=target.key))
        if set(outcome.errors) and outcome.message.startswith("本页已保存"):
            flash(request, outcome.message + "：" + "；".join(outcome.errors.values()))
            return HTTPSeeOther(request.route_url(f"{filing.module_key}.tab", id=sub.id, tab=tab.key))
        return _redisplay(request, filing, sub, tab, outcome.errors, outcome.message, 400)
    return _tab_page(request, filing, sub, tab)


def _redisplay(request, filing, sub, tab, errors, message, status):
    """The page as the user posted it (nothing they typed is lost), with the problems."""
    db = request.dbsession
    stored = tabbed.stored_rows(db, filing, sub.id)
    rows = {}
    for table in filing.tables:
        current = {r["token"]: r for r in tabbed.shown_rows(db, filing, table, stored[table.key])}
        rows[table.key] = _posted_table_rows(request, table, current) if table in tab.tables else list(current.values())
    values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
    return _tab_page(request, filing, sub, tab, values=values, rows=rows, errors=errors, message=message,
                     status=status)


def first_tab(request, filing):
    sub = applicant_record(request, filing)
    return HTTPSeeOther(request.route_url(f"{filing.module_key}.tab", id=sub.id, tab=filing.tabs[0].key))


def show_view(request, filing):
    sub = applicant_record(request, filing)
    db = request.dbsession
    return {"page_title": f"{filing.title} — 查看", "filing": filing, "sub": sub, "doc": document_view(db, filing, sub),
            "attachments": attachments.files_for(db, filing.owner_type, sub.id),
            "history": review.history(db, sub), "editable": False, "errors": {}, "message": "",
            **review_marks(db, filing, sub),
            "full_ids": True,  # the applicant's own record
            "versions": versions_of(db, sub.id) if filing.versioned else []}


def submit_view(request, filing):
    sub = applicant_record(request, filing)
    db = request.dbsession
    agencies = tabbed.accepting_agencies(db, request.registry.settings, filing.module_key)
    page = {"page_title": f"{filing.title} — 提交申报材料", "filing": filing, "sub": sub, "agencies": agencies,
            "errors": {}, "message": "", "chosen": "", **review_marks(db, filing, sub)}
    if not sub.editable:
        if request.method == "POST":
            return refusal(request, "已提交的申报材料不能修改（如需修改，请等待审核退回）")
        page["problems"] = []
        return page
    if request.method == "POST":
        chosen = request.POST.get("agency", "")
        try:
            outcome, found = tabbed.submit(tabbed.Context.of(request), filing, services.chain_for(request, filing),
                                           sub, chosen)
        except review.ReviewError as exc:
            return refusal(request, exc.message, exc.status)
        if outcome.ok:
            flash(request, outcome.message)
            return HTTPSeeOther(request.route_url(f"{filing.module_key}.home"))
        request.response.status = 400
        page.update(errors=outcome.errors, message=outcome.message, chosen=chosen, problems=found)
        return page
    page["problems"] = tabbed.problems(db, filing, sub)
    return page


def register(config, filing, prefix: str):
    from .views import add_views

    k = filing.module_key
    T = "kjgl.core:templates/filings/"
    add_views(config, filing, [
        (f"{k}.edit", f"{prefix}/{{id:\\d{{1,9}}}}/edit", first_tab, None, "GET"),
        (f"{k}.tab", f"{prefix}/{{id:\\d{{1,9}}}}/tab/{{tab:[a-z_]{{1,32}}}}", tab_view, T + "tab.pt", ("GET", "POST")),
        (f"{k}.submit", f"{prefix}/{{id:\\d{{1,9}}}}/submit", submit_view, T + "tab_submit.pt", ("GET", "POST")),
        (f"{k}.view", f"{prefix}/{{id:\\d{{1,9}}}}", show_view, T + "tab_view.pt", "GET"),
    ], f"{k}:module:use")
    if filing.versioned:
        from . import document_views
        document_views.register_applicant(config, filing, prefix)
