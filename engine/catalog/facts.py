"""The facts a profile may state and rule expressions may read.

Facts are the contract's vocabulary (CONTRACTS.md): adding one is allowed, renaming one is not.
Every fact is optional; an absent fact is unknown. Derived facts are computed by the engine from
the profile (``age`` from ``date_of_birth`` and ``as_of``), never stated by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from engine.catalog.municipalities import MUNICIPALITIES

__all__ = [
    "BUILTIN_DATES",
    "FACTS",
    "PROVINCES",
    "ROLES",
    "SOURCES",
    "Entity",
    "Fact",
    "Kind",
]


class Kind(StrEnum):
    """The type of a value in the rule language."""

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    ENUM = "enum"
    TABLE = "table"


Entity = Literal["person", "household"]

PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
ROLES = ("applicant", "spouse", "child", "dependant")
BUILTIN_DATES = ("as_of", "month_start", "year_start", "year_end")


@dataclass(frozen=True)
class Fact:
    """One fact: its name, the entity it describes, its kind and, for enums, its values.

    ``yearly`` facts are stated per tax year (incomes): a program reads them for its base year.
    ``derived`` facts are computed by the engine and cannot be stated in a profile.
    """

    name: str
    entity: Entity
    kind: Kind
    description: str
    values: tuple[str, ...] = field(default=())
    yearly: bool = False
    derived: bool = False

    def code(self, value: str) -> int:
        """The integer code of an enum value (its position), as carried in arrays."""
        return self.values.index(value)


def _income(name: str, description: str) -> Fact:
    return Fact(name, "person", Kind.NUMBER, description, yearly=True)


_ALL: tuple[Fact, ...] = (
    # person facts stated in a profile
    Fact("date_of_birth", "person", Kind.DATE, "Date of birth"),
    Fact(
        "marital_status",
        "person",
        Kind.ENUM,
        "Marital status",
        ("single", "married", "common_law", "separated", "divorced", "widowed"),
    ),
    Fact(
        "residency_status",
        "person",
        Kind.ENUM,
        "Immigration or residency status in Canada",
        ("citizen", "permanent_resident", "protected_person", "temporary_resident", "other"),
    ),
    Fact(
        "months_in_canada",
        "person",
        Kind.NUMBER,
        "Months lived in Canada up to as_of (e.g. the 18-month test for temporary residents)",
    ),
    Fact("years_in_canada_since_18", "person", Kind.NUMBER, "Years lived in Canada after age 18"),
    _income("net_income", "Net income (line 23600 of the return), CAD per tax year"),
    _income("employment_income", "Employment income, CAD per tax year"),
    _income("self_employment_income", "Net self-employment income, CAD per tax year"),
    _income("pension_income", "Pension income, CAD per tax year"),
    _income("ei_income", "Employment insurance benefits, CAD per tax year"),
    _income(
        "oas_benefits_income",
        "OAS pension, GIS and Allowance included in net income, CAD per tax year",
    ),
    _income("social_assistance_income", "Social assistance received, CAD per tax year"),
    Fact("has_disability", "person", Kind.BOOL, "Has a disability"),
    Fact("disability_tax_credit", "person", Kind.BOOL, "Approved for the disability tax credit"),
    Fact("is_student", "person", Kind.BOOL, "Full-time student"),
    Fact("custody", "person", Kind.ENUM, "Custody of a child", ("full", "shared")),
    Fact(
        "employment_status",
        "person",
        Kind.ENUM,
        "Employment status",
        ("employed", "self_employed", "unemployed", "retired", "not_in_labour_force"),
    ),
    Fact("insurable_hours_52w", "person", Kind.NUMBER, "Insurable hours in the last 52 weeks"),
    Fact("is_caregiver", "person", Kind.BOOL, "Provides care to a family member"),
    Fact("is_indigenous", "person", Kind.BOOL, "Indigenous person (First Nations, Inuit, Métis)"),
    Fact("monthly_shelter_cost", "person", Kind.NUMBER, "Actual shelter cost, CAD per month"),
    Fact("liquid_assets", "person", Kind.NUMBER, "Cash and liquid assets, CAD"),
    # derived person facts
    Fact("age", "person", Kind.NUMBER, "Completed years of age on as_of", derived=True),
    Fact("is_applicant", "person", Kind.BOOL, "Is the applicant", derived=True),
    Fact("is_spouse", "person", Kind.BOOL, "Is the applicant's spouse", derived=True),
    Fact("is_partner", "person", Kind.BOOL, "Is the applicant or the spouse", derived=True),
    Fact("is_child", "person", Kind.BOOL, "Has the child role", derived=True),
    Fact("is_dependant", "person", Kind.BOOL, "Has the dependant role", derived=True),
    Fact(
        "custody_share",
        "person",
        Kind.NUMBER,
        "Share of a child's custody: 1 for full, 0.5 for shared",
        derived=True,
    ),
    # household facts
    Fact("province", "household", Kind.ENUM, "Province or territory of residence", PROVINCES),
    Fact("municipality", "household", Kind.ENUM, "Catalog municipality id", MUNICIPALITIES),
    Fact("has_spouse", "household", Kind.BOOL, "The household has a spouse", derived=True),
    Fact("n_members", "household", Kind.NUMBER, "Number of members", derived=True),
    Fact(
        "family_net_income",
        "household",
        Kind.NUMBER,
        "Applicant's plus spouse's net income",
        yearly=True,
        derived=True,
    ),
)

FACTS: dict[str, Fact] = {fact.name: fact for fact in _ALL}

#: derived fact -> the stated fact it is computed from (roles and counts need none)
SOURCES: dict[str, str] = {
    "age": "date_of_birth",
    "custody_share": "custody",
    "family_net_income": "net_income",
}
