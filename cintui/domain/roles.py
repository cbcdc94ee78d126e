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


# The app's header at 80 columns: the icon and clock take 18, and the store's place (or
# "UNENCRYPTED STORE") must still begin after the title.
HEADER_WHO_FITS = 44


def header_who(username: str, name: str = "", role: str = "") -> str:
    """Who is using cintui, for the app's header, as the app names people: "cintui · Tom
    Abbiss (Team manager)", the role left out where it would not fit at 80 columns; the
    username only for someone not on the store by name (it showed "cintui · tom.abbiss")."""
    if not name.strip():
        return f"cintui · {username}"
    with_role = f"cintui · {name} ({role_label(role)})" if role else ""
    return with_role if with_role and len(with_role) <= HEADER_WHO_FITS else f"cintui · {name}"
