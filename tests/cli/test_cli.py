"""The command line as a user meets it: output, exit codes, one-line errors, nothing written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, TODAY, connect, run_subprocess


def one_line_error(result, *fragments: str) -> None:
    assert result.code == 2, (result.code, result.out, result.err)
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def sha(location) -> str:
    """The file's bytes; on a server, everything in the tables cintui writes."""
    if isinstance(location, Path):
        return hashlib.sha256(location.read_bytes()).hexdigest()
    with connect(location) as conn:
        tables = [t for (t,) in conn.all("SELECT tablename FROM pg_tables WHERE schemaname = "
                                         "'public' ORDER BY 1")]
        dump = [sorted(map(repr, conn.all(f'SELECT * FROM "{t}"'))) for t in tables]
    return hashlib.sha256(repr(dump).encode()).hexdigest()


def children(cli, db, *more: str) -> list[dict]:
    result = cli("child", "list", "--db", db, "--json", "--today", TODAY.isoformat(), *more)
    assert result.code == 0, result.err
    return json.loads(result.out)


def audit_entries(db) -> int:
    """How many entries the audit trail holds: a count, not a whole `audit verify` (which
    replays the trail against every table, ~0.4 s on the test demo)."""
    with connect(db) as conn:
        return conn.all("SELECT count(*) FROM audit_log")[0][0]


# ------------------------------------------------------------------ deadline


def test_version(cli):
    from cintui import __version__

    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"cintui {__version__}"


def test_deadline_working_days_skip_christmas_and_boxing_day_substitute(cli):
    """DOMAIN.md §6: working days exclude bank holidays including substitute days.

    Fri 18 Dec 2026 + 5 wd: Mon 21, Tue 22, Wed 23, Thu 24 (4); Fri 25 Christmas;
    Sat 26 Boxing Day falls on a weekend so Mon 28 is the substitute; Tue 29 is the 5th.
    """
    result = cli("deadline", "2026-12-18", "--working-days", "5")
    assert result.code == 0, result.err
    assert result.out.strip() == "2026-12-29"


def test_deadline_calendar_months_clamp_to_month_end(cli):
    """DOMAIN.md §6: 30 Nov + 3 months = 28 Feb (Wed 28 Feb 2029). In 2027, 28 Feb is a
    Sunday: due on the working day before, Fri 26 Feb (DOMAIN.md §11)."""
    assert cli("deadline", "2028-11-30", "--months", "3").out.strip() == "2029-02-28"
    assert cli("deadline", "2026-11-30", "--months", "3").out.strip() == "2027-02-26"


