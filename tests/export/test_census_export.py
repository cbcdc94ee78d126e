"""The CIN census return as XML (DOMAIN.md §10, issue 7 §5): a small store built here
(synthetic people), its return validated against the year's DfE schema (2024: the 2023-24
layout with GenderCurrent; 2025 on: Sex), and what a census officer would check in it:
codes, dates, the year, section 47 enquiries, and the children left out and why."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from cintui.casework import census
from cintui.domain import census as rules
from cintui.export.census import to_xml, write_xml
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.conftest import connect, reading

# The DfE's schemas, as shipped in the package (2024: the copy in ../shared/reference, byte
# for byte; the later years derived from it: data/CIN_census_schemas.md).
DATA = Path(__file__).resolve().parents[2] / "data"
XSD = DATA / "CIN_census_schema_2024.xsd"
SHARED_XSD = Path(__file__).resolve().parents[3] / "shared" / "reference" / XSD.name


def year_schema(year: int) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / f"CIN_census_schema_{year}.xsd")))


@pytest.fixture(scope="module")
def schema():
    return year_schema(2026)


def test_the_shipped_schema_is_the_dfe_one():
    if SHARED_XSD.exists():  # beside DOMAIN.md on a developer's machine
        assert XSD.read_bytes() == SHARED_XSD.read_bytes()
    assert b'<xs:element name="Message" type="messagetype"/>' in XSD.read_bytes()


def test_each_later_year_changes_the_2024_schema_only_as_its_specification_does():
    # 2024-25: GenderCurrent (1, 2, 0, 9) becomes Sex (M, F, U), nothing else.
    y2024, y2025 = (DATA / f"CIN_census_schema_{y}.xsd" for y in (2024, 2025))
    old, new = y2024.read_text(encoding="utf-8"), y2025.read_text(encoding="utf-8")
    assert '<xs:element name="GenderCurrent" type="gendertype"' in old
    assert '<xs:element name="Sex" type="sextype" minOccurs="1" maxOccurs="1"/>' in new
    assert "GenderCurrent" not in new and "gendertype" not in new
    assert [line for line in new.splitlines() if line not in old.splitlines()] == [
        '      <xs:element name="Sex" type="sextype" minOccurs="1" maxOccurs="1"/>',
        '  <xs:simpleType name="sextype">', '      <xs:enumeration value="M">',
        '        <xs:annotation><xs:documentation>male</xs:documentation></xs:annotation>',
        '      <xs:enumeration value="F">',
        '        <xs:annotation><xs:documentation>female</xs:documentation></xs:annotation>',
        '      <xs:enumeration value="U">',
        '        <xs:annotation><xs:documentation>unknown</xs:documentation></xs:annotation>']
    for year in (2024, 2025, 2026, 2027):  # and 18A/19A are in none of them
        assert b'value="18A"' not in (DATA / f"CIN_census_schema_{year}.xsd").read_bytes()


@pytest.fixture
def store(new_db):
    return build_small_store(new_db("census.db"))


def build_small_store(path):
    """Seven children (synthetic):
    A1 on a CIN plan since 1 Jul 2025 (assessed 8 May - 20 Jun 2025);
    B1 unborn (due 1 Jun 2026), referred 10 Jan 2026, assessment from 20 Mar 2026
       authorised 8 Apr 2026 (after the 2026 reference date);
    C1 closed Sep 2024, re-referred 15 Oct 2025, closed RC8 on 1 Feb 2026 (no factors, 21);
    D1 closed 1 Dec 2024 (before the 2026 year); E1 referred 2 Apr 2026 (the 2027 year);
    F1 assessed before it was referred (rule 1103); G1 a UPN with the wrong check letter (1510).
    """
    st = open_store(path, None)
    kids = {
        "A1": dict(dob=date(2015, 9, 1), sex="F", ethnicity="WBRI", disabilities="MOB LD",
                   upn="U820100000001"),
        "B1": dict(expected_dob=date(2026, 6, 1), sex="U", ethnicity="NOBT",
                   disabilities="", upn_unknown="UN1"),
        "C1": dict(dob=date(2012, 2, 3), sex="M", ethnicity="AIND", upn_unknown="UN2"),
        "D1": dict(dob=date(2014, 1, 1), sex="M", upn_unknown="UN3"),
        "E1": dict(dob=date(2019, 7, 7), sex="U", ethnicity="MWBA", upn="E82010000000A"),
        "F1": dict(dob=date(2016, 4, 4), sex="F", upn_unknown="UN4"),
        "G1": dict(dob=date(2017, 5, 5), sex="M", upn="A820100000001"),
    }
    with st.session("test.setup") as s:
        ids = {}
        for ref, values in kids.items():
            child = m.Child(reference=ref, first_name="Sam", last_name="Synthetic", **values)
            s.add(child)
            s.flush()
            ids[ref] = child.id
        s.add_all([
            m.Episode(child_id=ids["A1"], referral_date=date(2025, 5, 6), referral_source="2A",
                      primary_need="N1", assessment_started=date(2025, 5, 8),
                      assessment_completed=date(2025, 6, 20), assessment_factors="2A 3A",
                      cin_plan_start=date(2025, 7, 1)),
            m.Episode(child_id=ids["B1"], referral_date=date(2026, 1, 10), referral_source="3B",
                      primary_need="N3", assessment_started=date(2026, 3, 20),
                      assessment_completed=date(2026, 4, 8), assessment_factors="3B"),
            m.Episode(child_id=ids["C1"], referral_date=date(2024, 6, 1), referral_source="6",
                      primary_need="N4", closure_date=date(2024, 9, 1), closure_reason="RC7"),
            m.Episode(child_id=ids["C1"], referral_date=date(2025, 10, 15), referral_source="1A",
                      primary_need="N5", assessment_started=date(2025, 10, 16),
                      assessment_completed=date(2025, 11, 20), assessment_factors="21",
                      closure_date=date(2026, 2, 1), closure_reason="RC8"),
            m.Episode(child_id=ids["D1"], referral_date=date(2023, 1, 1), referral_source="9",
                      closure_date=date(2024, 12, 1), closure_reason="RC1"),
            m.Episode(child_id=ids["E1"], referral_date=date(2026, 4, 2), referral_source="5D",
                      primary_need="N2"),
            m.Episode(child_id=ids["F1"], referral_date=date(2025, 6, 10), referral_source="8",
                      primary_need="N1", assessment_started=date(2025, 6, 1)),
            m.Episode(child_id=ids["G1"], referral_date=date(2025, 7, 1), referral_source="10",
                      primary_need="N8"),
        ])
    st.close()
    return path


def _return(path, year: int):
    with reading(path) as conn:
        return census.build_return(conn, year)


def _xml(ret) -> etree._Element:
    return etree.fromstring(to_xml(ret))


def _child(root, ref: str):
    found = root.xpath(f"/Message/Children/Child[ChildIdentifiers/LAchildID='{ref}']")
    return found[0] if found else None


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_each_years_return_validates_against_that_years_schema(store, tmp_path, year):
    out = write_xml(_return(store, year), tmp_path / f"cin{year}.xml")
    doc = etree.parse(str(out))
    assert year_schema(year).validate(doc), year_schema(year).error_log
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # The child's sex: GenderCurrent (1, 2, 0) in the 2023-24 layout, Sex (M, F, U) after.
    sexes = [c.text for c in doc.iter("GenderCurrent", "Sex")]
    assert {c.tag for c in doc.iter("GenderCurrent", "Sex")} == {
        "GenderCurrent" if year == 2024 else "Sex"}
    assert set(sexes) <= ({"1", "2", "0"} if year == 2024 else {"M", "F", "U"})


def test_header_names_the_collection_and_its_reference_date(store):
    root = _xml(_return(store, 2026))
    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert root.find("Header/Source") is None  # no LA number given


def test_given_the_la_number_the_header_names_the_source(store, schema):
    root = etree.fromstring(to_xml(_return(store, 2026), la="820"))
    assert [(e.tag, e.text) for e in root.find("Header/Source")] == [
        ("SourceLevel", "L"), ("LEA", "820"), ("SoftwareCode", "cintui")]
    assert schema.validate(root), schema.error_log


def test_the_year_holds_children_open_in_it_and_leaves_out_the_rest(store):
    ret = _return(store, 2026)
    assert [c.reference for c in ret.children] == ["A1", "B1", "C1"]
    assert ret.episodes == 3  # C1's 2024 episode closed before the year
    root = _xml(ret)
    assert _child(root, "D1") is None and _child(root, "E1") is None
    # In 2027, A1 and B1 are still open and E1 is new; C1 closed in the 2026 year.
    assert [c.reference for c in _return(store, 2027).children] == ["A1", "B1", "E1"]


def test_a_child_on_a_plan_carries_codes_and_dates(store):
    a1 = _child(_xml(_return(store, 2026)), "A1")
    assert a1.findtext("ChildIdentifiers/UPN") == "U820100000001"
    assert a1.findtext("ChildIdentifiers/PersonBirthDate") == "2015-09-01"
    assert a1.findtext("ChildIdentifiers/Sex") == "F"
    assert a1.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    assert [d.text for d in a1.iterfind("ChildCharacteristics/Disabilities/Disability")] == [
        "MOB", "LD"]
    (ep,) = a1.findall("CINdetails")
    assert ep.findtext("CINreferralDate") == "2025-05-06"
    assert ep.findtext("ReferralSource") == "2A"
    assert ep.findtext("PrimaryNeedCode") == "N1"
    assert ep.find("CINclosureDate") is None and ep.find("ReasonForClosure") is None
    assert ep.findtext("Assessments/AssessmentActualStartDate") == "2025-05-08"
    assert ep.findtext("Assessments/AssessmentAuthorisationDate") == "2025-06-20"
    assert [f.text for f in ep.iterfind(
        "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors")] == ["2A", "3A"]
    assert ep.findtext("CINPlanDates/CINPlanStartDate") == "2025-07-01"
    assert ep.find("CINPlanDates/CINPlanEndDate") is None
    assert ep.findtext("ReferralNFA") == "false"
    assert ep.find("Section47") is None and ep.find("ChildProtectionPlans") is None


def test_an_unborn_child_and_an_assessment_authorised_after_the_reference_date(store):
    b1 = _child(_xml(_return(store, 2026)), "B1")
    assert b1.find("ChildIdentifiers/UPN") is None
    assert b1.findtext("ChildIdentifiers/UPNunknown") == "UN1"
    assert b1.find("ChildIdentifiers/PersonBirthDate") is None
    assert b1.findtext("ChildIdentifiers/ExpectedPersonBirthDate") == "2026-06-01"
    assert b1.findtext("ChildIdentifiers/Sex") == "U"
    assert b1.find("ChildCharacteristics/Disabilities") is None
    # Authorised 8 Apr 2026: on 31 March the assessment was open, so no factors yet.
    assert b1.findtext("CINdetails/Assessments/AssessmentActualStartDate") == "2026-03-20"
    assert b1.find("CINdetails/Assessments/AssessmentAuthorisationDate") is None
    assert b1.find("CINdetails/Assessments/FactorsIdentifiedAtAssessment") is None
    # In the 2027 return it is authorised, with its factor.
    b1 = _child(_xml(_return(store, 2027)), "B1")
    assert b1.findtext("CINdetails/Assessments/AssessmentAuthorisationDate") == "2026-04-08"
    assert b1.findtext("CINdetails/Assessments/FactorsIdentifiedAtAssessment/"
                       "AssessmentFactors") == "3B"


def test_a_re_referral_closed_after_assessment_with_no_further_action(store):
    c1 = _child(_xml(_return(store, 2026)), "C1")
    (ep,) = c1.findall("CINdetails")  # the 2024 episode was in an earlier year's return
    assert ep.findtext("CINreferralDate") == "2025-10-15"
    assert ep.findtext("CINclosureDate") == "2026-02-01"
    assert ep.findtext("ReasonForClosure") == "RC8"
    assert ep.find("CINPlanDates") is None  # RC8: no CIN plan (2990)


def test_a_child_that_breaks_a_rule_is_left_out_and_listed_with_the_reason(store):
    ret = _return(store, 2026)
    assert [(e.reference, e.rule) for e in ret.excluded] == [("F1", "1103"), ("G1", "1510")]
    assert "1 Jun 2025" in ret.excluded[0].message  # the assessment start, before referral
    root = _xml(ret)
    assert _child(root, "F1") is None and _child(root, "G1") is None


def test_a_bad_code_that_reached_the_store_is_listed_not_written(store):
    with connect(store) as conn:
        conn.execute("UPDATE child SET ethnicity = 'WXYZ' WHERE reference = 'A1'")
    ret = _return(store, 2026)
    assert ("A1", "4220") in [(e.reference, e.rule) for e in ret.excluded]
    assert _child(_xml(ret), "A1") is None


def test_a_return_with_no_child_is_refused_not_written_invalid(tmp_path):
    ret = rules.build([], rules.census_period(2026), census.code_lists(2026))
    assert ret.children == () and ret.excluded == ()
    with pytest.raises(ValueError, match="at least one child"):
        write_xml(ret, tmp_path / "empty.xml")
    assert not (tmp_path / "empty.xml").exists()


def test_a_return_the_schema_rejects_is_not_written(tmp_path, store, monkeypatch):
    """The file handed to the DfE always validates: were the XML ever wrong, the export
    stops with the schema's reason and leaves no file."""
    import cintui.export.census as export

    ret = _return(store, 2026)
    real = export.to_xml
    monkeypatch.setattr(export, "to_xml", lambda r, la=None: real(r, la=la).replace(
        b"<Collection>CIN</Collection>", b"<Collection>CLA</Collection>"))
    out = tmp_path / "bad.xml"
    with pytest.raises(export.SchemaInvalid, match="CIN_census_schema_2026.xsd"):
        export.write_xml(ret, out)
    assert not out.exists()


