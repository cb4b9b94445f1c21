"""The household profile (input contract, docs/contracts.md), built from the fact registry.

Every fact is optional: an absent fact is unknown, never zero or false. The model's fields,
types and allowed ranges come from ``rules/facts.yaml``, so adding a fact there adds it here.
Bad input raises :class:`~engine.errors.InputError` naming the JSON path and the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, model_validator
from pydantic import ValidationError as PydanticValidationError

from engine.catalog.facts import Fact, FactRegistry
from engine.errors import InputError

__all__ = [
    "Demographics",
    "Household",
    "Member",
    "Profile",
    "input_error",
    "parse_profile",
    "profile_model",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Demographics(_Model):
    """Optional attributes used only in aggregate disparity checks."""

    gender: str | None = None
    indigenous_identity: str | None = None
    racialized: bool | None = None
    newcomer: bool | None = None
    official_language_minority: bool | None = None
    rural_remote: bool | None = None
    age_band: str | None = None


class Member(_Model):
    """One member of the household; the facts stated about them are added from the registry."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    role: Literal["applicant", "spouse", "child", "dependant"]
    demographics: Demographics | None = None


class Household(_Model):
    """A family: one applicant, at most one spouse, children and other dependants."""

    province: str | None = None
    municipality: str | None = None
    members: Annotated[list[Member], Field(min_length=1, max_length=30)]

    @model_validator(mode="after")
    def _roles(self) -> Household:
        ids = [m.id for m in self.members]
        for index, member in enumerate(self.members):
            if ids.index(member.id) != index:
                raise InputError(f"household/members/{index}/id", f"duplicate id {member.id!r}")
        roles = [m.role for m in self.members]
        if roles.count("applicant") != 1:
            raise InputError(
                "household/members",
                f"exactly one member must have role 'applicant' (found {roles.count('applicant')})",
            )
        if roles.count("spouse") > 1:
            index = [i for i, r in enumerate(roles) if r == "spouse"][1]
            raise InputError(f"household/members/{index}/role", "at most one spouse")
        return self


class Profile(_Model):
    """The question: a household and the date it is asked about."""

    as_of: dt.date
    household: Household


def _not_text_or_bool(value: Any) -> Any:
    # JSON true is not 1 and "35000" is not a number: a profile states numbers as numbers
    if isinstance(value, bool | str):
        raise ValueError("not a number")
    return value


def _number(fact: Fact) -> Any:
    bounds: dict[str, Any] = {"allow_inf_nan": False}
    if fact.domain is not None and fact.domain.min is not None:
        bounds["ge"] = fact.domain.min
    if fact.domain is not None and fact.domain.max is not None:
        bounds["le"] = fact.domain.max
    return Annotated[float, BeforeValidator(_not_text_or_bool), Field(**bounds)]


def _annotation(fact: Fact) -> Any:
    if fact.type == "enum":
        return Literal[fact.values]
    if fact.type == "bool":
        return bool
    if fact.type == "date":
        return dt.date
    number: Any = _number(fact)
    if fact.yearly:
        return number | dict[Annotated[str, Field(pattern=r"^\d{4}$")], number]
    return number


def profile_model(facts: FactRegistry) -> type[Profile]:
    """The profile model of a fact registry (one field per stated fact).

    Examples:
        >>> from engine.catalog.loader import load_facts
        >>> from engine.catalog.paths import default_rules_dir
        >>> model = profile_model(load_facts(default_rules_dir() / "facts.yaml"))
        >>> household = model.model_fields["household"].annotation
        >>> member = household.model_fields["members"].annotation.__args__[0]
        >>> "net_income" in member.model_fields
        True
    """
    fields: dict[str, Any] = {
        fact.name: (_annotation(fact) | None, None)
        for fact in facts.stated
        if fact.entity == "person" and fact.name != "role"
    }
    member = create_model("Member", __base__=Member, **fields)
    places = {
        name: (Literal[facts[name].values] | None, None) for name in ("province", "municipality")
    }
    members = Annotated[list[member], Field(min_length=1, max_length=30)]  # type: ignore[valid-type]
    household: Any = create_model(  # type: ignore[call-overload]
        "Household", __base__=Household, members=(members, ...), **places
    )
    return create_model("Profile", __base__=Profile, household=(household, ...))


_REASONS = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "date_from_datetime_parsing": "not a date (expected YYYY-MM-DD)",
    "date_parsing": "not a date (expected YYYY-MM-DD)",
    "date_type": "not a date (expected YYYY-MM-DD)",
    "float_parsing": "not a number",
    "float_type": "not a number",
    "bool_parsing": "not true or false",
    "bool_type": "not true or false",
    "finite_number": "not a finite number",
    "too_short": "must not be empty",
    "string_type": "not a text",
    "list_type": "not a list",
    "dict_type": "not an object",
    "model_type": "not an object",
    "model_attributes_type": "not an object",
}


def parse_profile(
    data: Any, model: type[Profile], *, as_of: dt.date | None = None, today: dt.date | None = None
) -> Profile:
    """Validate a profile (parsed JSON) against a catalog's profile model.

    ``as_of`` overrides the profile's date; ``today`` is used when the profile gives none (the
    caller's clock: the engine never reads the system date deep inside a model).

    Raises:
        InputError: naming the JSON path of the first problem and the reason.
    """
    if not isinstance(data, dict):
        raise InputError("", "the profile must be a JSON object with 'household'")
    if as_of is not None:
        data = {**data, "as_of": as_of.isoformat()}
    elif data.get("as_of") is None:
        if today is None:
            raise InputError("as_of", "required: the profile gives no date and no clock was given")
        data = {**data, "as_of": today.isoformat()}
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise input_error(exc) from None


def input_error(exc: PydanticValidationError) -> InputError:
    """The first problem of a pydantic validation error as an input error: its JSON path and a
    reason a person can read."""
    error = exc.errors()[0]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InputError):
        return cause
    loc = [str(part) for part in error["loc"] if not _is_union_tag(part)]
    path = "/".join(loc)
    reason = _REASONS.get(error["type"])
    if error["type"] == "literal_error":
        reason = "must be one of " + str(error.get("ctx", {}).get("expected", ""))
    elif error["type"] == "value_error":
        reason = str(error["msg"]).removeprefix("Value error, ")
    elif error["type"] in ("greater_than_equal", "less_than_equal", "too_long"):
        reason = str(error["msg"]).lower()
    return InputError(path, reason or str(error["msg"]))


def _is_union_tag(part: Any) -> bool:
    text = str(part)
    return text in ("float", "dict[str,float]", "constrained-float", "function-after") or (
        text.startswith("dict[") or text.startswith("function-")
    )
