"""What cintui writes as JSON, and ids as text: scripts read `--json` output line by line
and by id, so both must be exactly what `json.dumps` and `uuid.UUID` write."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from cintui.casework.lookup import uuid_text
from cintui.domain.records import json_lines, json_text

# Everything a command's JSON holds: text (any character, control characters and other
# scripts included), whole numbers, true/false/null, lists and objects; floats in the
# plain form a command writes them (hours, amounts).
scalars = (st.text() | st.integers() | st.booleans() | st.none()
           | st.floats(min_value=-1e15, max_value=1e15, allow_nan=False).filter(
               lambda f: "e" not in repr(f)))
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                         max_leaves=20)


@given(documents, st.sampled_from([0, 2]))
def test_json_text_is_what_json_dumps_writes(data, indent):
    expected = json.dumps(data, indent=indent or None, ensure_ascii=False)
    assert json_text(data, indent=indent) == expected


@given(st.dictionaries(st.text(max_size=8), scalars, max_size=3),
       st.lists(st.dictionaries(st.text(max_size=8), documents, max_size=3), max_size=5))
def test_json_lines_is_one_document_an_item_a_line(head, items):
    text = json_lines(head, "items", items)
    assert json.loads(text) == {**head, "items": items}
    lines = text.split("\n")  # as grep reads it (str.splitlines also splits at U+0085)
    assert lines[1:-2] == [json.dumps(i, ensure_ascii=False) + ("," if n < len(items) else "")
                           for n, i in enumerate(items, 1)] or not items
    assert lines[-2:] == ["]}", ""]


@given(st.uuids())
def test_an_id_as_stored_reads_as_its_uuid(value):
    assert uuid_text(value.hex) == str(value)  # SQLite: the 32 hex digits
    assert uuid_text(value) == str(value)  # PostgreSQL: a UUID
    assert uuid_text(str(value)) == str(value)
    assert uuid_text(value.hex.upper()) == str(value)
