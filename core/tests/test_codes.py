"""Standard code tables: loaded by the data migration, re-loadable and idempotent."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase

from core.choices import CodeTable
from core.codes import load_code_tables, read_table
from core.models import Code


class CodeTableTests(TestCase):
    def count(self, table: CodeTable) -> int:
        return Code.objects.filter(table=table).count()

    def test_it_loads_every_table_in_the_migration(self):
        for table in CodeTable:
            assert self.count(table) > 0, table.label
            assert self.count(table) == len(read_table(table)), table.label

    def test_it_loads_sensible_counts(self):
        assert self.count(CodeTable.SEX) == 2
        assert self.count(CodeTable.ETHNICITY) >= 56
        assert self.count(CodeTable.POLITICAL_STATUS) == 13
        assert self.count(CodeTable.REGION) > 2000
        assert self.count(CodeTable.RANK_LEVEL) == 10
        assert self.count(CodeTable.GRADE) == 12

    def test_it_keeps_the_names_and_extra_columns(self):
        assert Code.objects.get(table=CodeTable.ETHNICITY, code="01").name == "汉族"
        assert Code.objects.get(table=CodeTable.POLITICAL_STATUS, code="01").name == "中共党员"
        rank = Code.objects.get(table=CodeTable.RANK_LEVEL, code="131")
        assert rank.name == "县处级正职"
        grade = Code.objects.get(table=CodeTable.GRADE, name="一级调研员")
        assert grade.extra["min_years"] == "3"
        assert grade.extra["promote_from"] == "县处级正职或二级调研员"
        assert Code.objects.get(table=CodeTable.GRADE, name="一级巡视员").extra["min_years"] == "4"
        assert "min_years" not in Code.objects.get(table=CodeTable.GRADE, name="二级科员").extra

    def test_it_keeps_the_parent_of_a_region(self):
        county = Code.objects.get(table=CodeTable.REGION, code="110101")
        assert county.name == "北京东城"
        assert county.parent_code == "110000"
        assert Code.objects.get(table=CodeTable.REGION, code="110000").parent_code == ""

    def test_it_keeps_a_renamed_region_once_with_its_old_name_as_alias(self):
        region = Code.objects.get(table=CodeTable.REGION, code="530821")
        assert region.name == "云南宁洱"
        assert region.extra["aliases"] == ["云南普洱"]

    def test_it_writes_nothing_when_loaded_again(self):
        before = Code.objects.count()
        assert load_code_tables(Code) == 0  # the migration loaded them already
        assert Code.objects.count() == before

    def test_it_writes_every_row_once_then_nothing(self):
        total = sum(len(read_table(table)) for table in CodeTable)
        Code.objects.all().delete()
        assert load_code_tables(Code) == total
        assert Code.objects.count() == total
        assert load_code_tables(Code) == 0
        assert Code.objects.count() == total

    def test_it_restores_a_changed_row_and_a_missing_row(self):
        Code.objects.filter(table=CodeTable.ETHNICITY, code="01").update(name="改过")
        Code.objects.filter(table=CodeTable.ETHNICITY, code="02").delete()
        assert load_code_tables(Code) == 2
        assert Code.objects.get(table=CodeTable.ETHNICITY, code="01").name == "汉族"
        assert Code.objects.get(table=CodeTable.ETHNICITY, code="02").name == "蒙古族"
        assert load_code_tables(Code) == 0

    def test_it_loads_with_the_management_command(self):
        Code.objects.filter(table=CodeTable.POLITICAL_STATUS).delete()
        out = io.StringIO()
        call_command("load_codes", stdout=out)
        assert "写入 13 行" in out.getvalue()
        assert self.count(CodeTable.POLITICAL_STATUS) == 13
        out = io.StringIO()
        call_command("load_codes", stdout=out)
        assert "写入 0 行" in out.getvalue()
