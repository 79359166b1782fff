"""Seed the political-quality indicators with a few behaviour traits each.

This is a starting catalogue, not a regulation: the five indicators are the ones the issue
names (政治忠诚, 政治定力, 政治担当, 政治能力, 政治自律); the traits are common wording of
政治素质考察 practice. An administrator adapts names, descriptions and traits to local use.
"""

from django.db import migrations

CATALOGUE = [
    (
        "政治忠诚",
        "对党忠诚老实，坚决维护党中央权威和集中统一领导。（初始目录，管理员可按本地实际调整）",
        [
            ("坚决贯彻落实党中央决策部署，不打折扣、不搞变通", "positive"),
            ("对党忠诚老实，如实向组织报告个人有关事项", "positive"),
            ("阳奉阴违、搞“上有政策、下有对策”", "negative"),
        ],
    ),
    (
        "政治定力",
        "在大是大非面前旗帜鲜明，经得起风浪考验。（初始目录，管理员可按本地实际调整）",
        [
            ("在重大原则问题上立场坚定、旗帜鲜明", "positive"),
            ("面对错误思潮和言论敢于亮剑", "positive"),
            ("在大是大非面前态度暧昧、随波逐流", "negative"),
        ],
    ),
    (
        "政治担当",
        "敢于担当作为，在急难险重任务中冲锋在前。（初始目录，管理员可按本地实际调整）",
        [
            ("在急难险重任务中挺身而出、担当作为", "positive"),
            ("面对矛盾问题敢于较真碰硬", "positive"),
            ("遇事推诿扯皮、不作为慢作为", "negative"),
        ],
    ),
    (
        "政治能力",
        "善于从政治上观察和处理问题，把握方向、防范风险。（初始目录，管理员可按本地实际调整）",
        [
            ("善于从政治高度谋划推动工作", "positive"),
            ("能及时发现和有效防范化解重大风险", "positive"),
            ("政治敏锐性不强，对苗头性问题失察", "negative"),
        ],
    ),
    (
        "政治自律",
        "严守政治纪律和政治规矩，廉洁自律。（初始目录，管理员可按本地实际调整）",
        [
            ("严守政治纪律和政治规矩，严格执行请示报告制度", "positive"),
            ("严格落实中央八项规定精神，廉洁自律", "positive"),
            ("违反政治纪律和政治规矩，搞团团伙伙", "negative"),
            ("违反中央八项规定精神", "negative"),
        ],
    ),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("supervision", "Indicator")
    BehaviourTrait = apps.get_model("supervision", "BehaviourTrait")
    for order, (name, description, traits) in enumerate(CATALOGUE, start=1):
        indicator, created = Indicator.objects.get_or_create(
            name=name, defaults={"description": description, "order": order * 10}
        )
        if not created:
            continue
        for t_order, (text, polarity) in enumerate(traits, start=1):
            BehaviourTrait.objects.create(
                indicator=indicator, text=text, polarity=polarity, order=t_order * 10
            )


def unseed(apps, schema_editor):
    Indicator = apps.get_model("supervision", "Indicator")
    Indicator.objects.filter(
        name__in=[name for name, _d, _t in CATALOGUE], entries__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
