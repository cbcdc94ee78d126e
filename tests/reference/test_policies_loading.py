"""Loading policy profiles from files: the six shipped ones and a user's own
(DOMAIN.md §6: one profile per authority plus a default, kept as data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cintui.domain.policy import TIMESCALE_KEYS, PolicyError
from cintui.reference import policies

SHIPPED = ["bexley", "england", "stockton", "trafford", "warwickshire", "wirral"]


@pytest.fixture
def user_dir(tmp_path, monkeypatch) -> Path:
    """The user's policies folder, empty, under a private CINTUI_CONFIG_DIR."""
    monkeypatch.setenv("CINTUI_CONFIG_DIR", str(tmp_path))
    policies.clear_cache()
    folder = tmp_path / "policies"
    folder.mkdir()
    yield folder
    policies.clear_cache()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def small(name: str, extends: str = "england", body: str = "") -> str:
    return (f'name = "{name}"\ntitle = "{name.title()} CIN"\nauthority = "{name.title()}"\n'
            f'extends = "{extends}"\n{body}')


def limits(name: str) -> dict[str, tuple[int, str, str]]:
    profile = policies.load_policy(name)
    return {k: (ts.amount, ts.unit, ts.source) for k, ts in profile.timescales.items()}


# ---------------------------------------------------------------------- shipped profiles


def test_every_shipped_profile_loads_complete(user_dir):
    loaded = policies.list_policies()
    assert [p.name for p in loaded] == SHIPPED
    for profile in loaded:
        assert tuple(profile.timescales) == TIMESCALE_KEYS, profile.name
        assert profile.origin.endswith(f"policies/{profile.name}.toml")
        assert all(ts.source for ts in profile.timescales.values())


def test_every_shipped_profile_says_which_visits_restart_the_clock(user_dir):
    """WIR 2.11: a virtual visit, or one where the child was not seen alone, restarts the
    visit clock only where the profile says so: each shipped profile says so itself
    (default: it does not)."""
    import tomllib

    for name, source in policies.policy_files().items():
        stated = tomllib.loads(source.read_text(encoding="utf-8"))["visits"]
        assert stated == {"virtual_restarts_clock": False, "not_alone_restarts_clock": False,
                          "seen_alone_from_age": 2}, name
        assert policies.load_policy(name).visits.describe() == "seen alone, in person"


def test_shipped_profiles_come_from_the_package_data(user_dir):
    files = policies.policy_files()
    assert list(files) == SHIPPED
    assert files["england"].name == "england.toml"
    assert files["england"].read_text(encoding="utf-8").startswith("#")


def test_england_default_values():
    """Working Together 2023: assessment within 45 working days of referral; the rest are
    the default drawn from common local practice (DOMAIN.md §6)."""
    got = {k: v[:2] for k, v in limits("england").items()}
    assert got == {
        "referral_decision": (1, "working_days"),
        "assessment": (45, "working_days"),
        "support_start": (20, "working_days"),
        "initial_meeting": (15, "working_days"),
        "visit": (20, "working_days"),
        "first_review": (3, "months"),
        "review": (3, "months"),
        "minutes": (10, "working_days"),
        "plan_circulation": (10, "working_days"),
        "closure_notification": (5, "working_days"),
        "step_down": (5, "working_days"),
        "transfer_in_meeting": (20, "working_days"),
        "direct_payment_review": (12, "months"),
        "s47_start": (1, "working_days"),
        "icpc": (15, "working_days"),  # Working Together 2023
        "supervision": (4, "weeks"),  # no seed gives a figure (STO 4.5, 8.5; WAR 12)
        "short_break_review": (12, "months"),  # WAR 7.2.1's annual review (no other figure)
    }
    england = policies.load_policy("england")
    assert england.timescale("assessment").source == "Working Together 2023"
    assert england.timescale("initial_meeting").anchor == "cin_plan_start"
    assert england.due_soon_working_days == 5


def test_bexley_values():
    """BEX 3: initial meeting within 10 days of the assessment's completion; visits no less
    than every 4 weeks; reviews at least every 3 months; record and plan out within 10
    working days; family told of closure within 5 working days. BEX 4: receiving authority
    meets within 20 working days of residence."""
    got = limits("bexley")
    assert got["initial_meeting"] == (10, "days", "BEX 3")
    assert policies.load_policy("bexley").timescale("initial_meeting").anchor == \
        "assessment_completed"
    assert got["visit"] == (4, "weeks", "BEX 3")
    assert got["first_review"] == got["review"] == (3, "months", "BEX 3")
    assert got["minutes"] == got["plan_circulation"] == (10, "working_days", "BEX 3")
    assert got["closure_notification"] == (5, "working_days", "BEX 3")
    assert got["transfer_in_meeting"] == (20, "working_days", "BEX 4")
    assert got["assessment"] == limits("england")["assessment"]  # inherited, with its source


