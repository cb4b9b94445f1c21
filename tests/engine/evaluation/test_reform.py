"""Parameters are OpenFisca parameters, so an OpenFisca reform works on the compiled system;
the public path is ``Engine.reformed``, which goes through the loader and the compiler."""

from __future__ import annotations

from typing import Any

import pytest
from kit import ENGINE
from openfisca_core import periods
from openfisca_core.reforms import Reform

from engine.catalog.program import BENEFIT
from engine.eligibility.evaluate import check
from engine.errors import EvaluationError, InputError
from engine.evaluation.scalar_run import ScalarRun
from engine.evaluation.simulate import household_run, simulate


class _RaiseUnder6(Reform):  # type: ignore[misc]
    """Raise the CCB maximum for a child under 6 to $9,000 from July 2025."""

    def apply(self) -> None:
        def modify(parameters: Any) -> Any:
            parameters.ca_ccb.max_under_6.update(start=periods.instant("2025-07-01"), value=9000)
            return parameters

        self.modify_parameters(modifier_function=modify)


def _ccb(compiled: Any, data: dict[str, Any]) -> float:
    population = ENGINE.population([ENGINE.parse(data)])
    return float(simulate(compiled, population).per_household("ca_ccb", BENEFIT)[0])


def test_an_openfisca_parameter_reform_changes_the_amount_and_leaves_the_baseline_alone(
    example_profile: dict[str, Any],
) -> None:
    baseline = ENGINE.compiled
    reformed = baseline.with_system(_RaiseUnder6(baseline.system))
    # $35,000 is below the first threshold: the maximum is paid, before and after the reform.
    assert (_ccb(baseline, example_profile), _ccb(reformed, example_profile)) == (7997.0, 9000.0)
    assert _ccb(baseline, example_profile) == 7997.0


class _OasForEveryone(Reform):  # type: ignore[misc]
    """Replace the OAS status: everyone receives it (read by the GIS through is_eligible)."""

    def apply(self) -> None:
        baseline = self.get_variable("ca_oas__status")

        class ca_oas__status(type(baseline)):  # type: ignore[misc]
            def formula(population: Any, period: Any, parameters: Any) -> Any:
                return population.empty_array() * 0.0 + 1.0

        self.update_variable(ca_oas__status)


#: 36 years old, no income: no OAS, so no GIS, unless a reform says everyone gets the OAS
ANA = {
    "id": "ana",
    "role": "applicant",
    "date_of_birth": "1990-01-01",
    "residency_status": "citizen",
    "years_in_canada_since_18": 18,
    "net_income": 0,
    "employment_income": 0,
    "self_employment_income": 0,
    "oas_benefits_income": 0,
}


def test_a_variable_replaced_by_an_openfisca_reform_is_calculated_by_openfisca() -> None:
    data = {"as_of": "2026-01-15", "household": {"members": [ANA]}}
    population = ENGINE.population([ENGINE.parse(data)])
    baseline = simulate(ENGINE.compiled, population)
    reformed = simulate(
        ENGINE.compiled.with_system(_OasForEveryone(ENGINE.compiled.system)), population
    )
    gis = "ca_gis"
    # 36 years old: no OAS, so no GIS; with the reformed OAS status the GIS criterion holds
    assert baseline.calculate(gis, BENEFIT)[0] == 0.0
    assert reformed.calculate(gis, BENEFIT)[0] > 0.0


def test_an_error_raised_inside_openfisca_becomes_an_evaluation_error(
    example_profile: dict[str, Any],
) -> None:
    class _Broken(Reform):  # type: ignore[misc]
        def apply(self) -> None:
            baseline = self.get_variable("ca_oas__status")

            class ca_oas__status(type(baseline)):  # type: ignore[misc]
                def formula(population: Any, period: Any, parameters: Any) -> Any:
                    return population("no_such_variable", period)  # OpenFisca raises

            self.update_variable(ca_oas__status)

    compiled = ENGINE.compiled.with_system(_Broken(ENGINE.compiled.system))
    run = simulate(compiled, ENGINE.population([ENGINE.parse(example_profile)]))
    with pytest.raises(EvaluationError) as caught:
        run.calculate("ca_gis", BENEFIT)
    assert "VariableNotFound" in str(caught.value)
    assert caught.value.__cause__ is not None
    assert type(caught.value.__cause__).__module__.startswith("openfisca_core")


