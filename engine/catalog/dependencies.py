"""Dependencies between programs: the evaluation order, and cycles reported with file and line."""

from __future__ import annotations

from engine.catalog._yaml import Loc
from engine.catalog.program import ProgramRules
from engine.catalog.tree import Expr
from engine.errors import DependencyCycleError

__all__ = ["dependency_order"]


def dependency_order(programs: dict[str, ProgramRules]) -> dict[str, ProgramRules]:
    """The programs ordered so that each comes after those it reads.

    Raises:
        DependencyCycleError: naming the programs of the cycle and the line that closes it.
    """
    ordered: dict[str, ProgramRules] = {}
    visiting: list[str] = []

    def visit(pid: str) -> None:
        if pid in ordered:
            return
        rules = programs[pid]
        if pid in visiting:
            cycle = [*visiting[visiting.index(pid) :], pid]
            raise DependencyCycleError(
                rules.file,
                _reference_line(rules, cycle[1]),
                "dependency cycle between programs: " + " -> ".join(cycle),
            )
        visiting.append(pid)
        for dep in sorted(rules.depends_on()):
            if dep in programs:
                visit(dep)
        visiting.pop()
        ordered[pid] = rules

    for pid in sorted(programs):
        visit(pid)
    return ordered


def _reference_line(rules: ProgramRules, target: str) -> int:
    """The line of the first expression in ``rules`` that reads ``target``."""
    candidates: list[tuple[Loc, Expr | None]] = [
        (("variables", name), e) for name, e in rules.variables.items()
    ]
    candidates += [(("eligibility", i, "test"), e) for i, e in enumerate(rules.criteria.values())]
    candidates += [(("amount",), rules.amount), (("scope", "test"), rules.scope)]
    for loc, expr in candidates:
        if expr is not None and target in expr.programs():
            return rules.document.line_of(loc)
    return rules.document.line_of(("id",))
