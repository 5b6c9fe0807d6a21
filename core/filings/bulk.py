"""Deciding several records at once (批量审核): each ticked record gets its
own transition, its own audit record and its own notifications; a record
someone else decided since the list was read is reported, never
overwritten (each decision names the version the reviewer saw)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..audit.services import changes, snapshot
from ..review import services as review
from ..review.models import Submission
from .tabbed import Context

DECIDED = ("state", "step", "grade", "score", "last_opinion")


@dataclass
class BulkReport:
    decided: list[Submission] = field(default_factory=list)
    meanwhile: list[Submission] = field(default_factory=list)  # decided by someone else since read
    refused: list[tuple[Submission, str]] = field(default_factory=list)  # not this reviewer's, or not bulk-able

    def message(self, decision: str) -> str:
        done = "审核通过" if decision == "approve" else "退回申报单位修改"
        parts = [f"已{done}{len(self.decided)}条记录"]
        if self.meanwhile:
            parts.append(f"{len(self.meanwhile)}条记录已被其他审核人员处理，未作改动："
                         + "、".join(f"“{s.title}”" for s in self.meanwhile))
        if self.refused:
            parts.append("、".join(f"“{s.title}”（{why}）" for s, why in self.refused) + "未处理")
        return "；".join(parts)


def parse_ticked(values) -> dict[int, int]:
    """``id:version`` pairs as posted by the list's check boxes; anything
    else is ignored."""
    ticked = {}
    for value in values:
        head, _, tail = str(value).partition(":")
        if head.isdigit() and tail.isdigit() and len(head) <= 9 and len(tail) <= 9:
            ticked[int(head)] = int(tail)
    return ticked


def decide_many(ctx: Context, filing, chain, ticked: dict[int, int], *, decision: str,
                opinion: str) -> BulkReport:
    """Approve or return the ticked records (id → version seen) together with
    one opinion. Grading steps need a grade and score per record and are
    refused here."""
    opinion = (opinion or "").strip()
    if decision not in ("approve", "return"):
        raise review.InvalidDecision("请选择审核结果", field="decision")
    if decision == "return" and not opinion:
        raise review.InvalidDecision("批量退回时必须填写审批意见", field="opinion")
    if not ticked:
        raise review.InvalidDecision("请先勾选要审核的记录", field="ids")
    report = BulkReport()
    subs = ctx.db.scalars(select(Submission).where(Submission.id.in_(list(ticked)),
                                                  Submission.module_key == filing.module_key)
                          .order_by(Submission.id))
    scope = {s.id for s in ctx.db.scalars(review.reviewer_scope(
        select(Submission).where(Submission.id.in_(list(ticked))), ctx.actor))}
    for sub in subs:
        if sub.id not in scope:
            continue  # not in the reviewer's subtree: as if it did not exist
        seen = ticked[sub.id]
        if sub.state != "submitted" or sub.version != seen:
            report.meanwhile.append(sub)
            continue
        step = chain.step(sub.step)
        if decision == "approve" and step.grades:
            report.refused.append((sub, f"{step.title}需逐条评分"))
            continue
        before = snapshot(sub, DECIDED)
        try:
            review.decide(ctx.db, chain, sub, ctx.actor, decision=decision, opinion=opinion,
                          expected_version=seen)
        except review.AlreadyDecided:
            report.meanwhile.append(sub)
            continue
        except review.InvalidDecision as exc:
            report.refused.append((sub, exc.message))
            continue
        ctx.audit("filing_review", object_type=filing.owner_type, object_id=sub.id, decision=decision,
                  step=step.title, state=sub.state, bulk=True,
                  changes=changes(before, snapshot(sub, DECIDED), limit=60))
        report.decided.append(sub)
    return report