# ---------------------------------------------------------------- any record (hypothesis)

# Each collection year, its code lists and schema. A return of the year in progress, as on
# 23 November 2026 for 2027, is a trial run; the rules and the schema are the same.
_PERIODS = {y: rules.census_period(y) for y in rules.YEARS}


def _codes(period) -> dict:
    return census.code_lists(period.year)


def _factors(period) -> list[str]:
    return sorted(c for c in _codes(period)["assessment_factor"] if c != rules.NO_FACTORS)


def _upn(body: str) -> str:
    return rules.upn_check_letter("?" + body) + body  # the check letter for its body


def _weekday(d: date) -> date:
    return d + timedelta(days=max(0, 7 - d.weekday())) if d.weekday() >= 5 else d


@st.composite
def _valid_s47(draw, referral: date, until: date,
               closed: bool) -> tuple[rules.CensusS47, ...]:
    """At most one enquiry: started on or after the referral, its ICPC on a weekday after
    it (or not needed; or, in a case still open, not yet known), all before `until` (the
    closure, or the reference date)."""
    if until <= referral + timedelta(days=10) or not draw(st.booleans()):
        return ()
    start = draw(st.dates(referral, until - timedelta(days=10)))
    outcome = draw(st.sampled_from(["icpc", "none"] if closed else ["icpc", "none", "open"]))
    if outcome == "icpc":
        held = _weekday(start + timedelta(days=draw(st.integers(1, 5))))
        return (rules.CensusS47(start, _weekday(start + timedelta(days=21)), held, False,
                                held),)
    if outcome == "none":
        return (rules.CensusS47(start, None, None, True, start + timedelta(days=3)),)
    return (rules.CensusS47(start, _weekday(start + timedelta(days=21))),)


