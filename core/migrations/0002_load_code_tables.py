"""Load the standard code tables shipped in core/data/codes (re-runnable: `manage.py load_codes`)."""

from django.db import migrations


def load(apps, schema_editor):
    from core.codes import load_code_tables

    load_code_tables(apps.get_model("core", "Code"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
