"""The baseline: a trivial OpenFisca system (60 household variables, each a sum over members).

It is what the engine would cost if the rules did nothing, measured on the same machine in the
same run, so figures can be read as ratios on a shared, noisy machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core import periods
from openfisca_core.entities import build_entity
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import Simulation, SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

__all__ = ["N_VARIABLES", "trivial_household", "trivial_population", "trivial_system"]

N_VARIABLES = 60
PERIOD = "2026-01"


def trivial_system() -> TaxBenefitSystem:
    """Persons with an income; 60 household variables that each sum it."""
    person = build_entity(key="person", plural="persons", label="p", is_person=True)
    household = build_entity(
        key="household",
        plural="households",
        label="h",
        roles=[{"key": "member", "plural": "members"}],
    )
    system = TaxBenefitSystem([person, household])
    system.add_variable(
        type(
            "income",
            (Variable,),
            {
                "value_type": float,
                "entity": person,
                "definition_period": DateUnit.MONTH,
                "label": "income",
            },
        )
    )

    def make(index: int) -> type:
        def formula(population: Any, period: Any, parameters: Any) -> Any:
            return population.sum(population.members("income", period)) + index

        return type(
            f"v{index}",
            (Variable,),
            {
                "value_type": float,
                "entity": household,
                "definition_period": DateUnit.MONTH,
                "label": "v",
                "formula": formula,
            },
        )

    for index in range(N_VARIABLES):
        system.add_variable(make(index))
    return system


def trivial_household(system: TaxBenefitSystem) -> float:
    """Build one two-person household with SimulationBuilder and calculate every variable."""
    simulation = SimulationBuilder().build_from_entities(
        system,
        {
            "persons": {"a": {"income": {PERIOD: 3000}}, "b": {"income": {PERIOD: 0}}},
            "households": {"h": {"members": ["a", "b"]}},
        },
    )
    total = 0.0
    for index in range(N_VARIABLES):
        total += float(simulation.calculate(f"v{index}", PERIOD)[0])
    return total


def trivial_population(
    system: TaxBenefitSystem, household_of: np.ndarray, n_households: int
) -> float:
    """Calculate every variable over a population laid out like the engine's."""
    populations = system.instantiate_entities()
    persons, households = populations["person"], populations["household"]
    persons.ids = np.arange(len(household_of))
    persons.count = len(household_of)
    households.ids = np.arange(n_households)
    households.count = n_households
    households.members_entity_id = household_of
    simulation = Simulation(system, populations)
    simulation.set_input("income", periods.period(PERIOD), np.ones(len(household_of)))
    total = 0.0
    for index in range(N_VARIABLES):
        total += float(simulation.calculate(f"v{index}", PERIOD).sum())
    return total