@st.composite
def _valid_episode(draw, period, born: date, start: date) -> rules.CensusEpisode:
    """A referral and what followed, every date in order (DfE 1103, 8608, 4011, 8630...)."""
    codes = _codes(period)
    day = st.integers(0, 120)
    referral = draw(st.dates(max(start, born), period.end))
    if draw(st.booleans()) and draw(st.booleans()):  # a referral taken no further (8831)
        return rules.CensusEpisode(referral, draw(st.sampled_from(sorted(
            codes["referral_source"]))), None, True, referral, "RC8")
    a_start = referral + timedelta(days=draw(day))
    a_done = a_start + timedelta(days=draw(day)) if draw(st.booleans()) else None
    factors = tuple(draw(st.lists(st.sampled_from(_factors(period)), min_size=1, max_size=3,
                                  unique=True))) if a_done else ()
    plan = (a_done or a_start) + timedelta(days=draw(day)) if draw(st.booleans()) else None
    closed = reason = plan_end = None
    if a_done and draw(st.booleans()):
        closed = max(d for d in (a_done, plan) if d) + timedelta(days=draw(day))
        reason = "RC8" if plan is None else draw(st.sampled_from(
            [f"RC{n}" for n in range(1, 8)]))
        plan_end = closed if plan else None
    enquiries = () if reason == "RC8" else draw(_valid_s47(referral, closed or period.end,
                                                               closed is not None))
    return rules.CensusEpisode(referral, draw(st.sampled_from(sorted(codes["referral_source"]))),
                               draw(st.sampled_from(sorted(codes["primary_need"]))), False,
                               closed, reason, a_start, a_done, factors, plan, plan_end,
                               enquiries)


