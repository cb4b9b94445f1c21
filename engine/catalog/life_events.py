"""Life event files: ``rules/life_events/<id>.yaml``, one per event a person can tell.

A file declares what the event carries (``data``: its fields, each a new member, an existing
member, or a value of a registered fact), how it changes the household (``changes``: add or
remove a member, set a fact), the programs to review besides those whose files list the event,
the agencies that would be told under tell-us-once (``notify``: fields, never more), and the
follow-ups with their timing, each cited. The loader checks every name against the fact
registry and the catalog, so a broken file is rejected with file, line and reason, and every
program's ``life_events`` must name an event file.

Examples:
    >>> from engine.catalog.loader import load_catalog
    >>> from engine.catalog.paths import default_rules_dir
    >>> birth = load_catalog(default_rules_dir()).life_events["birth"]
    >>> birth.data["child"].type, birth.changes[0].add_member
    ('new_member', 'child')
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.catalog._yaml import LocatedDocument
from engine.catalog.facts import FactRegistry, Kind
from engine.catalog.schema import Identifier, Program, Reference, Text
from engine.errors import RuleSchemaError

__all__ = [
    "EVENT_DATE",
    "Change",
    "DataField",
    "Due",
    "FollowUp",
    "LifeEventFile",
    "Notification",
    "Pattern",
    "SetFact",
    "check_life_event",
    "check_patterns",
    "check_program_events",
]

EVENT_DATE = "event_date"
"""The source of a ``set`` that takes the event's own date."""

_SELECTORS = ("applicant", "spouse")
_VALUE_TYPES = {"date": Kind.DATE, "money": Kind.NUMBER, "number": Kind.NUMBER, "bool": Kind.BOOL}


class _Model(BaseModel):
    # validators are built when first used: a catalog from the cache never validates a file
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class DataField(_Model):
    """One field of the event's ``data``: a new member (with the role it gets), an existing
    member (by id; ``roles`` it may have), a value of a registered ``fact``, or a plain value
    (``date``, ``money``, ``number``, ``bool``)."""

    type: Literal["new_member", "member", "date", "money", "number", "bool"] | None = None
    fact: Identifier | None = None
    role: Literal["spouse", "child", "dependant"] | None = None
    roles: list[Literal["applicant", "spouse", "child", "dependant"]] = []
    required: bool = True
    description: Text

    @model_validator(mode="after")
    def _one_kind(self) -> DataField:
        if (self.type is None) == (self.fact is None):
            raise ValueError("give either 'type' or 'fact' (the value is one of that fact's)")
        if (self.type == "new_member") != (self.role is not None):
            raise ValueError("'role' goes with type new_member, and new_member needs one")
        if self.roles and self.type != "member":
            raise ValueError("'roles' goes with type member")
        return self


class SetFact(_Model):
    """Set a fact: of a member (``member``: applicant, spouse or a member field of the data)
    or of the household; to a ``value`` or ``from`` a data field (or ``event_date``). A
    ``from`` field the event leaves out makes the fact unknown; ``keep_stated`` leaves a value
    the household already states; ``only_if_given`` changes nothing when the event leaves the
    ``from`` field out (an income change that names one income leaves the others as they were)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    fact: Identifier
    member: Identifier | None = None
    value: str | float | bool | None = None
    source: Annotated[Identifier | None, Field(alias="from")] = None
    keep_stated: bool = False
    only_if_given: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> SetFact:
        if (self.value is None) == (self.source is None):
            raise ValueError("give either 'value' or 'from'")
        if self.only_if_given and self.source in (None, EVENT_DATE):
            raise ValueError("'only_if_given' goes with 'from' a data field")
        return self


class Change(_Model):
    """One change to the household, applied in the file's order."""

    add_member: Identifier | None = None
    remove_member: Identifier | None = None
    set: SetFact | None = None

    @model_validator(mode="after")
    def _one_change(self) -> Change:
        if sum(x is not None for x in (self.add_member, self.remove_member, self.set)) != 1:
            raise ValueError("each change is exactly one of add_member, remove_member, set")
        return self


class Due(_Model):
    """A time after the event's date."""

    days: Annotated[int, Field(ge=0)] = 0
    months: Annotated[int, Field(ge=0)] = 0


class FollowUp(_Model):
    """Something to do or check after the event, by a date (``provinces``: only there).
    ``covers``: the programs this one step applies for (a province's newborn registration that
    also applies for the child benefits): their suggestions say to take this step."""

    id: Identifier
    due: Due
    what: Text
    reference: Reference
    provinces: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = []
    covers: list[Identifier] = []


