"""Stages and statuses of a 选拔任用 case (《党政领导干部选拔任用工作条例》2019, Ch. 3–7)."""

from django.db import models


class Stage(models.TextChoices):
    """The process steps in the order of the 条例's chapters (docs/rules.md, "Selection")."""

    PROPOSAL = "proposal", "分析研判和动议"
    RECOMMENDATION = "recommendation", "民主推荐"
    CANDIDATES = "candidates", "确定考察对象"
    INSPECTION = "inspection", "考察"
    DECISION = "decision", "讨论决定"
    PUBLIC_NOTICE = "public_notice", "任前公示"
    APPOINTMENT = "appointment", "任职"
    CLOSED = "closed", "已办结"


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)

# Stages the case may go back to, with a reason. Once 任职 has written the positions the
# case cannot go back: a mistaken appointment is undone on the cadre record (免职), not here.
_BACKWARD_UNTIL = STAGE_ORDER.index(Stage.PUBLIC_NOTICE)


def _transitions() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for index, stage in enumerate(STAGE_ORDER):
        allowed: set[str] = set()
        if index + 1 < len(STAGE_ORDER):
            allowed.add(STAGE_ORDER[index + 1])
        if 0 < index <= _BACKWARD_UNTIL:
            allowed.update(STAGE_ORDER[:index])
        table[stage] = frozenset(allowed)
    return table


# docs/architecture.md, "Services and selectors": the only moves a case can make. Forward one stage
# at a time (no skipping);
# backward to any earlier stage up to and including 任前公示, and only with a reason.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = _transitions()


def is_backward(from_stage: str, to_stage: str) -> bool:
    return STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(from_stage)


class CandidateStatus(models.TextChoices):
    """Where a person stands in the case: 推荐人选 → 考察对象 → 拟任人选 → 已任职."""

    NOMINATED = "nominated", "推荐人选"
    INSPECTED = "inspected", "考察对象"
    APPROVED = "approved", "拟任人选"
    APPOINTED = "appointed", "已任职"
    WITHDRAWN = "withdrawn", "不再考虑"


CANDIDATE_TRANSITIONS: dict[str, frozenset[str]] = {
    CandidateStatus.NOMINATED: frozenset({CandidateStatus.INSPECTED, CandidateStatus.WITHDRAWN}),
    CandidateStatus.INSPECTED: frozenset(
        {CandidateStatus.APPROVED, CandidateStatus.NOMINATED, CandidateStatus.WITHDRAWN}
    ),
    CandidateStatus.APPROVED: frozenset(
        {
            CandidateStatus.APPOINTED,
            CandidateStatus.INSPECTED,
            CandidateStatus.NOMINATED,
            CandidateStatus.WITHDRAWN,
        }
    ),
    CandidateStatus.APPOINTED: frozenset(),
    CandidateStatus.WITHDRAWN: frozenset({CandidateStatus.NOMINATED}),
}

# Candidates still in the running (a withdrawn one stays on the record, out of the checks).
ACTIVE_CANDIDATE = (
    CandidateStatus.NOMINATED,
    CandidateStatus.INSPECTED,
    CandidateStatus.APPROVED,
    CandidateStatus.APPOINTED,
)

# The inspection checklist (public cadre-system fields, docs/rules.md, "Selection"): field → label.
CHECKLIST_ITEMS: dict[str, str] = {
    "file_review": "干部人事档案审核",
    "personal_matters": "个人有关事项查核",
    "discipline_opinion": "征求纪检监察机关意见",
    "no_disqualification": "经核实无不得列为考察对象的情形",
}
