"""Choices of the cadre record that are not national code tables."""

from django.db import models


class CadreStatus(models.TextChoices):
    ACTIVE = "active", "在职"
    RETIRED = "retired", "退休"
    TRANSFERRED = "transferred", "调出"
    DECEASED = "deceased", "去世"


class ManagementLevel(models.TextChoices):
    """管理类别 (中组部 信息结构体系 aGllbA: 01 中央管理 … 05 其他)."""

    CENTRAL = "01", "中管"
    PROVINCE = "02", "省管"
    CITY = "03", "市管"
    COUNTY = "04", "县管"
    OTHER = "05", "其他"


class EducationKind(models.TextChoices):
    FULL_TIME = "full_time", "全日制教育"
    IN_SERVICE = "in_service", "在职教育"


class AppointmentMethod(models.TextChoices):
    ELECTED = "elected", "选任"
    APPOINTED = "appointed", "委任"
    HIRED = "hired", "聘任"
    EXAMINED = "examined", "考任"


class AssessmentGrade(models.TextChoices):
    """年度考核等次 (《公务员考核规定》2020: four grades; 不定等次 for new hires and absences)."""

    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    UNGRADED = "ungraded", "不定等次"


class RecordKind(models.TextChoices):
    REWARD = "reward", "奖励"
    PUNISHMENT = "punishment", "惩处"


# Words in a relative's 工作单位及职务 that mark the person as deceased (docs/lrmx.md,
# "Family members").
DECEASED_WORDS = ("已去世", "去世", "死亡", "逝世", "已逝", "已故")
