"""A disabled young person's move to adult social care (WAR 4.2: "smooth transitional
arrangements where lifelong support is required"; s17(10): a child in need is under 18;
RC6), from an empty store (`db init`) by commands a user runs: the prompt to plan for
adulthood from the 17th birthday, the referral and adult social care's answer recorded,
the closure that follows pre-filled (RC6), and a direct payment left running refused at
the closure (WAR 7.2.1). Synthetic people only."""

from __future__ import annotations

import json
import shlex

import pytest

pytestmark = pytest.mark.both_stores


def _store(cli, new_location):
    """Warwickshire's CwDT (WAR 7, 4.4.1): Kai, autistic, 18 on Tue 15 Feb 2028, with a
    direct payment; Ben, no disability recorded, 18 on Wed 1 Mar 2028."""
    db = new_location("cwdt.db")
    for args in (("db", "init", "--no-encrypt", "--policy", "warwickshire"),
                 ("team", "add", "Children with Disability Team North", "--service",
                  "Children with Disability Team"),
                 ("worker", "add", "sam.okafor", "--name", "Sam Okafor", "--role", "TM",
                  "--team", "North"),
                 ("worker", "add", "jo.walker", "--name", "Jo Walker", "--role", "SW",
                  "--team", "North"),
                 ("child", "add", "--first-name", "Kai", "--last-name", "Morgan", "--dob",
                  "2010-02-15", "--disability", "autism", "--worker", "jo.walker",
                  "--referral-date", "2026-12-07", "--today", "2026-12-07"),
                 ("child", "add", "--first-name", "Ben", "--last-name", "Stone", "--dob",
                  "2010-03-01", "--worker", "jo.walker", "--referral-date", "2026-12-07",
                  "--today", "2026-12-07"),
                 ("person", "add", "Kai", "--name", "Claire Morgan", "--relationship",
                  "Mother", "--pr", "--lives-with", "--phone", "07700 900001"),
                 ("child", "consent", "Kai", "--decision", "given", "--person",
                  "Claire Morgan", "--on", "2026-12-07", "--today", "2026-12-07"),
                 ("child", "consent", "Kai", "--decision", "given", "--method", "verbal",
                  "--on", "2026-12-07", "--today", "2026-12-07"),
                 ("direct-payment", "add", "Kai", "--amount", "240", "--period",
                  "four-weeks", "--managed-by", "Claire Morgan (mother)", "--start",
                  "2026-12-14", "--today", "2026-12-14")):
        result = cli(*args, "--db", db)
        assert result.code == 0, (args, result.err)
    return db


def _turning(cli, db, today: str, *more: str) -> dict[str, dict]:
    result = cli("due", "--json", "--db", db, "--today", today, *more)
    assert result.code == 0, result.err
    return {i["child"]["reference"]: i for i in json.loads(result.out)["items"]
            if i["key"] == "turns_18"}


def test_planning_for_adulthood_is_prompted_from_17_until_the_referral_is_recorded(
        cli, new_location):
    """WAR 4.2. The 18th birthday came onto `cintui due` and My week only in its last two
    weeks: nothing prompted a referral to adult social care in good time. From the 17th
    birthday a disabled young person's item is listed whatever the window, saying how to
    record the referral; once recorded, it says where it stands, in the usual window. A
    young person with no disability or SEN recorded keeps the two-week window."""
    db = _store(cli, new_location)
    kai = _turning(cli, db, "2027-02-16")  # the day after his 17th birthday
    assert list(kai) == ["CIN000001"]  # Ben (18 on 1 Mar 2028): not in the window
    item = kai["CIN000001"]
    assert (item["group"], item["label"], item["due"]) == ("later", "Plan for adulthood",
                                                           "2028-02-15")
    assert "refer to adult social care in good time and record it (WAR 4.2)" in item["rule"]
    assert item["detail"] == "no referral to adult social care recorded"
    table = cli("due", "--db", db, "--today", "2027-02-16", "--worker", "jo.walker")
    words = " ".join(table.out.replace("│", " ").split())
    assert "15 Feb 2028" in words  # a date in another year says its year
    assert "cintui child circumstances CIN000001 --adult-social-care referred" in words
    # Ben, referred, no service begun: his consent is needed before support (WAR 4.2)
    assert "Later (2)" in table.out and "before support" in words

    bad = cli("child", "circumstances", "Kai", "--adult-social-care", "maybe", "--db", db,
              "--today", "2027-03-01")
    assert bad.code == 2 and "Traceback" not in bad.err
    assert "referred, accepted, declined, not_needed, no" in bad.err
    said = cli("child", "circumstances", "Kai", "--adult-social-care", "referred", "--on",
               "2027-03-01", "--db", db, "--today", "2027-03-01")
    assert said.code == 0, said.err
    assert "Adult social care: referred, for support after 18" in said.out
    assert _turning(cli, db, "2027-03-01") == {}  # recorded: the usual window again
    later = _turning(cli, db, "2027-03-01", "--within", "260")["CIN000001"]
    assert later["label"] == "Turns 18: CIN support ends"
    assert later["rule"].startswith("referred to adult social care on 1 Mar 2027, its "
                                    "decision awaited")
    shown = json.loads(cli("child", "circumstances", "Kai", "--json", "--db", db).out)
    assert shown["circumstances"] == {"adult_social_care": "referred"}
    assert shown["census_factors"] == []  # no census factor of its own


