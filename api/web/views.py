"""What the page's screens show, worked out from the engine's answers: programs grouped by
level of government, the next question's field, the life event's fields, consents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.catalog.agreements import SharingRules
from engine.catalog.facts import Fact, FactRegistry, Kind
from engine.catalog.life_events import LifeEventFile
from engine.eligibility.result import CheckResult, ProgramResult

__all__ = [
    "LEVELS",
    "Input",
    "Level",
    "agreements",
    "answer_input",
    "event_inputs",
    "fact_input",
    "levels",
    "split_fact",
]

LEVELS = ("federal", "provincial_territorial", "municipal")
_GROUP = {"provincial": "provincial_territorial", "territorial": "provincial_territorial"}
_ORDER = {"eligible": 0, "undetermined": 1, "ineligible": 2}


@dataclass(frozen=True)
class Level:
    """The programs of one level of government, eligible first."""

    key: str
    programs: list[ProgramResult]

    def count(self, status: str) -> int:
        """How many programs of the level have ``status``."""
        return sum(1 for p in self.programs if p.status == status)


def levels(result: CheckResult, lang: str) -> list[Level]:
    """The result's programs by level (federal, provincial and territorial, municipal)."""
    groups: dict[str, list[ProgramResult]] = {key: [] for key in LEVELS}
    for program in result.results:
        level = program.jurisdiction.level
        groups.setdefault(_GROUP.get(level, level), []).append(program)
    return [
        Level(key, sorted(found, key=lambda p: (_ORDER[p.status], getattr(p.name, lang))))
        for key, found in groups.items()
        if found
    ]


@dataclass(frozen=True)
class Input:
    """A form control: its name, kind (``text``, ``number``, ``date``, ``select``,
    ``radio``), label, hint, and choices (value, label) for a select or radio."""

    name: str
    kind: str
    label: str
    hint: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False


def _choices(fact: Fact, lang: str, yes_no: tuple[str, str]) -> list[tuple[str, str]]:
    if fact.kind == Kind.BOOL:
        return [("true", yes_no[0]), ("false", yes_no[1])]
    labels = fact.value_labels
    if fact.name == "municipality" and fact.value_provinces:
        where, rest = fact.value_provinces, set(fact.rest_of_province.values())
        return [
            (v, labels[v][lang] if v in rest else f"{labels[v][lang]} ({where[v]})")
            for v in fact.values
        ]
    return [(v, labels[v][lang]) for v in fact.values]


def fact_input(
    fact: Fact, name: str, label: str, lang: str, yes_no: tuple[str, str], hint: str = ""
) -> Input:
    """The control that asks for ``fact``."""
    if fact.kind in (Kind.ENUM, Kind.BOOL):
        kind = "radio" if fact.kind == Kind.BOOL else "select"
        return Input(name, kind, label, hint, _choices(fact, lang, yes_no))
    if fact.kind == Kind.DATE:
        return Input(name, "date", label, hint)
    return Input(name, "number", label, hint)


def split_fact(path: str) -> tuple[str | None, str, str | None]:
    """A result's fact path as (member or None, fact name, tax year or None).

    Examples:
        >>> split_fact("members/maria/net_income/2024"), split_fact("household/province")
        (('maria', 'net_income', '2024'), (None, 'province', None))
    """
    parts = path.split("/")
    if parts[0] == "members" and len(parts) >= 3:
        return parts[1], parts[2], parts[3] if len(parts) > 3 else None
    return None, parts[1] if len(parts) > 1 else parts[0], None


def answer_input(
    registry: FactRegistry, path: str, question: str, lang: str, yes_no: tuple[str, str]
) -> Input | None:
    """The control that answers the next question (None: a fact the page cannot ask)."""
    _, name, _ = split_fact(path)
    fact = registry.get(name)
    if fact is None or fact.derived:
        return None
    return fact_input(fact, "value", question, lang, yes_no)


def event_inputs(
    spec: LifeEventFile,
    registry: FactRegistry,
    members: Iterable[Mapping[str, Any]],
    lang: str,
    words: Any,
) -> list[Input]:
    """The controls that ask for a life event's data (its file's fields, worded by it)."""
    yes_no = (words("yes"), words("no"))
    found: list[Input] = []
    people = list(members)
    for name, data in spec.data.items():
        what = getattr(data.description, lang)
        key = f"d.{name}"
        if data.type == "new_member":
            found.append(Input(f"{key}.id", "text", words("new_member_id", what=what),
                               required=data.required))  # fmt: skip
            found.append(Input(f"{key}.date_of_birth", "date", words("new_member_dob", what=what)))
        elif data.type == "member":
            choices = [
                (str(m["id"]), str(m["id"]))
                for m in people
                if not data.roles or m.get("role") in data.roles
            ]
            found.append(Input(key, "select", what, choices=choices, required=data.required))
        elif data.fact is not None:
            control = fact_input(registry[data.fact], key, what, lang, yes_no)
            found.append(Input(control.name, control.kind, control.label, "", control.choices,
                               data.required))  # fmt: skip
        elif data.type == "bool":
            found.append(Input(key, "radio", what, choices=[("true", yes_no[0]),
                               ("false", yes_no[1])], required=data.required))  # fmt: skip
        else:
            kind = "date" if data.type == "date" else "number"
            found.append(Input(key, kind, what, required=data.required))
    return found


def agreements(
    sharing: SharingRules, consents: list[dict[str, Any]], lang: str
) -> list[dict[str, Any]]:
    """Every agreement in the catalog with the client's latest consent to it (if any)."""
    latest = {row["agreement"]: row for row in consents}
    rows = []
    for agreement_id, agreement in sorted(sharing.agreements.items()):
        agency = sharing.agencies.get(agreement.recipient)
        rows.append(
            {
                "id": agreement_id,
                "recipient": getattr(agency.name, lang) if agency else agreement.recipient,
                "purpose": getattr(agreement.purpose, lang),
                "fields": agreement.fields,
                "consent": latest.get(agreement_id),
            }
        )
    return rows
