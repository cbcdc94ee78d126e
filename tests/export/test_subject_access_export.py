"""The subject access response (UK GDPR Art. 15; WIR 2.10) is read by the family: it writes
each day in full, GOV.UK style, "3 November 2026" (`day_long`), as the plan, the minutes and
the letters do, never "3 Nov 2026" or "03/11/2026"; a meeting's name too ("CIN review
meeting 23 November 2026", `labels_in_full`). The JSON keeps the dates as stored."""

from __future__ import annotations

import json
from datetime import date, datetime
from types import SimpleNamespace

from pypdf import PdfReader

from cintui.export import subject_access


def _doc(**kw):
    return SimpleNamespace(**{
        "child": "Nell Quill", "reference": "CIN000001", "authority": "Testshire",
        "shared": (), "requested_by": "Her mother, in writing",
        "requested_on": date(2026, 12, 3), "produced_by": "noah.elswick",
        "produced_at": datetime(2026, 12, 7, 9, 5),
        "records": {"visit": [{"id": "x", "visited_on": "2026-11-03",
                               "finalised_at": "2026-11-04T08:00:00+00:00"}],
                    "plan_version": [{"id": "y", "agreed_at": "CIN review meeting 23 Nov 2026",
                                      "objectives": "Nell is safe by 3 Nov 2026."}],
                    "meeting": [{"id": "z", "held_on": "2026-11-23", "minutes": json.dumps({
                        "kind": "review", "held_on": "2026-11-23",
                        "attendance": [{"name": "Layla Quill", "role": "Mother",
                                        "person_id": "a5364349dc924e34bc40af666caa878b",
                                        "attendance": "present"}],
                        "items": [{"need_key": "23c3a28ab15345d6bf7e277bf374a814",
                                   "update": "Mornings are calmer."}],
                        "decisions": {"still_in_need": True, "next_review": "2027-02-23"}}),
                        "documents": '["assessment", "plan"]'}]},
        "history": [{"seq": 1, "at": "2026-11-24T10:30:00+00:00", "actor": "noah.elswick",
                     "action": "update", "entity": "plan_version", "entity_id": "y",
                     "changes": {"next_review": ["2026-12-01", "2027-02-23"],
                                 "status": ["draft", "agreed"]}}],
        **kw})


def _words(doc) -> str:
    return "\n".join(line for _, lines in subject_access.sections(doc) for line in lines)


def test_the_response_writes_its_days_in_full_as_a_family_reads_them_wir_2_10():
    text = _words(_doc())
    assert "Requested by: Her mother, in writing, on 3 December 2026." in text
    assert "Produced by: noah.elswick, 7 December 2026 09:05." in text
    assert "Visited on: 3 November 2026" in text
    assert "Finalised at: 4 November 2026 08:00 UTC" in text
    assert "Agreed at: CIN review meeting 23 November 2026" in text
    # the history: when, and a changed date before and after, in full
    assert ("24 November 2026 10:30 UTC noah.elswick changed plan versions: "
            "Next review: 1 December 2026 -> 23 February 2027; Status: draft -> agreed") in text
    # only a meeting's name is rewritten, never a day the worker typed in their words
    assert "Objectives: Nell is safe by 3 Nov 2026." in text
    assert "Nov 2026" not in text.replace("safe by 3 Nov 2026", "")
    assert "/2026" not in text and "2026-1" not in text


def test_a_record_a_field_holds_is_written_as_its_fields_not_as_json_wir_2_10():
    """The minutes (and a draft, an assessment under its headings) are kept as JSON: the
    response printed it as it is kept, "Minutes: {"kind": "review", "held_on": "2026-11-23",
    "attendance": [{"name": …, "person_id": "a536…"}]…", ISO days and internal ids in what
    the family reads. Now each of its fields is a line, in words, each day in full."""
    text = _words(_doc())
    assert ("Minutes:\n  Kind: review\n  Held on: 23 November 2026\n  Attendance:\n"
            "  - Name: Layla Quill; Role: Mother; Attendance: present\n  Items:\n"
            "  - Update: Mornings are calmer.\n"
            "  Decisions: Still in need: yes; Next review: 23 February 2027") in text
    assert "Documents: assessment, plan" in text
    assert "{" not in text and "a5364349" not in text and "23c3a28a" not in text


def test_the_pdf_a_family_is_sent_says_each_day_in_full(tmp_path):
    pdf, stored = subject_access.write(_doc(), tmp_path)
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    for said in ("on 3 December 2026.", "7 December 2026 09:05", "Visited on: 3 November 2026",
                 "4 November 2026 08:00 UTC", "CIN review meeting 23 November 2026",
                 "Next review: 1 December 2026 -> 23 February 2027",
                 "Held on: 23 November 2026", "- Name: Layla Quill; Role: Mother"):
        assert said in text, said
    assert "3 Dec 2026" not in text and "23 Nov 2026" not in text
    # the JSON, for a reviewer's tools, holds the values as stored
    held = json.loads(stored.read_text())
    assert held["requested_on"] == "2026-12-03"
    assert held["records"]["visit"][0]["visited_on"] == "2026-11-03"
    assert held["records"]["plan_version"][0]["agreed_at"] == "CIN review meeting 23 Nov 2026"