def test_accepted_by_adult_social_care_the_closure_is_rc6_and_ends_what_is_running(
        cli, new_location, tmp_path):
    """RC6 "support now comes from adult social care services". Adult social care's
    acceptance fills in the closure (RC6, no need stepped down to early help: STO 3.3),
    where the worker chose RC6 by typing it. A direct payment still running was left paid,
    and its review due, on the closed record (WAR 7.2.1): closing waits until it is ended."""
    db = _store(cli, new_location)
    assert cli("child", "circumstances", "Kai", "--adult-social-care", "accepted", "--on",
               "2027-06-04", "--db", db, "--today", "2027-06-04").code == 0
    item = _turning(cli, db, "2028-02-01")["CIN000001"]
    assert item["rule"] == ("adult social care accepted them on 4 Jun 2027: close the case "
                            "on to it (RC6) by the 18th birthday")
    # WAR 4.2: no contact recorded, so the letters could not say whom to call: it says so
    assert item["detail"] == ("no contact at adult social care recorded: the closure "
                              "letters name it (WAR 4.2)")
    table = cli("due", "--db", db, "--today", "2028-02-01", "--worker", "jo.walker")
    assert "cintui child circumstances CIN000001 --adult-contact" in " ".join(
        table.out.replace("│", " ").split())
    recommended = cli("close", "recommend", "Kai", "--summary", "Kai moves to the adult "
                      "disability team at 18.", "--db", db, "--today", "2028-02-01")
    assert recommended.code == 0, recommended.err
    assert "filled in: adult social care accepted them on 4 Jun 2027 (RC6)" in \
        recommended.out
    ending = json.loads(cli("close", "status", "Kai", "--json", "--db", db,
                            "--today", "2028-02-01").out)["ending"]
    assert (ending["closure_reason"], ending["unmet_need"]) == ("RC6", False)
    for args in (("close", "decide", "Kai", "--approve", "--by", "sam.okafor",
                  "--rationale", "Adult social care takes over at 18 (RC6)"),
                 ("close", "told", "Kai")):
        assert cli(*args, "--db", db, "--today", "2028-02-02").code == 0

    refused = cli("close", "complete", "Kai", "--db", db, "--today", "2028-02-15")
    assert refused.code == 2
    assert ("Direct payment of £240.00 every 4 weeks, managed by Claire Morgan (mother) is "
            "still running: end it") in refused.err
    assert "(WAR 7.2.1; TRA)" in refused.err
    assert cli("direct-payment", "end", "Kai", "--on", "2028-02-15", "--reason",
               "Moved to adult social care", "--db", db, "--today", "2028-02-15").code == 0
    closed = cli("close", "complete", "Kai", "--reason", "adult social care", "--db", db,
                 "--today", "2028-02-15")
    assert closed.code == 0, closed.err
    assert "RC6 Transferred to adult social care services" in closed.out
    shown = cli("child", "show", "Kai", "--db", db, "--today", "2028-02-16")
    assert "Direct payment review" not in shown.out  # nothing left running, closed
    letters = cli("close", "letters", "Kai", "-o", tmp_path / "letters", "-f", "docx",
                  "--db", db, "--today", "2028-02-16")
    assert letters.code == 0, letters.err
    # WAR 4.2: no contact recorded with the referral, so the letters cannot say whom to call
    assert ("Note: no adult social care contact is recorded, so the letters do not say whom "
            "to call there") in letters.err
    assert "cintui child circumstances CIN000001 --adult-contact" in letters.err
    said = json.loads(cli("close", "letters", "Kai", "-o", tmp_path / "again", "-f", "docx",
                          "--json", "--db", db, "--today", "2028-02-16").out)
    assert said["note"].startswith("no adult social care contact is recorded")  # scripts too


