# DemoSeed now belongs to the demo app (demo/migrations/0001_demo_seed.py); its table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_demo_seed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DemoSeed")],
        ),
    ]
