"""The validated catalog: programs ready to compile, their parts, and shared definitions.

Examples:
    >>> Part.criterion("has_eligible_child").variable("ca_ccb")
    'ca_ccb__crit__has_eligible_child'
    >>> STATUS.variable("ca_ccb")
    'ca_ccb__status'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, NamedTuple

from engine.catalog import schema
from engine.catalog._yaml import LocatedDocument
from engine.catalog.agreements import SharingRules
from engine.catalog.coverage import Coverage
from engine.catalog.facts import FactRegistry
from engine.catalog.life_events import LifeEventFile
from engine.catalog.profile import Profile, profile_model
from engine.catalog.tree import AGGREGATES, MEMBERS, Expr
from engine.errors import ParameterValueMissing

#: the operations a jurisdiction test of the facts alone is made of (``jurisdiction_facts``)
_PLACE_OPS = frozenset({"const", "fact", "cmp", "and", "or", "not"})

__all__ = [
    "AMOUNT",
    "BENEFIT",
    "IN_FORCE",
    "JURISDICTION",
    "SCOPE",
    "STATUS",
    "WEEKLY",
    "WEEKS",
    "Catalog",
    "Definition",
    "Part",
    "ProgramRules",
    "program_read",
]

PartKind = Literal[
    "criterion",
    "amount",
    "scope",
    "jurisdiction",
    "in_force",
    "weekly",
    "weeks",
    "status",
    "benefit",
]


class Part(NamedTuple):
    """One result a program computes: a criterion, its amount, scope, jurisdiction, status or
    benefit (the amount when eligible, 0 when not, unknown otherwise)."""

    kind: PartKind
    name: str = ""

    @classmethod
    def criterion(cls, criterion_id: str) -> Part:
        """The part holding one named criterion."""
        return cls("criterion", criterion_id)

    def variable(self, program_id: str) -> str:
        """The OpenFisca variable that holds this part of ``program_id``."""
        if self.kind == "criterion":
            return f"{program_id}__crit__{self.name}"
        return f"{program_id}__{self.kind}"


def program_read(expr: Expr) -> tuple[str, Part]:
    """The program and part an ``is_eligible`` / ``amount_of`` / ``criterion`` call reads."""
    program: str = expr.args[0].value
    if expr.value == "criterion":
        return program, Part.criterion(expr.args[1].value)
    return program, STATUS if expr.value == "is_eligible" else BENEFIT


AMOUNT = Part("amount")
SCOPE = Part("scope")
JURISDICTION = Part("jurisdiction")
IN_FORCE = Part("in_force")
WEEKLY = Part("weekly")
WEEKS = Part("weeks")
STATUS = Part("status")
BENEFIT = Part("benefit")


@dataclass(frozen=True, eq=False)
class Definition:
    """A named expression shared by programs (``rules/definitions/<topic>.yaml``) or a derived
    fact (``rules/facts.yaml``), inlined where it is used.

    ``requires`` are names the using program must provide (its parameters or variables), so
    one arithmetic serves programs with their own rates.
    """

    name: str
    entity: str
    source: str
    file: Path
    line: int
    requires: tuple[str, ...] = ()
    spec: schema.DefinitionSpec | None = None


@dataclass(frozen=True, eq=False)
class ProgramRules:
    """One program, validated and type-checked, ready to compile."""

    program: schema.Program
    document: LocatedDocument
    variables: dict[str, Expr]
    criteria: dict[str, Expr]
    amount: Expr | None
    scope: Expr | None
    jurisdiction: Expr
    texts: dict[str, Expr] = field(default_factory=dict)
    in_force: Expr | None = None
    weekly: Expr | None = None
    weeks: Expr | None = None

    @cached_property
    def id(self) -> str:
        """The program id (read thousands of times a check: kept)."""
        return self.program.id

    @cached_property
    def criterion_parts(self) -> tuple[tuple[schema.Criterion, Part], ...]:
        """Each criterion of the file, in order, with the part that holds it."""
        return tuple((c, Part.criterion(c.id)) for c in self.program.eligibility)

    @property
    def file(self) -> Path:
        """The rule file."""
        return self.document.file

    def line(self, *loc: str | int) -> int:
        """The line of a value in the rule file."""
        return self.document.line_of(loc)

    def parts(self) -> Iterator[tuple[Part, Expr]]:
        """Every computed part: the criteria, the amount (and its weekly rate and weeks), the
        scope, the jurisdiction and the dates the program is in force."""
        for criterion_id, expr in self.criteria.items():
            yield Part.criterion(criterion_id), expr
        if self.amount is not None:
            yield AMOUNT, self.amount
        if self.weekly is not None and self.weeks is not None:
            yield WEEKLY, self.weekly
            yield WEEKS, self.weeks
        if self.scope is not None:
            yield SCOPE, self.scope
        yield JURISDICTION, self.jurisdiction
        if self.in_force is not None:
            yield IN_FORCE, self.in_force

    def expressions(self) -> list[Expr]:
        """Every expression of the program (variables, parts and explanation placeholders)."""
        return [*self.variables.values(), *(e for _, e in self.parts()), *self.texts.values()]

    def unverified_on(self, day: dt.date) -> list[str]:
        """The names of this program's own parameters whose value in force on ``day`` is
        marked ``status: unverified`` (see :meth:`Catalog.unverified_in_force` for every
        parameter the program reads)."""
        return [
            name
            for name, parameter in self.program.parameters.items()
            if (value := parameter.value_on(day)) is not None and value.status == "unverified"
        ]

    def depends_on(self) -> set[str]:
        """Programs this one reads (is_eligible, amount_of, criterion, parameter)."""
        return set().union(*(e.programs() for e in self.expressions())) - {self.id}


@dataclass(frozen=True, eq=False)
class Catalog:
    """Every program of a rules directory, in dependency order, the facts they read, the life
    events and the tell-us-once sharing rules (agencies and agreements)."""

    root: Path
    facts: FactRegistry
    programs: dict[str, ProgramRules]
    definitions: dict[str, Definition] = field(default_factory=dict)
    shared_nodes: frozenset[int] = frozenset()
    coverage: Coverage = field(default_factory=Coverage)
    life_events: Mapping[str, LifeEventFile] = field(default_factory=dict)
    sharing: SharingRules = field(default_factory=SharingRules)

    def check_parameters(self, as_of: dt.date) -> None:
        """Raise when a parameter has no value in force on ``as_of``.

        Raises:
            ParameterValueMissing: naming the file, the line and the first available date.
        """
        if as_of >= self.earliest_complete_date:
            return
        for rules in self.programs.values():
            if rules.program.in_force is not None:
                continue  # before its start a program is not in force: it needs no value
            for name, parameter in rules.program.parameters.items():
                if parameter.first_date > as_of:
                    raise ParameterValueMissing(
                        rules.file,
                        rules.line("parameters", name, "values"),
                        f"parameter '{name}' of {rules.id} has no value on {as_of.isoformat()}: "
                        f"its first value is dated {parameter.first_date.isoformat()}; add the "
                        "value in force on that date or evaluate a later date",
                    )

    @cached_property
    def profile_model(self) -> type[Profile]:
        """The profile model of this catalog's fact registry."""
        return profile_model(self.facts)

    @cached_property
    def earliest_complete_date(self) -> dt.date:
        """The first date on which every parameter of every program has a value."""
        firsts = [
            p.first_date
            for r in self.programs.values()
            if r.program.in_force is None  # a program that starts later has no earlier values
            for p in r.program.parameters.values()
        ]
        return max(firsts, default=dt.date.min)

    @cached_property
    def parameters_read(self) -> dict[str, frozenset[tuple[str, str]]]:
        """For each program, the (owner, name) of every parameter its expressions read: its
        own, those of shared definitions it uses (its own again, through ``requires``) and
        other programs' through ``parameter("p", "name")``."""
        return {
            pid: frozenset(
                (node.owner or pid, node.value)
                for expr in rules.expressions()
                for node in expr.walk()
                if node.op == "param"
            )
            for pid, rules in self.programs.items()
        }

    def _through_reads(self, op: str) -> dict[str, frozenset[str]]:
        """For each program, the names of nodes of type ``op`` (fact, call…) in its
        expressions and in those of every program it reads, through them."""
        out: dict[str, frozenset[str]] = {}

        def read(pid: str) -> frozenset[str]:
            found = out.get(pid)
            if found is None:  # the loader refuses cycles
                rules = self.programs[pid]
                names = set().union(*(expr.names(op) for expr in rules.expressions()))
                for other in rules.depends_on() & self.programs.keys():
                    names |= read(other)
                found = out[pid] = frozenset(names)
            return found

        for pid in self.programs:
            read(pid)
        return out

    @cached_property
    def _calls(self) -> dict[str, frozenset[str]]:
        """Each program's function calls, through the programs it reads."""
        return self._through_reads("call")

    @cached_property
    def facts_read(self) -> dict[str, frozenset[str]]:
        """For each program, every stated fact its answer can depend on: those its expressions
        name (the date of birth for ``age_on``) and those of every program it reads, through
        them. With the members and their roles, these are all a program's answer reads."""
        named = self._through_reads("fact")
        return {
            pid: names | {"date_of_birth"} if "age_on" in self._calls[pid] else names
            for pid, names in named.items()
        }

    @cached_property
    def jurisdiction_facts(self) -> tuple[str, ...] | None:
        """The household facts every program's jurisdiction test reads, when each test is a
        function of those facts alone (constants, comparisons, and/or/not: no parameter, date,
        variable or other program; today a province and a municipality); None otherwise.
        Which programs cover a household then depends on their values only."""
        names: set[str] = set()
        for rules in self.programs.values():
            for node in rules.jurisdiction.walk():
                if node.op not in _PLACE_OPS:
                    return None
                if node.op == "fact":
                    if self.facts[node.value].entity != "household":
                        return None
                    names.add(node.value)
        return tuple(sorted(names))

    @cached_property
    def reads_members(self) -> dict[str, bool]:
        """For each program, whether its answer can depend on who the household's members are
        (an aggregate over them, the applicant's, the spouse's or the partner's value, a role),
        itself or through a program it reads. A program that does not answers the same for a
        household and for one with a member more or less, save for that member's own answer
        (a person program's, for a member who is not a child)."""
        over_members = {*AGGREGATES, *MEMBERS, "partner"}
        return {
            pid: bool(calls & over_members) or "role" in self.facts_read[pid]
            for pid, calls in self._calls.items()
        }

    @cached_property
    def exclusive_pairs(self) -> frozenset[frozenset[str]]:
        """Every pair of programs that exclude each other (declared in either file)."""
        return frozenset(
            frozenset((pid, other))
            for pid, rules in self.programs.items()
            for exclusion in rules.program.exclusions
            for other in exclusion.programs
        )

    def reviewed_by(self, event_id: str) -> set[str]:
        """The programs a life event reviews: those its file names and those whose files list
        the event."""
        spec = self.life_events.get(event_id)
        named = set(spec.programs) if spec is not None else set()
        return named | self._listing.get(event_id, set())

    @cached_property
    def _listing(self) -> dict[str, set[str]]:
        """The programs whose files list each life event (asked at every event)."""
        out: dict[str, set[str]] = {}
        for pid, rules in self.programs.items():
            for event_id in rules.program.life_events:
                out.setdefault(event_id, set()).add(pid)
        return out

    def unverified_in_force(self, program_id: str, day: dt.date) -> list[tuple[str, str]]:
        """The parameters a program reads whose value in force on ``day`` is marked
        ``status: unverified``, as sorted (program, parameter) pairs.

        Examples:
            >>> from engine.catalog.loader import load_catalog
            >>> from engine.catalog.paths import default_rules_dir
            >>> catalog = load_catalog(default_rules_dir())
            >>> catalog.unverified_in_force("ca_ccb", dt.date(2026, 1, 15))
            []
            >>> catalog.unverified_in_force("on_ocb", dt.date(2026, 7, 15))
            [('on_ocb', 'max_per_child'), ('on_ocb', 'threshold')]
        """
        found = []
        for owner, name in self.parameters_read[program_id]:
            value = self.programs[owner].program.parameters[name].value_on(day)
            if value is not None and value.status == "unverified":
                found.append((owner, name))
        return sorted(found)

    def base_years(self, *days: dt.date) -> set[int]:
        """Every tax year whose income some program reads on one of ``days``."""
        return {rule.base_year(day) for rule in self._income_years for day in days}

    @cached_property
    def _income_years(self) -> list[schema.IncomeYear]:
        """The programs' income-year rules, each once."""
        found: dict[tuple[str, int], schema.IncomeYear] = {}
        for rules in self.programs.values():
            rule = rules.program.income_year
            found.setdefault((rule.starts, rule.lag), rule)
        return list(found.values())
