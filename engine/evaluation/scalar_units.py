"""The generated code of a whole catalog: units, written on demand and compiled in batches.

:class:`ScalarCode` holds one Python namespace per catalog. Every program's parts are written
when it is built; a node an explanation asks about later gets its own unit then (its source is
compiled into the same namespace, so units call each other by name). Thread-safe: writing and
compiling happen under one lock; running the functions needs none. A program's status and
benefit are written by :mod:`scalar_status_code`; which units depend on a fact is worked out by
:mod:`scalar_dependencies`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

from engine.catalog.catalog_cache import catalog_key_of
from engine.catalog.facts import Kind
from engine.catalog.program import BENEFIT, STATUS, Catalog, ProgramRules
from engine.catalog.tree import ALWAYS_KNOWN, PROGRAM_READS, Expr
from engine.collector import paused
from engine.evaluation import code_cache, native, scalar_cache
from engine.evaluation.native import Native
from engine.evaluation.scalar_bounds_code import BoundsEmitter
from engine.evaluation.scalar_code import Emitter
from engine.evaluation.scalar_dependencies import UnitDependencies
from engine.evaluation.scalar_missing_code import MissingEmitter, one
from engine.evaluation.scalar_slots import OPS, ROW_BITS, Slots, UnitKey, part_units
from engine.evaluation.scalar_status_code import benefit, benefit_bounds, status, status_bounds

__all__ = ["ScalarCode"]

_LEAVES = ("const", "param", "date", "fact", "var", "def")
#: a written function: ``(frame, row) -> value, bounds or missing facts``
Unit = Callable[[Any, int], Any]
#: a unit whose value is another unit's on the same row: its name is bound to that function
_FORWARD = re.compile(r"    t1 = u(\d+)\(c, r\)")


class ScalarCode(UnitDependencies):
    """A catalog's units compiled to Python functions ``u<i>`` (values), ``b<i>`` (bounds) and
    ``x<i>`` (the facts an unknown value misses, :mod:`scalar_missing_code`)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.slots = Slots()
        self.index: dict[UnitKey, int] = {}
        self.keys: list[UnitKey] = []
        self.nodes: dict[int, Expr] = {}  # by number: see ordinal
        self._ordinals: dict[int, int] = {}  # by id(node), for the nodes above
        self.namespace: dict[str, Any] = {
            **OPS,
            "LU": frozenset(),
            "LB": frozenset(),
            "E": frozenset(),
            "one": one,
        }
        self._written: set[tuple[str, int]] = set()
        self._queue: list[tuple[str, int]] = []
        self._lock = threading.RLock()
        self._node_keys: dict[tuple[int, str | None], UnitKey] = {}
        self._functions: dict[tuple[str, UnitKey], Unit] = {}
        self._part_missing: dict[str, dict[int, Unit]] = {}
        self._names: list[str] = []  # the named slots in order (missing_paths)
        #: parts' value and bounds functions by kind and program, then by part
        self._parts: dict[tuple[str, str], dict[Any, Unit]] = {}
        #: ScalarRun.first's functions and rows, by (program, part)
        self.firsts: dict[tuple[str, Any], tuple[Unit, bool]] = {}
        #: node functions by kind and program, then by ``id(node)``
        self._node_functions: dict[tuple[str, str | None], dict[int, Unit]] = {}
        self.depends = {}  # the dependencies' attributes are declared in UnitDependencies
        self._dirty = {}
        self._fact_slots = {}
        self._row_local = set()
        self._local_for = -1
        self._reversed = (-1, {}, {})
        self.lines = 0
        self.sources: list[str] = []
        #: per (fact, program): the answer of the fact that left the program undetermined last
        #: (the next question tries it first; a hint, never an answer)
        self.hints: dict[tuple[str, str], int] = {}
        #: the units' value, bounds and missing-facts functions compiled to C, where they can
        #: be (:mod:`native`), once the module is built (None until then, and without it);
        #: frames made after carry their native state (``Frame.h``)
        self.native: Native | None = None
        with self._lock, paused():
            for rules in catalog.programs.values():
                for expr in rules.expressions():
                    self._number(expr)
            walked = len(self.nodes)
            key = catalog_key_of(catalog)
            kept = scalar_cache.load(key, walked) if key is not None else None
            if kept is not None:
                self._restore(kept)
                self._go_native(key)
                return
            for pid, rules in catalog.programs.items():
                for part in part_units(rules):
                    self.want("u", ("part", pid, part))
                # the facts each part misses: an explanation asks for them in every check
                for part, _ in rules.parts():
                    self.want("x", ("raw", pid, part))
                # explanation texts too, so every fact and parameter has its slot before any
                # frame is built (a frame's slots are fixed when it is made)
                for expr in rules.texts.values():
                    self.want("u", self.node(expr, rules))
                    self.want("b", self.node(expr, rules))
            self._flush()
            if key is not None and len(self.nodes) == walked:  # every node is the catalog's
                scalar_cache.store(key, walked, self._kept())
            self._go_native(key)

    def _go_native(self, key: str | None) -> None:
        """Put the native twins of the functions written so far in their place, where they
        can be kept (a catalog with a cache key: see :mod:`native`): now when the module is in
        the cache, else once it is built (meanwhile the Python functions answer)."""
        if key is None or not native.enabled():
            return
        self._local_closure()
        namespace = self.namespace
        python = {
            name: fn
            for name, fn in namespace.items()
            if name[:1] in ("u", "b", "x") and name[1:].isdigit() and callable(fn)
        }
        aliases = {name: fn.__name__ for name, fn in python.items() if fn.__name__ != name}
        job = native.Job(
            list(self.sources),
            {name: namespace[name] for name in self.slots.constants},
            (namespace["LU"], namespace["LB"]),
            aliases,
        )
        found = native.build(job)
        if isinstance(found, native.Pending):
            if native.waits():
                self._install(found.wait(), python, aliases)
            else:
                pending = found
                threading.Thread(
                    target=lambda: self._install(pending.wait(), python, aliases),
                    name="lifeevents-native",
                    daemon=True,
                ).start()
        else:
            self._install(found, python, aliases)

    def _install(
        self, module: ModuleType | None, python: dict[str, Any], aliases: dict[str, str]
    ) -> None:
        """Bind the units' names to ``module``'s (each falls back on its Python function for
        a frame made before); frames made from now on carry native state."""
        if module is None:
            return
        found = Native(module, python)
        with self._lock:
            namespace = self.namespace
            namespace.update(found.units)
            for name, target in aliases.items():
                if target in found.units:
                    namespace[name] = found.units[target]
            self._functions.clear()
            self._parts.clear()
            self._node_functions.clear()
            self.firsts.clear()
            self.native = found

    # ------------------------------------------------------------ numbering and keeping

    def _number(self, expr: Expr) -> None:
        """Number ``expr``'s nodes not numbered yet, parents before children, left to right."""
        stack = [expr]
        while stack:
            node = stack.pop()
            if id(node) not in self._ordinals:
                self.ordinal(node)
                stack.extend(reversed(node.args))

    def ordinal(self, expr: Expr) -> int:
        """A node's number: the catalog's nodes in the order of a walk of its programs, then
        any other in the order asked. The same in every process for the same catalog (unlike
        an ``id``), so the code written for it can be kept between processes."""
        found = self._ordinals.get(id(expr))
        if found is None:  # ``nodes`` keeps every numbered node alive: its id is never reused
            found = self._ordinals[id(expr)] = len(self.nodes)
            self.nodes[found] = expr
        return found

    def _kept(self) -> scalar_cache.Kept:
        """What the constructor wrote, for :mod:`scalar_cache`."""
        return scalar_cache.Kept(
            slots=self.slots,
            keys=self.keys,
            written=self._written,
            node_keys={(self._ordinals[i], pid): k for (i, pid), k in self._node_keys.items()},
            depends=self.depends,
            row_local=self._row_local,
            sources=self.sources,
        )

    def _restore(self, kept: scalar_cache.Kept) -> None:
        """Take up what a constructor wrote for the same catalog in an earlier process."""
        self.slots = kept.slots
        self.keys = kept.keys
        self.index = {key: unit for unit, key in enumerate(kept.keys)}
        self._written = kept.written
        self._node_keys = {(id(self.nodes[n]), pid): k for (n, pid), k in kept.node_keys.items()}
        self.depends = kept.depends
        self._row_local = kept.row_local
        for source in kept.sources:
            self._execute(source)

    # ------------------------------------------------------------ requests

    def _unit(self, key: UnitKey) -> int:
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.keys)
            self.keys.append(key)
        return found

    def want(self, kind: str, key: UnitKey) -> int:
        """The unit number of ``key``; its ``kind`` function ("u", "b", "x") is written later."""
        if key[0] == "raw" and kind == "b":  # a part's bounds are its expression's
            key = ("part", *key[1:])
        unit = self._unit(key)
        if (kind, unit) not in self._written:
            self._written.add((kind, unit))
            self._queue.append((kind, unit))
        return unit

    def function(self, kind: str, key: UnitKey) -> Unit:
        """The compiled value ("u") or bounds ("b") function of a unit, written if needed."""
        found = self._functions.get((kind, key))
        if found is None:
            with self._lock:
                unit = self.want(kind, key)
                if self._queue:
                    self._flush()
            found = self._functions[(kind, key)] = self.namespace[f"{kind}{unit}"]
        return found

    def part_functions(self, kind: str, program_id: str) -> dict[Any, Unit]:
        """The value ("u") or bounds ("b") functions of a program's parts found so far, by
        part (:meth:`part_function` fills it): readers that ask for the same parts in every
        check (statuses, criteria) look each up without building its unit key."""
        key = (kind, program_id)
        found = self._parts.get(key)
        if found is None:
            found = self._parts.setdefault(key, {})
        return found

    def part_function(self, kind: str, program_id: str, part: Any) -> Unit:
        """The value ("u") or bounds ("b") function of a program's part.

        Raises:
            KeyError: the program has no such part.
        """
        table = self.part_functions(kind, program_id)
        found = table.get(part)
        if found is None:
            found = table[part] = self.function(kind, ("part", program_id, part))
        return found

    def node_functions(self, kind: str, program: ProgramRules | None) -> dict[int, Unit]:
        """The value ("u") or bounds ("b") functions of ``program``'s nodes found so far, by
        ``id(node)`` (:meth:`node_function` fills it): a reader that goes back to the same
        nodes in every check (explanations) looks each up once."""
        key = (kind, program.id if program is not None else None)
        found = self._node_functions.get(key)
        if found is None:
            found = self._node_functions.setdefault(key, {})
        return found

    def node_function(self, kind: str, expr: Expr, program: ProgramRules | None) -> Unit:
        """The value ("u") or bounds ("b") function of any node of ``program``'s trees."""
        table = self.node_functions(kind, program)
        found = table.get(id(expr))
        if found is None:
            with self._lock:  # the whole subtree at once: explanations walk down it next
                for node in expr.walk() if kind != "x" else ():
                    if node.op not in ALWAYS_KNOWN and node.kind != Kind.TABLE:
                        self.want(kind, self.node(node, program))
            found = table[id(expr)] = self.function(kind, self.node(expr, program))
        return found

    def part_missing(self, program: ProgramRules) -> dict[int, Unit]:
        """The missing-facts functions of a program's parts, by ``id`` of the part's
        expression (written with the catalog's code)."""
        found = self._part_missing.get(program.id)
        if found is None:
            found = self._part_missing[program.id] = {
                id(expr): self.function("x", ("raw", program.id, part))
                for part, expr in program.parts()
            }
        return found

    def unit_of(self, key: UnitKey) -> int:
        """The number of a unit whose function has been asked for (see :meth:`function`)."""
        return self.index[key]

    def node(self, expr: Expr, program: ProgramRules | None) -> UnitKey:
        """The unit key of any node (an explanation's sub-expression)."""
        cache = (id(expr), program.id if program is not None else None)
        key = self._node_keys.get(cache)
        if key is None:
            key = self._node_keys[cache] = self._emitter(Emitter, program).node_key(expr)
        return key

    # ------------------------------------------------------------ writing

    def _emitter(self, cls: type[Emitter], program: ProgramRules | None, **extra: Any) -> Emitter:
        emitter = cls(
            self.catalog,
            self.slots,
            lambda key: self.want("u", key),
            lambda key: self.want("b", key),
            program,
            **extra,
        )
        emitter.ordinal = self.ordinal
        return emitter

    def _flush(self) -> None:
        with paused():
            self._write_and_compile()

    def _write_and_compile(self) -> None:
        sources: list[str] = []
        aliases: dict[int, int] = {}  # value units that forward another's: see _source
        while self._queue:
            kind, unit = self._queue.pop()
            source = self._source(kind, unit, aliases)
            if source:
                sources.append(source)
        for unit, target in sorted(aliases.items()):
            while target in aliases:  # a chain: its end is a function of this batch's
                target = aliases[target]
            sources.append(f"u{unit} = u{target}")
        self._execute("\n\n".join(sources))

    def _execute(self, code: str) -> None:
        """Compile ``code`` (or take it from the cache) into the namespace."""
        self.sources.append(code)
        self.lines += code.count("\n")
        namespace = self.namespace
        namespace.update(self.slots.constants)
        # The one place the engine compiles Python: source the emitters wrote from the checked
        # tree (in this process, or in an earlier one for the same catalog and engine code:
        # scalar_cache), never from rule text (numbers as float literals, operators from
        # ARITH_OPS / CMP_OPS, names the emitters make; tests/engine/test_no_eval.py audits
        # every line of it). The compiled form of exactly this source may come from the user's
        # cache (code_cache).
        compiled = code_cache.load(code)
        if compiled is None:
            compiled = compile(code, "<lifeevents scalar>", "exec")
            code_cache.store(code, compiled)
        exec(compiled, namespace)

    def missing_paths(self, codes: frozenset[int], member_id: Callable[[int], str]) -> set[str]:
        """The contract's paths of missing facts written as numbers by the ``x`` functions
        (``member_id``: a person's id by row)."""
        names = self._names
        if len(names) != len(self.slots.named):  # slots are only ever added
            names = self._names = list(self.slots.named)
        out = set()
        for code in codes:
            name, row = names[code >> ROW_BITS], (code & ((1 << ROW_BITS) - 1)) - 1
            out.add(f"household/{name}" if row < 0 else f"members/{member_id(row)}/{name}")
        return out

    def _source(self, kind: str, unit: int, aliases: dict[int, int]) -> str:
        """A unit's function, or "" for a value unit forwarding another's (see ``aliases``)."""
        key = self.keys[unit]
        program_id = key[2] if key[0] == "node" else key[1]
        rules = self.catalog.programs[program_id] if program_id else None
        if kind == "x":
            return self._missing(unit, key, rules)
        if kind == "u":
            e = self._emitter(Emitter, rules)
            result = self._value(e, key, rules)
        else:
            b = self._emitter(BoundsEmitter, rules)
            assert isinstance(b, BoundsEmitter)
            lo, hi = self._bounds(b, key, rules)
            e, result = b, f"({lo}, {hi})"
        self.depends[(kind, unit)] = (frozenset(e.reads), frozenset(e.calls))
        if e.row_local and self._scope(key, rules) == "person":
            self._row_local.add((kind, unit))
        forwarded = _FORWARD.fullmatch(e.lines[0]) if kind == "u" and len(e.lines) == 1 else None
        if forwarded is not None and result == "t1" and not e.used:
            aliases[unit] = int(forwarded.group(1))
            return ""
        return e.function(kind, unit, result)

    def _missing(self, unit: int, key: UnitKey, rules: ProgramRules | None) -> str:
        """A unit's missing-facts function (never read by a variant frame: no dependencies)."""
        self.want("u", key)
        e = self._emitter(MissingEmitter, rules, misses=lambda k: self.want("x", k))
        assert isinstance(e, MissingEmitter)
        expr = self._expr(key, rules)
        if _inline_root(key, expr):
            result = e.root(expr)
        else:
            e.value(expr, "r")
            result = e.last
        return e.function("x", unit, result)

    def _scope(self, key: UnitKey, rules: ProgramRules | None) -> str:
        if key[0] == "node":
            return self.nodes[key[1]].scope
        assert rules is not None
        return rules.program.entity

    def _expr(self, key: UnitKey, rules: ProgramRules | None) -> Expr:
        if key[0] == "node":
            return self.nodes[key[1]]
        assert rules is not None
        if key[0] == "var":
            return rules.variables[key[2]]
        return dict(rules.parts())[key[2]]

    def _value(self, e: Emitter, key: UnitKey, rules: ProgramRules | None) -> str:
        what = key[0]
        if what == "part" and key[2] == STATUS:
            assert rules is not None
            return status(e, rules)
        if what == "part" and key[2] == BENEFIT:
            assert rules is not None
            return benefit(e, rules)
        if what == "part":  # a part, refined where its bounds decide it
            raw = e.save(f"{e.ref('u', ('raw', *key[1:]))}(c, r)")
            bounds = e.ref("b", key)
            e.put(f"if {raw} != {raw}:")
            e.put(f"    lo, hi = {bounds}(c, r)")
            e.put("    if lo == hi and -INF < lo < INF:")
            e.put(f"        {raw} = lo")
            return raw
        expr = self._expr(key, rules)
        if _inline_root(key, expr):
            return e.inline(expr, "r")
        return e.value(expr, "r")

    def _bounds(
        self, b: BoundsEmitter, key: UnitKey, rules: ProgramRules | None
    ) -> tuple[str, str]:
        if key[0] == "part" and key[2] in (STATUS, BENEFIT):
            assert rules is not None
            return status_bounds(b, rules) if key[2] == STATUS else benefit_bounds(b, rules)
        expr = self._expr(key, rules)
        if _inline_root(key, expr):
            return b.inline_pair(expr, "r")
        return b.pair(expr, "r")


def _inline_root(key: UnitKey, expr: Expr) -> bool:
    """A node unit whose own operation is written in its function (a leaf, or a read of
    another program, is written as the value it reads)."""
    return (
        key[0] == "node"
        and expr.op not in _LEAVES
        and not (expr.op == "call" and expr.value in PROGRAM_READS)
    )
