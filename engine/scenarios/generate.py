"""Synthetic populations drawn from a spec, vectorized and seeded (the same spec, size and seed
give the same population, bit for bit).

The model, kept deliberately plain so an analyst can follow it:

1. Households are drawn by type (one person, couple without or with children, lone parent);
   families with children get the spec's number of children (of any age, as in the census).
2. The reference person's age band depends on the household type; a spouse is about the same
   age (normal, 3 years); a child was born when the reference person was of an age drawn from
   the spec's band (so older parents have adult children at home, as census families do).
3. A household lives in a province by the spec's shares, and in one of the cities the rules know
   by the city's share of the province's households.
4. Adults have employment income (lognormal by household type, received by a share of each age
   band) and, from 65, retirement income (lognormal); net income is their sum (the OAS and GIS
   themselves are left out of it, so ``oas_benefits_income`` is 0); incomes are the same in
   every tax year a program reads.
5. Demographic groups (women, Indigenous identity, racialized, newcomer, official-language
   minority, rural and remote) are drawn per household, disability and full-time studies per
   person by age band; a share of persons with a disability has the disability tax credit
   (which a child's Quebec supplement for handicapped children follows).
6. Each household's weight is an integer: a sample of ``n`` persons stands for the spec's total
   population, so weighted persons add up to it.

Facts the model does not draw stay unknown (NaN), and the programs that need them answer
"undetermined" for everyone; a run's totals say how much that leaves out.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from engine.catalog.facts import ROLE_CODES, FactRegistry
from engine.evaluation.population import Population, unknown_column
from engine.kleene import Array, to_days
from engine.scenarios.spec import (
    HOUSEHOLD_TYPES,
    ByProvince,
    Income,
    PopulationSpec,
    city_provinces,
    parse_band,
)

__all__ = ["age_band_labels", "generate"]

_DAYS_PER_YEAR = 365.2425
_ONE, _COUPLE, _FAMILY, _LONE = range(4)


def _pick(rng: np.random.Generator, shares: dict[str, float], n: int) -> npt.NDArray[np.str_]:
    keys = list(shares)
    return np.asarray(keys)[rng.choice(len(keys), size=n, p=list(shares.values()))]


def _ages_in_bands(rng: np.random.Generator, shares: dict[str, float], n: int) -> Array:
    bands = [parse_band(b) for b in shares]
    pick = rng.choice(len(bands), size=n, p=list(shares.values()))
    lo = np.array([b[0] for b in bands], dtype=float)[pick]
    hi = np.array([b[1] for b in bands], dtype=float)[pick]
    return np.asarray(np.floor(lo + rng.random(n) * (hi - lo + 1)), dtype=float)


def _band_rate(rates: dict[str, float], age: Array) -> Array:
    out = np.zeros(len(age))
    for band, rate in rates.items():
        lo, hi = parse_band(band)
        out[(age >= lo) & (age <= hi)] = rate
    return out


def _lognormal(rng: np.random.Generator, income: Income, age: Array) -> Array:
    receives = rng.random(len(age)) < _band_rate(income.receiving, age)
    amount = np.round(income.median * np.exp(income.sigma * rng.standard_normal(len(age))))
    return np.where(receives, amount, 0.0)


def integer_weights(total: int, n_persons: int, n_households: int) -> npt.NDArray[np.int64]:
    """Integer household weights such that each sampled person stands for about
    ``total / n_persons`` real persons (the fractions carried from one household to the next,
    so the weights add up exactly to ``floor(scale * n_households)``).

    Examples:
        >>> integer_weights(10, 4, 4).tolist()
        [2, 3, 2, 3]
    """
    scale = total / n_persons
    edges = np.floor(scale * np.arange(n_households + 1)).astype(np.int64)
    return np.asarray(np.diff(edges), dtype=np.int64)


def age_band_labels(spec: PopulationSpec, age: Array) -> npt.NDArray[np.str_]:
    """The ``age_distribution`` band of each age ("" outside every band)."""
    out = np.full(len(age), "", dtype=object)
    for band in spec.age_distribution.shares:
        lo, hi = parse_band(band)
        out[(age >= lo) & (age <= hi)] = band
    return out.astype(str)


def generate(
    spec: PopulationSpec, facts: FactRegistry, *, size: int | None = None, seed: int | None = None
) -> Population:
    """About ``size`` persons (default: the spec's) drawn from the spec, on its ``as_of``.

    Examples:
        >>> from engine.engine import Engine
        >>> from engine.scenarios.spec import load_spec
        >>> from engine.catalog.paths import default_rules_dir
        >>> facts = Engine.load().catalog.facts
        >>> spec = load_spec(default_rules_dir().parent / "scenarios/populations/canada.yaml",
        ...                  facts)
        >>> a, b = generate(spec, facts, size=500), generate(spec, facts, size=500)
        >>> bool((a.household_of == b.household_of).all()) and a.n_persons == b.n_persons
        True
    """
    rng = np.random.default_rng(spec.seed if seed is None else seed)
    wanted = size or spec.size
    types = spec.household_types.shares
    kids = {int(k): v for k, v in spec.children.shares.items()}
    mean_kids = sum(k * p for k, p in kids.items())
    mean_size = (
        types["one_person"]
        + 2 * types["couple_without_children"]
        + (2 + mean_kids) * types["couple_with_children"]
        + (1 + mean_kids) * types["lone_parent"]
    )
    n_households = max(1, round(wanted / mean_size))
    kind = rng.choice(4, size=n_households, p=[types[t] for t in HOUSEHOLD_TYPES])
    has_spouse = (kind == _COUPLE) | (kind == _FAMILY)
    n_kids = np.where(
        (kind == _FAMILY) | (kind == _LONE),
        rng.choice(list(kids), size=n_households, p=list(kids.values())),
        0,
    )
    sizes = 1 + has_spouse.astype(np.int64) + n_kids
    household_of = np.repeat(np.arange(n_households), sizes)
    n = len(household_of)
    position = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    spouse_slot = np.repeat(has_spouse, sizes)
    is_spouse = (position == 1) & spouse_slot
    is_child = (position > 0) & ~is_spouse
    role = np.where(
        position == 0,
        ROLE_CODES["applicant"],
        np.where(is_spouse, ROLE_CODES["spouse"], ROLE_CODES["child"]),
    ).astype(np.int64)

    ref_age = np.zeros(n_households)
    for code, name in enumerate(HOUSEHOLD_TYPES):
        chosen = kind == code
        ref_age[chosen] = _ages_in_bands(
            rng, spec.reference_person_age.by_type[name], int(chosen.sum())
        )
    spouse_age = np.clip(ref_age + np.round(rng.normal(0, 3, n_households)), 18, 100)
    lo, hi = parse_band(spec.parent_age_at_birth.band)
    parent_age = np.repeat(ref_age, sizes)
    latest = np.clip(parent_age, lo, hi)  # a parent younger than ``hi`` has had children since lo
    child_age = np.floor(np.clip(parent_age - (lo + rng.random(n) * (latest - lo + 1)), 0, None))
    age = np.where(
        position == 0,
        np.repeat(ref_age, sizes),
        np.where(is_spouse, np.repeat(spouse_age, sizes), child_age),
    )
    today = to_days(spec.as_of)
    date_of_birth = np.floor(today - (age + rng.random(n)) * _DAYS_PER_YEAR)
    adult = ~is_child

    province_codes = {p: float(facts["province"].code(p)) for p in facts["province"].codes}
    province = _pick(rng, spec.jurisdictions.provinces.shares, n_households)
    municipality = _municipalities(rng, spec, facts, province)

    groups = _groups(rng, spec, province, sizes, kind, position, is_spouse)
    newcomer = groups["newcomer"] == "True"
    months_here = np.where(newcomer, rng.integers(1, 61, n).astype(float), age * 12 + 6)
    years_since_18 = np.where(newcomer, np.maximum(0, np.minimum(age - 18, months_here // 12)), 0)
    # earlier immigrants (not newcomers) lived in Canada since an adult age of arrival
    lo, hi = parse_band(spec.groups.immigrant_arrival_age.band)
    arrived = np.floor(lo + rng.random(n) * (hi - lo + 1))
    immigrant = ~newcomer & (rng.random(n) < spec.groups.immigrant_share) & (age >= arrived)
    settled = np.where(immigrant, age - arrived, np.maximum(0.0, age - 18))
    years_since_18 = np.where(newcomer, years_since_18, settled)
    months_here = np.where(immigrant, (age - arrived) * 12 + 6, months_here)

    employment = np.zeros(n)
    person_kind = np.repeat(kind, sizes)
    for code, name in enumerate(HOUSEHOLD_TYPES):
        chosen = adult & (person_kind == code)
        employment[chosen] = _lognormal(
            rng, spec.employment_income[name], age[chosen]
        )  # fmt: skip
    pension = np.where(adult, _lognormal(rng, spec.retirement_income, age), 0.0)
    net_income = employment + pension

    disabled = rng.random(n) < _band_rate(spec.groups.disability.by_age, age)
    dtc = disabled & (rng.random(n) < spec.groups.disability_tax_credit_share)
    person = _person_facts(facts, n, {
        "date_of_birth": date_of_birth,
        "residency_status": np.where(
            newcomer,
            float(facts["residency_status"].code("permanent_resident")),
            float(facts["residency_status"].code("citizen")),
        ),
        "marital_status": _marital(rng, spec, facts, is_spouse, position, has_spouse, sizes),
        "months_in_canada": months_here,
        "years_in_canada_since_18": years_since_18,
        "has_disability": disabled.astype(float),
        # the DTC needs a severe and prolonged impairment: never without a disability
        "disability_tax_credit": dtc.astype(float),
        "handicapped_child_supplement_approved": np.where(is_child, dtc, False).astype(float),
        "is_student": (rng.random(n) < _band_rate(spec.groups.students.by_age, age)).astype(
            float
        ),
        "custody": np.where(is_child, float(facts["custody"].code("full")), np.nan),
        "employment_status": np.where(
            adult & (employment > 0),
            float(facts["employment_status"].code("employed")),
            np.where(adult & (age >= 65), _code(facts, "employment_status", "retired"), np.nan),
        ),
        "is_indigenous": (groups["indigenous_identity"] == "indigenous").astype(float),
        "filed_tax_return": np.where(adult, 1.0, np.nan),
    })  # fmt: skip
    yearly_values = {
        "employment_income": employment,
        "pension_income": pension,
        "net_income": net_income,
        "total_income": net_income,
        "oas_benefits_income": np.zeros(n),
        "self_employment_income": np.zeros(n),
    }
    years = sorted({spec.as_of.year - 2, spec.as_of.year - 1, spec.as_of.year})
    unknown = unknown_column(n)
    yearly = {
        f.name: {y: yearly_values.get(f.name, unknown) for y in years}
        for f in facts.stated
        if f.yearly
    }
    groups["age_band"] = age_band_labels(spec, age)
    household = {
        "province": np.array([province_codes[p] for p in province.tolist()]),
        "municipality": municipality,
    }
    no_household = unknown_column(n_households)
    for f in facts.stated:
        if f.entity == "household":
            household.setdefault(f.name, no_household)
    return Population(
        as_of=spec.as_of,
        household_of=household_of.astype(np.int64),
        role=role,
        n_households=n_households,
        person=person,
        yearly=yearly,
        household=household,
        groups=groups,
        weight=integer_weights(spec.total_population_value, n, n_households),
    )


def _code(facts: FactRegistry, name: str, value: str) -> float:
    return float(facts[name].code(value))


def _person_facts(facts: FactRegistry, n: int, drawn: dict[str, Array]) -> dict[str, Array]:
    """Every stated person fact: the drawn ones, NaN (unknown) for the rest."""
    out: dict[str, Array] = {}
    unknown = unknown_column(n)
    for f in facts.stated:
        if f.entity == "person" and not f.yearly and f.name != "role":
            out[f.name] = drawn.get(f.name, unknown)
    return out


def _municipalities(
    rng: np.random.Generator,
    spec: PopulationSpec,
    facts: FactRegistry,
    province: npt.NDArray[np.str_],
) -> Array:
    places = city_provinces(facts)
    out = np.full(len(province), np.nan)
    draw = rng.random(len(province))
    floor = np.zeros(len(province))
    for city, share in spec.jurisdictions.municipalities.values.items():
        here = province == places[city]
        chosen = here & (draw >= floor) & (draw < floor + share)
        out[chosen] = float(facts["municipality"].code(city))
        floor = np.where(here, floor + share, floor)
    # a household in none of the cities lives in the rest of its province, where the registry
    # has a value for it (its city programs are then not eligible, rather than undetermined)
    for where, rest in facts["municipality"].rest_of_province.items():
        out[np.isnan(out) & (province == where)] = float(facts["municipality"].code(rest))
    return out


def _marital(
    rng: np.random.Generator,
    spec: PopulationSpec,
    facts: FactRegistry,
    is_spouse: npt.NDArray[np.bool_],
    position: npt.NDArray[np.int64],
    has_spouse: npt.NDArray[np.bool_],
    sizes: npt.NDArray[np.int64],
) -> Array:
    """Couples are married or common-law (the spec's share, the same for both partners);
    others' marital status is not drawn (unknown)."""
    common_law = rng.random(len(has_spouse)) < spec.common_law_share
    code = np.where(
        common_law,
        float(facts["marital_status"].code("common_law")),
        float(facts["marital_status"].code("married")),
    )
    in_couple = np.repeat(has_spouse, sizes) & ((position == 0) | is_spouse)
    return np.where(in_couple, np.repeat(code, sizes), np.nan)


def _by_province(rates_of: ByProvince, province: npt.NDArray[np.str_]) -> Array:
    rates = np.full(len(province), rates_of.default)
    for code, rate in rates_of.by_province.items():
        rates[province == code] = rate
    return rates


def _groups(
    rng: np.random.Generator,
    spec: PopulationSpec,
    province: npt.NDArray[np.str_],
    sizes: npt.NDArray[np.int64],
    kind: npt.NDArray[np.int64],
    position: npt.NDArray[np.int64],
    is_spouse: npt.NDArray[np.bool_],
) -> dict[str, npt.NDArray[np.str_]]:
    """Group columns per person; identity groups are drawn per household."""
    g = spec.groups
    h = len(province)

    def household_flag(rate: Array) -> npt.NDArray[np.bool_]:
        return np.repeat(rng.random(h) < rate, sizes)

    indigenous = household_flag(_by_province(g.indigenous, province))
    racialized = household_flag(_by_province(g.racialized, province))
    newcomer = household_flag(np.full(h, g.newcomer_share))
    minority = household_flag(_by_province(g.official_language_minority, province))
    rural = household_flag(_by_province(g.rural_remote, province))
    # the reference person's gender; a lone parent is a woman by the spec's share; a spouse is
    # of the other gender (same-gender couples are not modelled)
    women_share = np.where(kind == _LONE, spec.lone_parent_women_share, g.women_share)
    ref_woman = rng.random(h) < women_share
    woman = np.where(
        is_spouse,
        ~np.repeat(ref_woman, sizes),
        np.where(
            position == 0, np.repeat(ref_woman, sizes), rng.random(len(position)) < g.women_share
        ),
    )

    def words(flag: npt.NDArray[np.bool_]) -> npt.NDArray[np.str_]:
        return np.where(flag, "True", "False")

    return {
        "gender": np.where(woman, "woman", "man"),
        "indigenous_identity": np.where(indigenous, "indigenous", "not_indigenous"),
        "racialized": words(racialized),
        "newcomer": words(newcomer),
        "official_language_minority": words(minority),
        "rural_remote": words(rural),
    }
