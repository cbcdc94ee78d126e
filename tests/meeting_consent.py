"""For tests that book meetings: the consent a booking needs (WIR 2.1, 2.3; issue 23).

`consent_to_meetings` records consent to CIN meetings from the child's parents with
parental responsibility (adding `parent` with PR when the child has none) and, for a young
person of 16 or 17, from the young person too. Synthetic people only."""

from __future__ import annotations

import uuid
from datetime import date

from cintui.casework import record


def consent_to_meetings(session, child_id: uuid.UUID, on: date,
                        parent: str = "Sam Synthetic") -> None:
    people = [p for p in record.list_people(session, child_id) if p.parental_responsibility]
    if not people:
        people = [record.add_person(session, child_id, record.PersonInput(
            name=parent, relationship="Mother", parental_responsibility=True))]
    for p in people:
        record.record_consent(session, child_id, record.ConsentInput(
            scope="meeting", decision="given", decided_on=on, person_id=p.person_id), on)
    child = record.get_child(session, child_id)
    if child.dob and (on.year - child.dob.year) >= 16:
        record.record_consent(session, child_id, record.ConsentInput(
            scope="meeting", decision="given", decided_on=on), on)
