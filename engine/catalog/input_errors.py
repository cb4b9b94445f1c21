"""Pydantic validation errors as input errors a person can read: the JSON path of the first
problem and the reason, in English and French.

Examples:
    >>> from pydantic import BaseModel, ValidationError
    >>> class Demo(BaseModel):
    ...     count: int
    >>> try:
    ...     Demo.model_validate({})
    ... except ValidationError as exc:
    ...     error = input_error(exc)
    >>> error.message("en"), error.message("fr")
    ('count: required', 'count: obligatoire')
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails

from engine.errors import InputError

__all__ = ["input_error", "number_text"]

_NOT_A_DATE = ("not a date (expected YYYY-MM-DD)", "pas une date (format attendu AAAA-MM-JJ)")
_NOT_A_NUMBER = ("not a number", "pas un nombre")
_NOT_A_BOOL = ("not true or false", "ni true ni false")
_NOT_AN_OBJECT = ("not an object", "pas un objet")
_EMPTY = ("must not be empty", "ne doit pas être vide")

#: pydantic error types (and the engine's own) whose reason needs no context
_REASONS: dict[str, tuple[str, str]] = {
    "missing": ("required", "obligatoire"),
    "extra_forbidden": ("unknown field", "champ inconnu"),
    "not_a_date": _NOT_A_DATE,
    "date_from_datetime_parsing": _NOT_A_DATE,
    "date_from_datetime_inexact": _NOT_A_DATE,
    "date_parsing": _NOT_A_DATE,
    "date_type": _NOT_A_DATE,
    "not_a_number": _NOT_A_NUMBER,
    "float_parsing": _NOT_A_NUMBER,
    "float_type": _NOT_A_NUMBER,
    "int_parsing": _NOT_A_NUMBER,
    "int_type": _NOT_A_NUMBER,
    "bool_parsing": _NOT_A_BOOL,
    "bool_type": _NOT_A_BOOL,
    "finite_number": ("not a finite number", "pas un nombre fini"),
    "too_short": _EMPTY,
    "string_too_short": _EMPTY,
    "string_type": ("not a text", "pas un texte"),
    "list_type": ("not a list", "pas une liste"),
    "dict_type": _NOT_AN_OBJECT,
    "model_type": _NOT_AN_OBJECT,
    "model_attributes_type": _NOT_AN_OBJECT,
}

_MEMBER_ID = (
    "must not contain '/', spaces or control characters: it names the member in paths such as "
    "members/<id>/net_income",
    "ne doit contenir ni '/', ni espace, ni caractère de contrôle : il désigne le membre dans "
    "des chemins comme members/<id>/net_income",
)
_TAX_YEAR = (
    "not a tax year (expected four digits, e.g. 2024)",
    "pas une année d'imposition (quatre chiffres attendus, p. ex. 2024)",
)


def number_text(value: float, lang: str = "en") -> str:
    """A bound as people write it: ``100,000,000`` in English, ``100 000 000`` in French.

    Examples:
        >>> number_text(1e8), number_text(1e8, "fr"), number_text(0.5, "fr")
        ('100,000,000', '100\\xa0000\\xa0000', '0,5')
    """
    text = f"{int(value):,}" if value == int(value) else f"{value:,}"
    return text.replace(",", "\u00a0").replace(".", ",") if lang == "fr" else text


def _is_union_tag(part: Any) -> bool:
    text = str(part)
    return text in ("float", "constrained-float", "function-after") or (
        text.startswith("dict[") or text.startswith("function-")
    )


def _chosen(errors: list[ErrorDetails]) -> ErrorDetails:
    """The first error; where it is one branch of a union (a number or a mapping by tax year),
    the branch that got furthest into the value, so ``{"2024": -5}`` is "at least 0", not "not
    a number"."""
    first = errors[0]
    loc = first["loc"]
    tag = next((i for i, part in enumerate(loc) if _is_union_tag(part)), None)
    if tag is None:
        return first
    branches = [e for e in errors if tuple(e["loc"][:tag]) == tuple(loc[:tag])]
    return max(branches, key=lambda e: len(e["loc"]))


def _reason(error: ErrorDetails, field: str, key: bool) -> tuple[str, str | None]:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind in _REASONS:
        return _REASONS[kind]
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        head, _, last = expected.rpartition(" or ")
        french = f"{head} ou {last}" if head else expected
        return f"must be one of {expected}", f"doit être l'une des valeurs {french}"
    if kind == "greater_than_equal":
        least = float(ctx["ge"])
        return f"must be at least {number_text(least)}", "doit être d'au moins " + number_text(
            least, "fr"
        )
    if kind == "less_than_equal":
        most = float(ctx["le"])
        return f"must be at most {number_text(most)}", "doit être d'au plus " + number_text(
            most, "fr"
        )
    if kind == "too_long":
        items = ctx.get("max_length")
        return f"must have at most {items} items", f"doit compter au plus {items} éléments"
    if kind == "string_too_long":
        length = ctx.get("max_length")
        return f"must be at most {length} characters", f"doit compter au plus {length} caractères"
    if kind == "string_pattern_mismatch" and (key or field == "id"):
        return _TAX_YEAR if key else _MEMBER_ID
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        return f"does not match {pattern}", f"ne correspond pas à {pattern}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, "), None
    return str(error["msg"]), None


def input_error(exc: PydanticValidationError) -> InputError:
    """The first problem of a pydantic validation error as an input error: its JSON path and a
    reason a person can read, in English and French."""
    error = _chosen(exc.errors())
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InputError):
        return cause
    loc = [str(part) for part in error["loc"] if not _is_union_tag(part)]
    key = bool(loc) and loc[-1] == "[key]"
    path = "/".join(loc[:-1] if key else loc)
    english, french = _reason(error, loc[-1] if loc else "", key)
    return InputError(path, english, fr=french)
