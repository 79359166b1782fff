"""Code-table names and other shared choices."""

from django.db import models


class CodeTable(models.TextChoices):
    """The standard code tables Zugong carries (docs/rules.md, "Ranks and grades" and "Code
    tables")."""

    SEX = "GB22611", "性别"
    ETHNICITY = "GB3304", "民族"
    POLITICAL_STATUS = "GB4762", "政治面貌"
    HEALTH = "GB22613", "健康状况"
    MARITAL_STATUS = "GB2261_2", "婚姻状况"
    KINSHIP = "GB4761", "称谓（家庭关系）"
    EDUCATION = "ZB64", "学历"
    DEGREE = "GB6864", "学位"
    PROFESSIONAL_TITLE = "GB8561", "专业技术职务"
    REGION = "ZB01", "行政区划"
    RANK_LEVEL = "RANK_LEVEL", "领导职务层次"
    GRADE = "GRADE", "职级"
