"""Family Group Conferences from the command line, from an empty store (`cintui db init`,
then only what a user can do): WAR 4.2, STO 6.13 (the family's own plan, joined to the CIN
plan: BEX 2), WAR 9.3 (counted in the performance report)."""

from __future__ import annotations

import json

from tests.cli.test_supervision_cli import _store


def test_fgc_referred_held_joined_to_the_plan_and_counted_war_9_3(cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)
    day = ("--db", db, "--today", "2026-11-23")
    assert cli("fgc", "refer", "CIN000001", "--on", "2026-11-02", "--coordinator", "Sam Reed",
               *day).code == 0
    again = cli("fgc", "refer", "CIN000001", *day)
    assert again.code == 2 and "not held or declined yet" in again.err
    bad = cli("fgc", "held", "CIN000001", "--on", "2026-11-20", "--family-plan", "Gran helps",
              "--action", "School run | Uncle Joe", *day)
    assert bad.code == 2 and "write 'what | who | YYYY-MM-DD'" in bad.err
    held = cli("fgc", "held", "CIN000001", "--on", "2026-11-20", "--family-plan",
               "Gran has Leo two nights a week; Uncle Joe does the school run",
               "--action", "School run on Mondays | Uncle Joe | 2026-11-30", "--json", *day)
    assert held.code == 0, held.err
    out = json.loads(held.out)
    assert out["fgc"]["status"] == "held" and out["plan_version"] == 1
    listed = json.loads(cli("fgc", "list", "CIN000001", "--json", "--db", db).out)
    assert [f["status"] for f in listed["fgcs"]] == ["held"]
    shown = json.loads(cli("plan", "show", "CIN000001", "--version", "1", "--json", *day).out)
    text = json.dumps(shown)
    assert "Family Group Conference on 20 Nov 2026" in text and "Uncle Joe" in text

    # The second child: referred, declined.
    assert cli("fgc", "refer", "CIN000002", "--on", "2026-11-03", *day).code == 0
    no_reason = cli("fgc", "declined", "CIN000002", "--on", "2026-11-10", *day)
    assert no_reason.code == 2 and "say why" in no_reason.err
    assert cli("fgc", "declined", "CIN000002", "--on", "2026-11-10", "--reason",
               "Mum does not want her family told", *day).code == 0

    report = json.loads(cli("report", "performance", "--from", "2026-10-01", "--to",
                            "2026-11-23", "--json", *day).out)
    fgc = report["family_group_conferences"]
    assert (fgc["referred"], fgc["held"], fgc["declined"]) == (2, 1, 1)
    assert fgc["children_with_plan_and_fgc"] == {"met": 1, "total": 1, "percent": 100.0}
    md = cli("report", "performance", "--from", "2026-10-01", "--to", "2026-11-23", "--md",
             *day).out
    assert "## Family Group Conferences (WAR 9.3: increased use)" in md
    assert cli("audit", "verify", "--db", db).code == 0


def test_the_coordinator_named_after_the_referral_is_added_to_it_war_4_2(cli, tmp_path,
                                                                         monkeypatch):
    """A family is referred before the FGC service names a coordinator: the referral waiting
    takes the name (or its date put right). A second `refer` was refused, and nothing could
    add the coordinator."""
    db = _store(cli, tmp_path, monkeypatch)
    day = ("--db", db, "--today", "2026-11-23")
    assert cli("fgc", "refer", "CIN000001", "--on", "2026-11-02", *day).code == 0
    again = cli("fgc", "refer", "CIN000001", "--coordinator", "Sam Reed", *day)
    assert again.code == 2 and "cintui fgc edit" in again.err
    nothing = cli("fgc", "edit", "CIN000001", *day)
    assert nothing.code == 2 and "give --coordinator or --on" in nothing.err
    future = cli("fgc", "edit", "CIN000001", "--on", "2026-12-01", *day)
    assert future.code == 2 and "in the future" in future.err
    edited = cli("fgc", "edit", "CIN000001", "--coordinator", "Sam Reed", "--json", *day)
    assert edited.code == 0, edited.err
    fgc = json.loads(edited.out)["fgc"]
    assert (fgc["coordinator"], fgc["referred_on"], fgc["status"]) == (
        "Sam Reed", "2026-11-02", "referred")
    said = cli("fgc", "edit", "CIN000001", "--on", "2026-11-03", *day)
    assert said.out.strip() == ("CIN000001: Family Group Conference referred 3 Nov 2026 to "
                                "Sam Reed.")
    assert cli("fgc", "declined", "CIN000001", "--on", "2026-11-10", "--reason",
               "Mum does not want her family told", *day).code == 0
    late = cli("fgc", "edit", "CIN000001", "--coordinator", "Ann Lee", *day)
    assert late.code == 2 and "no FGC referral waiting" in late.err
    assert cli("audit", "verify", "--db", db).code == 0


def test_a_family_plan_without_actions_names_the_option_typed_wir_2_3(cli, tmp_path,
                                                                        monkeypatch):
    """`fgc held` with no --action said "actions: the family's plan says who will do what
    by when …", the app's box, not the option the user repeats for each action."""
    db = _store(cli, tmp_path, monkeypatch)
    day = ("--db", db, "--today", "2026-11-23")
    assert cli("fgc", "refer", "CIN000001", "--on", "2026-11-02", *day).code == 0
    held = cli("fgc", "held", "CIN000001", "--on", "2026-11-20", "--family-plan",
               "Gran helps", *day)
    assert (held.code, held.err.strip()) == (
        2, "cintui: --action: the family's plan says who will do what by when: give at "
        "least one action (WIR 2.3)")
