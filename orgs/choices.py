"""Unit kinds and levels."""

from django.db import models


class UnitKind(models.TextChoices):
    """单位类别."""

    PARTY_COMMITTEE = "party_committee", "党委"
    PARTY_DEPT = "party_dept", "党委工作部门"
    CONGRESS = "congress", "人大"
    GOVERNMENT = "government", "政府"
    GOV_DEPT = "gov_dept", "政府工作部门"
    CPPCC = "cppcc", "政协"
    DISCIPLINE = "discipline", "纪委监委"
    JUDICIAL = "judicial", "法院检察院"
    TOWNSHIP = "township", "乡镇"
    SUBDISTRICT = "subdistrict", "街道"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    INSTITUTION = "institution", "事业单位"
    SOE = "soe", "国有企业"
    MASS_ORG = "mass_org", "群团组织"
    OTHER = "other", "其他"


class UnitLevel(models.TextChoices):
    """单位级别 (the rank of the unit's head)."""

    PROVINCE = "province", "省部级"
    PREFECTURE = "prefecture", "厅局级"
    COUNTY = "county", "县处级"
    TOWNSHIP = "township", "乡科级"
    BELOW = "below", "股级及以下"
    NONE = "none", "不定级"
