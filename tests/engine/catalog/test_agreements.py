"""The tell-us-once sharing rules (rules/sharing/): every broken agencies or agreements file is
rejected with its file, its line and the reason; an agreement shares its fields only while it
is in force; life events notify only agencies an agreement entitles."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from kit import CATALOG, FACTS

from engine.catalog.agreements import SharingRules, load_sharing
from engine.catalog.loader import validate_catalog
from engine.catalog.paths import default_rules_dir
from engine.errors import RuleFileError, RuleSchemaError

SHARING = Path(__file__).resolve().parents[2] / "fixtures" / "sharing"
VALID = SHARING / "valid"
BROKEN = SHARING / "broken"
MARK = "# broken"
"""The comment that marks, in each broken fixture, the line the error must name."""

#: the catalog the fixtures are checked against: four programs of the bundled rules
PROGRAMS = {
    pid: CATALOG.programs[pid].program
    for pid in ("ca_ccb", "on_ocb", "ca_ei_regular", "on_ontario_works")
}

# fixture folder -> words the reason must contain (the broken file replaces the valid one)
CASES: dict[str, tuple[str, ...]] = {
    "agency_listed_twice": ("agency id 'cra' is listed twice (first on line 4)",),
    "agency_unknown_place": ("'ZZ' is not a provincial code; expected one of: AB, BC",),
    "agency_unknown_program": ("'xx_nothing' is not a program of the catalog",),
    "agency_program_administered_twice": ("'ca_ccb' is already administered by cra",),
    "agency_program_without_agency": (
        "every program needs the agency that administers it",
        "none lists: on_ontario_works",
    ),
    "agency_other_governments_program": (
        "on_mccss is provincial ON but ca_ccb is a program of federal CA",
    ),
    "agency_responsible_for_its_own_program": (
        "on_mccss administers on_ontario_works: list it in 'programs' only",
    ),
    "agency_missing_french": ("missing French text at agencies.1.name.fr",),
    "agreement_listed_twice": ("agreement id 'esdc_ei_first' is listed twice (first on line 16)",),
    "agreement_unknown_recipient": ("'crx' is not an agency of sharing/agencies.yaml",),
    "agreement_unknown_party": ("'on_finance' is not an agency of sharing/agencies.yaml",),
    "agreement_recipient_as_party": ("'cra' is the recipient: list the other parties only",),
    "agreement_unknown_program": ("'xx_nothing' is not a program of the catalog",),
    "agreement_program_the_recipient_does_not_run": (
        "esdc neither administers nor is responsible for on_ontario_works",
    ),
    "agreement_unknown_field": (
        "'favourite_colour' is not a fact of the registry: an agreement shares stated facts only",
    ),
    "agreement_derived_field": ("'age' is a derived fact: an agreement shares stated facts only",),
    "agreement_expires_before_start": ("expires 2023-03-31 is before it starts (2023-04-01)",),
    "agreement_synthetic_without_note": (
        "a synthetic agreement needs a 'note' saying what is real and what is modelled",
    ),
    "agreement_misspelt_field": ("unknown field 'partys' at agreements.0.partys", "'parties'"),
    "agreement_bad_date": ("agreements.2.starts:", "date"),
    "agreement_without_legal_basis": ("agreements.0.legal_basis:", "at least 1 item"),
}


def _load(folder: Path) -> tuple[SharingRules, list[RuleFileError]]:
    errors: list[RuleFileError] = []
    return load_sharing(folder, FACTS, PROGRAMS, errors.append), errors


def _marked_line(file: Path) -> int:
    return next(n for n, line in enumerate(file.read_text().splitlines(), 1) if MARK in line)


@pytest.fixture(scope="module")
def rules() -> SharingRules:
    sharing, errors = _load(VALID)
    assert errors == []
    return sharing


def test_every_error_kind_has_its_fixture() -> None:
    assert sorted(CASES) == sorted(p.name for p in BROKEN.iterdir())


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_sharing_file_is_rejected_with_its_file_line_and_reason(
    tmp_path: Path, case: str
) -> None:
    (broken,) = (BROKEN / case).iterdir()
    for file in VALID.iterdir():
        shutil.copy(file, tmp_path / file.name)
    shutil.copy(broken, tmp_path / broken.name)
    _, errors = _load(tmp_path)
    assert len(errors) == 1, errors
    error = errors[0]
    assert isinstance(error, RuleSchemaError)
    assert (error.file, error.line) == (tmp_path / broken.name, _marked_line(broken)), error
    for words in CASES[case]:
        assert words in error.reason, error.reason


def test_a_broken_agencies_file_shares_nothing(tmp_path: Path) -> None:
    shutil.copy(VALID / "agreements.yaml", tmp_path)
    shutil.copy(BROKEN / "agency_listed_twice" / "agencies.yaml", tmp_path)
    sharing, _ = _load(tmp_path)
    assert sharing == SharingRules()


def test_a_folder_without_sharing_files_has_no_agencies_and_no_agreements(tmp_path: Path) -> None:
    assert _load(tmp_path) == (SharingRules(), [])


@pytest.mark.parametrize(
    ("agreement", "day", "in_force"),
    [
        ("esdc_ei_first", dt.date(2023, 3, 31), False),  # the day before it starts
        ("esdc_ei_first", dt.date(2023, 4, 1), True),  # its first day
        ("esdc_ei_first", dt.date(2025, 3, 31), True),  # its expiry day is still in force
        ("esdc_ei_first", dt.date(2025, 4, 1), False),  # the day after it expires
        ("cra_child_benefits", dt.date(2099, 1, 1), True),  # no expiry
    ],
)
def test_an_agreement_is_in_force_from_its_start_through_its_expiry(
    rules: SharingRules, agreement: str, day: dt.date, in_force: bool
) -> None:
    assert rules.in_force(agreement, day) is in_force
    assert rules.in_force(rules.agreements[agreement], day) is in_force


def test_an_expired_agreement_shares_nothing(rules: SharingRules) -> None:
    first = rules.agreements["esdc_ei_first"]
    assert rules.allowed_fields(first, dt.date(2024, 6, 1)) == {"employment_status"}
    assert rules.allowed_fields(first, dt.date(2025, 4, 1)) == frozenset()
    assert rules.allowed_fields("esdc_ei_first", dt.date(2023, 1, 1)) == frozenset()


def test_the_agreement_in_force_gives_its_own_fields(rules: SharingRules) -> None:
    day = dt.date(2026, 1, 15)
    allowed = {a.id: rules.allowed_fields(a, day) for a in rules.agreements_for("esdc")}
    assert allowed == {
        "esdc_ei_first": frozenset(),
        "esdc_ei_renewed": {"employment_status", "date_of_birth"},
    }


def test_agreements_for_an_agency_are_those_it_receives_in_file_order(
    rules: SharingRules,
) -> None:
    assert [a.id for a in rules.agreements_for("esdc")] == ["esdc_ei_first", "esdc_ei_renewed"]
    assert rules.agreements_for("on_mccss") == []  # a party, never the recipient
    assert rules.agreements_for("nobody") == []


def test_each_program_has_the_agency_that_administers_it(rules: SharingRules) -> None:
    assert {pid: getattr(rules.administrator(pid), "id", None) for pid in PROGRAMS} == {
        "ca_ccb": "cra",
        "on_ocb": "cra",  # paid by the CRA for Ontario, which answers for it
        "ca_ei_regular": "esdc",
        "on_ontario_works": "on_mccss",
    }
    assert rules.agencies["on_mccss"].responsible_for == ["on_ocb"]
    assert rules.administrator("xx_nothing") is None


def test_an_unknown_agreement_id_is_a_key_error(rules: SharingRules) -> None:
    with pytest.raises(KeyError):
        rules.allowed_fields("xx_nothing", dt.date(2026, 1, 15))


# --- the bundled rules ---


def test_the_bundled_sharing_rules_hold_every_program_and_an_expired_agreement() -> None:
    sharing = CATALOG.sharing
    assert all(sharing.administrator(pid) is not None for pid in CATALOG.programs)
    expired = [a for a in sharing.agreements.values() if a.expires and a.expires.year == 2025]
    assert expired, "one agreement must have expired in 2025"
    for agreement in expired:
        assert sharing.allowed_fields(agreement, agreement.starts) == set(agreement.fields)
        assert sharing.allowed_fields(agreement, dt.date(2026, 1, 15)) == frozenset()


def test_every_notification_of_a_life_event_is_entitled_by_an_agreement_in_force() -> None:
    sharing, day = CATALOG.sharing, dt.date(2026, 1, 15)
    for event in CATALOG.life_events.values():
        for note in event.notify:
            allowed = set().union(
                *(sharing.allowed_fields(a, day) for a in sharing.agreements_for(note.agency))
            )
            assert set(note.fields) <= allowed, (event.id, note.agency)


def _rules_with_birth(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the bundled rules whose birth event has ``old`` replaced by ``new``, and the
    line of the change."""
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    birth = rules / "life_events" / "birth.yaml"
    text = birth.read_text(encoding="utf-8")
    assert old in text
    birth.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules, text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "  - agency: esdc",
            "  - agency: esdcc",
            "agency 'esdcc' is not in sharing/agencies.yaml; did you mean 'esdc'?",
        ),
        (
            "fields: [date_of_birth, custody]",
            "fields: [date_of_birth, custody, liquid_assets]",
            "no agreement in sharing/agreements.yaml lets cra receive 'liquid_assets'",
        ),
    ],
)
def test_a_life_event_notifies_only_agencies_an_agreement_entitles(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    rules, line = _rules_with_birth(tmp_path, old, new)
    birth = rules / "life_events" / "birth.yaml"
    # (the programs that list the rejected event are reported too, each in its own file)
    errors = [e for e in validate_catalog(rules) if e.file == birth]
    assert len(errors) == 1, errors
    assert (errors[0].line, words in errors[0].reason) == (line, True), errors[0]
