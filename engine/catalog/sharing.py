"""Common subexpressions: identical subtrees become one node, so a run computes them once.

A subtree that reads only facts stated once per person or household (not incomes by year),
built-in dates, constants and parameters (each names its program) means the same in every
program: it is shared across the catalog. Any other subtree (it reads a program's variables,
base-year incomes or another program's results) is shared only within its own program. Node
values are memoized by node identity, so sharing the instance is what lets the memo serve every
place the subtree appears.
"""

from __future__ import annotations

import dataclasses

from engine.catalog.facts import FactRegistry
from engine.catalog.program import ProgramRules
from engine.catalog.tree import PROGRAM_READS, Expr

__all__ = ["SubexpressionTable", "share_subexpressions"]

_PROGRAM_SPECIFIC = ("var",)


class SubexpressionTable:
    """Canonical instances of subtrees, by program (or by nobody, when context-free).

    Examples:
        >>> from engine.catalog.expressions import Namespace, check_expression
        >>> from engine.catalog.loader import load_facts
        >>> from engine.catalog.paths import default_rules_dir
        >>> facts = load_facts(default_rules_dir() / "facts.yaml")
        >>> table = SubexpressionTable(facts)
        >>> ns = Namespace(facts, entity="household")
        >>> young = "count(role == 'child' and age_on(as_of) < 6)"
        >>> a = table.share(check_expression(young + " > 0", ns), "p1")
        >>> b = table.share(check_expression(young + " >= 2", ns), "p2")
        >>> a.args[0] is b.args[0]
        True
    """

    def __init__(self, facts: FactRegistry) -> None:
        self._facts = facts
        self._nodes: dict[tuple[str | None, Expr], Expr] = {}
        self._uses: dict[int, int] = {}
        self._free: dict[int, tuple[Expr, bool]] = {}  # keeps the node alive: ids stay unique

    def share(self, expr: Expr, program_id: str) -> Expr:
        """The canonical instance of ``expr`` with every subtree shared."""
        args = tuple(self.share(arg, program_id) for arg in expr.args)
        rebuilt = any(new is not old for new, old in zip(args, expr.args, strict=True))
        node = dataclasses.replace(expr, args=args) if rebuilt else expr
        owner = None if self._context_free(node) else program_id
        canonical = self._nodes.setdefault((owner, node), node)
        self._uses[id(canonical)] = self._uses.get(id(canonical), 0) + 1
        return canonical

    @property
    def repeated(self) -> frozenset[int]:
        """Ids of the canonical nodes that stand in more than one place."""
        return frozenset(key for key, uses in self._uses.items() if uses > 1)

    def _context_free(self, node: Expr) -> bool:
        entry = self._free.get(id(node))
        if entry is None:
            entry = (node, all(self._leaf_free(n) for n in node.walk()))
            self._free[id(node)] = entry
        return entry[1]

    def _leaf_free(self, node: Expr) -> bool:
        if node.op in _PROGRAM_SPECIFIC:
            return False
        if node.op == "fact":
            return not self._facts[node.value].yearly
        return not (node.op == "call" and node.value in PROGRAM_READS)


def share_subexpressions(
    programs: dict[str, ProgramRules], facts: FactRegistry
) -> tuple[dict[str, ProgramRules], frozenset[int]]:
    """Rebuild every program's expressions with shared common subtrees; also the ids of the
    subtrees that stand in more than one place."""
    table = SubexpressionTable(facts)
    out: dict[str, ProgramRules] = {}
    for pid, rules in programs.items():

        def share(expr: Expr, pid: str = pid) -> Expr:
            return table.share(expr, pid)

        out[pid] = dataclasses.replace(
            rules,
            variables={name: share(e) for name, e in rules.variables.items()},
            criteria={cid: share(e) for cid, e in rules.criteria.items()},
            amount=share(rules.amount) if rules.amount is not None else None,
            scope=share(rules.scope) if rules.scope is not None else None,
            jurisdiction=share(rules.jurisdiction),
            texts={name: share(e) for name, e in rules.texts.items()},
        )
    return out, table.repeated
