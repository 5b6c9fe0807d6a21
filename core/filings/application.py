"""A tabbed document as a whole: the snapshot its versions are rendered from
and compared by, the list of its proofs (打印材料), and whether the latest
generated version still shows what is stored."""
from __future__ import annotations

from typing import Any

from ..attachments import services as attachments
from . import tabbed
from .tabs import shown
from .types import FilingType
from .versions import DocumentVersion, latest_version


def snapshot(db, filing: FilingType, sub) -> dict[str, Any]:
    """Every tab, field, figure, table row and proof of ``sub`` as plain
    data (see :mod:`kjgl.core.exports.application_docx`)."""
    data = tabbed.stored_values(db, filing, sub)  # the JSON content and the tabs' typed tables
    rows = tabbed.stored_rows(db, filing, sub.id)
    doc_files = attachments.files_for(db, filing.owner_type, sub.id)
    tabs = []
    for tab in filing.tabs:
        if not tab.savable:
            continue
        tables = []
        for table in tab.tables:
            tables.append({
                "key": table.key, "title": table.title,
                "columns": [{"name": c.name, "label": c.label + (f"（{c.unit}）" if c.unit else "")}
                            for c in table.columns],
                "rows": [{"id": r["id"], "cells": r["cells"],
                          "files": [a.filename for slot in table.slots for a in r["files"].get(slot.name, [])]}
                         for r in tabbed.shown_rows(db, filing, table, rows[table.key])],
            })
        tabs.append({
            "key": tab.key, "title": tab.title,
            "fields": [{"name": f.name, "label": f.label + (f"（{f.unit}）" if f.unit else ""),
                        "value": data.get(f.name) or "", **({"long": True} if f.kind == "textarea" else {})}
                       for f in tab.fields],
            "figures": [{"name": fig.name, "label": fig.label, "unit": fig.unit,
                         "value": shown(fig, data.get(fig.name) or None)} for fig in tab.figures],
            "tables": tables,
            "files": [{"slot": s.name, "title": s.title, "filenames": [a.filename for a in doc_files.get(s.name, [])]}
                      for s in tab.slots],
        })
    return {"title": filing.document_title.format(year=sub.batch.year),
            "subtitle": f"申报机构：{sub.organisation.name}　载体：{sub.title}", "tabs": tabs}


def stale(db, filing: FilingType, sub) -> DocumentVersion | None | bool:
    """The latest version if it shows what is stored now; False when the
    content changed since, None when no version was generated."""
    latest = latest_version(db, sub.id)
    if latest is None:
        return None
    return latest if latest.snapshot == snapshot(db, filing, sub) else False


def proof_entries(db, filing: FilingType, sub) -> list[tuple[str, str, Any]]:
    """(folder, name, attachment) for every proof: one folder per tab, each
    file named after its row ("第2行-孵化场地地址-证明材料-原名.pdf")."""
    rows = tabbed.stored_rows(db, filing, sub.id)
    doc_files = attachments.files_for(db, filing.owner_type, sub.id)
    out = []
    for index, tab in enumerate(filing.tabs, 1):
        folder = f"{index:02d}-{tab.title}"
        for slot in tab.slots:
            out += [(folder, f"{slot.title}-{a.filename}", a) for a in doc_files.get(slot.name, [])]
        for table in tab.tables:
            for n, row in enumerate(tabbed.shown_rows(db, filing, table, rows[table.key]), 1):
                label = row["cells"].get(table.label_column, "") if table.label_column else ""
                for slot in table.slots:
                    for a in row["files"].get(slot.name, []):
                        name = "-".join(p for p in (table.title, f"第{n}行", label, slot.title, a.filename) if p)
                        out.append((folder, name, a))
    return out