def test_engine_reformed_goes_through_the_public_path_jurisdiction_included(
    example_profile: dict[str, Any],
) -> None:
    reform = {
        "name": "double OCB",
        "parameters": [
            {"program": "on_ocb", "parameter": "max_per_child", "values": {"2025-07-01": 3000}}
        ],
    }
    reformed = ENGINE.reformed(reform)
    ocb = {r.program: r for r in reformed.check(example_profile).results}["on_ocb"]
    assert ocb.status == "eligible" and ocb.amount is not None
    assert ocb.amount.annual > 2000  # a $3,000 maximum, below the income threshold
    bc = {
        **example_profile,
        "household": {
            **example_profile["household"],
            "province": "BC",
            "municipality": "vancouver",
        },
    }
    population = reformed.population([reformed.parse(bc)])
    result = reformed.evaluate(population)
    assert result.status["on_ocb"][0] == 0.0 and result.benefit["on_ocb"][0] == 0.0
    # the baseline engine is unchanged
    before = {r.program: r for r in ENGINE.check(example_profile).results}["on_ocb"]
    assert before.amount is not None and before.amount.annual < 2000


@pytest.mark.parametrize(
    ("reform", "path"),
    [
        (
            {
                "name": "x",
                "parameters": [{"program": "nope", "parameter": "a", "values": {"2025-01-01": 1}}],
            },
            "parameters/0/program",
        ),
        (
            {
                "name": "x",
                "parameters": [
                    {"program": "ca_ccb", "parameter": "nope", "values": {"2025-01-01": 1}}
                ],
            },
            "parameters/0/parameter",
        ),
        (
            {"name": "x", "programs": {"ca_ccb": {"variables": {"nope": "1"}}}},
            "programs/ca_ccb/variables",
        ),
        ({"name": "x", "surprise": 1}, "surprise"),
    ],
)
def test_a_reform_naming_what_does_not_exist_is_an_input_error(
    reform: dict[str, Any], path: str
) -> None:
    with pytest.raises(InputError) as caught:
        ENGINE.reformed(reform)
    assert caught.value.path == path


def _check_amount(compiled: Any, data: dict[str, Any], program: str) -> float | None:
    results = {r.program: r for r in check(compiled, ENGINE.parse(data)).results}
    amount = results[program].amount
    return amount.annual if amount is not None else None


def test_a_check_runs_the_generated_code_and_a_reformed_parameter_changes_it_too(
    example_profile: dict[str, Any],
) -> None:
    reformed = ENGINE.compiled.with_system(_RaiseUnder6(ENGINE.compiled.system))
    population = ENGINE.population([ENGINE.parse(example_profile)])
    assert isinstance(household_run(reformed, population), ScalarRun)  # the fast path
    assert _check_amount(ENGINE.compiled, example_profile, "ca_ccb") == 7997.0
    assert _check_amount(reformed, example_profile, "ca_ccb") == 9000.0


def test_a_check_with_a_reformed_formula_is_answered_by_openfisca() -> None:
    data = {"as_of": "2026-01-15", "household": {"province": "ON", "members": [ANA]}}
    reformed = ENGINE.compiled.with_system(_OasForEveryone(ENGINE.compiled.system))
    population = ENGINE.population([ENGINE.parse(data)])
    assert not isinstance(household_run(reformed, population), ScalarRun)
    gis = {r.program: r.status for r in check(reformed, ENGINE.parse(data)).results}["ca_gis"]
    baseline = {r.program: r.status for r in ENGINE.check(data).results}["ca_gis"]
    assert (baseline, gis) == ("ineligible", "eligible")