def test_a_closure_reason_by_its_words(cli, new_location):
    """As the app's choice takes "adult" for RC6, and `referral record --source` words: a
    reason matching two names asks for another word, one matching none names the closest."""
    db = _store(cli, new_location)
    two = cli("close", "recommend", "Ben", "--reason", "transferred", "--db", db,
              "--today", "2027-01-04")
    assert two.code == 2
    assert ("'transferred' matches 2 closure reasons: Transferred to services of another "
            "local authority; Transferred to adult social care services; add a word") in two.err
    assert cli("close", "recommend", "Ben", "--reason", "no longer in need", "--db", db,
               "--today", "2027-01-04").code == 0
    ending = json.loads(cli("close", "status", "Ben", "--json", "--db", db,
                            "--today", "2027-01-04").out)["ending"]
    assert ending["closure_reason"] == "RC7"


def _letter_texts(folder) -> dict[str, str]:
    from docx import Document

    return {path.name: " ".join(p.text for p in Document(str(path)).paragraphs)
            for path in sorted(folder.glob("*.docx"))}


def test_the_closure_letters_name_adult_social_cares_contact_as_the_referral_recorded_it(
        cli, new_location, tmp_path):
    """RC6, WAR 4.2 ("smooth transitional arrangements"). The letters said only "support
    now comes from adult social care services": a family reading one did not know whom to
    call there, and the referral had nowhere to record it. Now `--adult-contact` records
    it with the referral; the acceptance carries it on; a contact changed alone keeps the
    acceptance's date; each letter names it, in its reader's words."""
    db = _store(cli, new_location)
    assert cli("person", "add", "Kai", "--name", "Dr Mel Hart", "--professional",
               "--agency", "GP", "--address", "2 High St, Rugby", "--db", db).code == 0
    said = cli("child", "circumstances", "Kai", "--adult-social-care", "referred", "--on",
               "2027-03-01", "--adult-contact", "Adult Social Care front door, 01926 410410",
               "--db", db, "--today", "2027-03-01")
    assert said.code == 0, said.err
    assert ("Adult social care: referred, for support after 18 (contact: Adult Social Care "
            "front door, 01926 410410)") in said.out
    assert cli("child", "circumstances", "Kai", "--adult-social-care", "accepted", "--on",
               "2027-06-04", "--db", db, "--today", "2027-06-04").code == 0
    kept = json.loads(cli("child", "circumstances", "Kai", "--json", "--db", db).out)
    assert kept["adult_social_care_contact"] == "Adult Social Care front door, 01926 410410"
    named = cli("child", "circumstances", "Kai", "--adult-contact",
                "Ana Petrov, Transitions Team, 01926 410500", "--on", "2027-09-01",
                "--db", db, "--today", "2027-09-01")
    assert named.code == 0, named.err
    assert ("Adult social care: accepted, supports them from 18 (contact: Ana Petrov, "
            "Transitions Team, 01926 410500)") in named.out
    # the acceptance is still dated 4 Jun: the contact alone changed on 1 Sep
    item = _turning(cli, db, "2028-02-01")["CIN000001"]
    assert item["rule"].startswith("adult social care accepted them on 4 Jun 2027")
    assert "no contact at adult social care" not in item["detail"]

    assert cli("close", "recommend", "Kai", "--summary", "Kai moves to the Transitions "
               "Team at 18.", "--db", db, "--today", "2028-02-01").code == 0
    for args in (("close", "decide", "Kai", "--approve", "--by", "sam.okafor",
                  "--rationale", "Adult social care takes over at 18 (RC6)"),
                 ("close", "told", "Kai")):
        assert cli(*args, "--db", db, "--today", "2028-02-02").code == 0
    assert cli("direct-payment", "end", "Kai", "--on", "2028-02-14", "--reason",
               "Moved to adult social care", "--db", db, "--today", "2028-02-14").code == 0
    assert cli("close", "complete", "Kai", "--db", db, "--today", "2028-02-14").code == 0
    out = tmp_path / "letters"
    assert cli("close", "letters", "Kai", "-o", out, "-f", "docx", "--db", db,
               "--today", "2028-02-14").code == 0
    assert "Note:" not in cli("close", "letters", "Kai", "-o", out, "-f", "docx", "--db", db,
                              "--today", "2028-02-14").err  # the contact is there
    texts = _letter_texts(out)
    assert ("From now on, adult social care services support Kai. Who to contact there: "
            "Ana Petrov, Transitions Team, 01926 410500.") in \
        texts["CIN000001-closure-parent-Claire-Morgan.docx"]
    assert ("From now on, adult social care services support you. Who to contact there: "
            "Ana Petrov, Transitions Team, 01926 410500.") in \
        texts["CIN000001-closure-young_person-Kai.docx"]
    assert ("Adult social care services now support Kai; their contact: Ana Petrov, "
            "Transitions Team, 01926 410500.") in \
        texts["CIN000001-closure-professional-Dr-Mel-Hart.docx"]


