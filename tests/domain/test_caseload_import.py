"""Reading a caseload exported from another system (cintui.domain.caseload_import): the
messy files councils export, each problem named by line, column and reason."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cintui.domain import caseload_import as ci
from cintui.reference import codes
from tests.conftest import TODAY

CODES = {n: codes.codes(n) for n in ("sex", "ethnicity", "disability", "primary_need",
                                     "referral_source")}
HEADER = "reference,first_name,last_name,dob,referral_date"


def read(text: str | bytes, **kw) -> ci.Caseload:
    return ci.read_caseload(text, today=TODAY, code_lists=CODES, **kw)


def problems(result: ci.Caseload) -> list[str]:
    return [str(p) for p in result.problems]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("text", ["31/12/2025", "2025-12-31", "31-Dec-2025", "31 Dec 2025",
                                  "31 December 2025", "31.12.2025", "31/12/2025 00:00",
                                  "2025-12-31T00:00:00", "31-dec-2025"])
def test_the_forms_councils_export_are_read_day_first(text):
    assert ci.parse_date(text) == date(2025, 12, 31)


@pytest.mark.parametrize(("text", "reason"), [
    ("31/02/2026", "February 2026 has no day 31"),  # impossible
    ("29/02/2027", "February 2027 has no day 29"),
    ("12/31/2026", "31 is not a month (dates are day first"),  # US order is never guessed
    ("31-Dec-26", "give the year in full"),
    ("46387", "write it as 31/12/2026"),  # an Excel serial number
    ("31 Smarch 2026", "write it as 31/12/2026"),
])
def test_impossible_or_ambiguous_dates_are_refused_with_the_reason(text, reason):
    with pytest.raises(ValueError) as caught:
        ci.parse_date(text)
    assert reason in str(caught.value)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_date_reads_back_in_each_form(d):
    for text in (f"{d:%d/%m/%Y}", d.isoformat(), f"{d:%d-%b-%Y}", f"{d.day} {d:%b %Y}"):
        assert ci.parse_date(text) == d


# ---------------------------------------------------------------- the file itself


def test_a_bom_windows_line_ends_and_blank_lines_keep_the_line_numbers():
    text = ("\ufeff" + HEADER + "\r\n\r\nA1,Maya,Testwood,04/05/2018,02/03/2026\r\n"
            ",,,,\r\n\r\nA2,Leo,Testwood,12/01/2021,31/02/2026\r\n")
    result = read(text.encode("utf-8"))
    assert [r.reference for r in result.rows] == ["A1"]
    assert problems(result) == [
        'line 6, column "referral_date": 31/02/2026 is not a date: February 2026 has no day 31']


def test_old_mac_line_ends_and_a_quoted_value_over_two_lines():
    text = (HEADER + ",people\r" + 'A1,Maya,Testwood,04/05/2018,02/03/2026,"Layla (Mother);\r'
            'Ivan (Father)"\rA2,Leo,Testwood,12/01/2021,2026-13-01,\r')
    result = read(text)
    assert [p.name for p in result.rows[0].people] == ["Layla", "Ivan"]
    assert problems(result) == ['line 4, column "referral_date": 2026-13-01 is not a date: '
                                '13 is not a month']


def test_excel_cp1252_text_is_read():
    data = (HEADER + "\nA1,Zoë,Testwood,04/05/2018,02/03/2026\n").encode("cp1252")
    assert read(data).rows[0].first_name == "Zoë"


@pytest.mark.parametrize(("data", "reason"), [
    (b"PK\x03\x04workbook", "not a CSV file"),
    (b"", "the file is empty"),
    (b"\r\n\r\n", "the file is empty"),
    (HEADER.encode(), "no children in the file"),
    (HEADER.replace(",", ";").encode(), "separated by semicolons, not commas"),
])
def test_a_file_that_is_not_a_caseload_is_one_problem(data, reason):
    (problem,) = read(data).problems
    assert problem.line == 0 and reason in problem.reason


def test_a_row_with_more_values_than_the_header_is_refused():
    result = read(HEADER + "\nA1,Jo,Smith, Jr,04/05/2018,02/03/2026\n")
    assert problems(result) == ["line 2: 6 values but the header has 5 columns: a value "
                                "with a comma in it needs double quotes"]


# ---------------------------------------------------------------- the header


def test_other_systems_names_in_any_case_or_punctuation_are_our_columns():
    result = read("PERSON ID, Forename ,surname,D.O.B,Date-Of-Referral,Allocated Worker\n"
                  "A1,Maya,Testwood,04/05/2018,02/03/2026,Wendy Worker\n")
    assert not result.problems
    row = result.rows[0]
    assert (row.reference, row.first_name, row.dob, row.worker) == (
        "A1", "Maya", date(2018, 5, 4), "Wendy Worker")


def test_extra_columns_are_ignored_and_reported():
    result = read(HEADER + ",Notes,Ward\nA1,Maya,Testwood,04/05/2018,02/03/2026,x,y\n")
    assert not result.problems and result.ignored == ("Notes", "Ward")


def test_a_misspelt_column_is_refused_with_the_name_it_was_meant_to_be():
    """The rows are still checked (the column read as the one suggested): every problem at once."""
    result = read("reference,first_name,last_name,dob,Referal Date,Asessment Start Date\n"
                  "A1,Maya,Testwood,04/05/2018,02/03/2026,01/03/2026\n")
    assert problems(result) == [
        'line 1, column "Referal Date": not a column we know; did you mean '
        "'referral_date'? (or list it under ignore in a mapping file)",
        'line 1, column "Asessment Start Date": not a column we know; did you mean '
        "'assessment_started'? (or list it under ignore in a mapping file)",
        'line 2, column "Asessment Start Date": 1 Mar 2026 is before the Referal Date '
        "(2 Mar 2026)",
    ]


def test_a_missing_required_column_and_a_column_given_twice():
    result = read("reference,first_name,DOB,Date of birth\nA1,Maya,04/05/2018,04/05/2018\n")
    assert problems(result) == [
        'line 1, column "Date of birth": columns \'DOB\' and \'Date of birth\' both give '
        "dob: keep one, or choose one in a mapping file",
        'line 1, column "referral_date": no column for the referral date: name a column '
        "'referral_date' or map one in a mapping file",
    ]
    assert result.rows == ()


# ---------------------------------------------------------------- the mapping file


def test_a_toml_mapping_names_their_columns_and_columns_to_ignore():
    mapping, ignore = ci.parse_mapping(
        'reference = "Client No"\nreferral_date = "Ref Recvd"\nignore = ["Ward"]\n', "toml")
    result = read("Client No,Given Name,Family Name,Birth Date,Ref Recvd,Ward,Child ID\n"
                  "L1,Zoe,Mapwell,05/06/2019,05-Jan-2026,Riverside,X9\n",
                  mapping=mapping, ignore=ignore)
    assert not result.problems
    assert result.rows[0].reference == "L1" and result.ignored == ("Child ID",)


def test_a_csv_mapping_reads_the_same():
    assert ci.parse_mapping("column,header\nreference,Client No\n\n# a note\nignore,Ward\n",
                            "csv") == ({"reference": "Client No"}, ("Ward",))


@pytest.mark.parametrize(("text", "kind", "reason"), [
    ('refrence = "Client No"', "toml", "did you mean 'reference'?"),
    ('reference = "Client No', "toml", "not valid TOML"),
    ("reference", "csv", "line 1: write our column and yours"),
    ('reference = "A"\nworker = "A"', "toml", "named twice"),
    ("", "xlsx", ".toml or .csv"),
])
def test_a_bad_mapping_file_is_one_line_saying_why(text, kind, reason):
    with pytest.raises(ci.MappingError, match=reason):
        ci.parse_mapping(text, kind)


def test_a_mapped_column_missing_from_the_file_is_named():
    result = read(HEADER + "\nA1,Maya,Testwood,04/05/2018,02/03/2026\n",
                  mapping={"worker": "Allocated SW"})
    assert problems(result) == ['line 1, column "Allocated SW": the mapping file names this '
                                "column for worker, but the file has no such column"]


# ---------------------------------------------------------------- the rows

FULL = ("reference,first_name,last_name,dob,referral_date,assessment_started,"
        "assessment_completed,cin_plan_start,initial_meeting,last_review,next_review,"
        "last_visit\n")


def row(**values) -> str:
    base = {"reference": "A1", "first_name": "Maya", "last_name": "Testwood",
            "dob": "04/05/2018", "referral_date": "02/03/2026"}
    base.update(values)
    return ",".join(base.get(c, "") for c in FULL.strip().split(",")) + "\n"


def test_duplicate_references_in_the_file_and_on_the_store():
    result = read(FULL + row() + row(reference="a1") + row(reference="B2"), existing=["b2"])
    assert problems(result) == [
        'line 3, column "reference": a1 is also on line 2: each child once',
        'line 4, column "reference": B2 is already a child on this store',
    ]


@pytest.mark.parametrize(("values", "column", "reason"), [
    ({"reference": ""}, "reference", "no reference"),
    ({"reference": "A 1"}, "reference", "must be 1-32 letters"),
    ({"first_name": "", "last_name": ""}, "first_name", "no name"),
    ({"dob": ""}, "dob", "give a date of birth"),
    ({"dob": "04/05/2007"}, "dob", "18 or over"),
    ({"referral_date": ""}, "referral_date", "no referral date"),
    ({"referral_date": "24/11/2026"}, "referral_date", "24 Nov 2026 is in the future"),
    ({"assessment_started": "01/03/2026"}, "assessment_started",
     "1 Mar 2026 is before the referral_date (2 Mar 2026)"),
    ({"assessment_completed": "10/04/2026"}, "assessment_completed",
     "give the date the assessment started too"),
    ({"assessment_started": "04/03/2026", "assessment_completed": "10/04/2026",
      "cin_plan_start": "01/04/2026"}, "cin_plan_start",
     "1 Apr 2026 is before the assessment_completed (10 Apr 2026)"),
    ({"initial_meeting": "24/04/2026"}, "initial_meeting", "needs the CIN plan's start date"),
    ({"cin_plan_start": "14/04/2026", "next_review": "24/07/2026"}, "next_review",
     "give the date of the meeting that set it"),
    ({"cin_plan_start": "14/04/2026", "initial_meeting": "24/04/2026",
      "next_review": "24/04/2026"}, "next_review", "is not after the last meeting"),
    ({"last_visit": "01/03/2026"}, "last_visit", "before the referral_date"),
    ({"last_visit": "24/11/2026"}, "last_visit", "in the future"),
])
def test_each_bad_value_is_named_by_line_column_and_reason(values, column, reason):
    result = read(FULL + row(**values))
    assert result.rows == ()
    assert [(p.line, p.column) for p in result.problems] == [(2, column)]
    assert reason in result.problems[0].reason


def test_a_past_next_review_is_kept_the_clock_shows_it_overdue():
    result = read(FULL + row(cin_plan_start="14/04/2026", initial_meeting="24/04/2026",
                             next_review="24/07/2026"))
    assert not result.problems and result.rows[0].next_review == date(2026, 7, 24)
    assert result.rows[0].status == "cin_plan"


def test_census_codes_as_codes_or_their_names():
    result = read("reference,last_name,expected_dob,referral_date,sex,ethnicity,"
                  "primary_need,disabilities\n"
                  "A1,Unborn,10/02/2027,16/11/2026,u,White British,family in acute stress,"
                  '"mob, comm"\n'
                  "A2,Bad,10/02/2027,16/11/2026,X,,N12,NONE AUT\n")
    good = result.rows[0]
    assert (good.sex, good.ethnicity, good.primary_need, good.disabilities) == (
        "U", "WBRI", "N4", "MOB COMM")
    assert good.expected_dob == date(2027, 2, 10) and good.status == "referral"
    assert [(p.column, p.reason.split(" (")[0]) for p in result.problems] == [
        ("sex", "'X' is not a census sex code"),
        ("primary_need", "'N12' is not a census primary need code"),
        ("disabilities", "NONE cannot be given with other disability codes"),
    ]


def test_people_and_professionals():
    people = ci.parse_people("Layla Testwood (Mother, PR, lives with child); Ivan (Father);"
                             " Nan")
    assert [(p.name, p.relationship, p.parental_responsibility, p.lives_with_child)
            for p in people] == [("Layla Testwood", "Mother", True, True),
                                 ("Ivan", "Father", False, False), ("Nan", "", False, False)]
    (pro,) = ci.parse_professionals("Ms Hill (Class teacher, Hill Primary, Exampleton)")
    assert (pro.kind, pro.role, pro.agency) == ("professional", "Class teacher",
                                                "Hill Primary, Exampleton")
    with pytest.raises(ValueError, match="only PR or lives with child, not grumpy"):
        ci.parse_people("Ivan (Father, grumpy)")
    with pytest.raises(ValueError, match=r"Name \(role, agency\)"):
        ci.parse_professionals("Dr Ames (GP)")


def test_the_template_is_a_good_file():
    result = read(ci.template().encode())
    assert not result.problems and len(result.rows) == 1
    assert len(result.rows[0].people) == 3
