"""The page's forms: reading a posted form (within the body size limit), and turning form
fields into the contract's JSON (household, life event, one answer) and back.

The forms check nothing themselves: what is wrong is the engine's own error, whose path
:func:`field_of` maps back onto the form field to show it next to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from api.problems import Problem
from engine.catalog.facts import Fact, FactRegistry, Kind
from engine.catalog.life_events import LifeEventFile

__all__ = [
    "HOUSEHOLD_FACTS",
    "MEMBER_FACTS",
    "event_from_form",
    "field_of",
    "form_value",
    "household_from_form",
    "household_rows",
    "member_rows",
    "read_form",
    "value_of",
]

HOUSEHOLD_FACTS = ("province", "municipality")
"""The household facts the household form asks for."""

MEMBER_FACTS = (
    "date_of_birth",
    "marital_status",
    "residency_status",
    "net_income",
    "employment_income",
    "has_disability",
    "custody",
)
"""The member facts the household form asks for (other stated facts are kept as they are)."""

_ROW = re.compile(r"^m(\d{1,3})\.")
_YEARS = re.compile(r"^\s*(\d{4})\s*:\s*([^;]+?)\s*$")


async def read_form(request: Request) -> dict[str, str]:
    """The posted ``application/x-www-form-urlencoded`` fields (the last of a repeated name),
    read up to the service's body size limit (413 past it)."""
    limit: int = request.app.state.services.settings.max_body_bytes
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise Problem(413, f"the body is larger than {limit} bytes")
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "the form is not UTF-8") from None
    return dict(parse_qsl(text, keep_blank_values=True))


def _number(text: str) -> float | int | None:
    try:
        number = float(text.replace("\u00a0", "").replace(" ", "").replace(",", ""))
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def value_of(fact: Fact, text: str) -> Any:
    """A form field's text as the fact's value (None: left blank, so not known). Text that is
    not a value of the fact is passed on as it is, for the engine to refuse with its reason."""
    text = text.strip()
    if not text:
        return None
    if fact.kind == Kind.BOOL:
        return {"true": True, "false": False}.get(text, text)
    if fact.kind == Kind.NUMBER:
        number = _number(text)
        if number is not None:
            return number
        if fact.yearly:  # 2024: 31000; 2025: 36000
            pairs = [_YEARS.match(part) for part in text.split(";") if part.strip()]
            if pairs and all(pairs):
                by_year = {m.group(1): _number(m.group(2)) for m in pairs if m}
                if None not in by_year.values():
                    return by_year
    return text


def form_value(value: Any) -> str:
    """A fact's value as a form field's text (the inverse of :func:`value_of`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping):
        return "; ".join(f"{year}: {form_value(amount)}" for year, amount in value.items())
    return str(value)


def member_rows(form: Mapping[str, str]) -> int:
    """How many member rows a posted household form had.

    Examples:
        >>> member_rows({"municipality": "x", "m0.id": "a", "m1.id": ""})
        2
    """
    found = [int(m.group(1)) for m in map(_ROW.match, form) if m]
    return max(found, default=-1) + 1


def household_rows(household: Mapping[str, Any]) -> tuple[dict[str, str], int]:
    """The household form's fields filled from a household (the contract's shape), and how
    many member rows it has (one blank row is added for a new member)."""
    fields = {name: form_value(household.get(name)) for name in HOUSEHOLD_FACTS}
    members = household.get("members", [])
    for index, member in enumerate(members):
        fields[f"m{index}.id"] = str(member.get("id", ""))
        fields[f"m{index}.role"] = str(member.get("role", ""))
        for name in MEMBER_FACTS:
            fields[f"m{index}.{name}"] = form_value(member.get(name))
    return fields, len(members) + 1


def household_from_form(
    form: Mapping[str, str], registry: FactRegistry, base: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], list[int]]:
    """The household the form describes, over ``base`` (the stored household: facts the form
    does not ask for are kept), and the form row of each member in order (for errors)."""
    household: dict[str, Any] = {k: v for k, v in (base or {}).items() if k != "members"}
    for name in HOUSEHOLD_FACTS:
        value = value_of(registry[name], form.get(name, ""))
        household.pop(name, None)
        if value is not None:
            household[name] = value
    kept = {str(m.get("id")): m for m in (base or {}).get("members", [])}
    members, rows = [], []
    index = 0
    while f"m{index}.id" in form:
        prefix = f"m{index}."
        member_id = form[f"{prefix}id"].strip()
        given = any(form.get(f"{prefix}{n}", "").strip() for n in ("id", *MEMBER_FACTS))
        if form.get(f"{prefix}remove") or not given:
            index += 1
            continue
        original = form.get(f"{prefix}original", "")
        member = {k: v for k, v in kept.get(original, {}).items() if k not in ("id", "role")}
        member["id"] = member_id
        member["role"] = form.get(f"{prefix}role", "")
        for name in MEMBER_FACTS:
            value = value_of(registry[name], form.get(f"{prefix}{name}", ""))
            member.pop(name, None)
            if value is not None:
                member[name] = value
        members.append(member)
        rows.append(index)
        index += 1
    household["members"] = members
    return household, rows


def event_from_form(
    spec: LifeEventFile, form: Mapping[str, str], registry: FactRegistry
) -> dict[str, Any]:
    """The life event (``{type, date, data}``) the event form describes."""
    data: dict[str, Any] = {}
    for name, field in spec.data.items():
        key = f"d.{name}"
        if field.type == "new_member":
            member = {"id": form.get(f"{key}.id", "").strip()}
            born = form.get(f"{key}.date_of_birth", "").strip()
            if born:
                member["date_of_birth"] = born
            if member["id"] or born or field.required:
                data[name] = member
            continue
        text = form.get(key, "").strip()
        if field.fact is not None:
            value = value_of(registry[field.fact], text)
        elif field.type in ("money", "number"):
            value = _number(text) if _number(text) is not None else (text or None)
        elif field.type == "bool":
            value = {"true": True, "false": False}.get(text, text or None)
        else:  # a member's id or a date
            value = text or None
        if value is not None:
            data[name] = value
    return {"type": spec.id, "date": form.get("event_date", "").strip(), "data": data}


def field_of(path: str, rows: list[int] | None = None) -> str:
    """The form field an engine error's path names (``household/members/1/net_income`` is
    ``m<row>.net_income``; ``event/data/child/id`` is ``d.child.id``); empty for the form as a
    whole.

    Examples:
        >>> field_of("household/members/1/net_income", [0, 2]), field_of("household/province")
        ('m2.net_income', 'province')
        >>> field_of("event/data/child/id"), field_of("event/date"), field_of("facts/0/value")
        ('d.child.id', 'event_date', 'value')
    """
    parts = path.split("/")
    if parts[:2] == ["household", "members"] and len(parts) >= 4 and parts[2].isdigit():
        row = int(parts[2])
        if rows is not None and row < len(rows):
            row = rows[row]
        return f"m{row}.{parts[3]}"
    if parts[0] == "household" and len(parts) == 2 and parts[1] != "members":
        return parts[1]
    if parts[:2] == ["event", "data"] and len(parts) >= 3:
        return "d." + ".".join(parts[2:])
    if parts == ["event", "date"]:
        return "event_date"
    if parts[0] == "facts" and parts[-1] in ("value", "member", "name"):
        return "value"
    return ""
