"""Derived facts: computed by the engine from stated facts and roles, never stated by callers."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.catalog.facts import FACTS, ROLES
from engine.catalog.runtime import days_of, members_of, read_variable
from engine.catalog.vectorize import age_at
from engine.kleene import Array

__all__ = ["DERIVED"]


def _read(population: Any, name: str, period: Any) -> Array:
    return read_variable(population.simulation, population.entity.key, name, period)


def _age(population: Any, period: Any, parameters: Any) -> Array:
    births = _read(population, "date_of_birth", period)
    return age_at(births, np.full(births.shape, days_of(period.start)))


def _role_is(*roles: str) -> Any:
    codes = [float(ROLES.index(role)) for role in roles]

    def formula(population: Any, period: Any, parameters: Any) -> Array:
        return np.isin(members_of(population).role, codes).astype(np.float64)

    return formula


def _custody_share(population: Any, period: Any, parameters: Any) -> Array:
    custody = _read(population, "custody", period)
    shared = float(FACTS["custody"].code("shared"))
    return np.where(np.isnan(custody), np.nan, np.where(custody == shared, 0.5, 1.0))


def _has_spouse(population: Any, period: Any, parameters: Any) -> Array:
    return (members_of(population).spouse >= 0).astype(np.float64)


def _n_members(population: Any, period: Any, parameters: Any) -> Array:
    members = members_of(population)
    return members.household_sum(np.ones(len(members.role)))


def _family_net_income(population: Any, period: Any, parameters: Any) -> Array:
    members = members_of(population)
    income = read_variable(population.simulation, "person", "net_income", period)
    partner = np.isin(members.role, [ROLES.index("applicant"), ROLES.index("spouse")])
    return members.household_sum(np.where(partner, income, 0.0))


#: derived fact -> (definition period, formula)
DERIVED: dict[str, tuple[str, Any]] = {
    "age": ("day", _age),
    "is_applicant": ("eternity", _role_is("applicant")),
    "is_spouse": ("eternity", _role_is("spouse")),
    "is_partner": ("eternity", _role_is("applicant", "spouse")),
    "is_child": ("eternity", _role_is("child")),
    "is_dependant": ("eternity", _role_is("dependant")),
    "custody_share": ("eternity", _custody_share),
    "has_spouse": ("eternity", _has_spouse),
    "n_members": ("eternity", _n_members),
    "family_net_income": ("year", _family_net_income),
}
