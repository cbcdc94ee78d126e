"""PRIV 1 (UK GDPR Art. 5(1)(e), storage limitation): how long a closed record is kept, from
the policy's [privacy] settings; PRIV 2: the idle time before the app locks itself."""

from __future__ import annotations

from datetime import date

import pytest

from cintui.domain import retention
from cintui.domain.policy import PolicyError, PrivacyRules, parse_policy
from cintui.reference.policies import load_policy


def test_kept_until_the_25th_birthday_by_default_priv_1():
    rules = PrivacyRules()
    assert retention.keep_until(date(2010, 3, 4), date(2026, 11, 20), rules) == date(2035, 3, 4)
    # A 29 February birthday: the 28th in a year without one.
    assert retention.keep_until(date(2012, 2, 29), date(2026, 1, 5), rules) == date(2037, 2, 28)
    assert retention.keep_until(date(2012, 2, 29), None, rules) is None  # still open
    assert retention.describe(rules) == "until the child's 25th birthday"


def test_an_authority_keeps_them_longer_after_closure_priv_1():
    rules = PrivacyRules(retain_until_age=21, retain_years_after_closure=3)
    # 18 plus three years of inactivity: whichever is later.
    assert retention.keep_until(date(2008, 6, 1), date(2026, 11, 20), rules) == date(2029, 11, 20)
    assert retention.keep_until(date(2015, 6, 1), date(2020, 1, 1), rules) == date(2036, 6, 1)
    assert retention.describe(rules) == ("until the child's 21st birthday, and at least 3 years "
                                         "after the case closed")


def test_erasure_needs_a_reason_a_closed_case_and_its_retention_ended_priv_1():
    day = date(2040, 1, 1)
    assert retention.check_erasure("", status="closed", keep=day, today=day).startswith(
        "give the reason")
    assert "the case is open" in retention.check_erasure("r", status="cin_plan", keep=day,
                                                         today=day)
    assert "kept until 2 Jan 2040" in retention.check_erasure(
        "r", status="closed", keep=date(2040, 1, 2), today=day)
    assert retention.check_erasure("r", status="closed", keep=day, today=day) is None


def test_the_england_profile_locks_after_10_idle_minutes_priv_2():
    privacy = load_policy("england").privacy
    assert (privacy.lock_after_idle_minutes, privacy.retain_until_age) == (10, 25)
    assert "25th birthday" in privacy.retention_source
    assert load_policy("wirral").privacy == privacy  # inherited through `extends`


def test_a_bad_privacy_setting_is_named():
    base = load_policy("england")
    data = {"name": "mine", "title": "t", "authority": "a", "extends": "england",
            "privacy": {"lock_after_idle_minutes": 0}}
    with pytest.raises(PolicyError, match=r"privacy.lock_after_idle_minutes.*positive"):
        parse_policy(data, origin="mine.toml", base=base)
    data["privacy"] = {"lock_after_idle": 5}
    with pytest.raises(PolicyError, match="unknown key"):
        parse_policy(data, origin="mine.toml", base=base)
    data["privacy"] = {"lock_after_idle_minutes": 3}
    mine = parse_policy(data, origin="mine.toml", base=base).privacy
    assert (mine.lock_after_idle_minutes, mine.retain_until_age) == (3, 25)
