"""The generated missing-facts code gives the facts a node-by-node walk of the tree finds.

The walk (``Explainer._missing``, what a vectorized run's explanations use) follows the
definition node by node: a node whose value is known misses nothing, a fact misses itself, and
each kind of node misses what the operands it needs miss; its values come from the vectorized
run (OpenFisca), so the two sides share no code. Compared on every part of every program, on
every row of its entity, for random households with unknowns on several days.
"""

from __future__ import annotations

from typing import Any

import strategies
from hypothesis import given
from kit import CATALOG, ENGINE, FACTS, household, person
from test_laws import AS_OF, SETTINGS, YEARS

from engine.eligibility.explain import Explanations
from engine.evaluation.population import from_profiles
from engine.evaluation.scalar_run import ScalarRun
from engine.evaluation.simulate import household_run, simulate


@SETTINGS
@given(strategies.profiles(FACTS, tuple(AS_OF), YEARS))
def test_the_generated_missing_facts_are_the_walks(data: dict[str, Any]) -> None:
    _compare(data)


@SETTINGS
@given(strategies.twinned(FACTS, tuple(AS_OF), YEARS))
def test_the_generated_missing_facts_of_households_with_twins_are_the_walks(
    data: dict[str, Any],
) -> None:
    # the values an aggregate reads come through the first twin (Frame.w); what each member
    # misses is still that member's own
    _compare(data)


def _compare(data: dict[str, Any]) -> None:
    """Every part of every program on every row: the generated code against the walk."""
    profile = ENGINE.parse(data)
    population = from_profiles([profile], CATALOG.base_years(profile.as_of), FACTS)
    scalar = household_run(ENGINE.compiled, population)
    assert isinstance(scalar, ScalarRun)
    walked = Explanations(simulate(ENGINE.compiled, population))
    generated = Explanations(scalar)
    mismatches = []
    for rules in CATALOG.programs.values():
        walk, code = walked.of(rules), generated.of(rules)
        rows = range(population.n_persons if rules.program.entity == "person" else 1)
        for part, expr in rules.parts():
            for row in rows:
                want = walk.missing_facts(row, [expr])
                got = code.missing_facts(row, [expr])
                if got != want:
                    mismatches.append((rules.id, part, row, sorted(want - got), sorted(got - want)))
    assert not mismatches, mismatches[:5]


def test_a_known_date_of_birth_is_not_missing_when_the_age_is_unknown() -> None:
    # ca_cpp_survivor reads the age at the spouse's death: with that date unknown, the age is
    # unknown, but the survivor's own date of birth is known and no answer needs it again
    ana = person("ana", "applicant", "1970-03-01", residency_status="citizen")
    profile = ENGINE.parse(household("ON", {**ana, "marital_status": "widowed"}))
    result = next(r for r in ENGINE.check(profile).results if r.program == "ca_cpp_survivor")
    assert result.status == "undetermined"
    assert "members/ana/date_of_birth" not in result.missing_facts
    assert result.missing_facts  # what it does miss is still asked for