def test_deadline_on_christmas_day_is_due_the_day_before(cli):
    """DOMAIN.md §11: a review due on Christmas Day is due on 24 December: Fri 25 Sep 2026
    + 3 months (TRA: first review within 3 months of the initial meeting) is Fri 25 Dec."""
    result = cli("deadline", "2026-09-25", "--timescale", "first_review", "--policy",
                 "trafford", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["due"] == "2026-12-24"


def test_deadline_from_a_policy_timescale(cli):
    """BEX 3: visits at least every 4 weeks; 1 Dec 2026 + 28 days = 29 Dec 2026."""
    result = cli("deadline", "2026-12-01", "--timescale", "visit", "--policy", "bexley", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["due"] == "2026-12-29"
    assert data["unit"] == "weeks"
    assert data["source"].startswith("BEX")


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("deadline", "2026-13-01", "--days", "3"), "not a date"),
        (("deadline", "2026-12-01"), "exactly one of"),
        (("deadline", "2026-12-01", "--days", "3", "--months", "1"), "exactly one of"),
        (("deadline", "2026-12-01", "--working-days", "-3"), "-3"),
        (("deadline", "2026-12-01", "--working-days", "three"), "--working-days"),
        (("deadline", "2026-12-01", "--timescale", "visit", "--policy", "atlantis"), "atlantis"),
        (("deadline", "2026-12-01", "--timescale", "teatime"), "teatime"),
        (("policy", "show", "narnia"), "narnia"),
        (("no-such-command",), "no-such-command"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(cli, args, fragment):
    one_line_error(cli(*args), fragment)


# ------------------------------------------------------------------ policy


def test_policy_list_has_the_five_authorities_and_the_default(cli):
    result = cli("policy", "list", "--json")
    names = {p["name"] for p in json.loads(result.out)}
    assert {"england", "wirral", "bexley", "trafford", "warwickshire", "stockton"} <= names


def test_policy_show_wirral_visits_every_20_working_days(cli):
    """WIR 2.11: visits at least every 20 working days."""
    data = json.loads(cli("policy", "show", "wirral", "--json").out)
    visit = data["timescales"]["visit"]
    assert (visit["amount"], visit["unit"]) == (20, "working_days")
    assert visit["source"].startswith("WIR")
    assert "20 working days" in cli("policy", "show", "wirral").out


def test_a_users_own_policy_file_is_listed_and_a_broken_one_named(cli, tmp_path):
    folder = tmp_path / "config" / "policies"
    folder.mkdir(parents=True)
    (folder / "ourtown.toml").write_text(
        'name = "ourtown"\ntitle = "Our Town CIN Procedure"\nauthority = "Our Town"\n'
        'extends = "england"\n[timescales.visit]\namount = 15\nunit = "working_days"\n'
        'source = "OT 1.2"\n'
    )
    assert "ourtown" in {p["name"] for p in json.loads(cli("policy", "list", "--json").out)}
    listed = {line.split()[1]: line for line in cli("policy", "list").out.splitlines()
              if line.startswith("│ ") and line.split()[1] in ("ourtown", "wirral")}
    assert listed["wirral"].split("│")[-2].strip() == "shipped"  # its path helps nobody
    own = listed["ourtown"].split("│")[-2].strip()  # your own: where it is (wrapped)
    assert own and str(folder / "ourtown.toml").startswith(own)
    (folder / "broken.toml").write_text(
        'name = "broken"\ntitle = "B"\nauthority = "B"\nextends = "england"\n'
        '[timescales.visit]\namount = -3\nunit = "working_days"\nsource = "X"\n'
    )
    one_line_error(cli("policy", "show", "broken"), "broken.toml", "timescales.visit.amount")


# ------------------------------------------------------------------ children


def test_child_list_json_has_one_object_per_child(cli, demo_store):
    rows = children(cli, demo_store)
    # the 40 children of the demo's caseloads and 20 whose cases closed in the last two
    # collection years
    assert len(rows) == 60
    for row in rows:
        assert {"reference", "name", "dob", "worker", "status", "level"} <= row.keys()
    assert len({r["reference"] for r in rows}) == 60
    open_rows = children(cli, demo_store, "--open")
    assert open_rows and all(r["status"] != "closed" for r in open_rows)
    assert len(open_rows) == sum(r["status"] != "closed" for r in rows)


def test_child_add_then_list(cli, demo_store):
    before = len(children(cli, demo_store))
    result = cli("child", "add", "--db", demo_store, "--first-name", "Testy", "--last-name",
                 "Example", "--dob", "2019-05-04", "--sex", "F", "--ethnicity", "WBRI",
                 "--primary-need", "N4", "--reference", "T-1", "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    rows = children(cli, demo_store)
    assert len(rows) == before + 1
    added = next(r for r in rows if r["reference"] == "T-1")
    assert added["name"] == "Testy Example"
    assert added["dob"] == "2019-05-04"


def test_child_add_takes_the_primary_need_and_the_source_in_words(cli, demo_store):
    """As `referral record --need` and `--disability` take them: `child add --primary-need
    neglect` was refused ("N0-N9" only) while the referral took the same word."""
    from tests.conftest import connect

    result = cli("child", "add", "--db", demo_store, "--first-name", "Worded", "--last-name",
                 "Example", "--dob", "2019-05-04", "--primary-need", "neglect",
                 "--referral-source", "police", "--today", TODAY.isoformat(), "--json")
    assert result.code == 0, result.err
    ref = json.loads(result.out)["reference"]
    with connect(demo_store) as conn:
        codes = conn.all("SELECT e.primary_need, e.referral_source FROM episode e JOIN child c "
                         "ON c.id = e.child_id WHERE c.reference = ?", (ref,))
    assert [tuple(r) for r in codes] == [("N1", "6")]  # 6: Police


def test_an_unborn_child_can_be_added_with_an_expected_date(cli, demo_store):
    result = cli("child", "add", "--db", demo_store, "--first-name", "Baby", "--last-name",
                 "Example", "--expected-dob", "2027-02-01", "--today", TODAY.isoformat(), "--json")
    assert result.code == 0, result.err
    ref = json.loads(result.out)["reference"]
    row = next(r for r in children(cli, demo_store) if r["reference"] == ref)
    assert row["dob"] is None and row["expected_dob"] == "2027-02-01"


@pytest.mark.parametrize(
    "extra, fragment",
    [
        (("--dob", "2027-01-01"), "future"),
        (("--dob", "2001-01-01"), "18"),
        (("--dob", "2020-02-30"), "not a date"),
        (("--dob", "2020-01-01", "--sex", "7"), "sex"),
        (("--dob", "2020-01-01", "--sex", "2"), "M, F, U"),  # the old gender code
        (("--expected-dob", "2027-02-01", "--sex", "F"), "unborn child's sex is U"),  # DfE 8750
        (("--dob", "2020-01-01", "--ethnicity", "XXXX"), "ethnicity"),
        (("--dob", "2020-01-01", "--disability", "WINGS"), "disabilit"),
        (("--dob", "2020-01-01", "--primary-need", "N42"), "no primary need matches 'N42'"),
        (("--dob", "2020-01-01", "--worker", "nobody.here"), "nobody.here"),
        (("--dob", "2020-01-01", "--reference", "DEMO00001"), "already used"),
        (("--dob", "2020-01-01", "--referral-date", "2027-01-01"), "future"),
        ((), "date of birth"),
        # A UPN the census would leave the child out for (1510 its check letter, 1530 its
        # LA code), or no UPN at all
        (("--dob", "2015-01-01", "--upn", "X358260000015"), "it should be R, so a character "
         "is mistyped; the census would leave the child out (1510)"),
        (("--dob", "2015-01-01", "--upn", "A123456789012"), "not a recognised LA code"),
        (("--dob", "2015-01-01", "--upn", "R35826000001"), "not 13 characters"),
    ],
)
def test_child_add_rejects_bad_input_and_writes_nothing(cli, demo_store, extra, fragment):
    before_children = children(cli, demo_store)
    before_audit = audit_entries(demo_store)
    result = cli("child", "add", "--db", demo_store, "--first-name", "Bad", "--last-name", "Input",
                 "--today", TODAY.isoformat(), *extra)
    one_line_error(result, fragment)
    assert children(cli, demo_store) == before_children
    assert audit_entries(demo_store) == before_audit


def test_child_show_lists_timescales_with_rule_and_source(cli, demo_store):
    rows = children(cli, demo_store)
    open_child = next(r for r in rows if r["status"] == "cin_plan")
    result = cli("child", "show", open_child["reference"], "--db", demo_store, "--json",
                 "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    data = json.loads(result.out)
    keys = {d["key"] for d in data["deadlines"]}
    assert "visit" in keys
    for d in data["deadlines"]:
        assert d["rule"] and d["source"] and d["state"] in {
            "overdue", "due today", "due soon", "upcoming"}


@pytest.mark.parametrize("width", [80, 200])
def test_child_show_reads_whole_words_at_a_laptops_width(cli, demo_store, monkeypatch, width):
    """At 80 columns the six columns folded each rule into a strip eleven characters wide;
    the rule (WIR 2.11) now goes under what is due, with its source. Wide, six columns. The
    status reads as a worker says it, in the list too."""
    monkeypatch.setenv("COLUMNS", str(width))
    open_child = next(r for r in children(cli, demo_store) if r["status"] == "cin_plan")
    shown = cli("child", "show", open_child["reference"], "--db", demo_store,
                "--today", TODAY.isoformat())
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert all(len(line) <= width for line in lines)
    assert f"{open_child['reference']} · CIN plan · policy" in lines[0]
    words = " ".join(" ".join(cell.strip() for cell in line.split("│")) for line in lines)
    words = " ".join(words.split())
    timescales = json.loads(cli("child", "show", open_child["reference"], "--db", demo_store,
                                "--json", "--today", TODAY.isoformat()).out)["deadlines"]
    assert any(d["key"] == "visit" for d in timescales)
    for d in timescales:
        assert d["rule"] in words and d["label"] in words
    header = next(line for line in lines if line.startswith("┃"))
    if width == 80:
        assert "what · rule (source)" in header and "source ┃" not in header
        assert all(d["source"] in words for d in timescales)
    else:
        assert "┃ rule " in header and "┃ source" in header
    listed = cli("child", "list", "--db", demo_store, "--today", TODAY.isoformat())
    assert "CIN plan" in listed.out and "cin_plan" not in listed.out
    # The list too: who and where the case stands first, each child one line, what does
    # not fit whole named (each row was three lines at 80, "Child / in need / (s17)")
    table = listed.out.splitlines()
    assert all(len(line) <= width for line in table)
    header = [h.strip() for h in table[1].strip("┃").split("┃")]
    assert header[:4] == ["reference", "name", "age", "status"]
    rows = [line for line in table if line.startswith("│")]
    assert len(rows) == len(children(cli, demo_store))  # one line a child
    if width == 80:
        assert table[-1].startswith("Not shown at this width: ")
        assert {"worker", "level"} <= set(table[-1].split(": ")[1].split(" (")[0].split(", "))


def test_unknown_and_ambiguous_children_get_clear_messages(cli, demo_store):
    one_line_error(cli("child", "show", "Nobody Atall", "--db", demo_store), "no child")
    for ref in ("TWIN-1", "TWIN-2"):
        assert cli("child", "add", "--db", demo_store, "--first-name", "Sam", "--last-name",
                   "Twinning", "--dob", "2018-01-01", "--reference", ref,
                   "--today", TODAY.isoformat()).code == 0
    one_line_error(cli("child", "show", "Sam Twinning", "--db", demo_store),
                   "matches 2 children", "TWIN-1", "TWIN-2")
    assert cli("child", "show", "twin-2", "--db", demo_store).code == 0
    one_line_error(cli("child", "show", "twinn", "--db", demo_store), "matches 2 children")
    one_line_error(cli("child", "show", "S_m%", "--db", demo_store), "no child")  # literally


# ------------------------------------------------------------------ demo, db, audit


def test_demo_is_deterministic_for_a_seed(cli, tmp_path):
    lists = []
    for name in ("a.db", "b.db"):
        path = tmp_path / name
        assert cli("demo", "--children", "30", "--seed", "11", "--db", path, "--no-encrypt",
                   "--today", TODAY.isoformat()).code == 0
        lists.append(children(cli, path))
    assert lists[0] == lists[1]
    assert len(lists[0]) == 45  # 30 on caseloads and 15 whose cases closed earlier


def test_demo_refuses_to_overwrite_an_existing_store(cli, demo_store):
    before = sha(demo_store)
    one_line_error(cli("demo", "--db", demo_store, "--no-encrypt"), "already exists")
    assert sha(demo_store) == before


def test_demo_store_is_encrypted_by_default(cli, encrypted_demo_store):
    head = encrypted_demo_store.read_bytes()[:16]
    assert head != b"SQLite format 3\x00"


def test_encrypted_store_needs_the_passphrase(cli, encrypted_demo_store, monkeypatch):
    before = sha(encrypted_demo_store)
    one_line_error(cli("child", "list", "--db", encrypted_demo_store), "--passphrase-file")
    monkeypatch.setenv("CINTUI_PASSPHRASE", "not the passphrase")
    one_line_error(cli("child", "list", "--db", encrypted_demo_store), "wrong passphrase")
    assert sha(encrypted_demo_store) == before
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    assert len(children(cli, encrypted_demo_store)) == 25 + 12  # and 12 closed earlier


def test_the_passphrase_from_a_private_file_never_the_environment(cli, encrypted_demo_store,
                                                                    tmp_path):
    """Issue "Trust": for batch use the passphrase comes from a 0600 file's first line
    (`--passphrase-file`, or CINTUI_PASSPHRASE_FILE; /dev/fd/N too), not the environment
    (readable in /proc/PID/environ) nor shell history. A file others can read is refused."""
    secret = tmp_path / "pass"
    secret.write_text(PASSPHRASE + "\n")
    secret.chmod(0o644)
    one_line_error(cli("--passphrase-file", secret, "child", "list", "--db",
                       encrypted_demo_store), "chmod 600")
    secret.chmod(0o600)
    listed = cli("--passphrase-file", secret, "child", "list", "--db", encrypted_demo_store,
                 "--json")
    assert listed.code == 0, listed.err
    assert len(json.loads(listed.out)) == 25 + 12
    one_line_error(cli("--passphrase-file", tmp_path / "none", "child", "list", "--db",
                       encrypted_demo_store), "no passphrase file")


def test_db_init_creates_an_empty_encrypted_store(cli, tmp_path, monkeypatch):
    path = tmp_path / "new.db"
    monkeypatch.setenv("CINTUI_PASSPHRASE", "short")
    one_line_error(cli("db", "init", "--db", path), "at least")
    assert not path.exists()
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    assert cli("db", "init", "--db", path, "--policy", "trafford").code == 0
    info = json.loads(cli("db", "info", "--db", path, "--json").out)
    assert info["encrypted"] is True and info["policy"] == "trafford"
    assert "No children" in cli("child", "list", "--db", path).out


def test_db_upgrade_on_a_current_store_says_so(cli, demo_store):
    result = cli("db", "upgrade", "--db", demo_store)
    assert result.code == 0, result.err
    assert "up to date" in result.out


def test_db_backup_copies_the_store(cli, sqlite_demo_store, tmp_path):
    target = tmp_path / "copy.db"
    assert cli("db", "backup", "--db", sqlite_demo_store, "-o", target).code == 0
    assert children(cli, target) == children(cli, sqlite_demo_store)
    one_line_error(cli("db", "backup", "--db", sqlite_demo_store, "-o", target),
                   "already exists")


def test_audit_verify_on_a_demo_store(cli, demo_store):
    result = cli("audit", "verify", "--db", demo_store)
    assert result.code == 0, result.out
    assert "intact" in result.out


def test_a_missing_store_is_explained(cli, tmp_path):
    """It named `cintui` and `cintui demo`, not `db init`, the way the README starts."""
    one_line_error(cli("child", "list", "--db", tmp_path / "nope.db"), "no store",
                   "`cintui db init` makes an empty one")


@pytest.mark.parametrize("command", [("db", "init"), ("demo", "--children", "3")])
def test_no_encrypt_before_db_init_makes_a_plain_store(cli, tmp_path, monkeypatch, command):
    """`cintui --no-encrypt db init` and `cintui --no-encrypt demo` (the root's option, as
    for the app) were refused: "a new encrypted store needs a passphrase … (or pass
    --no-encrypt)", with it passed."""
    monkeypatch.delenv("CINTUI_PASSPHRASE", raising=False)
    monkeypatch.delenv("CINTUI_PASSPHRASE_FILE", raising=False)
    path = tmp_path / "plain.db"
    made = cli("--no-encrypt", *command, "--db", path)
    assert made.code == 0, made.err
    assert json.loads(cli("db", "info", "--db", path, "--json").out)["encrypted"] is False


# ------------------------------------------------------------------ as a real process


@pytest.mark.slow
def test_python_dash_m_and_errors_as_a_real_process(tmp_path):
    ok = run_subprocess("deadline", "2027-03-25", "--working-days", "2")
    # DOMAIN.md §6. Easter Sunday 2027 is 28 Mar: Good Friday 26 Mar and Easter Monday
    # 29 Mar are bank holidays. Working days after Thu 25 Mar: Tue 30 (1), Wed 31 (2).
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "2027-03-31"
    bad = run_subprocess("child", "list", "--db", tmp_path / "missing.db")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_child_show_says_when_the_plan_has_brought_no_change_wir_2_3(cli, demo_store):
    """WIR 2.3, from the shell as on the Summary: `child show` says when the plan in force
    has brought no positive change in six months, and how to record the conference
    considered; recording it ends that. The same children as the app's Summary."""
    from cintui.casework import caseload, record
    from cintui.store.engine import open_store

    store = open_store(demo_store, None)
    with store.read() as session:
        stalled = {c.reference for c in caseload.list_children(session, TODAY, open_only=True)
                   if record.no_change_prompt(session, c.id, TODAY)}
        others = {c.reference for c in caseload.list_children(session, TODAY, open_only=True)}
    store.close()
    assert stalled and others - stalled

    def shown(ref: str) -> dict:
        return json.loads(cli("child", "show", ref, "--db", demo_store, "--json",
                              "--today", TODAY.isoformat()).out)

    assert {ref for ref in others if shown(ref)["no_positive_change_since"]} == stalled
    ref = sorted(stalled)[0]
    text = cli("child", "show", ref, "--db", demo_store, "--today", TODAY.isoformat()).out
    assert "No need has improved since" in text
    assert f"cintui decision add {ref} --kind cp_conference" in " ".join(text.split())
    added = cli("decision", "add", ref, "--kind", "cp_conference", "--decision",
                "No conference: the plan is holding", "--rationale", "Discussed with school",
                "--db", demo_store, "--today", TODAY.isoformat())
    assert added.code == 0, added.err
    assert shown(ref)["no_positive_change_since"] is None


def test_due_lists_each_conference_to_consider_until_it_is_recorded_wir_2_3(cli, demo_store):
    """WIR 2.3 on `cintui due`: each plan with no positive change in six months is a "CP
    conference to consider", overdue from the day the six months ran out, for the same
    children as the Summary; the table says how to record it, and recording it ends it."""
    from cintui.casework import caseload, record
    from cintui.store.engine import open_store

    store = open_store(demo_store, None)
    with store.read() as session:
        stalled = {c.reference for c in caseload.list_children(session, TODAY, open_only=True)
                   if record.no_change_prompt(session, c.id, TODAY)}
    store.close()

    def items() -> list[dict]:
        out = cli("due", "--db", demo_store, "--json", "--today", TODAY.isoformat())
        assert out.code == 0, out.err
        return [i for i in json.loads(out.out)["items"] if i["key"] == "no_change"]

    found = items()
    assert {i["child"]["reference"] for i in found} == stalled
    assert all(i["group"] == "overdue" and i["due"] < TODAY.isoformat()
               and i["working_days_left"] < 0 and i["source"] == "WIR 2.3" for i in found)
    ref = sorted(stalled)[0]
    table = cli("due", "--db", demo_store, "--today", TODAY.isoformat()).out
    cells = [line.split("│") for line in table.splitlines() if line.startswith("│")]
    starts = [n for n, c in enumerate(cells) if c[1].strip()] + [len(cells)]
    # (child, what · rule): at 80 columns "what" is third from the end, after the worker
    # column everyone's list has (it was read as the fourth column, the worker's name)
    table_rows = [[" ".join(" ".join(c[i] for c in cells[a:b]).split()) for i in (2, -3)]
                  for a, b in zip(starts, starts[1:], strict=False)]
    what = next(what for child, what in table_rows if ref in child and "CP conf" in what)
    assert what.startswith("CP conference to consider: no need rated better since")
    assert f"then: cintui decision add {ref} --kind cp_conference (WIR 2.3)" in what
    added = cli("decision", "add", ref, "--kind", "cp_conference", "--decision",
                "No conference: the plan is holding", "--rationale", "Discussed with school",
                "--db", demo_store, "--today", TODAY.isoformat())
    assert added.code == 0, added.err
    assert {i["child"]["reference"] for i in items()} == stalled - {ref}


def test_child_edit_with_the_value_already_held_says_nothing_changed(cli, demo_store):
    """`child edit --known-as X` when X is already held: it said "Changed known as"; now it
    says nothing changed, and the audit trail has no entry for it."""
    day = ("--db", demo_store, "--today", TODAY.isoformat())
    first = cli("child", "edit", "DEMO00002", "--known-as", "Bee", *day)
    assert first.code == 0 and first.out.startswith("Changed known as for "), first.err
    entries = audit_entries(demo_store)
    again = cli("child", "edit", "DEMO00002", "--known-as", "Bee", *day)
    assert again.code == 0, again.err
    assert again.out.startswith("Nothing changed for ")
    assert again.out.strip().endswith("(DEMO00002): known as is already 'Bee'.")
    assert audit_entries(demo_store) == entries
    shown = json.loads(cli("child", "edit", "DEMO00002", "--known-as", "Bee", "--service",
                           "CWD team", "--json", *day).out)
    assert shown["changed"] == {"service": "CWD team"} and shown["unchanged"] == ["known_as"]
