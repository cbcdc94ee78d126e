"""`cintui export cin-status`, from an empty store (`cintui db init`, then only what a user
can do): STO 4.5 "Improve the sharing of information across all agencies particularly with
children in need so that all agencies are aware of the CIN status" (police NICHE flags);
WAR 4.3. Only the children subject to a CIN plan, only the fields a partner needs; every
export in the audit trail: who exported which children, for whom, why."""

from __future__ import annotations

import csv
import json
import stat

from sqlmodel import select

from cintui.store.engine import open_store
from cintui.store.models import AuditEntry
from tests.cli.test_supervision_cli import _store


def test_cin_status_for_partners_csv_and_json_with_an_audit_entry(cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)  # Leo: CIN plan; Mia: referral only
    day = ("--db", db, "--today", "2026-11-23")
    assert cli("person", "add", "CIN000001", "--name", "Layla Ward", "--relationship",
               "Mother", "--pr", "--lives-with", "--address", "1 Example Road, Exampletown",
               *day).code == 0
    out = tmp_path / "cin-status.csv"
    done = cli("export", "cin-status", "-o", out, "--for", "Police (NICHE flags)",
               "--purpose", "CIN flags on NICHE (STO 4.5)", *day)
    assert done.code == 0, done.err
    assert "CIN status of 1 children for Police (NICHE flags)" in done.out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert rows == [{"reference": "CIN000001", "first_name": "Leo", "last_name": "Ward",
                     "dob": "2017-05-02", "address": "1 Example Road, Exampletown",
                     "worker": "Amira Khan", "team": "South Safeguarding and Support",
                     "cin_plan_start": "2026-10-14"}]

    as_json = tmp_path / "cin-status.json"
    assert cli("export", "cin-status", "-o", as_json, "-f", "json", "--for", "GP practice",
               "--purpose", "So the GP knows", "--team", "south", *day).code == 0
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert (data["for"], [c["reference"] for c in data["children"]]) == (
        "GP practice", ["CIN000001"])

    store = open_store(db, None)
    try:
        with store.read() as session:
            entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "disclosure")
                                   ).all()
    finally:
        store.close()
    assert [e.actor for e in entries] == ["amira", "amira"]
    first = json.loads(entries[0].changes)
    assert first["recipient"][1] == "Police (NICHE flags)"
    assert first["refs"][1] == "CIN000001" and first["children"][1] == 1
    assert cli("audit", "verify", "--db", db).code == 0


def test_no_recipient_or_purpose_is_one_line_and_nothing_written(cli, tmp_path, monkeypatch):
    db = _store(cli, tmp_path, monkeypatch)
    out = tmp_path / "cin-status.csv"
    refused = cli("export", "cin-status", "-o", out, "--purpose", "flags", "--db", db)
    assert refused.code == 2 and "--for: say who the export is for" in refused.err
    assert "Traceback" not in refused.err and not out.exists()
    refused = cli("export", "cin-status", "-o", out, "--for", "Police", "--db", db)
    assert refused.code == 2 and "--purpose" in refused.err and not out.exists()
    bad = cli("export", "cin-status", "-o", out, "--for", "Police", "--purpose", "x",
              "-f", "xlsx", "--db", db)
    assert bad.code == 2 and "unknown format 'xlsx'" in bad.err
