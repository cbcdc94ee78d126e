"""Signs of Safety (STO 6.3) and Graded Care Profile 2 (STO 4.3, 6.11, 7.1; TRA) from the
command line, from an empty store (`cintui db init`, then only what a user can do): the
plan read as a map, danger statements and safety goals, each person's scaling at a meeting
and over time; a GCP2 attached to a need, its grades over time. Bad input: one line, exit
2, nothing written."""

from __future__ import annotations

import json

from tests.cli.test_supervision_cli import _store

DAY = ("--today", "2026-11-23")


def _chronology(db) -> list[str]:
    from cintui.casework import cases, record
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, "CIN000001")
            return [e.summary for e in record.chronology(session, child.id)]
    finally:
        store.close()


def _with_meeting(cli, db):
    """The child's review meeting on 20 Nov 2026, booked with the mother's consent (WIR
    2.1, 2.3) and held."""
    mother = cli("person", "add", "CIN000001", "--name", "Layla Ward", "--relationship",
                 "Mother", "--pr", "--db", db)
    assert mother.code == 0, mother.err
    consent = cli("child", "consent", "CIN000001", "--scope", "meeting", "--decision", "given",
                  "--person", "Layla Ward", "--db", db, "--today", "2026-11-16")
    assert consent.code == 0, consent.err
    booked = cli("meeting", "schedule", "CIN000001", "--kind", "review", "--at",
                 "2026-11-20 16:00", "--venue", "Family home", "--chair", "Tom Hale",
                 "--json", "--db", db, "--today", "2026-11-16")
    assert booked.code == 0, booked.err
    held = cli("meeting", "hold", json.loads(booked.out)["id"], "--present", "Layla Ward",
               "--still-in-need", "yes", "--recommendation", "continue",
               "--next-review", "2027-01-20", "--db", db,
               "--today", "2026-11-20")
    assert held.code == 0, held.err


def test_sto_6_3_signs_of_safety_from_the_cli(cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)
    day = ("--db", db, *DAY)
    _with_meeting(cli, db)

    # Bad input: one line each, nothing written.
    for args, said in (
            # The statement typed, in words (it said "text:", the argument's inner name).
            (("sos", "danger", "CIN000001", ""), "cintui: the danger statement is empty: what "
             "are we worried will happen to the child if nothing changes? (STO 6.3)"),
            (("sos", "danger", "CIN000001", "  "), "cintui: the danger statement is empty"),
            (("sos", "goal", "CIN000001", ""), "cintui: the safety goal is empty: what will "
             "everyone see when the child is safe enough? (STO 6.3)"),
            (("sos", "goal", "CIN000001", "x" * 2001), "cintui: the safety goal: at most 2000 "
             "characters"),
            (("sos", "goal", "CIN000001", "Leo fed", "--danger", "1"),
             "--danger: no current danger statement D1: none recorded yet"),
            (("sos", "scale", "CIN000001", "--score", "Layla Ward | Mum | 11"),
             "--score 1: '11' is not a score: a whole number from 0 to 10"),
            (("sos", "scale", "CIN000001", "--score", "Layla Ward | 6"),
             "write 'who | role | 0-10 | why'"),
            (("sos", "scale", "CIN000001", "--score", "Layla Ward |  | 6"),
             "--score 1: their role or relationship"),
            (("sos", "scale", "CIN000001", "--score", "Layla Ward | Mum | 6",
              "--meeting", "2026-11-19"), "--meeting: no meeting of the child's on 19 Nov 2026"),
            (("sos", "danger", "CIN000001", "x", "--on", "2026-11-30"), "is in the future")):
        bad = cli(*args, *day)
        assert bad.code == 2, args
        assert said in bad.err and len(bad.err.strip().splitlines()) == 1, bad.err
        assert "Traceback" not in bad.err and "text:" not in bad.err
    empty = json.loads(cli("sos", "show", "CIN000001", "--json", "--db", db).out)
    assert empty["statements"] == [] and empty["scaling"] == []

    danger = ("If Layla keeps drinking at weekends, Leo may go hungry and be left alone "
              "at night")
    assert cli("sos", "danger", "CIN000001", danger, "--on", "2026-11-02", *day).code == 0
    goal = cli("sos", "goal", "CIN000001", "Leo has food and a sober adult with him every "
               "weekend", "--danger", "1", "--meeting", "2026-11-20", *day)
    assert goal.code == 0 and "safety goal G1 recorded (20 Nov 2026)" in goal.out
    first = cli("sos", "scale", "CIN000001", "--on", "2026-11-02",
                "--score", "Layla Ward | Mum | 4 | I stopped on weekdays",
                "--score", "Amira Khan | social worker | 3", *day)
    assert first.code == 0, first.err
    at_meeting = cli("sos", "scale", "CIN000001", "--meeting", "2026-11-20",
                     "--score", "Layla Ward | Mum | 7 | Gran comes on Saturdays now",
                     "--score", "Amira Khan | social worker | 5",
                     "--score", "Jo Bell | class teacher | 6 | Leo eats breakfast club", *day)
    assert at_meeting.code == 0, at_meeting.err
    rewritten = cli("sos", "danger", "CIN000001", "If Layla drinks when Leo is home, he may "
                    "be left alone at night", "--replaces", "1", "--on", "2026-11-20", *day)
    assert "danger statement D2 recorded (20 Nov 2026), replacing D1" in rewritten.out

    shown = json.loads(cli("sos", "show", "CIN000001", "--json", "--db", db).out)
    assert shown["plan"] == "no CIN plan written yet"
    assert [w["from"] for w in shown["worried"]] == ["D2"]  # D1 replaced
    assert shown["needs_to_happen"] == [{
        "text": "Leo has food and a sober adult with him every weekend", "from": "G1 (for D1)"}]
    # The same plan, not a second one: the family's plan (FGC) joins the CIN plan's draft and
    # the map reads it (a strength that works; its action needs to happen).
    assert cli("fgc", "refer", "CIN000001", "--on", "2026-11-02", *day).code == 0
    assert cli("fgc", "held", "CIN000001", "--on", "2026-11-05", "--family-plan",
               "Gran cooks on Saturdays", "--action", "Saturday meals | Gran | 2026-11-30",
               *day).code == 0
    shown = json.loads(cli("sos", "show", "CIN000001", "--json", "--db", db).out)
    assert shown["plan"] == "CIN plan v1 (draft)"
    assert [w["from"] for w in shown["working_well"]] == ["need 1 (strength)"]
    assert shown["needs_to_happen"][1] == {"text": "Saturday meals — Gran by 30 Nov 2026",
                                           "from": "action of need 1"}
    assert [(s["who"], s["role"], s["trend"]) for s in shown["scaling"]] == [
        ("Layla Ward", "Mum", "4 → 7"), ("Amira Khan", "social worker", "3 → 5"),
        ("Jo Bell", "class teacher", "6")]
    assert shown["scaling"][0]["scores"][1]["meeting"] == "CIN review meeting 20 Nov 2026"
    text = cli("sos", "show", "CIN000001", "--db", db).out
    assert "What are we worried about:\n  [D2] If Layla drinks" in text
    assert "Layla Ward (Mum): 4 → 7 (latest 20 Nov 2026, Gran comes on Saturdays now)" in text

    chron = _chronology(db)
    assert ("Signs of Safety scaling at the CIN review meeting 20 Nov 2026: Layla Ward (Mum) "
            "7; Amira Khan (social worker) 5; Jo Bell (class teacher) 6") in chron
    assert "Signs of Safety: danger statement D2 (replaces D1)" in chron
    assert "Signs of Safety: safety goal G1 for D1" in chron
    assert cli("audit", "verify", "--db", db).code == 0


