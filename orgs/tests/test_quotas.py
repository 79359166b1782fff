"""Which posts a titled 职数 names (orgs/quotas.py), worked out by hand from the shorthand."""

from __future__ import annotations

import pytest

from orgs.quotas import covers, quota_post_titles

COMBINED = "党（工）委书记、乡镇长（主任）"


def test_the_town_shorthand_names_six_titles():
    assert quota_post_titles(COMBINED) == {
        "党委书记",
        "党工委书记",
        "乡镇长",
        "乡长",
        "镇长",
        "主任",
    }


def test_a_plain_title_names_itself_and_no_title_names_nothing():
    assert quota_post_titles("局长") == {"局长"}
    assert quota_post_titles("") == frozenset()
    assert quota_post_titles("局长，党组书记") == {"局长", "党组书记"}
    assert quota_post_titles("院长(校长)") == {"院长", "校长"}


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        ("党委书记", True),
        ("党工委书记", True),
        ("镇长", True),
        ("乡长", True),
        ("办事处主任", True),
        ("主任", True),
        ("副镇长", False),
        ("常务副镇长", False),
        ("党委副书记", False),
        ("书记", False),
        ("", False),
    ],
)
def test_which_posts_fill_the_town_quota(post, expected):
    assert covers(COMBINED, post) is expected


def test_a_deputy_title_quota_is_filled_by_its_deputies_only():
    assert covers("副镇长", "副镇长")
    assert covers("副镇长", "常务副镇长")
    assert not covers("镇长", "副镇长")
