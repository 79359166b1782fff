"""Kinds and categories of the supervision app: 正面/负面清单, 个人有关事项 and key units.

The report categories and the finding kinds carry the words of 《领导干部报告个人有关事项规定》
(2017) Art.3/Art.4 and 《领导干部个人有关事项报告查核结果处理办法》(2017) Art.3/Art.4
(docs/rules.md, "Personal-matters reports"); the 2023 revision was not available and must be
re-checked.
"""

from __future__ import annotations

from django.db import models


class Polarity(models.TextChoices):
    """Which list a conduct entry is on (``ConductEntry.polarity``)."""

    POSITIVE = "positive", "正面清单"
    NEGATIVE = "negative", "负面清单"


class ReportGroup(models.TextChoices):
    """The two halves of the annual report: 家事 (Art.3) and 家产 (Art.4)."""

    FAMILY = "family", "家事"
    PROPERTY = "property", "家产"


class ReportCategory(models.TextChoices):
    """The 8 family and 6 property items of the annual report (2017 规定 Art.3, Art.4)."""

    MARRIAGE = "marriage", "本人婚姻情况"
    PASSPORT = "passport", "本人持有普通护照以及因私出国的情况"
    HK_MACAO_TAIWAN = (
        "hmt",
        "本人持有往来港澳通行证、因私持有大陆居民往来台湾通行证以及因私往来港澳台的情况",
    )
    CHILD_FOREIGN_MARRIAGE = "child_foreign", "子女与外国人、无国籍人通婚的情况"
    CHILD_HMT_MARRIAGE = "child_hmt", "子女与港澳以及台湾居民通婚的情况"
    EMIGRATION = (
        "emigration",
        "配偶、子女移居国（境）外的情况，或虽未移居但连续在国（境）外工作、生活一年以上的情况",
    )
    EMPLOYMENT = "employment", "配偶、子女及其配偶的从业情况"
    CRIMINAL = "criminal", "配偶、子女及其配偶被司法机关追究刑事责任的情况"
    SALARY = "salary", "本人的工资及各类奖金、津贴、补贴等"
    FEES = "fees", "本人从事讲学、写作、咨询、审稿、书画等劳务所得"
    HOUSING = "housing", "本人、配偶、共同生活的子女为所有权人或者共有人的房产情况"
    SECURITIES = (
        "securities",
        "本人、配偶、共同生活的子女投资或者以其他方式持有股票、基金、投资型保险等的情况",
    )
    BUSINESS = "business", "配偶、子女及其配偶经商办企业的情况"
    OVERSEAS = "overseas", "本人、配偶、共同生活的子女在国（境）外的存款和投资情况"


FAMILY_CATEGORIES: tuple[str, ...] = tuple(ReportCategory.values[:8])
PROPERTY_CATEGORIES: tuple[str, ...] = tuple(ReportCategory.values[8:])


def category_group(category: str) -> ReportGroup:
    """家事 or 家产 of a report category."""
    return ReportGroup.FAMILY if category in FAMILY_CATEGORIES else ReportGroup.PROPERTY


class CheckKind(models.TextChoices):
    """How a report came to be checked: the annual random draw or a targeted check."""

    RANDOM = "random", "随机抽查"
    TARGETED = "targeted", "重点抽查（凡提必查）"


class FindingKind(models.TextChoices):
    """查核结果处理办法 (2017): 漏报 (Art.3) is an oversight, 隐瞒不报 (Art.4) is wilful."""

    OMISSION = "omission", "漏报"
    CONCEALMENT = "concealment", "隐瞒不报"


class FindingSubkind(models.TextChoices):
    """The situations each kind lists (查核结果处理办法 Art.3 / Art.4)."""

    # Art.3 漏报
    OM_HMT = "om_hmt", "未报告持有往来港澳通行证、大陆居民往来台湾通行证或因私往来港澳台"
    OM_HOUSING_AREA = "om_housing_area", "少报房产面积，或未报告车库、车位、储藏间等"
    OM_SECURITIES_AMOUNT = "om_securities_amount", "少报股票、基金、投资型保险的数额"
    OM_INVESTMENT_AMOUNT = "om_investment_amount", "少报投资非上市公司、企业等的出资额"
    OM_OTHER = "om_other", "其他漏报情形"
    # Art.4 隐瞒不报
    CO_MARRIAGE = "co_marriage", "未报告本人婚姻情况"
    CO_PASSPORT = "co_passport", "未报告持有普通护照或因私出国情况"
    CO_CHILD_MARRIAGE = "co_child_marriage", "未报告子女与外国人、无国籍人或港澳台居民通婚"
    CO_EMIGRATION = (
        "co_emigration",
        "未报告配偶、子女移居国（境）外或连续在国（境）外工作、生活一年以上",
    )
    CO_EMPLOYMENT = "co_employment", "未报告配偶、子女及其配偶的从业情况"
    CO_CRIMINAL = "co_criminal", "未报告配偶、子女及其配偶被追究刑事责任的情况"
    CO_HOUSING = "co_housing", "未报告房产一套以上（不含车库、车位、储藏间）"
    CO_SECURITIES = "co_securities", "未报告持有股票、基金、投资型保险"
    CO_BUSINESS = "co_business", "未报告投资非上市公司、企业等一家以上"
    CO_OTHER = "co_other", "其他隐瞒不报情形"


def subkinds_of(kind: str) -> tuple[str, ...]:
    """The sub-kinds a finding of ``kind`` may take (their codes start om_ / co_)."""
    prefix = "om_" if kind == FindingKind.OMISSION else "co_"
    return tuple(v for v in FindingSubkind.values if v.startswith(prefix))


class KeyUnitReason(models.TextChoices):
    """Why a unit is watched closely: the seed's 权力集中、资源富集."""

    POWER = "power", "权力集中"
    RESOURCES = "resources", "资源富集"
    BOTH = "both", "权力集中、资源富集"


class PostMatch(models.TextChoices):
    """How a key post names the positions it covers."""

    EXACT = "exact", "职务名称完全一致"
    KEYWORD = "keyword", "职务名称包含关键词"