class Notification(_Model):
    """An agency that would be told of the event under tell-us-once: only these facts, and
    only with the client's consent."""

    agency: Identifier
    name: Text
    fields: Annotated[list[Identifier], Field(min_length=1)]
    provinces: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = []


class Pattern(_Model):
    """A pattern over the client's history, matched on the day of the question
    (:mod:`engine.events.patterns`). ``kind``:

    - ``no_follow_up``: this event happened and none of the ``unless`` events since; the alert
      shows from ``from_days`` to ``to_days`` after it (a job loss and no new job within EI's
      waiting period, the claim deadline near);
    - ``anniversary``: ``years`` after this event, from ``from_days`` to ``to_days`` around
      that date (ten years after an arrival);
    - ``birthday``: a member of ``roles`` turns ``age``, from ``from_days`` to ``to_days``
      around that birthday (a child turning 6 or 18, a 64th birthday);
    - ``event_then_age``: this event is in the history and a member of ``roles`` is now
      ``min_age`` to ``max_age`` (a survivor of 60 to 64).
    """

    id: Identifier
    kind: Literal["no_follow_up", "anniversary", "birthday", "event_then_age"]
    what: Text
    reference: Reference
    unless: list[Identifier] = []
    from_days: int = 0
    to_days: int = 0
    years: Annotated[int, Field(ge=1)] | None = None
    age: Annotated[int, Field(ge=0, le=120)] | None = None
    min_age: Annotated[int, Field(ge=0, le=120)] | None = None
    max_age: Annotated[int, Field(ge=0, le=120)] | None = None
    roles: list[Literal["applicant", "spouse", "child", "dependant"]] = []

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Pattern:
        needs = {
            "no_follow_up": ("unless",),
            "anniversary": ("years",),
            "birthday": ("age", "roles"),
            "event_then_age": ("min_age", "max_age", "roles"),
        }[self.kind]
        missing = [name for name in needs if not getattr(self, name)]
        if missing and not (self.kind == "birthday" and self.age == 0):
            raise ValueError(f"a {self.kind} pattern needs: {', '.join(missing)}")
        if self.kind != "event_then_age" and self.from_days > self.to_days:
            raise ValueError("from_days must not be after to_days")
        return self


class LifeEventFile(_Model):
    """One life event file."""

    id: Identifier
    name: Text
    summary: Text
    references: Annotated[list[Reference], Field(min_length=1)]
    data: dict[Identifier, DataField] = {}
    changes: list[Change] = []
    programs: list[Identifier] = []
    notify: list[Notification] = []
    follow_ups: list[FollowUp] = []
    patterns: list[Pattern] = []
    # "nothing": the household had no programs before the event (an arrival in Canada), so
    # every program that applies now is newly open, never compared with a stay it did not have
    compare_with: Literal["household", "nothing"] = "household"


def _fail(doc: LocatedDocument, loc: tuple[str | int, ...], reason: str) -> RuleSchemaError:
    return RuleSchemaError(doc.file, doc.line_of(loc), reason)


def _member_field(spec: LifeEventFile, name: str) -> bool:
    field = spec.data.get(name)
    return field is not None and field.type in ("member", "new_member")


def _check_set(spec: LifeEventFile, doc: LocatedDocument, index: int, facts: FactRegistry) -> None:
    change = spec.changes[index].set
    assert change is not None
    where: tuple[str | int, ...] = ("changes", index, "set")
    fact = facts.get(change.fact)
    if fact is None or fact.derived:
        raise _fail(doc, (*where, "fact"), f"'{change.fact}' is not a stated fact of the registry")
    if fact.name == "role":
        raise _fail(doc, (*where, "fact"), "the role changes only by adding or removing members")
    if fact.entity == "person" and change.member is None:
        raise _fail(doc, where, f"'{fact.name}' is a person fact: say which 'member'")
    if fact.entity == "household" and change.member is not None:
        raise _fail(doc, (*where, "member"), f"'{fact.name}' is a household fact: no 'member'")
    member = change.member
    if member is not None and member not in _SELECTORS and not _member_field(spec, member):
        raise _fail(
            doc,
            (*where, "member"),
            f"member '{member}' is neither applicant, spouse nor a member field of 'data'",
        )
    if change.value is not None:
        ok = (
            change.value in fact.values
            if fact.kind == Kind.ENUM
            else isinstance(change.value, bool)
            if fact.kind == Kind.BOOL
            else isinstance(change.value, int | float) and not isinstance(change.value, bool)
        )
        if not ok or fact.kind == Kind.DATE:
            raise _fail(doc, (*where, "value"), f"{change.value!r} is not a value of '{fact.name}'")
        return
    source = change.source
    if source == EVENT_DATE:
        if fact.kind != Kind.DATE:
            raise _fail(doc, (*where, "from"), f"'{fact.name}' is not a date")
        return
    field = spec.data.get(source or "")
    if field is None:
        raise _fail(doc, (*where, "from"), f"'{source}' is not a field of 'data' nor event_date")
    same = field.fact == fact.name or (
        field.type is not None and _VALUE_TYPES.get(field.type) == fact.kind
    )
    if not same:
        raise _fail(
            doc, (*where, "from"), f"data field '{source}' does not hold a value of '{fact.name}'"
        )


