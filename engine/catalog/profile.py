"""The household profile (input contract, docs/contracts.md), built from the fact registry.

Every fact is optional: an absent fact is unknown, never zero or false. The model's fields,
types and allowed values come from ``rules/facts.yaml`` (types, enum values, number domains,
dates relative to ``as_of``, the province of a municipality), so adding a fact there adds it
here. Bad input raises :class:`~engine.errors.InputError` naming the JSON path and the reason,
in English and French (:mod:`engine.catalog.input_errors`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    create_model,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from engine.catalog.facts import Domain, Fact, FactRegistry
from engine.catalog.input_errors import input_error
from engine.errors import InputError

__all__ = [
    "MEMBER_ID_PATTERN",
    "Demographics",
    "Household",
    "IsoDate",
    "Member",
    "Profile",
    "before_first_figures",
    "check_dates",
    "input_error",
    "parse_profile",
    "profile_model",
    "validate_dated",
    "value_adapter",
]

MEMBER_ID_PATTERN = r"^[^/\s\x00-\x1f\x7f]+$"
"""A member id names the member in paths such as ``members/<id>/net_income``: no ``/``, no
space or control character."""


def _iso_date(value: Any) -> Any:
    # JSON dates are texts written YYYY-MM-DD; pydantic alone would also take 0 (1970-01-01),
    # a timestamp or a date-time
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise PydanticCustomError("not_a_date", "not a date (expected YYYY-MM-DD)")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date written ``YYYY-MM-DD`` (a ``datetime.date`` from Python)."""


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

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=MEMBER_ID_PATTERN)]
    role: Literal["applicant", "spouse", "child", "dependant"]
    demographics: Demographics | None = None


class Household(_Model):
    """A family: one applicant, at most one spouse, children and other dependants."""

    province: str | None = None
    municipality: str | None = None
    members: Annotated[list[Member], Field(min_length=1, max_length=30)]

    #: for each enum fact whose values lie in a province (``municipality``): value -> province
    places: ClassVar[Mapping[str, Mapping[str, str]]] = {}

    @model_validator(mode="after")
    def _roles(self) -> Household:
        ids = [m.id for m in self.members]
        for index, member in enumerate(self.members):
            if ids.index(member.id) != index:
                raise InputError(
                    f"household/members/{index}/id",
                    f"duplicate id {member.id!r}",
                    fr=f"identifiant {member.id!r} en double",
                )
        roles = [m.role for m in self.members]
        if roles.count("applicant") != 1:
            found = roles.count("applicant")
            raise InputError(
                "household/members",
                f"exactly one member must have role 'applicant' (found {found})",
                fr=f"un seul membre doit avoir le rôle 'applicant' (trouvés : {found})",
            )
        if roles.count("spouse") > 1:
            index = [i for i, r in enumerate(roles) if r == "spouse"][1]
            raise InputError(
                f"household/members/{index}/role",
                "at most one spouse",
                fr="au plus un conjoint",
            )
        return self

    @model_validator(mode="before")
    @classmethod
    def _province_of_the_place(cls, data: Any) -> Any:
        # a municipality lies in one province: stating it states the province
        if not isinstance(data, dict) or data.get("province") is not None:
            return data
        for name, provinces in cls.places.items():
            value = data.get(name)
            if isinstance(value, str) and value in provinces:
                return {**data, "province": provinces[value]}
        return data

    @model_validator(mode="after")
    def _places_in_province(self) -> Household:
        for name, provinces in self.places.items():
            value, province = getattr(self, name, None), self.province
            where = provinces.get(value) if isinstance(value, str) else None
            if where is not None and province is not None and where != province:
                raise InputError(
                    f"household/{name}",
                    f"{value!r} is in {where}, but household/province is {province!r}",
                    fr=f"{value!r} se trouve en {where}, mais household/province vaut {province!r}",
                )
        return self


