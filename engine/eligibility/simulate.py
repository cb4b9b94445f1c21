"""Run a compiled catalog on a population: build the OpenFisca simulation and calculate."""

from __future__ import annotations

import numpy as np
from openfisca_core.simulations import Simulation

from engine.catalog.compiler import CompiledSystem, context_for
from engine.catalog.entities import Members
from engine.catalog.runtime import period_of, read_variable, variable_name
from engine.eligibility.population import Population
from engine.errors import EvaluationError, LifeEventsError
from engine.kleene import Array

__all__ = ["Run", "simulate"]


class Run:
    """A simulation of one population on its ``as_of`` day, with lazy, cached results."""

    def __init__(
        self, compiled: CompiledSystem, population: Population, *, keep_nodes: bool = False
    ) -> None:
        self.compiled = compiled
        self.population = population
        self.day = period_of(population.as_of.isoformat())
        self.members = Members.build(
            population.household_of, population.role, population.n_households
        )
        self.simulation = _build(compiled, population, self.members)
        # keep every expression node's values, for explanations (small runs only)
        self.simulation.lifeevents_node_memo = {} if keep_nodes else None

    def calculate(self, program_id: str, part: str) -> Array:
        """A program's ``part`` (status, benefit, amount, crit__<id>, scope, a variable)."""
        name = variable_name(program_id, part)
        try:
            entity = self.compiled.programs[program_id]
            return read_variable(self.simulation, entity, name, self.day)
        except LifeEventsError:
            raise
        except Exception as exc:  # openfisca-core errors must not cross the engine boundary
            raise EvaluationError(program_id, f"{type(exc).__name__}: {exc}") from exc

    def part(self, program_id: str, part: str) -> Array:
        """A criterion (``crit__<id>``), the ``amount`` or the ``scope`` of a program.

        Read from the program's evaluation context, where the ``status`` formula left them.
        """
        self.calculate(program_id, "status")
        context = context_for(self.compiled, self.simulation, program_id, self.day)
        try:
            return np.asarray(context.part(part))
        except KeyError as exc:
            raise EvaluationError(program_id, f"no part {part!r}") from exc

    def per_household(self, program_id: str, part: str) -> Array:
        """A program's result per household (for a person program, the applicant's)."""
        if part in ("status", "benefit"):
            values = self.calculate(program_id, part)
        else:
            values = self.part(program_id, part)
        if self.compiled.programs[program_id] == "person":
            return self.members.member_value(values, self.members.applicant)
        return values


def _build(compiled: CompiledSystem, population: Population, members: Members) -> Simulation:
    populations = compiled.system.instantiate_entities()
    persons, households = populations["person"], populations["household"]
    persons.ids = np.arange(population.n_persons)
    persons.count = population.n_persons
    households.ids = np.arange(population.n_households)
    households.count = population.n_households
    households.members_entity_id = population.household_of
    simulation = Simulation(compiled.system, populations)
    simulation.lifeevents_members = members
    simulation.lifeevents_programs = compiled.programs
    simulation.lifeevents_memo = {}  # (variable, period) -> array, read by formula contexts
    simulation.lifeevents_contexts = {}  # (program, period) -> its evaluation context
    simulation.lifeevents_constants = {}  # (entity, value) -> a read-only constant array
    eternity = period_of("eternity")
    for name, values in population.person.items():
        simulation.set_input(name, eternity, values)
    for name, by_year in population.yearly.items():
        for year, values in by_year.items():
            simulation.set_input(name, period_of(str(year)), values)
    for name, values in population.household.items():
        simulation.set_input(name, eternity, values)
    return simulation


def simulate(compiled: CompiledSystem, population: Population, *, explain: bool = False) -> Run:
    """Prepare a run; nothing is calculated until a result is asked for.

    ``explain`` keeps every expression node's values so explanations reuse them; leave it off
    for populations, where it would hold one array per node.
    """
    return Run(compiled, population, keep_nodes=explain)