def test_a_refused_round_of_scaling_names_the_score_typed_sto_6_3(cli, tmp_path, monkeypatch):
    """`sos scale` refused a round by the app's boxes, `who2: score 2: who gave it?`,
    `role1: …`, `who1: give at least one person's score`: the user typed --score. Each is
    now by the --score it is about (or --score itself), one line, nothing written; and
    `sos show` with no scores names the command with the child (it said CHILD)."""
    from tests.cli.test_cli import sha

    db = _store(cli, tmp_path, monkeypatch)
    day = ("--db", db, *DAY)
    before = sha(db)
    for scores, said in (
            ((), "cintui: --score: give at least one person's score"),
            (("Layla Ward | Mum | 6", " | Dad | 4"), "cintui: --score 2: who gave it?"),
            (("Layla Ward |  | 6",), "cintui: --score 1: their role or relationship to the "
             "child (e.g. Mum, class teacher, social worker)"),
            (("Layla Ward | Mum | 6", "layla ward | mum | 7"),
             "cintui: --score 2: layla ward (mum) scores once a round"),
            (("Layla Ward | Mum | 6 | " + "x" * 2001,),
             "cintui: --score 1: at most 2000 characters")):
        bad = cli("sos", "scale", "CIN000001", *(a for s in scores for a in ("--score", s)),
                  *day)
        assert (bad.code, bad.err.strip()) == (2, said)
    assert sha(db) == before
    shown = cli("sos", "show", "CIN000001", "--db", db).out
    assert "no scores yet: cintui sos scale CIN000001 --score 'who | role | 0-10 | why'" \
        in shown


