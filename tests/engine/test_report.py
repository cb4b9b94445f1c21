"""The answer as a caseworker reads it at the counter (engine.report, engine.wording).

Households: the bundled example (a single parent in Toronto with one child), a couple of
seniors in Ottawa, a family in Montréal, and variants of them. Results that carry the fields
other parts of the engine add (monthly amounts, questions, programs not assessed, programs that
cannot be combined) are built with the models below, which extend the result models the way
those additions do.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import strategies
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kit import ENGINE, FACTS
from pydantic import BaseModel, Field
from rich.console import Console

from engine.eligibility.formatting import money
from engine.eligibility.result import (
    CheckResult,
    LocalizedText,
    NextQuestion,
    ProgramResult,
)
from engine.report import entries, print_check, table_fits
from engine.wording import NBSP, place, say

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE: dict[str, Any] = json.loads((ROOT / "examples" / "household.json").read_text())

SENIORS: dict[str, Any] = {
    "as_of": "2026-01-15",
    "household": {
        "province": "ON",
        "municipality": "ottawa",
        "members": [
            {
                "id": "rose",
                "role": "applicant",
                "date_of_birth": "1955-03-10",
                "marital_status": "married",
                "residency_status": "citizen",
                "years_in_canada_since_18": 50,
                "net_income": 18000,
            },
            {
                "id": "henri",
                "role": "spouse",
                "date_of_birth": "1957-06-01",
                "marital_status": "married",
                "residency_status": "citizen",
                "years_in_canada_since_18": 45,
                "net_income": 16000,
            },
        ],
    },
}

QUEBEC: dict[str, Any] = {
    "as_of": "2026-01-15",
    "household": {
        "province": "QC",
        "municipality": "montreal",
        "members": [
            {
                "id": "amelie",
                "role": "applicant",
                "date_of_birth": "1988-11-20",
                "marital_status": "single",
                "residency_status": "permanent_resident",
                "net_income": 42000,
                "employment_income": 42000,
            },
            {"id": "jules", "role": "child", "date_of_birth": "2019-04-02", "custody": "full"},
        ],
    },
}

HOUSEHOLDS = {"example": EXAMPLE, "seniors": SENIORS, "quebec": QUEBEC}
_BOX = re.compile("[\u2500-\u257f]")
_SPACES = re.compile("[ \t\n]+")  # not U+00A0: a non-breaking space joins a word


def _check(profile: dict[str, Any]) -> CheckResult:
    return ENGINE.check(ENGINE.parse(profile))


def _render(
    result: CheckResult,
    lang: str = "en",
    width: int = 80,
    *,
    details: bool = False,
    layout: str = "auto",
) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, legacy_windows=False)
    print_check(console, result, lang, facts=FACTS, details=details, layout=layout)  # type: ignore[arg-type]
    return out.getvalue()


def _nb(text: str) -> str:
    """``text`` with its spaces non-breaking, as amounts and their units are printed."""
    return text.replace(" ", NBSP)


def _words(text: str) -> Counter[str]:
    return Counter(w for w in _SPACES.split(_BOX.sub(" ", text)) if w)


def _assert_no_word_cut(result: CheckResult, lang: str, width: int, details: bool) -> str:
    """The output at ``width`` holds exactly the words of the same layout printed so wide that
    nothing wraps: a word cut across two lines would show as two pieces."""
    narrow = _render(result, lang, width, details=details)
    layout = "auto" if table_fits(entries(result, lang, FACTS), lang, width) else "list"
    wide = _render(result, lang, 2000, details=details, layout=layout)
    # a word cut across two lines shows as pieces the wide output does not have (a narrow table
    # may leave out a program id too long for its column: the list and --details give it)
    assert not _words(narrow) - _words(wide)
    return narrow


# The result as it is after the additions of the other workstreams (amount.monthly and
# .minimum, missing questions, the next question's wording, not_assessed, exclusions).


class _Program(ProgramResult):
    exclusive_with: list[str] = Field(default_factory=list)
    excluded_by: list[str] = Field(default_factory=list)


class _Question(NextQuestion):
    question: LocalizedText | None = None


class _NotAssessed(BaseModel):
    name: LocalizedText
    level: str
    code: str
    url: str | None = None


class _Check(CheckResult):
    results: list[_Program]  # type: ignore[assignment]
    next_question: _Question | None  # type: ignore[assignment]
    not_assessed: list[_NotAssessed] = Field(default_factory=list)


def _extended(result: CheckResult, **changes: Any) -> _Check:
    """``result`` with the added fields; ``changes`` maps a program id (or ``next_question``,
    ``not_assessed``) to the fields to set."""
    data = result.model_dump()
    for entry in data["results"]:
        entry.update(changes.get(entry["program"], {}))
    if "next_question" in changes:
        data["next_question"].update(changes["next_question"])
    data["not_assessed"] = changes.get("not_assessed", [])
    return _Check.model_validate(data)


def _row(result: CheckResult, program: str) -> Any:
    return next(r for r in result.results if r.program == program)


# Narrow terminals


def test_at_80_and_120_columns_a_household_is_a_table_and_at_40_a_list_with_no_word_cut() -> None:
    for name, profile in HOUSEHOLDS.items():
        result = _check(profile)
        for lang in ("en", "fr"):
            for width, table in ((80, True), (120, True), (40, False)):
                out = _assert_no_word_cut(result, lang, width, details=False)
                assert ("┃" in out) is table, (name, lang, width)
                assert max(len(line) for line in out.splitlines()) <= width, (name, lang, width)


def test_the_long_program_id_that_was_cut_in_two_at_80_columns_is_now_whole() -> None:
    out = _render(_check(EXAMPLE), "en", 80)
    assert "on_ontario_works" in _words(out)
    assert "on_ontario_work" not in out.replace("on_ontario_works", "")


def test_details_at_40_columns_cut_no_word_and_print_urls_whole() -> None:
    result = _check(EXAMPLE)
    for lang, law in (("en", "eng/acts"), ("fr", "fra/lois")):
        out = _assert_no_word_cut(result, lang, 40, details=True)
        assert f"https://laws-lois.justice.gc.ca/{law}/I-3.3/section-122.61.html" in out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    strategies.profiles(FACTS, (dt.date(2026, 1, 15),)),
    st.integers(40, 200),
    st.sampled_from(["en", "fr"]),
    st.booleans(),
)
def test_no_word_is_ever_cut_across_lines_whatever_the_household_width_and_language(
    profile: dict[str, Any], width: int, lang: str, details: bool
) -> None:
    _assert_no_word_cut(_check(profile), lang, width, details)


# French, complete


def test_french_amounts_are_never_broken_at_the_thousands_space() -> None:
    result = _check(EXAMPLE)
    for width in (40, 80):
        lines = _render(result, "fr", width).splitlines()
        for amount in ("7\u00a0997,00\u00a0$", "35\u00a0000\u00a0$", "1\u00a0036,12\u00a0$"):
            assert any(amount in line for line in lines), (amount, width)
        assert not any(
            re.search(r"\d$", a) and re.match(r"\s*\d{3}\b", b)
            for a, b in itertools.pairwise(lines)
        )


def test_french_output_puts_a_non_breaking_space_before_colons_semicolons_and_question_marks() -> (
    None
):
    for profile in (EXAMPLE, SENIORS):
        out = _render(_check(profile), "fr", 80, details=True)
        assert re.search(r"[^\u00a0\s][:;?!](?=\s|$)", out, re.MULTILINE) is None
        assert re.search(r"\S [:;?!](?=\s|$)", out, re.MULTILINE) is None
        assert f"Délai{NBSP}:" in out and f"{NBSP};" in out


def test_french_never_prints_an_english_level_or_a_province_code() -> None:
    out = _render(_check(EXAMPLE), "fr", 80)
    assert "fédéral (Canada)" in out and "provincial (Ontario)" in out
    assert "federal" not in out and "federal CA" not in out and "provincial ON" not in out


def test_levels_and_province_codes_are_written_out_in_the_chosen_language() -> None:
    assert place({"level": "federal", "code": "CA"}, "fr", FACTS) == "fédéral (Canada)"
    assert place({"level": "provincial", "code": "BC"}, "fr", FACTS) == (
        "provincial (Colombie-Britannique)"
    )
    assert place({"level": "territorial", "code": "NT"}, "en", FACTS) == (
        "territorial (Northwest Territories)"
    )
    assert place({"level": "municipal", "code": "quebec_city"}, "fr", FACTS) == (
        "municipal (Québec)"
    )


def test_french_output_calls_the_applicant_demandeur_everywhere() -> None:
    # the OAS explanation for a 34-year-old names the applicant
    out = _render(_check(EXAMPLE), "fr", 80, details=True)
    assert "requérant" not in out.lower()
    assert "Le demandeur avait 34 ans" in out


def test_a_french_report_prints_a_reference_in_english_where_no_french_page_is_given() -> None:
    result = _check(EXAMPLE)
    ccb = next(r for r in result.results if r.program == "ca_ccb")
    no_french = {"title_fr": None, "url_fr": None}
    english_only = [ref.model_copy(update=no_french) for ref in ccb.references]
    bare = ccb.model_copy(update={"references": english_only})
    out = _render(result.model_copy(update={"results": [bare]}), "fr", 200, details=True)
    assert "https://laws-lois.justice.gc.ca/eng/acts/I-3.3/section-122.61.html" in out
    assert "/fra/lois/" not in out and "Income Tax Act, s. 122.61" in out


def test_a_french_report_prints_the_french_title_and_page_of_a_reference_not_the_english() -> None:
    result = _check(EXAMPLE)
    ccb = next(r for r in result.results if r.program == "ca_ccb")
    out = _render(result.model_copy(update={"results": [ccb]}), "fr", 200, details=True)
    assert "https://laws-lois.justice.gc.ca/fra/lois/I-3.3/section-122.61.html" in out
    assert "/eng/acts/I-3.3/section-122.61.html" not in out
    assert "Loi de l'impôt sur le revenu" in out


def test_an_estimate_reads_as_a_word_in_both_languages() -> None:
    profile = copy.deepcopy(EXAMPLE)
    del profile["household"]["members"][0]["residency_status"]
    result = _check(profile)
    assert _row(result, "ca_ccb").amount.estimate
    english, french = _render(result, "en", 80), _render(result, "fr", 80)
    assert "(estimate)" in english and "(estimation)" in french
    assert "(est.)" not in english and "(est.)" not in french


def test_french_labels_and_title_are_french() -> None:
    out = _render(_check(EXAMPLE), "fr", 40)
    assert out.startswith("Programmes au 15 janvier 2026")
    assert (
        f"Statut{NBSP}: admissible" in out and f"Montant{NBSP}: {_nb('7 997,00 $ par an')}" in out
    )
    assert "Status" not in out and "as_of" not in out


# Unverified figures


def test_an_amount_resting_on_unverified_figures_carries_a_mark_explained_in_one_line() -> None:
    # which figures are unverified changes as pages are confirmed: mark the CCB's here
    result = _extended(_check(EXAMPLE), ca_ccb={"rule_status": "unverified"})
    assert _row(result, "ca_gst_credit").rule_status == "verified"
    out = _render(result, "en", 80)
    assert _nb("$7,997.00 a year") + " *" in out and _nb("$882.00 a year") + " *" not in out
    assert _nb("$882.00 a year") in out
    legend = [line for line in out.splitlines() if line.startswith("* ")]
    assert legend == ["* figures not yet confirmed on an official page (unverified)"]


def test_a_result_without_unverified_amounts_prints_no_mark_and_no_legend() -> None:
    checked = _check(EXAMPLE)
    result = _extended(checked, **{r.program: {"rule_status": "verified"} for r in checked.results})
    out = _render(result, "en", 80)
    assert " *" not in out and "unverified" not in out


# What to do


def test_how_to_apply_and_the_deadline_are_in_the_table_and_in_full_in_details() -> None:
    result = _check(EXAMPLE)
    table = _render(result, "en", 200)
    assert f"How: apply{NBSP}— Canada Revenue Agency" in table
    assert "Deadline: Apply as soon as the child is born or starts living with you." in table
    details = _render(result, "en", 200, details=True)
    assert "How to get it: Apply when you register your newborn's birth" in details


def test_a_program_the_household_is_not_eligible_for_gives_no_steps_to_apply() -> None:
    items = {e.program: e for e in entries(_check(EXAMPLE), "en", FACTS)}
    assert items["ca_oas"].status == "ineligible" and items["ca_oas"].notes == []
    assert any(note.startswith("How:") for note in items["ca_ccb"].notes)


def test_monthly_amounts_are_printed_beside_the_annual_amount() -> None:
    amount = {"annual": 7997.0, "currency": "CAD", "estimate": False, "monthly": 666.42}
    result = _extended(_check(EXAMPLE), ca_ccb={"amount": amount})
    assert _nb("$666.42 a month") in _render(result, "en", 80)
    assert _nb("666,42 $ par mois") in _render(result, "fr", 80)


def test_an_amount_known_only_as_a_lower_bound_reads_at_least() -> None:
    amount = {"annual": 5000.0, "currency": "CAD", "estimate": True, "minimum": 5000.0}
    result = _extended(_check(EXAMPLE), on_ocb={"amount": amount})
    english = _render(result, "en", 120, layout="list")
    french = _render(result, "fr", 120, layout="list")
    assert "Amount: at least " + _nb("$5,000.00 a year") + " *; (estimate)" in english
    assert (
        f"Montant{NBSP}: au moins " + _nb("5 000,00 $ par an") + f" *{NBSP}; (estimation)" in french
    )


def test_each_adult_of_a_senior_couple_gets_a_row_naming_the_member_for_a_person_program() -> None:
    result = _check(SENIORS)
    oas = [e for e in entries(result, "en", FACTS) if e.program == "ca_oas"]
    assert [e.member for e in oas] == ["rose", "henri"]
    out = _render(result, "fr", 80)
    assert f"Membre{NBSP}: rose" in out and f"Membre{NBSP}: henri" in out


def test_programs_that_cannot_be_combined_are_named() -> None:
    result = _extended(
        _check(EXAMPLE),
        on_ontario_works={"exclusive_with": ["on_odsp"]},
        on_odsp={"excluded_by": ["on_ontario_works"]},
    )
    out = _render(result, "en", 200)
    assert "Cannot be combined with: Ontario Disability Support Program income support" in out
    assert "Excluded by: Ontario Works financial assistance" in out


def test_programs_not_assessed_are_listed_by_name_and_place() -> None:
    family_allowance = {
        "name": {"en": "Family allowance", "fr": "Allocation famille"},
        "level": "provincial",
        "code": "QC",
        "url": "https://www.retraitequebec.gouv.qc.ca/fr/enfants/allocation_famille/",
    }
    result = _extended(_check(QUEBEC), not_assessed=[family_allowance])
    out = _render(result, "fr", 80, details=True)
    assert f"Non évalués (pas encore au catalogue){NBSP}:" in out
    assert "- Allocation famille, provincial (Québec)" in out
    assert family_allowance["url"] in out


# Questions, not paths


def test_the_questions_the_result_carries_replace_the_paths_and_details_keep_both() -> None:
    question = {
        "en": "Has leo been approved for the disability tax credit?",
        "fr": "Le crédit d'impôt pour personnes handicapées a-t-il été accordé pour leo?",
    }
    path = "members/leo/disability_tax_credit"
    result = _extended(
        _check(EXAMPLE),
        ca_cdb={"missing": [{"fact": path, "question": question}]},
        next_question={"question": question},
    )
    english = _render(result, "en", 120)
    assert "- Has leo been approved for the disability tax credit?" in english
    assert "Next question: Has leo been approved" in english and path not in english
    french = _render(result, "fr", 120)
    assert f"accordé pour leo{NBSP}?" in french and path not in french
    details = _render(result, "en", 200, details=True)
    assert re.search(rf"Missing: Has leo been approved for .*\?\s*\n    {path}\n", details)


# Laws of the wording


@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_a_french_amount_holds_no_space_a_line_could_break_at(value: float) -> None:
    assert " " not in money(value, "fr") and " " not in money(value, "en")


@given(st.text(alphabet="ab :;?!", max_size=30).filter(lambda t: not re.search("[:;?!]{2}", t)))
def test_in_french_a_mark_ending_a_word_comes_after_a_non_breaking_space(text: str) -> None:
    said = say(text, "fr")
    assert re.search(r"[^\u00a0\s][:;?!](?=\s|$)", said) is None  # never glued to the word
    assert re.search(r"(?<=\S) [:;?!](?=\s|$)", said) is None  # never after a plain space
    assert said.replace(NBSP, " ").replace("  ", " ") == text.replace("  ", " ") or NBSP in said
