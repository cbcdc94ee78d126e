"""The census code lists as a worker reads them (DOMAIN.md §10)."""

from __future__ import annotations

from cintui.reference import codes


def test_referral_sources_read_in_sentence_case_not_the_dfes_capitals():
    said = {code: codes.label("referral_source", code) for code in ("10", "2A", "3B", "4", "5D", "7")}
    assert said == {
        "10": "Unknown",
        "2A": "Schools",
        "3B": "Health services – health visitor",
        "4": "Housing – local authority housing or housing association",  # the DfE's "-"
        "5D": "LA services – early help",  # a name keeps its capitals
        "7": "Other legal agency – including courts, probation, immigration, CAFCASS "
             "(Children and Family Court Advisory and Support Service) or prison",
    }
    # The codes are the DfE's own: the census still checks and writes them.
    assert list(codes.codes("referral_source"))[:3] == ["1A", "1B", "1C"]
    codes.check("referral_source", "10", "referral_source")


def test_labels_without_a_capitalised_heading_are_the_dfes_words():
    assert codes.label("assessment_factor", "9A").startswith("UASC: concerns")
    assert codes.label("upn_unknown", "UN1") == \
        "Child is not of school age and has not yet been assigned a UPN"
    assert codes.label("primary_need", "N0") == codes.year_lists(2024)["primary_need"]["N0"]


def test_a_forms_choices_show_each_code_beside_its_words():
    assert codes.choices("referral_source")[-1] == ("10 Unknown", "10")
