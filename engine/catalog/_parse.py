"""Validate a located YAML document against a pydantic model, reporting file, line and reason.

Examples:
    >>> from pathlib import Path
    >>> from engine.catalog._yaml import LocatedDocument
    >>> from engine.catalog.schema import Text
    >>> doc = LocatedDocument(Path("x.yaml"), {"en": "Birth", "fr": "Naissance", "summry": "?"},
    ...                       {(): 1, ("en",): 1, ("fr",): 2, ("summry",): 3})
    >>> try:
    ...     parse_model(Text, doc)
    ... except Exception as exc:
    ...     print(exc)
    x.yaml:3: unknown field 'summry' at summry; did you mean 'summary'?
"""

from __future__ import annotations

import difflib
import functools
import typing
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from engine.catalog import schema
from engine.catalog._yaml import Loc, LocatedDocument
from engine.errors import RuleSchemaError

__all__ = ["parse_model"]

M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], doc: LocatedDocument) -> M:
    """Validate a located YAML document against a schema model.

    Raises:
        RuleSchemaError: the first problem, with the line it is on.
    """
    try:
        return model.model_validate(doc.data)
    except PydanticValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: doc.line_of(tuple(e["loc"])))
        first = errors[0]
        loc: Loc = tuple(first["loc"])
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        names = _field_names(model)
        raise RuleSchemaError(doc.file, doc.line_of(loc), _reason(first, names) + more) from None


@functools.cache
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    """Every field name of the program schema and of ``model`` and the models it holds: the
    names an unknown field may be a misspelling of."""
    found: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def walk(kind: Any) -> None:
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if kind in seen:
                return
            seen.add(kind)
            for name, info in kind.model_fields.items():
                found.add(info.alias or name)
                walk(info.annotation)
        for arg in typing.get_args(kind):
            walk(arg)

    walk(model)
    for value in vars(schema).values():
        walk(value)
    return tuple(sorted(found))


def _reason(error: Any, names: tuple[str, ...]) -> str:
    loc = [str(part) for part in error["loc"]]
    where = ".".join(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        field_name = loc[-1]
        close = difflib.get_close_matches(field_name, names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field '{field_name}' at {where}{hint}"
    if kind == "missing" and loc and loc[-1] == "fr":
        return f"missing French text at {where}: every text needs both 'en' and 'fr'"
    if kind == "missing":
        return f"missing required field '{loc[-1]}' at {where}"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "url":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        scheme = "https://" if pattern.startswith("^https://") else "http:// or https://"
        return f"{where}: not a web address (expected {scheme} and no spaces)"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
