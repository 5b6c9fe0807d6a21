"""What differs between two snapshots of an application document, as lines
a reviewer reads (版本比对):

    基础信息 · 主流媒体报道次数：3 → 4
    服务场地 · 第2行（孵化场地地址：xx路1号）· 众创空间面积：10 → 12
    服务场地：新增第3行（孵化场地地址：xx路3号）
    服务场地：删除第1行（孵化场地地址：xx路1号）
    服务场地 · 承诺书：新增 b.pdf；删除 a.pdf

A snapshot is the plain-data shape the document is rendered from (see
:mod:`kjgl.core.exports.application_docx`). Table rows are matched by their
``id`` (a row keeps its id when edited, and when rows before it are removed);
rows without ids are matched by position.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

EMPTY = "（空）"
# a value longer than this, or on several lines, is summarised, not quoted
SHORT_TEXT = 40
SEP = " · "
AFTER_ROW = "· "  # after the row's closing bracket, as in "第2行（…）· 面积"


def diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """The differences from snapshot ``a`` to snapshot ``b``, one readable
    line each, in document order; empty when they read the same."""
    lines: list[str] = []
    for key, title in (("title", "申报书标题"), ("subtitle", "申报单位及载体")):
        if _text(a.get(key)) != _text(b.get(key)):
            lines.append(f"{title}：{_change(a.get(key), b.get(key))}")
    for tab_a, tab_b in _pair(a.get("tabs") or [], b.get("tabs") or [], "key"):
        lines.extend(_tab(tab_a or {}, tab_b or {}))
    return lines


def _tab(a: Mapping, b: Mapping) -> Iterable[str]:
    tab = _text((b or a).get("title") or (b or a).get("key"))
    for fa, fb in _pair(a.get("fields") or [], b.get("fields") or [], "name"):
        if _text((fa or {}).get("value")) != _text((fb or {}).get("value")):
            yield f"{tab}{SEP}{_label(fb or fa)}：{_change((fa or {}).get('value'), (fb or {}).get('value'))}"
    for fa, fb in _pair(a.get("figures") or [], b.get("figures") or [], "name"):
        if _text((fa or {}).get("value")) != _text((fb or {}).get("value")):
            figure = fb or fa
            unit = f"（{figure['unit']}）" if figure.get("unit") else ""
            yield f"{tab}{SEP}{_label(figure)}{unit}：{_change((fa or {}).get('value'), (fb or {}).get('value'))}"
    for ta, tb in _pair(a.get("tables") or [], b.get("tables") or [], "key"):
        yield from _table(tab, ta or {}, tb or {})
    for sa, sb in _pair(a.get("files") or [], b.get("files") or [], "slot"):
        change = _files((sa or {}).get("filenames"), (sb or {}).get("filenames"))
        if change:
            yield f"{tab}{SEP}{_text((sb or sa).get('title') or (sb or sa).get('slot'))}：{change}"


def _table(tab: str, a: Mapping, b: Mapping) -> Iterable[str]:
    title = _text((b or a).get("title"))
    where = tab if not title or title == tab else f"{tab}{SEP}{title}"
    labels = {c.get("name"): _label(c) for c in [*(a.get("columns") or []), *(b.get("columns") or [])]}
    columns = list(dict.fromkeys([c.get("name") for c in (b.get("columns") or a.get("columns") or [])]))
    rows_a, rows_b = list(a.get("rows") or []), list(b.get("rows") or [])
    first = columns[0] if columns else None

    def summary(row) -> str:
        cells = row.get("cells") or {}
        return f"{labels.get(first, first)}：{_short(cells.get(first))}" if first else ""

    by_id = all(r.get("id") is not None for r in rows_a + rows_b)
    matched, removed = [], []
    if by_id:
        position_b = {r["id"]: i for i, r in enumerate(rows_b, 1)}
        for i, row in enumerate(rows_a, 1):
            (matched.append((row, rows_b[position_b[row["id"]] - 1], position_b[row["id"]]))
             if row["id"] in position_b else removed.append((i, row)))
        kept = {r["id"] for r in rows_a}
        added = [(i, r) for i, r in enumerate(rows_b, 1) if r["id"] not in kept]
    else:
        matched = [(ra, rb, i) for i, (ra, rb) in enumerate(zip(rows_a, rows_b), 1)]
        removed = list(enumerate(rows_a, 1))[len(rows_b):]
        added = list(enumerate(rows_b, 1))[len(rows_a):]

    for i, row in removed:
        yield f"{where}：删除第{i}行（{summary(row)}）"
    for row_a, row_b, i in matched:
        cells_a, cells_b = row_a.get("cells") or {}, row_b.get("cells") or {}
        names = list(dict.fromkeys([*columns, *cells_a, *cells_b]))
        for name in names:
            if _text(cells_a.get(name)) != _text(cells_b.get(name)):
                yield (f"{where}{SEP}第{i}行（{summary(row_a)}）{AFTER_ROW}{labels.get(name, name)}："
                       f"{_change(cells_a.get(name), cells_b.get(name))}")
        change = _files(row_a.get("files"), row_b.get("files"))
        if change:
            yield f"{where}{SEP}第{i}行（{summary(row_a)}）{AFTER_ROW}证明材料：{change}"
    for i, row in added:
        yield f"{where}：新增第{i}行（{summary(row)}）"


def _pair(items_a: Sequence[Mapping], items_b: Sequence[Mapping], key: str):
    """(item of a, item of b) by ``key``, in b's order then the items only a
    has; a missing side is None."""
    in_a = {item.get(key): item for item in items_a}
    in_b = {item.get(key): item for item in items_b}
    for item in items_b:
        yield in_a.get(item.get(key)), item
    for item in items_a:
        if item.get(key) not in in_b:
            yield item, None


def _files(a, b) -> str:
    """``新增 b.pdf；删除 a.pdf`` (a name appearing twice counts twice)."""
    before, after = Counter(a or []), Counter(b or [])
    added = list((after - before).elements())
    removed = list((before - after).elements())
    parts = ([f"新增 {'、'.join(added)}"] if added else []) + ([f"删除 {'、'.join(removed)}"] if removed else [])
    return "；".join(parts)


def _label(item: Mapping) -> str:
    return _text(item.get("label") or item.get("name"))


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _short(value) -> str:
    text = _text(value)
    if not text:
        return EMPTY
    text = " ".join(text.split())
    return text if len(text) <= SHORT_TEXT else text[:SHORT_TEXT] + "…"


def _change(old, new) -> str:
    """``3 → 4``; a long or multi-line text as its length change."""
    old_text, new_text = _text(old), _text(new)
    if "\n" in old_text + new_text or max(len(old_text), len(new_text)) > SHORT_TEXT:
        if not old_text:
            return f"新填写（{len(new_text)}字）"
        if not new_text:
            return f"已清空（原{len(old_text)}字）"
        return f"内容已修改（{len(old_text)}字 → {len(new_text)}字）：{_short(new_text)}"
    return f"{old_text or EMPTY} → {new_text or EMPTY}"
