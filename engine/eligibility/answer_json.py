"""An answer's JSON straight from the engine's dicts, without building its models.

A check builds its answer as plain dicts in the contract's shape, every field present and in
the order of the models in :mod:`engine.eligibility.result` (``program_result`` writes them so);
:class:`~engine.eligibility.result.CheckResult` validates them into models for Python callers.
A service only writes the answer out: validating 66 programs' dicts into models and serializing
the models again took about ten times what serializing the dicts does. The bytes are the same
(tests/engine/eligibility/test_answer_json.py compares them on many households).
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel

__all__ = ["answer_json"]


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
