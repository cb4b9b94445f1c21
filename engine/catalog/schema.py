"""The schema of rule files (pydantic v2). Every model forbids unknown fields."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "ApplyWithin",
    "Criterion",
    "DatedValue",
    "DefinitionSpec",
    "DefinitionsFile",
    "Delivery",
    "FrenchReference",
    "Identifier",
    "IncomeYear",
    "Jurisdiction",
    "NonEmpty",
    "Number",
    "Parameter",
    "Program",
    "Reference",
    "RuleCase",
    "RuleCaseOutput",
    "RuleTestFile",
    "Scope",
    "TableValue",
    "Text",
    "base_year",
]

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
NonEmpty = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    # validators are built when first used: a catalog from the cache never validates a file
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(_Model):
    """A text in both official languages."""

    en: NonEmpty
    fr: NonEmpty

    def __getitem__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class FrenchReference(_Model):
    """The French title and address of the same official page (both required)."""

    title: NonEmpty
    url: Annotated[str, Field(pattern=r"^https://\S+$")]


class Reference(_Model):
    """A statute section or an official page; ``fr``: the title and address of the French
    version of the same page, where one exists.

    Examples:
        >>> Reference(title="Old Age Security Act, s. 3",
        ...     url="https://laws-lois.justice.gc.ca/eng/acts/O-9/section-3.html",
        ...     fr={"title": "Loi sur la sécurité de la vieillesse, article 3",
        ...         "url": "https://laws-lois.justice.gc.ca/fra/lois/O-9/section-3.html"}).fr.title
        'Loi sur la sécurité de la vieillesse, article 3'
    """

    title: NonEmpty
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    fr: FrenchReference | None = None


class Jurisdiction(_Model):
    """The level of government and its code (CA, ON, … or a municipality id)."""

    level: Literal["federal", "provincial", "territorial", "municipal"]
    code: Annotated[str, Field(pattern=r"^([A-Z]{2}|[a-z][a-z0-9_]*)$")]


class ApplyWithin(_Model):
    """How soon after the event that opens a benefit one must apply to lose nothing (EI:
    within four weeks of the last day of work), with the rule that says so."""

    days: Annotated[int, Field(ge=0)] = 0
    months: Annotated[int, Field(ge=0)] = 0
    reference: Reference

    @model_validator(mode="after")
    def _some_time(self) -> ApplyWithin:
        if not self.days and not self.months:
            raise ValueError("give 'days' or 'months'")
        return self


class Delivery(_Model):
    """How the benefit reaches people: automatically, or on application. A life event's
    deadline to apply is ``apply_within`` after the event, else ``retroactivity_months`` (the
    furthest back a late application is paid)."""

    mode: Literal["apply", "automatic"]
    how: Text
    deadline: Text | None = None
    retroactivity_months: Annotated[int, Field(ge=0)] | None = None
    apply_within: ApplyWithin | None = None


class IncomeYear(_Model):
    """Which tax year's income a program reads.

    The benefit year starts each year on ``starts`` (MM-DD); the base year is the calendar year
    in which the current benefit year started, minus ``lag``.
    """

    starts: Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")] = "01-01"
    lag: Annotated[int, Field(ge=0, le=3)] = 0

    def base_year(self, as_of: dt.date) -> int:
        """The tax year whose income applies on ``as_of``.

        Examples:
            >>> IncomeYear(starts="07-01", lag=1).base_year(dt.date(2026, 1, 15))
            2024
            >>> IncomeYear(starts="07-01", lag=1).base_year(dt.date(2026, 7, 1))
            2025
        """
        return base_year(self.starts, self.lag, as_of)


@functools.lru_cache(maxsize=4096)
def base_year(starts: str, lag: int, as_of: dt.date) -> int:
    """``IncomeYear(starts=starts, lag=lag).base_year(as_of)`` without making the model,
    worked out once per rule and day (a check asks it often)."""
    month, day = (int(part) for part in starts.split("-"))
    started = as_of.year if (as_of.month, as_of.day) >= (month, day) else as_of.year - 1
    return started - lag


Number = float | int
TableValue = dict[int, Number]


class DatedValue(_Model):
    """One value of a parameter, in force from its date until the next one."""

    value: Number | TableValue
    reference: Reference
    status: Literal["verified", "unverified"] = "verified"
    note: str | None = None

    @field_validator("value")
    @classmethod
    def _table_not_empty(cls, value: Number | TableValue) -> Number | TableValue:
        if isinstance(value, dict) and not value:
            raise ValueError("a table needs at least one row")
        return value


class Parameter(_Model):
    """A dated parameter (OpenFisca semantics: values keyed by effective date)."""

    description: Text
    unit: Literal["currency", "rate", "count", "year", "month", "day", "hour"]
    values: Annotated[dict[str, DatedValue], Field(min_length=1)]

    @field_validator("values")
    @classmethod
    def _dates_and_kinds(cls, values: dict[str, DatedValue]) -> dict[str, DatedValue]:
        for key in values:
            try:
                dt.date.fromisoformat(key)
            except ValueError:
                raise ValueError(f"{key!r} is not an ISO date (YYYY-MM-DD)") from None
        kinds = {isinstance(v.value, dict) for v in values.values()}
        if len(kinds) > 1:
            raise ValueError("every value must be a number, or every value a table")
        return dict(sorted(values.items()))

    @property
    def is_table(self) -> bool:
        """True when values are tables keyed by a count."""
        return isinstance(next(iter(self.values.values())).value, dict)

    @property
    def first_date(self) -> dt.date:
        """The date of the earliest value."""
        return dt.date.fromisoformat(next(iter(self.values)))

    def value_on(self, day: dt.date) -> DatedValue | None:
        """The value in force on ``day`` (the latest dated on or before it; None before the
        first).

        Examples:
            >>> ref = Reference(title="t", url="https://example.org")
            >>> p = Parameter(description=Text(en="d", fr="d"), unit="rate", values={
            ...     "2024-07-01": DatedValue(value=1, reference=ref),
            ...     "2025-07-01": DatedValue(value=2, reference=ref, status="unverified")})
            >>> p.value_on(dt.date(2025, 6, 30)).value, p.value_on(dt.date(2025, 7, 1)).status
            (1, 'unverified')
        """
        found = None
        for date, value in self.values.items():  # sorted by date
            if dt.date.fromisoformat(date) > day:
                break
            found = value
        return found


class Criterion(_Model):
    """A named eligibility condition and its explanation."""

    id: Identifier
    test: NonEmpty
    explain: Text
    when_false: Text | None = None
    when_unknown: Text | None = None


class Scope(_Model):
    """What a rule file models; households outside it are undetermined, not ineligible."""

    test: NonEmpty
    explain: Text


class Exclusion(_Model):
    """Programs a person or family receives instead of this one, never together with it (a
    family on ODSP income support does not also get Ontario Works)."""

    programs: Annotated[list[Identifier], Field(min_length=1)]
    explain: Text
    reference: Reference


class InForce(_Model):
    """When the program exists: it pays from ``starts`` and, if it has ended, until ``ends``."""

    starts: dt.date
    ends: dt.date | None = None
    reference: Reference

    @model_validator(mode="after")
    def _ordered(self) -> InForce:
        if self.ends is not None and self.ends < self.starts:
            raise ValueError("'ends' must not be before 'starts'")
        return self


class Program(_Model):
    """One program's rule file."""

    id: Identifier
    status: Literal["verified", "unverified"] = "verified"
    name: Text
    summary: Text
    jurisdiction: Jurisdiction
    agency: Text
    life_events: list[Identifier] = []
    entity: Literal["person", "household"]
    period: Literal["month", "year", "day"] = "month"
    income_year: IncomeYear = IncomeYear()
    income_tested: bool | list[Identifier] = False
    in_kind: bool = False
    delivery: Delivery
    references: Annotated[list[Reference], Field(min_length=1)]
    parameters: dict[Identifier, Parameter] = {}
    variables: dict[Identifier, NonEmpty] = {}
    eligibility: Annotated[list[Criterion], Field(min_length=1)]
    amount: NonEmpty | None = None
    weekly: NonEmpty | None = None
    weeks: NonEmpty | None = None
    scope: Scope | None = None
    # what the file knowingly leaves out or simplifies, for the catalog's coverage section
    limitations: list[Text] = []
    exclusions: list[Exclusion] = []
    in_force: InForce | None = None
    valid_through: dt.date | None = None

    @model_validator(mode="after")
    def _amount_unless_in_kind(self) -> Program:
        if (self.weekly is None) != (self.weeks is None):
            raise ValueError("'weekly' and 'weeks' go together (a benefit paid for some weeks)")
        if self.amount is None and self.weekly is None and not self.in_kind:
            raise ValueError("'amount' (or 'weekly' and 'weeks') is required unless in_kind")
        ids = [criterion.id for criterion in self.eligibility]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"criterion ids must be unique: {', '.join(duplicates)}")
        return self


class RuleCaseOutput(_Model):
    """What a rule case expects: the status, the annual amount, or (when facts are missing)
    the least amount every completion of them gives (``minimum``: "at least")."""

    status: Literal["eligible", "ineligible", "undetermined"]
    amount: Number | None = None
    minimum: Number | None = None


class RuleCase(_Model):
    """One worked case, named as a plain sentence."""

    name: NonEmpty
    arithmetic: str | None = None
    as_of: dt.date
    input: dict[str, Any]
    output: RuleCaseOutput
    absolute_error_margin: float = 0.005


class RuleTestFile(_Model):
    """The worked cases of one program."""

    program: Identifier
    cases: Annotated[list[RuleCase], Field(min_length=1)]


class DefinitionSpec(_Model):
    """One shared definition: a named expression evaluated on its entity."""

    entity: Literal["person", "household"]
    description: Text
    expression: NonEmpty
    reference: Reference | None = None
    requires: list[Identifier] = []


class DefinitionsFile(_Model):
    """A topic of shared definitions (``rules/definitions/<topic>.yaml``)."""

    topic: Identifier
    description: Text
    references: Annotated[list[Reference], Field(min_length=1)]
    definitions: Annotated[dict[Identifier, DefinitionSpec], Field(min_length=1)]