def test_trafford_values():
    """TRA: assessment within 35 working days; initial meeting within 15 working days; first
    review within 3 months, later ones within 6 months; notes out within 5 working days;
    Tier 1 .. Tier 4 levels of need."""
    got = limits("trafford")
    assert got["assessment"][:2] == (35, "working_days")
    assert got["initial_meeting"][:2] == (15, "working_days")
    assert got["first_review"][:2] == (3, "months")
    assert got["review"][:2] == (6, "months")
    assert got["minutes"][:2] == (5, "working_days")
    assert all(source.startswith("TRA") for k, (_, _, source) in got.items()
               if k in ("assessment", "initial_meeting", "first_review", "review", "minutes"))
    assert policies.load_policy("trafford").levels == (
        "Tier 1", "Tier 2", "Lower Tier 3", "Upper Tier 3", "Tier 4")


def test_wirral_values():
    """WIR 2.11 visits every 20 working days; WIR 2.3 planning meeting within 15 working
    days of the agreement a plan is needed, minutes usually within 14 days; WIR 2.7 plan
    within 10 working days; WIR 3 step-down within 5 working days; WIR 1.2 levels 1-4."""
    got = limits("wirral")
    assert got["visit"] == (20, "working_days", "WIR 2.11")
    assert got["initial_meeting"] == (15, "working_days", "WIR 2.3")
    assert policies.load_policy("wirral").timescale("initial_meeting").anchor == "cin_plan_start"
    assert got["minutes"] == (14, "days", "WIR 2.3")
    assert got["plan_circulation"] == (10, "working_days", "WIR 2.7")
    assert got["step_down"] == (5, "working_days", "WIR 3")
    assert len(policies.load_policy("wirral").levels) == 4


def test_warwickshire_values():
    """WAR 4.4.2: support within 20 working days of the initial home visit; WAR 7.2.1: direct
    payments reviewed annually; WAR 2.1.1 continuum and WAR 4.4.3 services."""
    got = limits("warwickshire")
    assert got["support_start"] == (20, "working_days", "WAR 4.4.2")
    assert got["direct_payment_review"] == (12, "months", "WAR 7.2.1")
    war = policies.load_policy("warwickshire")
    assert war.levels[0] == "Early help" and war.levels[-1] == "Section 47"
    assert war.services == (
        "Strengthening Families", "Safeguarding and Support", "Children with Disability Team")


def test_stockton_values():
    """STO 6.2: plans evaluated no less than 6-weekly."""
    got = limits("stockton")
    assert got["first_review"] == got["review"] == (6, "weeks", "STO 6.2")


# ---------------------------------------------------------------------- the user's own


def test_unknown_name_lists_what_is_available(user_dir):
    with pytest.raises(policies.UnknownPolicy) as caught:
        policies.load_policy("kent")
    assert str(caught.value) == ("no policy profile named 'kent'; available: "
                                 + ", ".join(SHIPPED))
    assert isinstance(caught.value, LookupError)


def test_a_user_profile_is_listed_and_extends_england(user_dir):
    write(user_dir, "kent", small("kent", body='levels = ["A", "B"]\n'
                                  '[timescales.visit]\namount = 10\nunit = "working_days"\n'
                                  'source = "Kent 4.1"\n'))
    kent = policies.load_policy("kent")
    assert kent.timescale("visit").describe() == "10 working days"
    assert kent.timescale("review") == policies.load_policy("england").timescale("review")
    assert kent.origin == str(user_dir / "kent.toml")
    assert "kent" in [p.name for p in policies.list_policies()]


def test_a_user_file_overrides_the_shipped_one(user_dir):
    text = policies.policy_files()["wirral"].read_text(encoding="utf-8")
    write(user_dir, "wirral", text.replace("amount = 20\n", "amount = 15\n", 1))
    assert policies.policy_files()["wirral"] == user_dir / "wirral.toml"
    assert policies.load_policy("wirral").timescale("visit").amount == 15