def test_a_bad_adult_social_care_contact_is_one_line_and_nothing_is_written(
        cli, new_location):
    """WAR 4.2. A contact with no referral recorded, or over two lines, is refused in one
    line, exit 2, nothing written; `--adult-contact ""` clears it."""
    db = _store(cli, new_location)
    alone = cli("child", "circumstances", "Kai", "--adult-contact", "Ana Petrov", "--db", db,
                "--today", "2027-03-01")
    assert alone.code == 2 and "Traceback" not in alone.err
    assert alone.err.strip().count("\n") == 0
    assert ("a contact goes with a referral to adult social care, and none is recorded: "
            "record the referral too") in alone.err
    two = cli("child", "circumstances", "Kai", "--adult-social-care", "referred",
              "--adult-contact", "Ana Petrov\n01926 410500", "--db", db, "--today",
              "2027-03-01")
    assert two.code == 2 and "the contact is one line" in two.err
    shown = json.loads(cli("child", "circumstances", "Kai", "--json", "--db", db).out)
    assert shown["circumstances"] == {} and shown["adult_social_care_contact"] == ""
    assert cli("child", "circumstances", "Kai", "--adult-social-care", "referred",
               "--adult-contact", "Ana Petrov", "--db", db, "--today", "2027-03-01").code == 0
    assert cli("child", "circumstances", "Kai", "--adult-contact", "", "--db", db,
               "--today", "2027-03-02").code == 0
    shown = json.loads(cli("child", "circumstances", "Kai", "--json", "--db", db).out)
    assert shown["circumstances"] == {"adult_social_care": "referred"}
    assert shown["adult_social_care_contact"] == ""


def test_adult_social_care_for_a_child_under_13_is_refused_in_one_line_war_4_2(
        cli, new_location):
    """WAR 4.2, Care Act s58: a referral to adult social care, with its contact, was
    recorded for a 4-year-old without a word (a slip of the child's name, most likely).
    Under 13 on the day, it is refused in one line naming the age, exit 2, nothing
    written; Kai (16) is referred as before."""
    db = _store(cli, new_location)
    assert cli("child", "add", "--first-name", "Mia", "--last-name", "Stone", "--dob",
               "2022-05-10", "--worker", "jo.walker", "--referral-date", "2026-12-07",
               "--today", "2026-12-07", "--db", db).code == 0
    young = cli("child", "circumstances", "Mia", "--adult-social-care", "referred",
                "--adult-contact", "Adult front door, 01926 410410", "--on", "2026-12-07",
                "--db", db, "--today", "2026-12-07")
    assert young.code == 2 and "Traceback" not in young.err
    assert young.err.strip().count("\n") == 0
    assert ("the child is 4 on 7 Dec 2026: adult social care is for a young person "
            "preparing for adulthood, from Year 9, 13 (WAR 4.2; a Care Act s58 transition "
            "assessment)") in young.err
    shown = json.loads(cli("child", "circumstances", "Mia", "--json", "--db", db).out)
    assert shown["circumstances"] == {} and shown["adult_social_care_contact"] == ""
    assert cli("child", "circumstances", "Kai", "--adult-social-care", "referred", "--on",
               "2026-12-07", "--db", db, "--today", "2026-12-07").code == 0


