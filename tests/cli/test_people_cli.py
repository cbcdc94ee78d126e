"""`cintui person edit CHILD PERSON`: what `person add` warns about is put right from the
shell, as the app's person form (e on People) does: only the options given change, the same
checks and warnings (WIR 2.9), audited; a person is named as every command names one. Bad
input: one line, exit 2, nothing written (the store byte for byte the same)."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_steps_cli import leo_store, ok, refused, run
from tests.conftest import connect


@pytest.fixture
def db(scripted_db, monkeypatch):
    db = leo_store(scripted_db, monkeypatch)
    ok_add = (("--name", "Layla Ward", "--relationship", "Mother", "--pr", "--lives-with",
               "--phone", "07700 900123"),
              ("--name", "Kate Moss", "--relationship", "School DSL", "--phone",
               "0161 496 0809"))
    return db, ok_add


def _people(cli, db) -> dict:
    return {p["name"]: p for p in ok(cli, db, "person", "list", "CIN000001")}


def test_a_professional_left_on_family_is_put_right_from_the_shell(cli, db):
    """WIR 2.9: `person add` warns that "School DSL" names a professional, and says the
    command; `person edit` makes her one with her agency, and the warning is gone."""
    db, (layla, kate) = db
    ok(cli, db, "person", "add", "CIN000001", *layla)
    added = run(cli, db, "person", "add", "CIN000001", *kate)
    assert added.code == 0
    assert ('names a professional (DSL)' in added.err and
            'cintui person edit CIN000001 "Kate Moss" --professional --agency AGENCY'
            in added.err)

    edited = run(cli, db, "person", "edit", "CIN000001", "kate", "--professional",
                 "--agency", "Oak Primary School", "--role", "DSL", "--email",
                 "k.moss@oak.example.org")
    assert edited.code == 0, edited.err
    assert edited.out.strip() == ("Changed Kate Moss (School DSL) on CIN000001's People: "
                                  "now a professional, agency, job role, email.")
    assert edited.err == ""
    kate = _people(cli, db)["Kate Moss"]
    assert (kate["kind"], kate["agency"], kate["role"], kate["email"], kate["phone"],
            kate["warnings"]) == ("professional", "Oak Primary School", "DSL",
                                  "k.moss@oak.example.org", "0161 496 0809", [])
    # Only what was given changed: Layla, and Kate's phone and relationship, as they were.
    assert _people(cli, db)["Layla Ward"]["parental_responsibility"] is True
    assert kate["relationship"] == "School DSL"

    with connect(db) as conn:  # audited as the app's edit is: who, and what changed
        rows = conn.all("SELECT actor, changes FROM audit_log WHERE entity = 'person' "
                        "AND action = 'update'")
    assert [(actor, sorted(json.loads(changes))) for actor, changes in rows] == [
        ("amira", ["agency", "email", "kind", "role"])]


def test_each_option_changes_only_its_own_detail(cli, db):
    db, (layla, _) = db
    ok(cli, db, "person", "add", "CIN000001", *layla)
    out = ok(cli, db, "person", "edit", "CIN000001", "Layla Ward", "--no-pr",
             "--not-lives-with", "--relationship", "Mum", "--phone", "+44 7700 900456",
             "--interpreter", "Polish", "--address", "1 Example Road")
    assert (out["parental_responsibility"], out["lives_with_child"], out["relationship"],
            out["phone"], out["name"]) == (False, False, "Mum", "07700 900456",
                                           "Layla Ward")
    # A mother without parental responsibility is said, as the form says it.
    assert any("parental responsibility" in w for w in out["warnings"])


@pytest.mark.parametrize("args, says", [
    (("Layla",), ("say what to change: --name",)),
    (("Zed", "--phone", "07700 900999"),
     ("'Zed': not one of the child's People (Layla Ward, Kate Moss)",)),
    (("a", "--phone", "07700 900999"), ("'a': which one? Layla Ward, Kate Moss",)),
    (("Layla", "--phone", "123"), ("--phone: 123 doesn't start like a UK phone number",)),
    (("Layla", "--email", "layla@"), ("--email:",)),
    (("Layla", "--name", " "), ("--name: a name is needed",)),
    (("Layla", "--professional"), ("--agency: an agency for Layla Ward (a professional)",)),
])
def test_bad_input_is_one_line_naming_the_option_and_nothing_changes(cli, db, args, says):
    db, (layla, kate) = db
    ok(cli, db, "person", "add", "CIN000001", *layla)
    ok(cli, db, "person", "add", "CIN000001", *kate)
    refused(cli, db, "person", "edit", "CIN000001", *args, says=says)


def test_parental_responsibility_for_a_professional_is_refused_by_its_option(cli, db):
    """`person add --professional --pr` said "parental_responsibility: …", a field of the
    app's form, not the option typed; `person edit --pr` on a professional says it too."""
    db, (_, kate) = db
    refused(cli, db, "person", "add", "CIN000001", "--name", "Dr Lee", "--professional",
            "--agency", "GP", "--pr",
            says=("--pr: a professional does not hold parental responsibility",))
    ok(cli, db, "person", "add", "CIN000001", *kate, "--professional", "--agency", "Oak")
    refused(cli, db, "person", "edit", "CIN000001", "Kate", "--pr",
            says=("--pr: a professional does not hold parental responsibility",))


