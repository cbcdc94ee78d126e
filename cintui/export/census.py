"""The DfE Children in Need census return as XML (DOMAIN.md §10), in the layout of the
year's schema (`CIN_census_schema_YYYY.xsd`: from 2024-25 `Sex` in place of
`GenderCurrent`), written readable by its owner only.

Only the children in the return (`CensusReturn.children`, which break no error rule) are
written, with their section 47 enquiries. The store keeps no child protection plans, so
none are returned. The `Source` header (level L, the authority's DfE LA number, software
"cintui") is written when the LA number is given.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from lxml import etree

from cintui.domain.census import CensusChild, CensusEpisode, CensusPeriod, CensusReturn
from cintui.export.files import write_private
from cintui.reference.shipped import shipped


def _add(parent, tag: str, text: str | None = None):
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def _day(d: date) -> str:
    return d.isoformat()  # xs:date


def _child(children, child: CensusChild, period: CensusPeriod) -> None:
    el = _add(children, "Child")
    ids = _add(el, "ChildIdentifiers")
    _add(ids, "LAchildID", child.reference)
    if child.upn.strip():
        _add(ids, "UPN", child.upn.strip().upper())
    elif child.upn_unknown:
        _add(ids, "UPNunknown", child.upn_unknown)
    if child.dob is not None:
        _add(ids, "PersonBirthDate", _day(child.dob))
    if child.expected_dob is not None:
        _add(ids, "ExpectedPersonBirthDate", _day(child.expected_dob))
    if period.uses_sex:
        _add(ids, "Sex", child.sex)
    else:
        _add(ids, "GenderCurrent", child.gender_current())
    about = _add(el, "ChildCharacteristics")
    _add(about, "Ethnicity", child.ethnicity)
    if child.disabilities:
        dis = _add(about, "Disabilities")
        for code in child.disabilities:
            _add(dis, "Disability", code)
    for ep in child.episodes:
        _episode(el, ep)


def _episode(parent, ep: CensusEpisode) -> None:
    el = _add(parent, "CINdetails")
    _add(el, "CINreferralDate", _day(ep.referral_date))
    _add(el, "ReferralSource", ep.referral_source)
    if ep.primary_need:
        _add(el, "PrimaryNeedCode", ep.primary_need)
    if ep.closure_date is not None:
        _add(el, "CINclosureDate", _day(ep.closure_date))
        _add(el, "ReasonForClosure", ep.closure_reason)
    if ep.assessment_started is not None:
        a = _add(el, "Assessments")
        _add(a, "AssessmentActualStartDate", _day(ep.assessment_started))
        if ep.assessment_completed is not None:
            _add(a, "AssessmentAuthorisationDate", _day(ep.assessment_completed))
        if ep.assessment_factors:
            factors = _add(a, "FactorsIdentifiedAtAssessment")
            for code in ep.assessment_factors:
                _add(factors, "AssessmentFactors", code)
    if ep.cin_plan_start is not None:
        plan = _add(el, "CINPlanDates")
        _add(plan, "CINPlanStartDate", _day(ep.cin_plan_start))
        if ep.cin_plan_end is not None:
            _add(plan, "CINPlanEndDate", _day(ep.cin_plan_end))
    for s47 in ep.section47:
        mod = _add(el, "Section47")
        _add(mod, "S47ActualStartDate", _day(s47.start))
        if s47.icpc_target is not None:
            _add(mod, "InitialCPCtarget", _day(s47.icpc_target))
        if s47.icpc_date is not None:
            _add(mod, "DateOfInitialCPC", _day(s47.icpc_date))
        _add(mod, "ICPCnotRequired", "true" if s47.icpc_not_required else "false")
    _add(el, "ReferralNFA", "true" if ep.referral_nfa else "false")


def to_xml(ret: CensusReturn, *, la: str | None = None) -> bytes:
    """The return as a census `Message`: a header with the collection year and reference
    date (and, given `la`, the authority's DfE LA number), then each child in it. The schema
    needs at least one child."""
    if not ret.children:
        raise ValueError("a census return needs at least one child")
    message = etree.Element("Message")
    header = _add(message, "Header")
    details = _add(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", str(ret.period.year))
    _add(details, "ReferenceDate", _day(ret.period.reference_date))
    if la:
        source = _add(header, "Source")
        _add(source, "SourceLevel", "L")
        _add(source, "LEA", la)
        _add(source, "SoftwareCode", "cintui")
    children = _add(message, "Children")
    for child in ret.children:
        _child(children, child, ret.period)
    return etree.tostring(message, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def schema_file(year: int) -> str:
    """The year's DfE schema, shipped in cintui.data (data/CIN_census_schemas.md)."""
    return f"CIN_census_schema_{year}.xsd"


class SchemaInvalid(ValueError):
    """The XML does not validate against the DfE schema: nothing is written."""


@cache
def schema(year: int) -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(shipped(schema_file(year))
                                            .read_bytes()))


def schema_errors(data: bytes, year: int) -> list[str]:
    """What the year's DfE schema finds wrong with `data` (none for a file it accepts)."""
    check = schema(year)
    if check.validate(etree.fromstring(data)):
        return []
    return [f"line {e.line}: {e.message}" for e in check.error_log]


def write_xml(ret: CensusReturn, path: Path | str, *, la: str | None = None) -> Path:
    """Write the return's XML to `path`, created (or replaced) readable by its owner only
    before any byte is written; only once it validates against the year's DfE schema."""
    path = Path(path)
    data = to_xml(ret, la=la)
    errors = schema_errors(data, ret.period.year)
    if errors:
        raise SchemaInvalid(f"the return does not validate against "
                            f"{schema_file(ret.period.year)}, so no file was written: "
                            f"{errors[0]}")
    return write_private(path, data)
