"""The subject access response (UK GDPR Art. 15; WIR 2.10) writes each day as the app's
screens and the worker's other documents do: "3 Nov 2026", not "03/11/2026"."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from cintui.export import subject_access


def test_the_response_writes_its_days_in_words():
    doc = SimpleNamespace(
        child="Nell Quill", reference="CIN000001", authority="Testshire", shared=(),
        requested_by="Her mother, in writing", requested_on=date(2026, 12, 3),
        produced_by="noah.elswick", produced_at=datetime(2026, 12, 7, 9, 5),
        records={"visit": [{"id": "x", "visited_on": "2026-11-03",
                            "finalised_at": "2026-11-04T08:00:00+00:00"}]},
        history=[])
    text = "\n".join(line for _, lines in subject_access.sections(doc) for line in lines)
    assert "Requested by: Her mother, in writing, on 3 Dec 2026." in text
    assert "Produced by: noah.elswick, 7 Dec 2026 09:05." in text
    assert "3 Nov 2026" in text and "4 Nov 2026 08:00 UTC" in text
    assert "/2026" not in text