def test_a_package_review_after_the_18th_birthday_is_one_line_naming_it(cli, new_location):
    """s17(10), WAR 4.2. Kai is 18 on Tue 15 Feb 2028. A short break's review could be set
    after it, and a review's blank next date gave 12 months: the package ran on, on paper,
    past children's services' end. Now a later date is refused in one line naming the
    birthday, exit 2, nothing written; a blank gives the birthday."""
    db = _store(cli, new_location)
    late = cli("short-break", "add", "Kai", "--provider", "Rainbow House", "--type",
               "overnight", "--hours", "8", "--per", "month", "--start", "2027-06-01",
               "--review", "2028-03-01", "--db", db, "--today", "2027-06-01")
    assert late.code == 2 and late.err.strip().count("\n") == 0
    assert ("cintui: --review: 1 Mar 2028 is after the 18th birthday (15 Feb 2028), by which "
            "the package ends or passes to adult social care (s17(10); WAR 4.2)") in late.err
    assert "Rainbow" not in cli("short-break", "list", "Kai", "--db", db).out  # not written
    added = cli("short-break", "add", "Kai", "--provider", "Rainbow House", "--type",
                "overnight", "--hours", "8", "--per", "month", "--start", "2027-06-01",
                "--db", db, "--today", "2027-06-01")
    assert added.code == 0, added.err
    assert "next review by 15 Feb 2028" in added.out  # not 1 Jun 2028
    for command, option in (("short-break", "add"), ("direct-payment", "review")):
        helped = " ".join(cli(command, option, "--help").out.split())  # and it says why
        assert "or the 18th birthday if sooner: s17(10)" in helped, helped
    # the direct payment (from 14 Dec 2026), reviewed on 1 Dec 2027: next by the birthday
    reviewed = cli("direct-payment", "review", "Kai", "--on", "2027-12-01", "--notes",
                   "Going well", "--db", db, "--today", "2027-12-01")
    assert reviewed.code == 0, reviewed.err
    assert "next review by 15 Feb 2028" in reviewed.out
    after = cli("direct-payment", "edit", "Kai", "--review", "2028-04-01", "--db", db)
    assert after.code == 2 and "after the 18th birthday (15 Feb 2028)" in after.err


def test_a_young_persons_own_consent_missing_at_the_closure_is_named_wir_2_1(
        cli, new_location):
    """WIR 2.1, WAR 4.2. Amira, 17, her mother's consent recorded and not her own: the
    closure was refused with "no decision on consent to the service is recorded", which
    the worker could see was wrong (the mother's was there) and which did not say what
    was missing. Now it names the young person's own consent and how to record it."""
    db = amira_closing(cli, new_location)
    refused = cli("close", "complete", "Amira", "--db", db, "--today", "2026-12-07")
    assert refused.code == 2
    assert "no decision on consent to the service is recorded" not in refused.err
    assert ("Layla Haddad (Mother) consented on 1 Dec 2026, but Amira (17) has not given "
            "their own consent to a CIN service (WIR 2.1) (3 on the record, then a; cintui "
            "child consent CIN000001 --decision given)"
            ) in refused.err
    assert cli("child", "consent", "Amira", "--decision", "given", "--method", "verbal",
               "--on", "2026-12-07", "--db", db, "--today", "2026-12-07").code == 0
    assert cli("close", "complete", "Amira", "--db", db, "--today", "2026-12-07").code == 0


def to_support(child: str, manager: str, referred: str, started: str) -> list[tuple]:
    """The commands from a referral to CIN support started (WAR 4.4.2), the assessment
    authorised by `manager`: a service begun, whose closure needs consent (WAR 4.2)."""
    day = ("--today", started)
    return [("referral", "record", child, "--decision", "assessment", "--decided-on",
             referred, "--by", manager, *day),
            ("assessment", "start", child, "--on", referred, *day),
            ("assessment", "record", child, "--developmental-needs", "Behind in reading.",
             "--parenting-capacity", "Warm, tired.", "--family-environment", "Arrears.",
             "--childs-voice", "Wants help at school.", "--risks-strengths", "Close to mum.",
             "--analysis", "Without help reading slips.", "--how-needs-met", "Tutoring.",
             *day),
            ("assessment", "factors", child, "--factor", "neglect", *day),
            ("assessment", "outcome", child, "cin-plan", *day),
            ("assessment", "complete", child, "--on", started, *day),
            ("assessment", "authorise", child, "--on", started, "--by", manager, *day),
            ("support", "home-visit", child, "--on", started, *day),
            ("support", "start", child, "--on", started, *day)]