def test_consent_takes_a_person_by_their_whole_name_first(cli, db):
    """`child consent --person "Jo Ward"` with a Jo Wardle on the record too: the one whose
    name it is (it was "which one?"), as `person edit` and `meeting schedule --invite`."""
    db, _ = db
    for name in ("Jo Ward", "Jo Wardle"):
        ok(cli, db, "person", "add", "CIN000001", "--name", name, "--relationship", "Aunt")
    out = ok(cli, db, "child", "consent", "CIN000001", "--person", "jo  ward", "--decision",
             "given")
    assert out["who"].startswith("Jo Ward ")
    refused(cli, db, "child", "consent", "CIN000001", "--person", "Jo", "--decision", "given",
            says=("--person 'Jo': which one? Jo Ward, Jo Wardle",))


def test_someone_is_taken_off_the_childs_people_as_d_does_in_the_app(cli, db):
    """`person remove CHILD PERSON`: the person named as `person edit` names one; one
    whose consent decision is on the record stays in the store with it (DOMAIN.md §9)."""
    db, (layla, kate) = db
    ok(cli, db, "person", "add", "CIN000001", *layla)
    ok(cli, db, "person", "add", "CIN000001", *kate)
    ok(cli, db, "child", "consent", "CIN000001", "--person", "Layla", "--decision", "given")
    gone = run(cli, db, "person", "remove", "CIN000001", "kate moss")
    assert (gone.code, gone.out.strip()) == (
        0, "Removed Kate Moss (School DSL) from CIN000001's People.")
    kept = ok(cli, db, "person", "remove", "CIN000001", "Layla")
    assert (kept["name"], kept["kept_in_store"]) == ("Layla Ward", True)
    assert _people(cli, db) == {}
    refused(cli, db, "person", "remove", "CIN000001", "Kate",
            says=("'Kate': not one of the child's People (nobody yet: cintui person add "
                  "CIN000001)",))
    with connect(db) as conn:  # audited: the links deleted, Kate deleted, Layla kept
        rows = conn.all("SELECT entity, action FROM audit_log WHERE action = 'delete' "
                        "AND entity IN ('person', 'child_person') ORDER BY seq")
    assert sorted(rows) == [("child_person", "delete"), ("child_person", "delete"),
                            ("person", "delete")]


def test_two_of_one_name_are_told_apart_as_person_list_shows_them(cli, db):
    """Two people of one name (an uncle and the school nurse, both Sam Nurse): "which
    one? Sam Nurse, Sam Nurse" left no way to name either. They are named as `person list`
    shows them, "Sam Nurse (Uncle)", which is taken as typed."""
    db, (layla, _) = db
    ok(cli, db, "person", "add", "CIN000001", *layla)
    for relationship in ("Uncle", "School nurse"):
        ok(cli, db, "person", "add", "CIN000001", "--name", "Sam Nurse", "--relationship",
           relationship)
    refused(cli, db, "person", "edit", "CIN000001", "Sam Nurse", "--phone", "07700 900222",
            says=("'Sam Nurse': which one? 'Sam Nurse (School nurse)', 'Sam Nurse (Uncle)'",))
    out = ok(cli, db, "person", "edit", "CIN000001", "sam nurse (uncle)", "--phone",
             "07700 900222")
    assert (out["relationship"], out["phone"]) == ("Uncle", "07700 900222")
    listed = run(cli, db, "person", "list", "CIN000001").out
    assert "Layla Ward (Mother; PR)" in listed
    ok(cli, db, "child", "consent", "CIN000001", "--person", "Layla Ward (Mother; PR)",
       "--decision", "given")
