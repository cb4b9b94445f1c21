"""Person programs, member by member: each adult of the household gets their own answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from engine.catalog.facts import ROLE_CODES
from engine.catalog.program import STATUS, ProgramRules
from engine.eligibility.explain import Explanations
from engine.eligibility.program_result import program_result, static_part

__all__ = ["by_member"]

_KEPT = ("member", "status", "amount", "criteria", "missing_facts")


def by_member(
    explanations: Explanations,
    rules: ProgramRules,
    on: dt.date,
    applicant: dict[str, Any],
    *,
    texts: bool = True,
    as_json: bool = False,
) -> list[dict[str, Any]]:
    """The program's answer for each member of household 0 who is not a child.

    ``applicant`` is the result already built for the applicant (the entry's own figures), so
    it is not explained twice (``as_json``: see :func:`program_result`). Children are left
    out: person programs (pensions, EI, CPP) are for adults, and a child with an unknown date
    of birth would only add noise.
    """
    run = explanations.run
    if explanations.adults is None:
        explanations.adults = _adults(explanations)
    persons, twin_of, own, applicant_row = explanations.adults
    statuses = dict(zip(own, run.calculate_at(rules.id, STATUS, own, on), strict=True))
    out: list[dict[str, Any]] = []
    done: dict[int, dict[str, Any]] = {}
    static = static_part(rules)
    for person in persons:
        if person == applicant_row:
            result = applicant
        elif person in twin_of:
            first = twin_of[person]
            result = _swapped(done[first], run.population.member_id(first), person, run)
        else:
            status = statuses[person]
            result = program_result(
                explanations, rules, status, static, on, person, texts=texts, as_json=as_json
            )
        done[person] = result
        out.append({key: result[key] for key in _KEPT})
    return out


def _adults(explanations: Explanations) -> tuple[list[int], dict[int, int], list[int], int]:
    """See ``Explanations.adults``."""
    run = explanations.run
    persons = np.nonzero(
        (run.members.household_of == 0) & (run.members.role != ROLE_CODES["child"])
    )[0].tolist()
    if explanations.twins is None:
        explanations.twins = run.population.twins()
    # a twin's answer is the first one's (an adult too, earlier in the list)
    twin_of = {p: first for p, first in explanations.twins.items() if first in persons}
    own = [p for p in persons if p not in twin_of]
    return persons, twin_of, own, int(run.members.applicant[0])


def _swapped(result: dict[str, Any], first: str, person: int, run: Any) -> dict[str, Any]:
    """A twin's answer from the first one's: the same but for the two ids, swapped."""
    twin = run.population.member_id(person)
    swap = {f"members/{first}/": f"members/{twin}/", f"members/{twin}/": f"members/{first}/"}

    def swapped(path: str) -> str:
        head = path[: path.rindex("/") + 1]
        return swap.get(head, head) + path[len(head) :]

    missing = sorted(swapped(p) for p in result["missing_facts"])
    return {
        **result,
        "member": twin,
        "criteria": list(result["criteria"]),
        "missing_facts": missing,
    }
