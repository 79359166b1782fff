"""The rank ladder comes from the code table, in the order the rules compare levels."""

from __future__ import annotations

from core.ranks import at_or_above, rank_ladder, rank_names, rank_step


def test_the_ladder_runs_from_the_lowest_level_to_the_highest():
    assert rank_ladder() == ("142", "141", "132", "131", "122", "121", "112", "111", "102", "101")
    assert rank_step("142") == 0
    assert rank_step("101") == 9
    assert rank_step("1X") is None


def test_names_come_from_the_code_table():
    assert rank_names()["142"] == "乡科级副职"
    assert rank_names()["131"] == "县处级正职"
    assert set(rank_names()) == set(rank_ladder())


def test_at_or_above_lists_the_level_and_every_higher_one():
    assert at_or_above("132") == ("101", "102", "111", "112", "121", "122", "131", "132")
    assert at_or_above("101") == ("101",)
