"""The one list of roles (store codes, in the order a form offers them) and their names.

Apart from `workforce` (which re-exports them) so that what only names a role, such as
`cintui policy show`, does not build the workforce's classes."""

from __future__ import annotations

ROLE_LABELS = {
    "social_worker": "Social worker",
    "senior_practitioner": "Senior practitioner",
    "team_manager": "Team manager",
    "service_manager": "Service manager",
    "reviewing_officer": "Independent reviewing / QA officer",
    "business_support": "Business support officer",
}
ROLES = tuple(ROLE_LABELS)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " "))
