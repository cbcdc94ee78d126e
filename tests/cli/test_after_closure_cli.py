"""`cintui visit record` on a closed case (TRA, BEX 3 closure; WIR 2.11 visits; WAR 3.4
re-referral), from `cintui db init` on both stores: a child added, visited, closed through
the real closure path; a visit dated after the closure is one line, exit 2, the store
unchanged; one of the closure day typed later is recorded; once re-referred, the child
takes visits again. Synthetic people only."""

from __future__ import annotations

import json

from tests.cli.test_case_journey import add_team
from tests.cli.test_cli import one_line_error, sha


def test_a_visit_after_the_closure_is_one_line_and_writes_nothing(cli, monkeypatch,
                                                                   new_location):
    monkeypatch.setenv("CINTUI_USER", "amira")
    db = new_location("team.db")

    def run(day: str, *args: str):
        return cli(*args, "--db", db, "--today", day)

    def ok(day: str, *args: str) -> dict:
        result = run(day, *args, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out) if result.out.strip() else {}

    def visit(day: str, at: str):
        return run(day, "visit", "record", "CIN000001", "--at", at, "--purpose",
                   "Statutory visit", "--analysis", "Mia seen alone in her bedroom.")

    assert cli("db", "init", "--db", db, "--no-encrypt").code == 0
    add_team(cli, db)
    ok("2026-09-01", "child", "add", "--first-name", "Mia", "--last-name", "Closewell",
       "--dob", "2016-03-04", "--worker", "amira", "--referral-date", "2026-09-01")
    ok("2026-09-02", "person", "add", "CIN000001", "--name", "Rosa Closewell",
       "--relationship", "Mother", "--pr", "--lives-with")
    ok("2026-09-02", "child", "consent", "CIN000001", "--person", "Rosa", "--decision",
       "given")
    assert visit("2026-09-10", "2026-09-10 16:00").code == 0
    ok("2026-09-14", "close", "recommend", "CIN000001", "--summary", "Needs met.")
    ok("2026-09-15", "close", "decide", "CIN000001", "--approve", "--rationale",
       "Needs met", "--by", "tom")
    ok("2026-09-16", "close", "told", "CIN000001")
    ok("2026-09-18", "close", "complete", "CIN000001", "--reason", "RC1",
       "--unmet-need", "no")

    before = sha(db)
    refused = visit("2026-12-01", "2026-12-01 10:00")
    one_line_error(refused, "--at: CIN000001's case closed on 18 Sep 2026: a visit on 1 Dec "
                   "2026 needs the case open again (re-referral: `cintui child rerefer "
                   "CIN000001 --date DATE --source SOURCE`, or R on the record, or Ctrl+P → "
                   "re-refer)")
    assert sha(db) == before  # nothing written, not even an audit entry

    # Late recording of a visit made on the closure day is normal.
    assert visit("2026-12-01", "2026-09-18 09:30").code == 0
    ok("2026-12-01", "child", "rerefer", "CIN000001", "--date", "2026-12-01", "--source", "2A")
    assert visit("2026-12-01", "2026-12-01 10:00").code == 0
    listed = ok("2026-12-01", "visit", "list", "CIN000001")
    assert [v["visited_at"][:10] for v in listed] == ["2026-12-01", "2026-09-18", "2026-09-10"]