def test_extends_resolves_against_user_profiles_too(user_dir):
    write(user_dir, "region", small("region", body='[timescales.minutes]\namount = 7\n'
                                    'unit = "days"\nsource = "R 1"\n'))
    write(user_dir, "town", small("town", extends="region"))
    assert policies.load_policy("town").timescale("minutes").source == "R 1"


def test_extends_a_missing_profile(user_dir):
    path = write(user_dir, "kent", small("kent", extends="nowhere"))
    with pytest.raises(PolicyError, match="no policy profile named 'nowhere'; available: ") as c:
        policies.load_policy("kent")
    assert (c.value.file, c.value.key) == (str(path), "extends")


def test_extends_in_a_loop_is_an_error_not_a_hang(user_dir):
    write(user_dir, "aaa", small("aaa", extends="bbb"))
    write(user_dir, "bbb", small("bbb", extends="aaa"))
    with pytest.raises(PolicyError, match="loop: aaa -> bbb -> aaa"):
        policies.load_policy("aaa")
    write(user_dir, "self", small("self", extends="self"))
    with pytest.raises(PolicyError, match="loop: self -> self"):
        policies.load_policy("self")


@pytest.mark.parametrize("body, key, problem", [
    ('colour = "red"\n', "colour", "unknown key"),
    ('[timescales.visits]\namount = 1\nunit = "days"\nsource = "S"\n',
     "timescales.visits", "unknown key"),
    ('[timescales.visit]\namount = 2\nunit = "fortnights"\nsource = "S"\n',
     "timescales.visit.unit", "unknown unit 'fortnights'"),
    ('[timescales.visit]\namount = -3\nunit = "working_days"\nsource = "S"\n',
     "timescales.visit.amount", "must be a positive whole number, got -3"),
    ('[visits]\nvirtual_restarts_clock = "yes"\n', "visits.virtual_restarts_clock",
     "must be true or false, got 'yes'"),
    ('[visits]\nvideo_counts = true\n', "visits.video_counts", "unknown key"),
])
def test_malformed_user_profiles_name_file_key_and_problem(user_dir, body, key, problem):
    path = write(user_dir, "kent", small("kent", body=body))
    with pytest.raises(PolicyError) as caught:
        policies.load_policy("kent")
    assert str(caught.value).startswith(f"{path}: {key}: ")
    assert problem in str(caught.value)


def test_bad_toml_names_the_file_and_the_line(user_dir):
    path = write(user_dir, "kent", 'name = "kent"\ntitle = "Kent"\nauthority = Kent\n')
    with pytest.raises(PolicyError) as caught:
        policies.load_policy("kent")
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid TOML: ")
    assert "line 3" in message
    assert "\n" not in message


def test_the_name_inside_must_match_the_file_name(user_dir):
    write(user_dir, "kent", small("medway"))
    with pytest.raises(PolicyError, match="name: is 'medway' but the file is kent.toml"):
        policies.load_policy("kent")


def test_a_broken_user_profile_does_not_stop_others_loading(user_dir):
    write(user_dir, "kent", "this is not toml")
    assert policies.load_policy("england").name == "england"
    with pytest.raises(PolicyError):
        policies.list_policies()  # but listing everything reports it


def test_loads_are_cached_until_cleared(user_dir):
    path = write(user_dir, "kent", small("kent", body="due_soon_working_days = 3\n"))
    assert policies.load_policy("kent").due_soon_working_days == 3
    assert policies.load_policy("kent") is policies.load_policy("kent")
    path.write_text(small("kent", body="due_soon_working_days = 8\n"), encoding="utf-8")
    assert policies.load_policy("kent").due_soon_working_days == 3
    policies.clear_cache()
    assert policies.load_policy("kent").due_soon_working_days == 8


def test_a_missing_user_folder_is_fine(tmp_path, monkeypatch):
    monkeypatch.setenv("CINTUI_CONFIG_DIR", str(tmp_path / "nowhere"))
    policies.clear_cache()
    assert [p.name for p in policies.list_policies()] == SHIPPED
    assert policies.DEFAULT_POLICY == "england"


def test_supervision_default_applies_where_no_seed_gives_a_figure(user_dir):
    """STO 4.5 ("Improve the quality of supervision"), STO 8.5 and WAR 12 ask for supervision
    of the case but give no interval: every shipped profile has the England default of 4
    weeks, and says where it comes from."""
    for name in SHIPPED:
        ts = policies.load_policy(name).timescale("supervision")
        assert (ts.amount, ts.unit) == (4, "weeks"), name
        assert "STO 4.5" in ts.source and "WAR 12" in ts.source
