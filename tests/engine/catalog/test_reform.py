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