def check_life_event(
    spec: LifeEventFile,
    doc: LocatedDocument,
    facts: FactRegistry,
    programs: Mapping[str, Program],
) -> None:
    """Check a schema-valid life event file against the fact registry and the catalog.

    Raises:
        RuleSchemaError: the first name that does not resolve, with its line and the reason.
    """
    if spec.id != doc.file.stem:
        raise _fail(doc, ("id",), f"id '{spec.id}' must equal the file name '{doc.file.stem}'")
    for name, field in spec.data.items():
        if field.fact is not None and (field.fact not in facts or facts[field.fact].derived):
            raise _fail(doc, ("data", name, "fact"), f"'{field.fact}' is not a stated fact")
    for index, change in enumerate(spec.changes):
        member = change.add_member or change.remove_member
        if member is not None:
            kind = "new_member" if change.add_member else "member"
            if spec.data.get(member) is None or spec.data[member].type != kind:
                raise _fail(doc, ("changes", index), f"'{member}' is not a {kind} field of 'data'")
        else:
            _check_set(spec, doc, index, facts)
    for index, pid in enumerate(spec.programs):
        if pid not in programs:
            raise _fail(doc, ("programs", index), f"'{pid}' is not a program of the catalog")
    for index, follow_up in enumerate(spec.follow_ups):
        for position, pid in enumerate(follow_up.covers):
            if pid not in programs:
                raise _fail(
                    doc,
                    ("follow_ups", index, "covers", position),
                    f"'{pid}' is not a program of the catalog",
                )
    for index, note in enumerate(spec.notify):
        for position, name in enumerate(note.fields):
            if name not in facts or facts[name].derived:
                raise _fail(
                    doc,
                    ("notify", index, "fields", position),
                    f"'{name}' is not a stated fact (an agency is told facts, never more)",
                )
    provinces = facts["province"].values
    places = [(("follow_ups", i), f.provinces) for i, f in enumerate(spec.follow_ups)]
    places += [(("notify", i), n.provinces) for i, n in enumerate(spec.notify)]
    for loc, codes in places:
        for position, code in enumerate(codes):
            if code not in provinces:
                raise _fail(doc, (*loc, "provinces", position), f"'{code}' is not a province")


def check_program_events(
    program: Program, doc: LocatedDocument, events: Mapping[str, object], folder: Path
) -> None:
    """Every life event a program file lists must have its file in ``folder``.

    Raises:
        RuleSchemaError: naming the program file, the line and the events that exist.
    """
    for index, event in enumerate(program.life_events):
        if event not in events:
            raise _fail(
                doc,
                ("life_events", index),
                f"life event '{event}' has no file {folder.name}/{event}.yaml; the events are: "
                + ", ".join(sorted(events)),
            )


def check_patterns(
    events: Mapping[str, LifeEventFile], docs: Mapping[str, LocatedDocument]
) -> None:
    """Every event a pattern's ``unless`` names must have its file; pattern ids are unique.

    Raises:
        RuleSchemaError: naming the event file, the line and the reason.
    """
    seen: dict[str, str] = {}
    for event_id, spec in events.items():
        doc = docs[event_id]
        for index, pattern in enumerate(spec.patterns):
            if pattern.id in seen:
                raise _fail(
                    doc,
                    ("patterns", index, "id"),
                    f"pattern id '{pattern.id}' is also used in {seen[pattern.id]}.yaml",
                )
            seen[pattern.id] = event_id
            for position, other in enumerate(pattern.unless):
                if other not in events:
                    raise _fail(
                        doc,
                        ("patterns", index, "unless", position),
                        f"'{other}' is not a life event (no file {other}.yaml)",
                    )
