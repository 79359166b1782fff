"""What the demo app keeps: the record that a demo load finished."""

from __future__ import annotations

from django.db import models


class DemoSeed(models.Model):
    """Written as the last step of ``seed_demo``, in the same transaction as the data.

    A database with demo units but no row here holds a load that did not finish (one made by a
    version that did not load in one transaction): ``seed_demo --if-empty`` says so instead of
    serving half a demo (docs/demo.md).
    """

    tier = models.CharField("规模", max_length=16)
    seed = models.IntegerField("随机种子")
    seeded_on = models.DateField("生成日期", help_text="演示数据中的日期以这一天为准")
    finished_at = models.DateTimeField("完成时间", auto_now_add=True)

    class Meta:
        # Made by the home app's migration 0001, when the generator lived there; the demo
        # app took the model over without moving the table (demo migration 0001).
        db_table = "home_demoseed"
        verbose_name = "演示数据生成记录"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.tier} 种子 {self.seed}（{self.seeded_on:%Y-%m-%d}）"