def amira_closing(cli, new_location):
    """From `db init`: Amira, 17 (18 on 20 Jan 2027), her mother's consent recorded and not
    her own, the closure approved and the family told."""
    db = new_location("amira.db")
    for args in (("db", "init", "--no-encrypt"),
                 ("team", "add", "CwDT", "--service", "Children with Disability Team"),
                 ("worker", "add", "sam.okafor", "--name", "Sam Okafor", "--role", "TM",
                  "--team", "CwDT"),
                 ("worker", "add", "jo.walker", "--name", "Jo Walker", "--role", "SW",
                  "--team", "CwDT"),
                 ("child", "add", "--first-name", "Amira", "--last-name", "Haddad", "--dob",
                  "2009-01-20", "--disability", "learning", "--worker", "jo.walker",
                  "--referral-date", "2026-12-01", "--today", "2026-12-01"),
                 ("person", "add", "Amira", "--name", "Layla Haddad", "--relationship",
                  "Mother", "--pr", "--lives-with"),
                 ("child", "consent", "Amira", "--decision", "given", "--person",
                  "Layla Haddad", "--on", "2026-12-01", "--today", "2026-12-01"),
                 *to_support("Amira", "sam.okafor", "2026-12-01", "2026-12-07"),
                 ("close", "recommend", "Amira", "--reason", "RC7", "--unmet-need", "no",
                  "--summary", "Support no longer needed.", "--today", "2026-12-07"),
                 ("close", "decide", "Amira", "--approve", "--by", "sam.okafor",
                  "--rationale", "No longer in need", "--today", "2026-12-07"),
                 ("close", "told", "Amira", "--today", "2026-12-07")):
        result = cli(*args, "--db", db)
        assert result.code == 0, (args, result.err)
    return db


def test_a_young_persons_own_consent_is_recorded_as_the_young_persons_wir_2_1(
        cli, new_location):
    """WIR 2.1. `cintui due` asks for "the young person (17)"'s own consent; `child consent`
    without --person (their own decision, its default) answered "Consent recorded for
    CIN000001: the child, ...". The words agree now, in the line and in --json."""
    db = amira_closing(cli, new_location)
    due = cli("due", "--db", db, "--today", "2026-12-07", "--json")
    assert due.code == 0 and "but Amira (17) has not given their own" in due.out
    done = cli("child", "consent", "Amira", "--decision", "given", "--method", "verbal",
               "--on", "2026-12-07", "--db", db, "--today", "2026-12-07")
    assert done.code == 0, done.err
    assert done.out.strip() == ("Consent recorded for CIN000001: the young person, CIN "
                                "service: given (verbal) on 2026-12-07")
    again = cli("child", "consent", "Amira", "--decision", "given", "--scope", "meeting",
                "--on", "2026-12-07", "--db", db, "--today", "2026-12-07", "--json")
    assert again.code == 0 and json.loads(again.out)["who"] == "the young person"