@st.composite
def _valid_child(draw, period, n: int) -> rules.CensusChild:
    codes = _codes(period)
    born = draw(st.dates(period.end.replace(year=period.end.year - 17),
                         period.end.replace(year=period.end.year - 1)))
    first = draw(_valid_episode(period, born, period.start))  # in the year: in the return
    episodes = [first]
    if first.closure_date and first.closure_date < period.end - timedelta(days=2):
        episodes.append(draw(_valid_episode(period, born,
                                            first.closure_date + timedelta(days=1))))
    upn = _upn(f"820{n:04d}2400{n % 10}") if draw(st.booleans()) else ""
    return rules.CensusChild(
        reference=f"C{n}", upn=upn, upn_unknown=None if upn else draw(st.sampled_from(
            ["UN1", "UN2", "UN3", "UN4", "UN5"])),
        dob=born, sex=draw(st.sampled_from(["M", "F", "U"])),
        ethnicity=draw(st.sampled_from(sorted(codes["ethnicity"]))),
        disabilities=("NONE",), episodes=tuple(episodes))


def _valid_children(period):
    return st.integers(1, 4).flatmap(
        lambda k: st.tuples(*(_valid_child(period, n) for n in range(k))))


# One field made wrong: a date moved, a code swapped for a bad or a different one.
_odd_dates = st.one_of(st.none(), st.dates(date(2022, 1, 1), date(2027, 6, 30)))
_odd_s47 = st.builds(rules.CensusS47, _odd_dates, _odd_dates, _odd_dates, st.booleans(),
                     _odd_dates)