def test_sto_7_1_gcp2_from_the_cli(cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)
    day = ("--db", db, *DAY)
    grades = ("--physical", "4", "--safety", "3", "--love", "2", "--esteem", "3")
    for args, said in (
            (("--assessor", "Amira Khan", "--summary", "s", "--physical", "6", "--safety", "3",
              "--love", "2", "--esteem", "3"), "--physical: '6' is not a grade"),
            (("--assessor", "Amira Khan", "--summary", "s", "--physical", "4"),
             "--safety: Safety: a grade from 1 (best care) to 5 (poorest)"),
            (("--summary", "s", *grades), "--assessor: who completed the GCP2?"),
            (("--assessor", "Amira Khan", *grades), "--summary: write the summary"),
            (("--assessor", "Amira Khan", "--summary", "s", "--need", "1", *grades),
             "need 1 is not in the plan in force (the plan has no needs yet)")):
        bad = cli("gcp2", "record", "CIN000001", *args, *day)
        assert bad.code == 2 and said in bad.err, (args, bad.err)
        assert len(bad.err.strip().splitlines()) == 1
    assert "no Graded Care Profile 2 yet" in cli("gcp2", "show", "CIN000001", "--db", db).out

    # A need in the plan (the family's plan from an FGC joins it: a user's way to a need).
    assert cli("fgc", "refer", "CIN000001", "--on", "2026-11-02", *day).code == 0
    assert cli("fgc", "held", "CIN000001", "--on", "2026-11-05", "--family-plan",
               "Gran cooks on Saturdays", "--action", "Saturday meals | Gran | 2026-11-30",
               *day).code == 0
    first = cli("gcp2", "record", "CIN000001", "--on", "2026-10-20", "--assessor",
                "Amira Khan", "--summary", "Little food in the house; Leo hungry at school",
                *grades, *day)
    assert first.code == 0, first.err
    assert "Note: Physical care graded 4 or 5 and the GCP2 is attached to no need" in first.out
    later = cli("gcp2", "record", "CIN000001", "--on", "2026-11-20", "--assessor",
                "Amira Khan", "--summary", "Meals at weekends now; kitchen stocked",
                "--physical", "2", "--safety", "2", "--love", "2", "--esteem", "3",
                "--need", "1", *day)
    assert later.code == 0 and "attached to need 1" in later.out
    shown = json.loads(cli("gcp2", "show", "CIN000001", "--json", "--db", db).out)
    assert [g["grades"]["physical"] for g in shown["gcp2s"]] == [2, 4]
    assert shown["gcp2s"][0]["needs"][0].startswith("The family made their own plan")
    assert [p["grade"] for p in shown["history"]["physical"]] == [4, 2]
    text = cli("gcp2", "show", "CIN000001", "--db", db).out
    assert "Physical care: 4 → 2" in text and "Esteem: 3 → 3" in text
    assert ("Graded Care Profile 2 by Amira Khan: Physical care 2, Safety 2, Love and care 2, "
            "Esteem 3; attached to 1 need") in _chronology(db)
    # The plan's export shows the grades under the need they informed (STO 6.11); October's,
    # attached to no need, is not the plan's.
    exported = tmp_path / "plan.md"
    done = cli("export", "plan", "CIN000001", "-f", "md", "-o", str(exported), *day)
    assert done.code == 0, done.err
    text = exported.read_text()
    assert ("**Graded Care Profile 2, 20 November 2026 (Amira Khan):** Physical care 2, Safety "
            "2, Love and care 2, Esteem 3 (1 best care, 5 poorest)") in text
    assert text.count("Graded Care Profile 2") == 1
    shown = cli("plan", "show", "CIN000001", *day)
    assert shown.code == 0, shown.err
    assert ("Need 1: GCP2 20 Nov 2026: Physical care 2, Safety 2, Love and care 2, Esteem 3 "
            "(1 best care, 5 poorest)") in " ".join(shown.out.split())
    assert cli("audit", "verify", "--db", db).code == 0


def test_sto_7_1_a_gcp2_recorded_late_is_confirmed_with_its_own_grades(cli, tmp_path,
                                                                        monkeypatch):
    """A GCP2 typed in after a newer one (the October one, entered after November's) is
    confirmed with the grades just given: the newest by date was said, the November grades
    under the October date, and the worker could not tell what was saved."""
    db = _store(cli, tmp_path, monkeypatch)
    day = ("--db", db, *DAY)
    newer = cli("gcp2", "record", "CIN000001", "--on", "2026-11-20", "--assessor",
                "Amira Khan", "--summary", "Meals at weekends now", "--physical", "2",
                "--safety", "2", "--love", "2", "--esteem", "3", *day)
    assert newer.code == 0, newer.err
    older = cli("gcp2", "record", "CIN000001", "--on", "2026-10-20", "--assessor",
                "Amira Khan", "--summary", "Little food in the house", "--physical", "4",
                "--safety", "3", "--love", "2", "--esteem", "3", *day)
    assert older.code == 0, older.err
    assert older.out.splitlines()[0] == (
        "CIN000001: GCP2 recorded (20 Oct 2026, Amira Khan): Physical care 4, Safety 3, "
        "Love and care 2, Esteem 3.")
