# The demo generator moved from the home app to this one; its finish record moved with it. The
# table home_demoseed, made by home's migration 0001, stays where it is (DemoSeed.Meta.db_table):
# only Django's model state changes hands (home's migration 0002 drops it from home).

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("home", "0001_demo_seed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DemoSeed",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("tier", models.CharField(max_length=16, verbose_name="规模")),
                        ("seed", models.IntegerField(verbose_name="随机种子")),
                        (
                            "seeded_on",
                            models.DateField(
                                help_text="演示数据中的日期以这一天为准", verbose_name="生成日期"
                            ),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="完成时间"),
                        ),
                    ],
                    options={
                        "verbose_name": "演示数据生成记录",
                        "verbose_name_plural": "演示数据生成记录",
                        "db_table": "home_demoseed",
                    },
                ),
            ],
        ),
    ]
