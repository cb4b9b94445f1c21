"""Population specs: the distributions a synthetic population is drawn from, each one cited.

A spec (``scenarios/populations/<name>.yaml``) is validated like a rule file: an error names the
file, the line and the reason. Shares are given as published (rounded); a set of shares must
sum to 1 within 0.005 and is normalized exactly before use, so a typo (a share of 3.9 for 0.39)
is refused while the rounding of published tables is not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.catalog._parse import parse_model
from engine.catalog._yaml import load_located
from engine.catalog.facts import FactRegistry
from engine.catalog.schema import Identifier, NonEmpty, Reference, Text
from engine.errors import RuleSchemaError

__all__ = [
    "HOUSEHOLD_TYPES",
    "BandRates",
    "Cited",
    "Income",
    "PopulationSpec",
    "Rates",
    "Shares",
    "city_provinces",
    "load_spec",
    "parse_band",
]

#: the household types a spec distributes households over (census family structure)
HOUSEHOLD_TYPES = ("one_person", "couple_without_children", "couple_with_children", "lone_parent")

#: how far a set of published (rounded) shares may be from summing to 1
SUM_TOLERANCE = 0.005

Share = Annotated[float, Field(ge=0, le=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(_Model):
    """Where a figure comes from and what period it describes; ``status: unverified`` with a
    note when it is a model's choice or could not be confirmed."""

    reference: Reference
    period: NonEmpty
    status: Literal["verified", "unverified"] = "verified"
    note: str | None = None

    @model_validator(mode="after")
    def _unverified_says_why(self) -> Cited:
        if self.status == "unverified" and not self.note:
            raise ValueError("an unverified figure needs a note saying why")
        return self


