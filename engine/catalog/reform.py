"""Reforms: what-if changes to a catalog's parameters and expressions, written as data.

A reform is applied to the rule data and the result goes through the same loader checks and
compiler as the bundled rules (jurisdiction, sharing, type checks included): there is one path
from rules to answers, and a reform cannot bypass it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.catalog.schema import (
    DatedValue,
    Identifier,
    NonEmpty,
    Number,
    Parameter,
    Program,
    Reference,
    TableValue,
)
from engine.errors import InputError

__all__ = ["ParameterChange", "ProgramChange", "Reform", "apply_reform"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParameterChange(_Model):
    """New values of one program's parameter, each in force from its date; or the law's values
    multiplied by ``scale`` from ``since`` on (the value in force that day and every later
    one)."""

    program: Identifier
    parameter: Identifier
    values: dict[dt.date, Number | TableValue] = {}
    scale: Annotated[float, Field(gt=0)] | None = None
    since: dt.date | None = None

    @model_validator(mode="after")
    def _values_or_scale(self) -> ParameterChange:
        if bool(self.values) == (self.scale is not None):
            raise ValueError("give either 'values' or 'scale' (with 'since')")
        if self.scale is not None and self.since is None:
            raise ValueError("'scale' needs 'since': the date the change takes effect")
        return self


class ProgramChange(_Model):
    """Expressions of one program replaced by the reform."""

    variables: dict[Identifier, NonEmpty] = {}
    amount: NonEmpty | None = None
    criteria: dict[Identifier, NonEmpty] = {}


class Reform(_Model):
    """A named what-if: parameter values and expressions that differ from the law, and programs
    the law does not have (each a whole program, checked like a rule file)."""

    name: NonEmpty
    parameters: list[ParameterChange] = []
    programs: dict[Identifier, ProgramChange] = {}
    new_programs: list[Program] = []


def apply_reform(programs: dict[str, Program], reform: Reform) -> dict[str, Program]:
    """The programs with the reform's changes (values from a date replace the law's from then).

    Raises:
        InputError: the reform names a program, parameter, variable or criterion that does not
            exist (its path in the reform and the reason).
    """
    out = dict(programs)
    source = Reference(
        title=f"Reform '{reform.name}' (hypothetical, not law)",
        url=f"https://lifeevents.invalid/reforms/{reform.name.replace(' ', '_')}",
    )
    for index, change in enumerate(reform.parameters):
        where = f"parameters/{index}"
        program = out.get(change.program)
        if program is None:
            raise InputError(f"{where}/program", f"no program {change.program!r}")
        parameter = program.parameters.get(change.parameter)
        if parameter is None:
            raise InputError(
                f"{where}/parameter", f"{change.program} has no parameter {change.parameter!r}"
            )
        values = change.values or _scaled(parameter, change, where)
        first = min(values)
        kept = {d: v for d, v in parameter.values.items() if dt.date.fromisoformat(d) < first}
        for day, value in sorted(values.items()):
            if isinstance(value, dict) != parameter.is_table:
                raise InputError(
                    f"{where}/values/{day}", "a table replaces a table, a number a number"
                )
            kept[day.isoformat()] = DatedValue(value=value, reference=source, status="unverified")
        new = parameter.model_copy(update={"values": dict(sorted(kept.items()))})
        out[program.id] = program.model_copy(
            update={"parameters": {**program.parameters, change.parameter: new}}
        )
    for pid, edit in reform.programs.items():
        out[pid] = _edit_program(out.get(pid), pid, edit)
    for index, added in enumerate(reform.new_programs):
        if added.id in out:
            raise InputError(f"new_programs/{index}/id", f"a program {added.id!r} exists already")
        out[added.id] = added
    return out


def _scaled(
    parameter: Parameter, change: ParameterChange, where: str
) -> dict[dt.date, Number | TableValue]:
    """The law's values from ``change.since`` on, multiplied by ``change.scale`` (to six
    decimals, so rates keep their precision)."""
    if parameter.is_table:
        raise InputError(f"{where}/scale", "a table is changed with 'values', not 'scale'")
    since = change.since or dt.date.min
    dated = sorted((dt.date.fromisoformat(d), v.value) for d, v in parameter.values.items())
    in_force = [v for d, v in dated if d <= since]
    out: dict[dt.date, Number | TableValue] = {}
    if in_force:
        out[since] = round(float(in_force[-1]) * (change.scale or 1), 6)  # type: ignore[arg-type]
    for day, value in dated:
        if day > since:
            out[day] = round(float(value) * (change.scale or 1), 6)  # type: ignore[arg-type]
    if not out:
        raise InputError(f"{where}/since", "the parameter has no value on or after this date")
    return out


def _edit_program(program: Program | None, pid: str, change: ProgramChange) -> Program:
    if program is None:
        raise InputError(f"programs/{pid}", f"no program {pid!r}")
    unknown = set(change.variables) - set(program.variables)
    if unknown:
        raise InputError(f"programs/{pid}/variables", f"no variable {sorted(unknown)[0]!r}")
    criteria = {c.id: c for c in program.eligibility}
    if set(change.criteria) - set(criteria):
        name = sorted(set(change.criteria) - set(criteria))[0]
        raise InputError(f"programs/{pid}/criteria", f"no criterion {name!r}")
    eligibility = [
        c.model_copy(update={"test": change.criteria[c.id]}) if c.id in change.criteria else c
        for c in program.eligibility
    ]
    return program.model_copy(
        update={
            "variables": {**program.variables, **change.variables},
            "amount": change.amount or program.amount,
            "eligibility": eligibility,
        }
    )
