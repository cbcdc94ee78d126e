"""Regenerate data/census_codes.json from the DfE CIN census XSD (DOMAIN.md §10).

    python scripts/extract_census_codes.py ../shared/reference/CIN_census_schema_2024.xsd
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

XS = "{http://www.w3.org/2001/XMLSchema}"
LISTS = {
    "gender": "gendertype",
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


def extract(xsd: Path) -> dict:
    root = ET.parse(xsd).getroot()
    types = {t.get("name"): t for t in root.iter(f"{XS}simpleType")}
    out: dict[str, dict[str, str]] = {"_source": {"schema": xsd.name}}
    for key, type_name in LISTS.items():
        codes = {}
        for enum in types[type_name].iter(f"{XS}enumeration"):
            doc = enum.find(f"{XS}annotation/{XS}documentation")
            label = (doc.text or "").strip() if doc is not None else ""
            codes[enum.get("value")] = label.lstrip("(").strip() or UPN_UNKNOWN.get(enum.get("value"), "")
        out[key] = codes
    return out


if __name__ == "__main__":
    data = extract(Path(sys.argv[1]))
    target = Path(__file__).resolve().parent.parent / "data" / "census_codes.json"
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")