def _as_of_is_optional(schema: dict[str, Any]) -> None:
    # the model requires as_of, but parse_profile fills it from the caller's clock
    schema["required"] = [name for name in schema.get("required", []) if name != "as_of"]
    schema["properties"]["as_of"]["description"] = (
        "The date of the question (YYYY-MM-DD); amounts are the rates in force on it. "
        "Optional: default today."
    )


class Profile(_Model):
    """The question: a household and the date it is asked about."""

    model_config = ConfigDict(json_schema_extra=_as_of_is_optional)

    as_of: IsoDate
    household: Household

    #: date facts whose domain is relative to ``as_of`` (from the registry): (entity, name, domain)
    dates: ClassVar[tuple[tuple[str, str, Domain], ...]] = ()

    @model_validator(mode="after")
    def _dates_in_domain(self) -> Profile:
        check_dates(self.household, self.as_of, self.dates)
        return self


def check_dates(
    household: Household, as_of: dt.date, dates: tuple[tuple[str, str, Domain], ...]
) -> None:
    """Check the household's dates against their domains relative to ``as_of`` (``dates`` as
    in :attr:`Profile.dates`).

    Raises:
        InputError: a date after ``as_of`` or too long before it, naming its path.
    """
    for entity, name, domain in dates:
        if entity == "household":
            _check_date(f"household/{name}", getattr(household, name, None), domain, as_of)
            continue
        for index, member in enumerate(household.members):
            path = f"household/members/{index}/{name}"
            _check_date(path, getattr(member, name, None), domain, as_of)


def _years_before(day: dt.date, years: int) -> dt.date:
    if day.year - years < dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, in a year without one
        return day.replace(year=day.year - years, day=28)


def _check_date(path: str, value: Any, domain: Domain, day: dt.date) -> None:
    if not isinstance(value, dt.date):
        return
    as_of = day.isoformat()
    if domain.not_after_as_of and value > day:
        raise InputError(
            path,
            f"must not be after as_of ({as_of})",
            fr=f"ne doit pas être postérieure à as_of ({as_of})",
        )
    years = domain.max_years_before_as_of
    if years is not None and value < _years_before(day, years):
        raise InputError(
            path,
            f"must not be more than {years} years before as_of ({as_of})",
            fr=f"ne doit pas précéder as_of ({as_of}) de plus de {years} ans",
        )


def _number_input(value: Any) -> Any:
    # JSON true is not 1 and "35000" is not a number: a profile states numbers as numbers
    if isinstance(value, bool | str):
        raise PydanticCustomError("not_a_number", "not a number")
    if isinstance(value, int) and not -1e308 <= value <= 1e308:
        return math.inf if value > 0 else -math.inf  # past float range: refused as not finite
    return value


def _number(fact: Fact) -> Any:
    bounds: dict[str, Any] = {"allow_inf_nan": False}
    if fact.domain is not None and fact.domain.min is not None:
        bounds["ge"] = fact.domain.min
    if fact.domain is not None and fact.domain.max is not None:
        bounds["le"] = fact.domain.max
    # the bounds first, so the JSON Schema says minimum and maximum
    return Annotated[float, Field(**bounds), BeforeValidator(_number_input)]


TaxYear = Annotated[str, Field(pattern=r"^\d{4}$")]


def _annotation(fact: Fact) -> Any:
    if fact.type == "enum":
        return Literal[fact.values]
    if fact.type == "bool":
        return Annotated[bool, Strict()]  # "true", 1 and "yes" are not JSON booleans
    if fact.type == "date":
        return IsoDate
    number: Any = _number(fact)
    if fact.yearly:
        return number | dict[TaxYear, number]
    return number


@functools.cache
def value_adapter(fact: Fact) -> TypeAdapter[Any]:
    """A validator of one value of ``fact`` (its type and domain, as in the profile model)."""
    return TypeAdapter(_annotation(fact))


def _field(fact: Fact) -> Any:
    title, meaning = fact.label["en"], fact.meaning["en"]
    return (_annotation(fact) | None, Field(None, title=title, description=meaning))


def _places(fact: Fact) -> dict[str, str]:
    return dict(fact.value_provinces)


