"""Apply a life event to a household: check the event's data against its file, then make the
file's changes on a copy. The household given is never changed; any problem raises before a
single change is kept, so a profile is never half-changed.

Examples:
    >>> from engine.engine import Engine
    >>> engine = Engine.load()
    >>> spec = engine.catalog.life_events["birth"]
    >>> after = apply_event(spec, {"province": "ON", "members": [
    ...     {"id": "maria", "role": "applicant"}]},
    ...     {"type": "birth", "date": "2026-03-01", "data": {"child": {"id": "ana"}}},
    ...     engine.catalog.facts)
    >>> [(m["id"], m["role"], m.get("date_of_birth")) for m in after["members"]]
    [('maria', 'applicant', None), ('ana', 'child', '2026-03-01')]
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from engine.catalog.facts import Fact, FactRegistry, Kind
from engine.catalog.life_events import EVENT_DATE, DataField, LifeEventFile, SetFact
from engine.errors import InputError

__all__ = ["apply_event", "changed_facts", "check_data", "member_changes"]

_RECENT_YEARS = 3  # a plain income stands for the years before the change (see _set_yearly)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _check_value(path: str, value: Any, field: DataField, facts: FactRegistry) -> None:
    """The value of a data field that holds a fact's value or a plain value."""
    kind = facts[field.fact].kind if field.fact else None
    if field.fact and kind == Kind.ENUM:
        allowed = facts[field.fact].values
        if value not in allowed:
            raise InputError(
                path,
                f"{value!r} is not one of: {', '.join(allowed)}",
                fr=f"{value!r} n'est pas l'une des valeurs : {', '.join(allowed)}",
            )
        return
    wanted = field.type or {Kind.DATE: "date", Kind.BOOL: "bool"}.get(kind or Kind.NUMBER, "number")
    if wanted == "date":
        if not (isinstance(value, str) and _is_date(value)):
            raise InputError(
                path, "not a date (expected YYYY-MM-DD)", fr="pas une date (AAAA-MM-JJ attendu)"
            )
    elif wanted == "bool" and not isinstance(value, bool):
        raise InputError(path, "expected true or false", fr="true ou false attendu")
    elif wanted in ("money", "number") and not (_is_number(value) and value >= 0):
        raise InputError(
            path, "expected a number of 0 or more", fr="un nombre supérieur ou égal à 0 attendu"
        )


def check_data(
    spec: LifeEventFile, data: Mapping[str, Any], household: Mapping[str, Any], facts: FactRegistry
) -> None:
    """Check an event's ``data`` against its file and the household it happens to.

    Raises:
        InputError: a field that is unknown, missing, of the wrong kind, a new member whose id
            is taken, or a member who is not in the household (path ``event/data/...``).
    """
    for name in data:
        if name not in spec.data:
            known = ", ".join(spec.data) or "none"
            raise InputError(
                f"event/data/{name}",
                f"not a field of the event '{spec.id}' (its fields: {known})",
                fr=f"n'est pas un champ de l'événement '{spec.id}' (ses champs : {known})",
            )
    members = {m["id"]: m for m in household["members"]}
    for name, field in spec.data.items():
        path = f"event/data/{name}"
        if name not in data or data[name] is None:
            if field.required:
                raise InputError(
                    path, "required for this event", fr="obligatoire pour cet événement"
                )
            continue
        value = data[name]
        if field.type == "new_member":
            if not isinstance(value, dict) or not isinstance(value.get("id"), str):
                raise InputError(
                    path,
                    "expected the new member as an object with an 'id'",
                    fr="le nouveau membre est attendu comme un objet avec un 'id'",
                )
            if value["id"] in members:
                raise InputError(
                    f"{path}/id",
                    f"a member with id {value['id']!r} is already in the household",
                    fr=f"un membre d'identifiant {value['id']!r} fait déjà partie du ménage",
                )
            if value.get("role", field.role) != field.role:
                raise InputError(
                    f"{path}/role",
                    f"this event adds a member with role {field.role!r}",
                    fr=f"cet événement ajoute un membre au rôle {field.role!r}",
                )
        elif field.type == "member":
            if value not in members:
                raise InputError(
                    path,
                    f"{value!r} is not a member of the household",
                    fr=f"{value!r} n'est pas membre du ménage",
                )
            role = members[value]["role"]
            if field.roles and role not in field.roles:
                raise InputError(
                    path,
                    f"{value!r} is the {role}; this event expects: {', '.join(field.roles)}",
                    fr=f"{value!r} a le rôle {role}; cet événement attend : "
                    f"{', '.join(field.roles)}",
                )
        else:
            _check_value(path, value, field, facts)


