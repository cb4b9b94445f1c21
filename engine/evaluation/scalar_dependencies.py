"""Which units of the generated code depend on a fact, for the frames that answer it otherwise.

A variant frame (one fact answered differently, see ``Frame.variant``) computes only the units
that depend on that fact, the *dirty* ones; every other unit is the base frame's. And a
row-local unit on another person's row is the base frame's too. :class:`UnitDependencies` works
both out from what each written function reads and calls.
"""

from __future__ import annotations

import threading
from typing import Any

from engine.evaluation.scalar_slots import Slots

__all__ = ["UnitDependencies"]


class UnitDependencies:
    """The dependencies of a catalog's units (a base of
    :class:`engine.evaluation.scalar_units.ScalarCode`, whose constructor sets the attributes
    declared here and whose writing records ``depends`` and the row-local units)."""

    slots: Slots
    namespace: dict[str, Any]
    _lock: threading.RLock
    #: per written function: the fact slots it reads and the functions it calls
    depends: dict[tuple[str, int], tuple[frozenset[int], frozenset[tuple[str, int]]]]
    _dirty: dict[tuple[str, int], tuple[frozenset[int], frozenset[int]]]
    _fact_slots: dict[tuple[str, int], list[int]]
    _row_local: set[tuple[str, int]]  # before the closure over calls
    _local_for: int
    _reversed: tuple[
        int,
        dict[tuple[str, int], list[tuple[str, int]]],
        dict[int, list[tuple[str, int]]],
    ]

    def fact_slots(self, fact: str) -> list[int]:
        """The slots of a stated fact in the frames (one per scope the code reads it at)."""
        key = (fact, len(self.slots.facts))
        found = self._fact_slots.get(key)
        if found is None:
            with self._lock:
                found = [i for (name, _), i in self.slots.facts.items() if name == fact]
                self._fact_slots[key] = found
        return found

    def dirty(self, fact: str) -> tuple[frozenset[int], frozenset[int]]:
        """The units whose value ("u") and bounds ("b") functions depend on ``fact``: the only
        ones a variant frame answering ``fact`` differently computes itself."""
        with self._lock:
            if self._local_for != len(self.depends):
                self._local_closure()
            key = (fact, len(self.depends))
            found = self._dirty.get(key)
            if found is None:
                callers, readers = self._reverse()
                slots = self.fact_slots(fact)
                hit: set[tuple[str, int]] = set()
                todo = [fn for slot in slots for fn in readers.get(slot, ())]
                while todo:  # everything that reads the fact, and everything that calls that
                    fn = todo.pop()
                    if fn not in hit:
                        hit.add(fn)
                        todo.extend(callers.get(fn, ()))
                found = self._dirty[key] = (
                    frozenset(u for kind, u in hit if kind == "u"),
                    frozenset(u for kind, u in hit if kind == "b"),
                )
            return found

    def _reverse(
        self,
    ) -> tuple[dict[tuple[str, int], list[tuple[str, int]]], dict[int, list[tuple[str, int]]]]:
        """Who calls each function, and which functions read each fact slot (kept until more
        functions are written)."""
        if self._reversed[0] != len(self.depends):
            callers: dict[tuple[str, int], list[tuple[str, int]]] = {}
            readers: dict[int, list[tuple[str, int]]] = {}
            for fn, (reads, calls) in self.depends.items():
                for called in calls:
                    callers.setdefault(called, []).append(fn)
                for slot in reads:
                    readers.setdefault(slot, []).append(fn)
            self._reversed = (len(self.depends), callers, readers)
        return self._reversed[1], self._reversed[2]

    def _local_closure(self) -> None:
        """Row-local units (``LU``, ``LB`` in the code): local themselves, and every unit they
        call is too. A variant answering person q's fact takes them from the base frame on
        every other row."""
        seen: dict[tuple[str, int], bool] = {}

        def visit(fn: tuple[str, int]) -> bool:
            if fn not in seen:
                seen[fn] = False
                calls = self.depends[fn][1]
                seen[fn] = fn in self._row_local and all([visit(c) for c in calls])
            return seen[fn]

        for fn in self.depends:
            visit(fn)
        self.namespace["LU"] = frozenset(u for (k, u), ok in seen.items() if ok and k == "u")
        self.namespace["LB"] = frozenset(u for (k, u), ok in seen.items() if ok and k == "b")
        self._local_for = len(self.depends)