def profile_model(facts: FactRegistry) -> type[Profile]:
    """The profile model of a fact registry (one field per stated fact, checked against the
    fact's type and domain).

    Examples:
        >>> from engine.catalog.loader import load_facts
        >>> from engine.catalog.paths import default_rules_dir
        >>> model = profile_model(load_facts(default_rules_dir() / "facts.yaml"))
        >>> household = model.model_fields["household"].annotation
        >>> member = household.model_fields["members"].annotation.__args__[0]
        >>> "net_income" in member.model_fields
        True
    """
    person = {f.name: _field(f) for f in facts.stated if f.entity == "person" and f.name != "role"}
    member = create_model("Member", __base__=Member, **person)
    on_household = {f.name: _field(f) for f in facts.stated if f.entity == "household"}
    members = Annotated[list[member], Field(min_length=1, max_length=30)]  # type: ignore[valid-type]
    household: Any = create_model(
        "Household", __base__=Household, members=(members, ...), **on_household
    )
    household.places = {
        f.name: places
        for f in facts.stated
        if f.entity == "household" and f.type == "enum" and (places := _places(f))
    }
    profile = create_model("Profile", __base__=Profile, household=(household, ...))
    profile.dates = tuple(
        (f.entity, f.name, f.domain)
        for f in facts.stated
        if f.type == "date" and f.domain is not None
    )
    return profile


_Dated = TypeVar("_Dated", bound=BaseModel)


def parse_profile(
    data: Any, model: type[Profile], *, as_of: dt.date | None = None, today: dt.date | None = None
) -> Profile:
    """Validate a profile (parsed JSON) against a catalog's profile model.

    ``as_of`` overrides the profile's date; ``today`` is used when the profile gives none (the
    caller's clock: the engine never reads the system date deep inside a model).

    Raises:
        InputError: naming the JSON path of the first problem and the reason.
    """
    if as_of is not None and isinstance(data, dict):
        data = {**data, "as_of": as_of.isoformat()}
    return validate_dated(data, model, ("the profile", "le profil"), ("'household'",) * 2, today)


def validate_dated(
    data: Any,
    model: type[_Dated],
    noun: tuple[str, str],
    keys: tuple[str, str],
    today: dt.date | None,
) -> _Dated:
    """Validate a JSON document that carries an ``as_of`` (a profile, a life event): a JSON
    object, dated by ``today`` when it gives no date. ``noun`` and ``keys`` name it and the keys
    it must have, in English and French, for the errors.

    Raises:
        InputError: naming the JSON path of the first problem and the reason.
    """
    if not isinstance(data, dict):
        raise InputError(
            "",
            f"{noun[0]} must be a JSON object with {keys[0]}",
            fr=f"{noun[1]} doit être un objet JSON avec {keys[1]}",
        )
    if data.get("as_of") is None:
        if today is None:
            raise InputError(
                "as_of",
                f"required: {noun[0]} gives no date and no clock was given",
                fr=f"obligatoire : {noun[1]} ne donne aucune date et aucune horloge n'a été "
                "fournie",
            )
        data = {**data, "as_of": today.isoformat()}
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise input_error(exc) from None


def before_first_figures(as_of: dt.date, first: dt.date, where: str) -> InputError:
    """The input error for an ``as_of`` before the first date on which every parameter of the
    rules has a value (``where``: the ``file:line`` of a parameter that has none on it).

    Examples:
        >>> error = before_first_figures(dt.date(2010, 1, 1), dt.date(2024, 7, 1), "x.yaml:7")
        >>> error.path, error.reason[:66]
        ('as_of', '2010-01-01 is before the first figures of these rules (2024-07-01)')
    """
    day, start = as_of.isoformat(), first.isoformat()
    return InputError(
        "as_of",
        f"{day} is before the first figures of these rules ({start}): ask about {start} or a "
        f"later date (see {where})",
        fr=f"le {day} précède les premiers montants de ces règles ({start}) : choisissez le "
        f"{start} ou une date postérieure (voir {where})",
    )
