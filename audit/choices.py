"""Audit event kinds."""

from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    RESTORE = "restore", "恢复"
    MOVE = "move", "移动"
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    SECOND_FACTOR = "second_factor", "动态口令验证通过"
    LOCKED = "locked", "账户锁定"
    LOGOUT = "logout", "退出登录"
    SESSION_EXPIRED = "session_expired", "会话超时"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    GRANT = "grant", "授权"
    REVOKE = "revoke", "撤销授权"
    REVEAL = "reveal", "查看完整身份证号"
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "下载"
    VIEW = "view", "查看"
    IMPORT = "import", "导入"
    INTEGRITY_FAILURE = "integrity_failure", "加密数据校验失败"
