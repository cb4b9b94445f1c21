"""The household profile (input contract, CONTRACTS.md) and its validation.

Every fact is optional: an absent fact is unknown, never zero or false. Bad input raises
:class:`~engine.errors.InputError` naming the JSON path and the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from engine.catalog.facts import FACTS, PROVINCES
from engine.catalog.municipalities import MUNICIPALITIES
from engine.errors import InputError

__all__ = ["Demographics", "Household", "Member", "Profile", "parse_profile"]

Money = Annotated[float, Field(allow_inf_nan=False)]
Income = Money | dict[Annotated[str, Field(pattern=r"^\d{4}$")], Money]


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


def _enum(name: str) -> Any:
    return Literal[FACTS[name].values]


class Member(_Model):
    """One member of the household and the facts stated about them."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    role: Literal["applicant", "spouse", "child", "dependant"]
    date_of_birth: dt.date | None = None
    marital_status: _enum("marital_status") | None = None  # type: ignore[valid-type]
    residency_status: _enum("residency_status") | None = None  # type: ignore[valid-type]
    months_in_canada: Annotated[float, Field(ge=0, le=1500)] | None = None
    years_in_canada_since_18: Annotated[float, Field(ge=0, le=120)] | None = None
    net_income: Income | None = None
    employment_income: Income | None = None
    self_employment_income: Income | None = None
    pension_income: Income | None = None
    ei_income: Income | None = None
    oas_benefits_income: Income | None = None
    social_assistance_income: Income | None = None
    has_disability: bool | None = None
    disability_tax_credit: bool | None = None
    is_student: bool | None = None
    custody: _enum("custody") | None = None  # type: ignore[valid-type]
    employment_status: _enum("employment_status") | None = None  # type: ignore[valid-type]
    insurable_hours_52w: Annotated[float, Field(ge=0, le=8784)] | None = None
    is_caregiver: bool | None = None
    is_indigenous: bool | None = None
    monthly_shelter_cost: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    liquid_assets: Annotated[float, Field(allow_inf_nan=False)] | None = None
    demographics: Demographics | None = None


class Household(_Model):
    """A family: one applicant, at most one spouse, children and other dependants."""

    province: Literal[PROVINCES] | None = None  # type: ignore[valid-type]
    municipality: Literal[MUNICIPALITIES] | None = None  # type: ignore[valid-type]
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

    as_of: dt.date = Field(default_factory=dt.date.today)
    household: Household


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


def parse_profile(data: Any, as_of: dt.date | None = None) -> Profile:
    """Validate a profile (parsed JSON); ``as_of`` overrides the profile's date.

    Raises:
        InputError: naming the JSON path of the first problem and the reason.

    Examples:
        >>> p = parse_profile({"as_of": "2026-01-15",
        ...     "household": {"members": [{"id": "a", "role": "applicant"}]}})
        >>> p.household.members[0].net_income is None
        True
        >>> parse_profile({"household": {"members": [{"id": "a", "role": "applicant",
        ...     "net_income": "lots"}]}})
        Traceback (most recent call last):
        ...
        engine.errors.InputError: household/members/0/net_income: not a number
    """
    if not isinstance(data, dict):
        raise InputError("", "the profile must be a JSON object with 'household'")
    if as_of is not None:
        data = {**data, "as_of": as_of.isoformat()}
    try:
        return Profile.model_validate(data)
    except PydanticValidationError as exc:
        raise _input_error(exc) from None


def _input_error(exc: PydanticValidationError) -> InputError:
    error = exc.errors()[0]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InputError):
        return cause
    loc = [str(part) for part in error["loc"] if not _is_union_tag(part)]
    path = "/".join(loc)
    reason = _REASONS.get(error["type"])
    if error["type"] == "literal_error":
        reason = "must be one of " + str(error.get("ctx", {}).get("expected", ""))
    elif error["type"] in ("greater_than_equal", "less_than_equal", "too_long"):
        reason = str(error["msg"]).lower()
    return InputError(path, reason or str(error["msg"]))


def _is_union_tag(part: Any) -> bool:
    text = str(part)
    return text in ("float", "dict[str,float]", "constrained-float", "function-after") or (
        text.startswith("dict[") or text.startswith("function-")
    )
