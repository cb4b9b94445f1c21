"""An answer's JSON straight from the engine's dicts, without building its models.

A check builds its answer as plain dicts in the contract's shape, every field present and in
the order of the models in :mod:`engine.eligibility.result` (``program_result`` writes them so);
:class:`~engine.eligibility.result.CheckResult` validates them into models for Python callers.
A service only writes the answer out: validating 66 programs' dicts into models and serializing
the models again took about ten times what serializing the dicts does. The bytes are the same
(tests/engine/eligibility/test_answer_json.py compares them on many households).
"""

from __future__ import annotations

import weakref
from typing import Any

import orjson
from pydantic import BaseModel

__all__ = ["answer_json", "keep_source", "model_json"]

#: the engine's dicts a validated answer was made from, by the answer's id (an entry goes when
#: its answer does): a service writing an answer it holds as a model (a life event's check after
#: the event, inside its EventResult) writes them instead of the model
_SOURCES: dict[int, tuple[weakref.ref[BaseModel], dict[str, Any]]] = {}


def answer_json(answer: dict[str, Any]) -> bytes:
    """The JSON of an answer built by the engine (``evaluate._answers``), as
    ``CheckResult.model_validate(answer).model_dump_json()`` writes it."""
    return orjson.dumps(answer, default=_fields)


#: the model classes met so far without computed fields (``isinstance`` against pydantic's
#: BaseModel, in every call, cost twice what the rest of the serialization does)
_PLAIN: set[type] = set()


def _fields(value: Any) -> Any:
    """A finished model inside the dicts (a text without placeholders, a missing fact's
    question): its fields, in order. Only models without computed fields are kept finished."""
    kind = type(value)
    if kind in _PLAIN:
        return value.__dict__
    if isinstance(value, BaseModel) and not kind.model_computed_fields:
        _PLAIN.add(kind)
        return value.__dict__
    raise TypeError(f"not JSON: {kind.__name__}")


def keep_source(model: BaseModel, answer: dict[str, Any]) -> None:
    """Remember that ``model`` was validated from the engine's ``answer`` (not changed since:
    the engine's dicts are not touched once validated), for :func:`model_json`."""
    key = id(model)
    _SOURCES[key] = (weakref.ref(model, lambda _: _SOURCES.pop(key, None)), answer)


def model_json(model: BaseModel) -> bytes:
    """``model.model_dump_json()``, byte for byte; an answer inside it (at any depth of model
    fields) that the engine's dicts are kept for (:func:`keep_source`) is written from them."""
    source = _source(model)
    if source is not None:
        return answer_json(source)
    kind, fields_of = type(model), type(model).model_fields
    nested = {
        k: v
        for k, v in model.__dict__.items()
        if isinstance(v, BaseModel) and k in fields_of and not fields_of[k].exclude and _holds(v)
    }
    if not nested or model.__pydantic_extra__:  # extra fields: pydantic's own order
        return model.model_dump_json().encode()
    rest = model.model_dump(mode="json", exclude=set(nested))
    fields = {
        name: orjson.Fragment(model_json(nested[name])) if name in nested else rest[name]
        for name in fields_of
        if name in nested or name in rest  # a field excluded from dumps stays out
    }
    fields.update((name, rest[name]) for name in kind.model_computed_fields)
    return orjson.dumps(fields)


def _source(model: BaseModel) -> dict[str, Any] | None:
    """The engine's dicts kept for ``model`` (:func:`keep_source`), if any."""
    found = _SOURCES.get(id(model))
    return found[1] if found is not None and found[0]() is model else None


def _holds(model: BaseModel) -> bool:
    """Whether ``model`` or a model in its fields has its engine's dicts kept."""
    if _source(model) is not None:
        return True
    return any(isinstance(v, BaseModel) and _holds(v) for v in model.__dict__.values())