_EPISODE_BREAKS = {
    "referral_date": _odd_dates, "closure_date": _odd_dates, "assessment_started": _odd_dates,
    "assessment_completed": _odd_dates, "cin_plan_start": _odd_dates,
    "cin_plan_end": _odd_dates, "referral_nfa": st.booleans(),
    "closure_reason": st.sampled_from([None, "RC0", "RC8", "RC9", "RC5"]),
    "referral_source": st.sampled_from([None, "", "ZZ", "1A"]),
    "primary_need": st.sampled_from([None, "N99", "N1"]),
    "assessment_factors": st.sampled_from([(), ("21",), ("21", "1B"), ("99Z",), ("1B", "1B"),
                                           ("18A",), ("19A", "2B")]),
    "section47": st.lists(_odd_s47, max_size=2).map(tuple),
}
_CHILD_BREAKS = {
    "reference": st.sampled_from(["", " ", "CIN-1", "X" * 21]),
    "upn": st.sampled_from(["", "X12", "H999100000001", "a9994000260011", "L82010000000I"]),
    "upn_unknown": st.sampled_from([None, "UN6", "UN7", "UN9"]),
    "dob": _odd_dates, "expected_dob": _odd_dates,
    "sex": st.sampled_from([None, "U", "7", "1", "F"]),
    "ethnicity": st.sampled_from([None, "XXXX"]),
    "disabilities": st.sampled_from([(), ("BAD",), ("NONE", "HAND"), ("HAND", "HAND")]),
}


@st.composite
def _broken_children(draw, period):
    children = list(draw(_valid_children(period)))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(children) - 1))
        child = children[i]
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(_CHILD_BREAKS)))
            child = replace(child, **{name: draw(_CHILD_BREAKS[name])})
        else:
            name = draw(st.sampled_from(sorted(_EPISODE_BREAKS)))
            eps = list(child.episodes)
            j = draw(st.integers(0, len(eps) - 1))
            eps[j] = replace(eps[j], **{name: draw(_EPISODE_BREAKS[name])})
            child = replace(child, episodes=tuple(eps))
        children[i] = child
    return children


def _domain_return(children, period) -> rules.CensusReturn:
    return rules.build([replace(c, episodes=rules.return_episodes(c.episodes, period))
                        for c in children], period, _codes(period))


@pytest.mark.parametrize("year", rules.YEARS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_sound_record_is_never_left_out_and_its_file_validates(year, data):
    """DOMAIN.md §10: no false alarm: children whose dates are in order and codes valid all
    go in the file (queries at most), and the file validates against the year's schema."""
    from cintui.export.census import schema_errors

    period = _PERIODS[year]
    children = data.draw(_valid_children(period))
    ret = _domain_return(children, period)
    assert ret.excluded == ()
    assert len(ret.children) == len(children)
    assert schema_errors(to_xml(ret), year) == []


@pytest.mark.parametrize("year", rules.YEARS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_whatever_is_wrong_a_child_the_rules_let_through_validates(year, data):
    """DOMAIN.md §10: the rules are the gate: with one to three fields made wrong, any
    child they still let into the file gives XML the year's DfE schema accepts, and every
    child left out is listed with a rule and a reason. Bad input never crashes the return."""
    from cintui.export.census import schema_errors

    period = _PERIODS[year]
    ret = _domain_return(data.draw(_broken_children(period)), period)
    for left_out in ret.excluded:
        assert left_out.rule and left_out.message and left_out.reference is not None
        assert not left_out.query
    assert {c.reference for c in ret.children}.isdisjoint(ret.excluded_children)
    if ret.children:
        assert schema_errors(to_xml(ret), year) == []
