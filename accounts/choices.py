"""Roles (角色)."""

from django.db import models


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"
    CADRE_CLERK = "cadre_clerk", "干部科"
    ORG_CLERK = "org_clerk", "组织科"
    TALENT_CLERK = "talent_clerk", "人才办"
    LIAISON = "liaison", "单位联络员"
    LEADER = "leader", "领导（只读）"


# 三员 (等保 separation of duties): unscoped, mutually exclusive, no personnel data.
THREE_ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
