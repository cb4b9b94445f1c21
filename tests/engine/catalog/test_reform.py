"""Parameters are OpenFisca parameters, so a reform is an OpenFisca reform."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from openfisca_core import periods
from openfisca_core.reforms import Reform

from engine.eligibility.evaluate import compiled_system
from engine.eligibility.population import from_profiles
from engine.eligibility.profile import parse_profile
from engine.eligibility.simulate import simulate


class _RaiseUnder6(Reform):  # type: ignore[misc]
    """Raise the CCB maximum for a child under 6 to $9,000 from July 2025."""

    def apply(self) -> None:
        def modify(parameters: Any) -> Any:
            parameters.ca_ccb.max_under_6.update(start=periods.instant("2025-07-01"), value=9000)
            return parameters

        self.modify_parameters(modifier_function=modify)


def test_a_parameter_reform_changes_the_amount_and_leaves_the_baseline_alone(
    example_profile: dict[str, Any],
) -> None:
    baseline = compiled_system()
    reformed = dataclasses.replace(baseline, system=_RaiseUnder6(baseline.system))
    profile = parse_profile(example_profile)
    population = from_profiles([profile], baseline.catalog.base_years(profile.as_of))
    before = simulate(baseline, population).per_household("ca_ccb", "benefit")[0]
    after = simulate(reformed, population).per_household("ca_ccb", "benefit")[0]
    # $35,000 is below the first threshold: the maximum is paid, before and after the reform.
    assert (before, after) == (7997.0, 9000.0)
    again = simulate(baseline, population).per_household("ca_ccb", "benefit")[0]
    assert again == 7997.0
    assert profile.as_of == dt.date(2026, 1, 15)


class _NoIncome(Reform):  # type: ignore[misc]
    """Replace the family_net_income formula: every family is treated as having no income."""

    def apply(self) -> None:
        baseline = self.get_variable("family_net_income")

        class family_net_income(type(baseline)):  # type: ignore[misc]
            def formula(population: Any, period: Any, parameters: Any) -> Any:
                return population.empty_array() * 0.0

        self.update_variable(family_net_income)


def test_a_variable_replaced_by_a_reform_is_calculated_by_openfisca(
    example_profile: dict[str, Any],
) -> None:
    baseline = compiled_system()
    data = {**example_profile}
    data["household"] = {
        **data["household"],
        "members": [dict(m) for m in data["household"]["members"]],
    }
    data["household"]["members"][0]["net_income"] = 400_000
    profile = parse_profile(data)
    population = from_profiles([profile], baseline.catalog.base_years(profile.as_of))
    before = simulate(baseline, population).per_household("ca_ccb", "benefit")[0]
    reformed = dataclasses.replace(baseline, system=_NoIncome(baseline.system))
    after = simulate(reformed, population).per_household("ca_ccb", "benefit")[0]
    # $400,000 uses up the CCB; with the reformed (zero) family income the maximum is paid
    assert (before, after) == (0.0, 7997.0)