def _sum_to_one(shares: dict[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    if abs(total - 1) > SUM_TOLERANCE:
        raise ValueError(f"shares sum to {total:.4f}, not 1 (within {SUM_TOLERANCE})")
    return {k: v / total for k, v in shares.items()}


class Shares(Cited):
    """Shares of a whole (they sum to 1)."""

    shares: Annotated[dict[str, Share], Field(min_length=1)]

    @field_validator("shares")
    @classmethod
    def _whole(cls, shares: dict[str, float]) -> dict[str, float]:
        return _sum_to_one(shares)


def parse_band(text: str) -> tuple[int, int]:
    """``"25-34"`` as (25, 34).

    Examples:
        >>> parse_band("65-74")
        (65, 74)
    """
    lo, sep, hi = text.partition("-")
    if not sep or not lo.strip().isdigit() or not hi.strip().isdigit():
        raise ValueError(f"age band {text!r} is not 'lo-hi' in years (e.g. '25-34')")
    low, high = int(lo), int(hi)
    if not 0 <= low <= high <= 110:
        raise ValueError(f"age band {text!r}: need 0 <= lo <= hi <= 110")
    return low, high


class AgeShares(Cited):
    """Shares of the reference person's age bands, per household type."""

    by_type: dict[str, Annotated[dict[str, Share], Field(min_length=1)]]

    @field_validator("by_type")
    @classmethod
    def _bands(cls, by_type: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        missing = set(HOUSEHOLD_TYPES) - set(by_type)
        if missing:
            raise ValueError(f"no age bands for household type {sorted(missing)[0]!r}")
        out = {}
        for kind, bands in by_type.items():
            if kind not in HOUSEHOLD_TYPES:
                raise ValueError(f"unknown household type {kind!r} (one of {HOUSEHOLD_TYPES})")
            for band in bands:
                low, _ = parse_band(band)
                if low < 15:
                    raise ValueError(f"{kind}: a household's reference person is 15 or older")
            out[kind] = _sum_to_one(bands)
        return out


def _check_bands(rates: dict[str, float]) -> dict[str, float]:
    for band in rates:
        parse_band(band)
    return rates


class BandRates(Cited):
    """A rate for each age band of persons (each its own share, not parts of a whole); ages
    outside every band get 0."""

    by_age: Annotated[dict[str, Share], Field(min_length=1)]

    _bands = field_validator("by_age")(_check_bands)


class Income(Cited):
    """A lognormal annual income (median and spread of the log) received by a share of people
    in each age band."""

    median: Annotated[float, Field(gt=0)]
    sigma: Annotated[float, Field(gt=0, le=3)]
    receiving: Annotated[dict[str, Share], Field(min_length=1)]

    _bands = field_validator("receiving")(_check_bands)


class ByProvince(Cited):
    """A share per province or territory (codes of the ``province`` fact), with a default."""

    default: Share
    by_province: dict[str, Share] = {}


class Groups(_Model):
    """Shares of the demographic groups used in disparity checks (never read by the rules)."""

    women: Cited
    women_share: Share
    indigenous: ByProvince
    racialized: ByProvince
    newcomer: Cited
    newcomer_share: Share
    immigrants: Cited  # persons born abroad who came as adults (OAS residence is shorter)
    immigrant_share: Share
    immigrant_arrival_age: Band
    official_language_minority: ByProvince
    rural_remote: ByProvince
    disability: BandRates
    students: BandRates  # full-time post-secondary students, by age band
    disability_tax_credit: Cited  # the share of persons with a disability approved for the DTC
    disability_tax_credit_share: Share


class Band(Cited):
    """An age band (``lo-hi``, years) a model draws from uniformly."""

    band: NonEmpty

    @field_validator("band")
    @classmethod
    def _band(cls, band: str) -> str:
        parse_band(band)
        return band


class Rates(Cited):
    """Rates that are each their own share (not parts of one whole)."""

    values: Annotated[dict[str, Share], Field(min_length=1)]


class Jurisdictions(_Model):
    """Where households live."""

    provinces: Shares
    municipalities: Rates  # share of the province's households in each city the rules know


class PopulationSpec(_Model):
    """A synthetic population's distributions, each with its source."""

    name: Identifier
    title: Text
    as_of: dt.date
    size: Annotated[int, Field(gt=0, le=50_000_000)]
    seed: int
    total_population: Cited
    total_population_value: Annotated[int, Field(gt=0)]
    jurisdictions: Jurisdictions
    household_types: Shares
    common_law_share: Share
    lone_parent_women_share: Share
    children: Shares  # number of children at home in a family with children: "1".."4"
    parent_age_at_birth: Band  # the reference person's age when each child was born
    age_distribution: Shares  # persons by age band: what the generated population is checked by
    reference_person_age: AgeShares
    employment_income: dict[str, Income]  # by household type
    retirement_income: Income  # pensions of persons 65 and over
    groups: Groups

    @field_validator("household_types")
    @classmethod
    def _types(cls, value: Shares) -> Shares:
        if set(value.shares) != set(HOUSEHOLD_TYPES):
            raise ValueError(f"household types must be exactly {', '.join(HOUSEHOLD_TYPES)}")
        return value

    @field_validator("children")
    @classmethod
    def _children(cls, value: Shares) -> Shares:
        for key in value.shares:
            if not key.isdigit() or not 1 <= int(key) <= 10:
                raise ValueError(f"number of children {key!r} must be 1 to 10")
        return value

    @field_validator("employment_income")
    @classmethod
    def _incomes(cls, value: dict[str, Income]) -> dict[str, Income]:
        if set(value) != set(HOUSEHOLD_TYPES):
            raise ValueError(f"an employment income for each of {', '.join(HOUSEHOLD_TYPES)}")
        return value


def city_provinces(facts: FactRegistry) -> dict[str, str]:
    """The province of each municipality the rules know (not the rest of a province: what
    no city's share covers is there)."""
    if "municipality" not in facts:
        return {}
    fact = facts["municipality"]
    rest = set(fact.rest_of_province.values())
    return {city: where for city, where in fact.value_provinces.items() if city not in rest}


def load_spec(file: Path, facts: FactRegistry) -> PopulationSpec:
    """Read and validate a population spec against the rules' facts (province and
    municipality codes).

    Raises:
        RuleSchemaError: the file is not valid YAML, breaks the schema, or names a place the
            rules do not know (file, line, reason).
    """
    doc = load_located(file)
    spec = parse_model(PopulationSpec, doc)
    provinces = set(facts["province"].codes)
    places = city_provinces(facts)
    where = ("jurisdictions", "provinces", "shares")
    for code in spec.jurisdictions.provinces.shares:
        if code not in provinces:
            raise RuleSchemaError(file, doc.line_of((*where, code)), f"unknown province {code!r}")
    where = ("jurisdictions", "municipalities", "values")
    in_province: dict[str, float] = {}
    for city, share in spec.jurisdictions.municipalities.values.items():
        if city not in places:
            raise RuleSchemaError(
                file, doc.line_of((*where, city)), f"unknown municipality {city!r}"
            )
        in_province[places[city]] = in_province.get(places[city], 0.0) + share
        if in_province[places[city]] > 1 + SUM_TOLERANCE:
            raise RuleSchemaError(
                file,
                doc.line_of((*where, city)),
                f"the cities of {places[city]} hold more than all of its households",
            )
    for name in ("indigenous", "racialized", "official_language_minority", "rural_remote"):
        for code in getattr(spec.groups, name).by_province:
            if code not in provinces:
                line = doc.line_of(("groups", name, "by_province", code))
                raise RuleSchemaError(file, line, f"unknown province {code!r}")
    for band in spec.age_distribution.shares:
        try:
            parse_band(band)
        except ValueError as exc:
            line = doc.line_of(("age_distribution", "shares", band))
            raise RuleSchemaError(file, line, str(exc)) from None
    return spec
