"""Run Data to Insight's CIN census validator (`csc-validator-be-cin`, the DfE's rules as
local authorities maintain them) on one return and print what it finds as JSON.

Run with the validator's own Python (`.venv-cinvalidator`, made by `make cinvalidator`),
never cintui's: it pins its own pandas and rich.

    .venv-cinvalidator/bin/python tests/conformance/cin_validator_report.py FILE.xml

Prints {"ruleset": ..., "issues": [{"child": ..., "rule": ..., "kind": "error"|"query",
"message": ...}], "return_level": [...], "crashed": [...]}: one issue per child and rule;
`return_level` for rules on the return as a whole; `crashed` for rules that raised.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import xml.etree.ElementTree as ET


def main(path: str) -> None:
    from cin_validator import cin_validator
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    root = ET.parse(path).getroot()
    year = root.findtext("Header/CollectionDetails/Year")
    registry = get_year_ruleset(year)
    data = cin_validator.process_data(cin_validator.convert_data(root))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # it prints "Error with rule ..." and goes on
        validator = cin_validator.CinValidator(data, registry)
    kinds = {str(code): rule.rule_type.name.lower() for code, rule in registry.items()}
    messages = {str(code): rule.message for code, rule in registry.items()}
    issues = sorted({(str(r.child_id), str(r.rule_code))
                     for r in validator.full_issue_df.itertuples()})
    return_level = sorted({str(r.rule_code) for r in validator.multichild_issues.itertuples()})
    print(json.dumps({
        "ruleset": f"cin{int(year) - 1}_{year[2:]}",
        "issues": [{"child": child, "rule": rule, "kind": kinds.get(rule, "error"),
                    "message": messages.get(rule, "")} for child, rule in issues],
        "return_level": [{"rule": rule, "kind": kinds.get(rule, "error"),
                          "message": messages.get(rule, "")} for rule in return_level],
        "crashed": [line for line in printed.getvalue().splitlines()
                    if line.startswith("Error with rule")],
    }, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
