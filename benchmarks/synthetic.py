"""Synthetic households in columns, generated vectorized (no real person's data)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from engine.catalog.facts import ROLE_CODES, FactRegistry
from engine.evaluation.population import Population, unknown_column
from engine.kleene import to_days

__all__ = ["synthetic_population"]


def synthetic_population(
    n_persons: int, as_of: dt.date, years: set[int], facts: FactRegistry, seed: int = 20261124
) -> Population:
    """About ``n_persons`` persons in households of 1 to 6 (applicant, spouse, children)."""
    rng = np.random.default_rng(seed)
    n_households = int(n_persons / 3.17)  # mean size: 1 + 0.5 spouse + 1.67 children
    has_spouse = rng.random(n_households) < 0.5
    n_children = rng.choice([0, 0, 1, 2, 3, 4], size=n_households)
    sizes = 1 + has_spouse + n_children
    household_of = np.repeat(np.arange(n_households), sizes)
    position = np.arange(len(household_of)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    spouse_slot = np.repeat(has_spouse, sizes)
    role = np.where(
        position == 0,
        ROLE_CODES["applicant"],
        np.where((position == 1) & spouse_slot, ROLE_CODES["spouse"], ROLE_CODES["child"]),
    ).astype(np.int64)
    n = len(role)
    child = role == ROLE_CODES["child"]
    residency = [
        float(facts["residency_status"].code(v))
        for v in ("citizen", "citizen", "citizen", "permanent_resident", "temporary_resident")
    ]
    custody = [float(facts["custody"].code(v)) for v in ("full", "shared")]
    age = np.where(child, rng.integers(0, 20, n), rng.integers(18, 95, n))
    today = to_days(as_of)
    person: dict[str, np.ndarray] = {
        "date_of_birth": today - age * 365.25 - rng.integers(0, 365, n),
        "residency_status": rng.choice(residency, n),
        "years_in_canada_since_18": np.where(child, 0.0, np.minimum(age - 18, 40)).astype(float),
        "months_in_canada": (age * 12).astype(float),
        "has_disability": (rng.random(n) < 0.1).astype(float),
        "disability_tax_credit": (rng.random(n) < 0.05).astype(float),
        "is_student": (rng.random(n) < 0.05).astype(float),
        "custody": np.where(rng.random(n) < 0.9, custody[0], custody[1]),
        "monthly_shelter_cost": rng.choice([0.0, 600.0, 1200.0, 1800.0], n),
        "liquid_assets": rng.choice([0.0, 2_000.0, 20_000.0, 80_000.0], n),
    }
    # a share of facts is unknown, as in real questions
    for name in ("has_disability", "disability_tax_credit", "liquid_assets"):
        person[name][rng.random(n) < 0.2] = np.nan
    # facts nobody states share one read-only column (as generated scenario populations do)
    unknown, zero = unknown_column(n), np.zeros(n)
    zero.flags.writeable = False
    for fact in facts.stated:
        if fact.entity == "person" and not fact.yearly and fact.name != "role":
            person.setdefault(fact.name, unknown)
    earnings = np.where(child, 0.0, rng.lognormal(10.3, 1.0, n).round(0))
    yearly: dict[str, dict[int, np.ndarray]] = {}
    for fact in facts.stated:
        if fact.yearly:
            base = {"employment_income": earnings, "net_income": earnings * 0.9}.get(
                fact.name, zero
            )
            yearly[fact.name] = dict.fromkeys(years, base)
    household = {
        "province": rng.choice(
            np.array(sorted(facts["province"].codes.values()), dtype=float), n_households
        ),
        "municipality": np.full(n_households, np.nan),
    }
    return Population(
        as_of=as_of,
        household_of=household_of.astype(np.int64),
        role=role,
        person=person,
        yearly=yearly,
        household=household,
        n_households=n_households,
    )
