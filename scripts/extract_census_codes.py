"""Regenerate data/census_codes.json from the DfE CIN census schemas shipped in data/, one
set of code lists per collection year (DOMAIN.md §10; data/CIN_census_schemas.md says where
each schema comes from).

    python scripts/extract_census_codes.py
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
XS = "{http://www.w3.org/2001/XMLSchema}"
YEARS = (2024, 2025, 2026, 2027)
LISTS = {
    "gender": "gendertype",  # up to 2023-24
    "sex": "sextype",  # from 2024-25
    "ethnicity": "ethnicitytype",
    "disability": "disabilitytype",
    "referral_source": "referralsourcetype",
    "primary_need": "primaryneedcodetype",
    "closure_reason": "reasonforclosuretype",
    "assessment_factor": "assessmentfactorstype",
    "category_of_abuse": "categoryofabuse",
    "upn_unknown": "unknownupntype",
}
# The XSD documents most codes but not these.
UPN_UNKNOWN = {
    "UN1": "Child is not of school age and has not yet been assigned a UPN",
    "UN2": "Child never been in a school or educational setting and not assigned a UPN",
    "UN3": "Child is educated outside England and not assigned a UPN",
    "UN4": "Child newly entered or re-entered England; UPN not yet known",
    "UN5": "Sources collating UPNs reflect incomplete information",
    "UN6": "Child is unborn",
    "UN7": "Referral with no further action",  # DfE rule 8772
}
SEX = {"M": "Male", "F": "Female", "U": "Unknown or unborn"}


def extract(xsd: Path) -> dict[str, dict[str, str]]:
    root = ET.parse(xsd).getroot()
    types = {t.get("name"): t for t in root.iter(f"{XS}simpleType")}
    out: dict[str, dict[str, str]] = {}
    for key, type_name in LISTS.items():
        if type_name not in types:
            continue
        codes = {}
        for enum in types[type_name].iter(f"{XS}enumeration"):
            value = enum.get("value")
            doc = enum.find(f"{XS}annotation/{XS}documentation")
            label = (doc.text or "").strip().lstrip("(").strip() if doc is not None else ""
            codes[value] = SEX.get(value) if key == "sex" else label or UPN_UNKNOWN.get(value, "")
        out[key] = codes
    return out


if __name__ == "__main__":
    data = {"_source": {str(y): f"CIN_census_schema_{y}.xsd" for y in YEARS}}
    data.update({str(y): extract(DATA / f"CIN_census_schema_{y}.xsd") for y in YEARS})
    target = DATA / "census_codes.json"
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")