def _target(
    selector: str, data: Mapping[str, Any], members: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if selector in ("applicant", "spouse"):
        return [m for m in members if m["role"] == selector]
    wanted = data.get(selector)
    wanted = wanted.get("id") if isinstance(wanted, dict) else wanted
    return [m for m in members if m["id"] == wanted]


def _set_yearly(target: dict[str, Any], name: str, value: Any, year: int) -> None:
    """A yearly fact set in the event's year: earlier years keep what the household said."""
    old = target.get(name)
    by_year = dict(old) if isinstance(old, dict) else {}
    if _is_number(old):  # a plain number stood for any year: keep it for the recent ones
        by_year = {str(y): old for y in range(year - _RECENT_YEARS, year)}
    by_year[str(year)] = value
    target[name] = by_year


def _set(
    change: SetFact,
    household: dict[str, Any],
    data: Mapping[str, Any],
    day: dt.date,
    fact: Fact,
) -> None:
    if change.value is not None:
        value: Any = change.value
    elif change.source == EVENT_DATE:
        value = day.isoformat()
    else:
        value = data.get(change.source or "")
        if value is None and change.only_if_given:
            return
    targets = (
        [household] if change.member is None else _target(change.member, data, household["members"])
    )
    for target in targets:
        if change.keep_stated and target.get(fact.name) is not None:
            continue
        if value is None:
            target.pop(fact.name, None)  # the event says nothing: the fact becomes unknown
        elif fact.yearly:
            _set_yearly(target, fact.name, value, day.year)
        else:
            target[fact.name] = value


def apply_event(
    spec: LifeEventFile, household: Mapping[str, Any], event: Mapping[str, Any], facts: FactRegistry
) -> dict[str, Any]:
    """The household after the event (a new dict in the profile's JSON shape).

    Raises:
        InputError: the event's data does not fit its file or the household.
    """
    data = event.get("data") or {}
    check_data(spec, data, household, facts)
    day = dt.date.fromisoformat(str(event["date"]))
    after = copy.deepcopy(dict(household))
    members: list[dict[str, Any]] = after["members"]
    for change in spec.changes:
        if change.add_member is not None:
            field = spec.data[change.add_member]
            if data.get(change.add_member) is not None:
                members.append({**copy.deepcopy(data[change.add_member]), "role": field.role})
        elif change.remove_member is not None:
            gone = data.get(change.remove_member)
            removed = [m for m in members if m["id"] == gone]
            members[:] = [m for m in members if m["id"] != gone]
            if removed and removed[0]["role"] == "applicant":
                spouse = next((m for m in members if m["role"] == "spouse"), None)
                if spouse is None:
                    raise InputError(
                        f"event/data/{change.remove_member}",
                        "the applicant cannot leave a household with no spouse to answer for it",
                        fr="le demandeur ne peut quitter un ménage sans conjoint pour le "
                        "représenter",
                    )
                spouse["role"] = "applicant"  # the survivor answers for the household
        elif change.set is not None:
            _set(change.set, after, data, day, facts[change.set.fact])
    return after


def changed_facts(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str] | None:
    """The facts that differ between two households in the profile's JSON shape (the
    household's and any member's), or None when the members differ (one joined or left, or a
    role or the order changed): then any answer may change.

    Examples:
        >>> old = {"province": "ON", "members": [{"id": "a", "role": "applicant", "net_income": 1}]}
        >>> changed_facts(old, {**old, "province": "BC"})
        {'province'}
        >>> changed_facts(old, {**old, "members": []}) is None
        True
    """
    was, now = list(before.get("members") or []), list(after.get("members") or [])
    if [(m.get("id"), m.get("role")) for m in was] != [(m.get("id"), m.get("role")) for m in now]:
        return None
    pairs = [(before, after), *zip(was, now, strict=True)]
    return {
        name
        for old, new in pairs
        for name in old.keys() | new.keys()
        if name not in ("id", "members") and old.get(name) != new.get(name)
    }


def member_changes(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[set[str], set[str]] | None:
    """When members joined or left but those who stay keep their roles, in the same order:
    the facts that differ (the household's and those who stay) and the roles of the members
    who joined or left; None when a member who stays changed role or place.

    Examples:
        >>> ana = {"id": "ana", "role": "applicant", "net_income": 1}
        >>> member_changes({"members": [ana]}, {"members": [ana, {"id": "b", "role": "child"}]})
        (set(), {'child'})
        >>> member_changes({"members": [ana]}, {"members": [{**ana, "role": "spouse"}]}) is None
        True
    """
    was, now = list(before.get("members") or []), list(after.get("members") or [])
    ids_now = {m.get("id") for m in now}
    ids_was = {m.get("id") for m in was}
    stay_was = [m for m in was if m.get("id") in ids_now]
    stay_now = [m for m in now if m.get("id") in ids_was]
    changed = changed_facts({**before, "members": stay_was}, {**after, "members": stay_now})
    if changed is None:  # a member who stays changed role or place
        return None
    moved = {m.get("role") for m in [*was, *now] if m.get("id") not in ids_now & ids_was}
    return changed, {str(role) for role in moved}
