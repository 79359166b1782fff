"""The figures the supervision app enforces, each with where it was read (docs/architecture.md,
"Services and selectors").

They are defaults: a ``ReportYear`` stores its own due date and rank levels, a ``SpotCheck``
its percentage and a ``KeyPost`` its rotation years, so a deployment changes them per record.
"""

from __future__ import annotations

import datetime as dt

from core.ranks import at_or_above

# 《领导干部报告个人有关事项规定》(2017) Art.5: 每年1月31日前集中报告一次上一年度事项.
REPORT_DUE_MONTH, REPORT_DUE_DAY = 1, 31

# Art.2: 县处级副职以上 must report. GB/T 12407-2008 codes 101 国家级正职 … 132 县处级副职.
# Unverified against the 2023 revision: configurable per ReportYear.
DEFAULT_REPORT_RANK_LEVELS: tuple[str, ...] = at_or_above("132")

# Random spot check: raised from 3–5% to 10% in 2015 (新京报 2015-03, docs/rules.md,
# "Personal-matters reports");
# whether the 2017 Art.11 text says 10% literally is unverified.
DEFAULT_SPOT_CHECK_PERCENT = 10

# Rotation of key posts: 5 years is a provincial rule (docs/rules.md,
# "Exchange, tenure and avoidance"), not central.
DEFAULT_ROTATION_YEARS = 5


def default_due_date(year: int) -> dt.date:
    """The report on ``year`` is due on 31 January of the next year (Art.5)."""
    return dt.date(year + 1, REPORT_DUE_MONTH, REPORT_DUE_DAY)