def jude_closing(cli, new_location, support: bool):
    """From `db init`, as a worker walked it: Bexley, a team, a manager and a worker; Jude,
    11, his mother Sam Smith on his People; his own consent to the service on 3 Dec (and
    with `support`, CIN support started after an authorised assessment); the closure
    recommended, approved and the family told."""
    db = new_location("jude.db")
    for args in (("db", "init", "--no-encrypt"),
                 ("authority", "set", "--name", "London Borough of Bexley", "--la", "303"),
                 ("worker", "add", "mara.tm", "--name", "Mara Quill", "--role", "TM"),
                 ("team", "add", "Bexley CIN North", "--service", "Safeguarding and Support",
                  "--manager", "mara.tm"),
                 ("worker", "add", "ola.sw", "--name", "Ola Penrose", "--role", "SW",
                  "--team", "North"),
                 ("child", "add", "--first-name", "Jude", "--last-name", "Smith", "--dob",
                  "2015-05-10", "--primary-need", "N1", "--referral-date", "2026-11-02",
                  "--team", "North", "--worker", "ola.sw", "--today", "2026-11-02"),
                 ("person", "add", "Jude", "--name", "Sam Smith", "--relationship", "Mother",
                  "--pr"),
                 *(to_support("Jude", "mara.tm", "2026-11-03", "2026-11-27") if support
                   else ()),
                 ("child", "consent", "Jude", "--decision", "given", "--on", "2026-12-03",
                  "--today", "2026-12-07"),
                 ("close", "recommend", "Jude", "--reason", "RC7", "--unmet-need", "no",
                  "--summary", "Support finished.", "--today", "2026-12-07"),
                 ("close", "decide", "Jude", "--approve", "--by", "mara.tm", "--rationale",
                  "Outcomes met", "--today", "2026-12-07"),
                 ("close", "told", "Jude", "--today", "2026-12-07")):
        result = cli(*args, "--db", db)
        assert result.code == 0, (args, result.err)
    return db


def test_a_childs_own_consent_at_11_refuses_the_closure_saying_why_and_whose_war_4_2(
        cli, new_location):
    """WAR 4.2, WIR 2.1. Jude, 11, consented himself; CIN support had started. The closure
    said "no decision on consent to the service is recorded" although one was, and the due
    list "No valid consent to a CIN service". Both now say why and whose is needed, in one
    line; recording his mother's closes the case."""
    db = jude_closing(cli, new_location, support=True)
    why = ("Jude (11) consented on 3 Dec 2026, but at 11 a parent's consent is needed (WAR "
           "4.2): record Sam Smith's or another parent's")
    refused = cli("close", "complete", "Jude", "--db", db, "--today", "2026-12-07")
    assert refused.code == 2 and refused.out == ""
    # WAR 4.2: Sam Smith, the one with parental responsibility, by name as typed at a shell
    then = 'cintui child consent CIN000001 --decision given --person "Sam Smith"'
    assert refused.err == (f"cintui: cannot close yet: {why} (3 on the record, then a; "
                           f"{then}) (WAR 4.2; WIR 2.1)\n")
    due = cli("due", "--db", db, "--today", "2026-12-07", "--json")
    (item,) = [i for i in json.loads(due.out)["items"] if i["key"] == "consent"]
    assert item["detail"] == f"No valid consent to a CIN service: {why}"
    assert (item["group"], item["state"], item["then"]) == ("overdue", "overdue", then)
    assert cli(*shlex.split(then)[1:], "--db", db, "--today", "2026-12-07").code == 0
    assert cli("close", "complete", "Jude", "--db", db, "--today", "2026-12-07").code == 0


def test_a_case_closed_before_any_service_began_needs_no_consent_to_one_war_4_2(
        cli, new_location):
    """WAR 4.2, 4.4.2: consent is to receive a CIN service. Jude's case, still at the
    referral (no assessment authorised, no support, no plan), was refused closure for "no
    decision on consent to the service"; it closes, and `close status` says why."""
    db = jude_closing(cli, new_location, support=False)
    # WAR 4.2 "before support is given": on `cintui due` the same child's consent, with
    # no service begun, is needed before support starts, not overdue (it was "now")
    due = json.loads(cli("due", "--db", db, "--today", "2026-12-07", "--json").out)
    (item,) = [i for i in due["items"] if i["key"] == "consent"]
    assert (item["group"], item["state"], item["due"]) == ("later", "upcoming", None)
    assert item["detail"].startswith("Consent to a CIN service needed before support starts: "
                                     "Jude (11) consented on 3 Dec 2026, but at 11")
    assert due["counts"]["overdue"] == 0
    table = cli("due", "--db", db, "--today", "2026-12-07")
    assert "0 overdue" in table.out and "before support" in table.out
    status = cli("close", "status", "Jude", "--db", db, "--today", "2026-12-07")
    assert "✓ No CIN service began: no consent to one needed [WAR 4.2; WIR 2.1]" in status.out
    done = cli("close", "complete", "Jude", "--db", db, "--today", "2026-12-07")
    assert done.code == 0, done.err
