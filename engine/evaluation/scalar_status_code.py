"""Generate the code of a program's status and benefit, values and bounds.

A program's status is not one expression of its rule file: it is its gates and criteria in
Kleene and, refined by the bounds of its amount and scope (``compiler._status_formula`` on
arrays, ``runtime._Context._status_bounds`` for bounds); its benefit is its amount where it is
eligible. These functions write that into the unit of the ``STATUS`` or ``BENEFIT`` part
(:class:`engine.evaluation.scalar_units.ScalarCode` asks for them).
"""

from __future__ import annotations

from engine.catalog import Part, ProgramRules
from engine.catalog.program import AMOUNT, BENEFIT, IN_FORCE, JURISDICTION, SCOPE, STATUS
from engine.evaluation.scalar_bounds_code import BoundsEmitter
from engine.evaluation.scalar_code import Emitter

__all__ = ["benefit", "benefit_bounds", "status", "status_bounds"]


def status(e: Emitter, rules: ProgramRules) -> str:
    """``compiler._status_formula``: gates and criteria in Kleene and, then bounds.

    The bounds step is written out for this one place instead of calling the status's
    bounds unit. A gate or criterion is a refined part: unknown, its bounds are (0, 1)
    (boolean bounds lie in {0, 1}, and a point would have refined it). So when the answer
    is unknown, the status's bounds (the least of its terms' bounds, the least lower bound
    0 where the scope is not surely 1) are a point only through the amount's term, known
    to be positive or surely not: surely not (0) whatever else, positive (1) when nothing
    else is unknown and the scope holds. With the amount known, or none (in kind), they
    are never a point. Same answers as the bounds unit (tests/engine/evaluation/
    test_scalar.py compares statuses with the vectorized path), without computing the
    bounds of every criterion again."""
    pid, program = rules.id, rules.program
    out, other = e.tmp(), e.tmp()
    e.put(f"{out} = 1.0")
    e.put(f"{other} = 0.0")  # 1.0: a gate or criterion is unknown
    e.put("while True:")
    e.depth += 1
    gates = [JURISDICTION] + ([IN_FORCE] if rules.in_force is not None else [])
    criteria = [Part.criterion(c.id) for c in program.eligibility]
    for part in [*gates, *criteria]:
        _and_step(e, out, e.save(f"{e.ref('u', ('part', pid, part))}(c, r)"), other)
    amount = None
    if not program.in_kind:
        amount = e.save(f"{e.ref('u', ('part', pid, AMOUNT))}(c, r)")
        positive = e.save(f"(1.0 if {amount} > 0.0 else 0.0) + {amount} * 0.0")
        _and_step(e, out, positive)
    e.put("break")
    e.depth -= 1
    scope = _scoped(e, out, rules) if program.scope is not None else None
    if amount is not None:  # unknown only when the loop ran to its end: amount is set
        e.put(f"if {out} != {out} and {amount} != {amount}:")
        e.put(f"    lo, hi = {e.ref('b', ('part', pid, AMOUNT))}(c, r)")  # the amount > 0?
        e.put("    lo = 1.0 if lo > 0.0 else 0.0")  # scalar_ops.b_cmp(">", ..., (0.0, 0.0))
        e.put("    hi = 0.0 if hi <= 0.0 else 1.0")
        e.put("    if hi == 0.0:")
        e.put(f"        {out} = 0.0")
        holds = f" and {scope} == 1.0" if scope is not None else ""
        e.put(f"    elif lo == 1.0 and {other} == 0.0{holds}:")
        e.put(f"        {out} = 1.0")
    return out


def _and_step(e: Emitter, out: str, value: str, unknown: str | None = None) -> None:
    """One term of the Kleene and (``unknown``: a flag set to 1.0 when the term is)."""
    e.put(f"if {value} == 0.0:")
    e.put(f"    {out} = 0.0")
    e.put("    break")
    e.put(f"if {value} != {value}:")
    e.put(f"    {out} = NAN")
    if unknown is not None:
        e.put(f"    {unknown} = 1.0")


def _scoped(e: Emitter, out: str, rules: ProgramRules) -> str:
    """Outside the file's scope only a failing criterion (or gate) is an answer; the
    scope's value (set wherever the answer is not 0)."""
    e.put(f"if {out} != 0.0:")
    e.depth += 1
    scope = e.save(f"{e.ref('u', ('part', rules.id, SCOPE))}(c, r)")
    e.put(f"if {scope} != 1.0:")
    e.put(f"    {out} = NAN")
    e.depth -= 1
    return scope


def benefit(e: Emitter, rules: ProgramRules) -> str:
    """The benefit: the amount where the status is eligible, 0 where it is not."""
    pid = rules.id
    status = e.save(f"{e.ref('u', ('part', pid, STATUS))}(c, r)")
    if rules.program.in_kind:
        return e.save(f"0.0 if {status} == 1.0 or {status} == 0.0 else NAN")
    out = e.save(f"0.0 if {status} == 0.0 else NAN")
    e.put(f"if {status} == 1.0:")  # the amount only counts for an eligible answer
    e.put(f"    {out} = {e.ref('u', ('part', pid, AMOUNT))}(c, r)")
    return out


def _part_pair(b: BoundsEmitter, pid: str, part: Part) -> tuple[str, str]:
    if part in (STATUS, BENEFIT):
        return b.unpack(f"{b.ref('b', ('part', pid, part))}(c, r)")
    return b.known_or(("raw", pid, part), ("part", pid, part), "r")  # runtime.part_bounds


def status_bounds(b: BoundsEmitter, rules: ProgramRules) -> tuple[str, str]:
    """``runtime._Context._status_bounds``."""
    pid, program = rules.id, rules.program
    pairs = [_part_pair(b, pid, Part.criterion(c.id)) for c in program.eligibility]
    if not program.in_kind:
        amount = _part_pair(b, pid, AMOUNT)
        positive = b.names()
        b.compare_pair(">", amount, ("0.0", "0.0"), *positive)
        pairs.append(positive)
    lo = b.save(b.fold("mn", [p[0] for p in pairs]))
    hi = b.save(b.fold("mn", [p[1] for p in pairs]))
    if program.scope is not None:
        scope = _part_pair(b, pid, SCOPE)
        b.put(f"if {scope[0]} != 1.0:")
        b.put(f"    {lo} = 0.0")
    gates = [_part_pair(b, pid, JURISDICTION)]
    if rules.in_force is not None:
        gates.append(_part_pair(b, pid, IN_FORCE))
    return b.fold("mn", [*(g[0] for g in gates), lo]), b.fold("mn", [*(g[1] for g in gates), hi])


def benefit_bounds(b: BoundsEmitter, rules: ProgramRules) -> tuple[str, str]:
    """``runtime._Context._benefit_bounds``."""
    if rules.program.in_kind:
        return "0.0", "0.0"
    s0, s1 = _part_pair(b, rules.id, STATUS)
    a0, a1 = _part_pair(b, rules.id, AMOUNT)
    lo = b.save(f"{a0} if {s0} == 1.0 else (0.0 if {s1} == 0.0 else mn({a0}, 0.0))")
    hi = b.save(f"{a1} if {s0} == 1.0 else (0.0 if {s1} == 0.0 else mx({a1}, 0.0))")
    return lo, hi
