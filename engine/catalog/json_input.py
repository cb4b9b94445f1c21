"""Input files as JSON: the bytes of a profile or life event, decoded with limits.

A household profile is a few kilobytes, nested five levels deep. Anything far past that, bytes
that are not UTF-8, and JSON that Python would accept but the standard does not (``NaN``,
``Infinity``, a key twice in one object) are input errors, in English and French, never a crash.
One UTF-8 byte-order mark at the start is accepted (some editors write it).

Examples:
    >>> decode_json(b'\\xef\\xbb\\xbf{"as_of": "2026-01-15"}')
    {'as_of': '2026-01-15'}
    >>> decode_json(b'{"a": NaN}')
    Traceback (most recent call last):
    ...
    engine.errors.InputError: not valid JSON: NaN is not a JSON number
"""

from __future__ import annotations

import json
import math
from typing import Any

from engine.catalog.input_errors import number_text
from engine.errors import InputError

__all__ = ["MAX_DEPTH", "MAX_INPUT_BYTES", "decode_json"]

MAX_INPUT_BYTES = 1_048_576
"""The largest input accepted (1 MiB; a profile of 30 members is about 10 kB)."""

MAX_DEPTH = 32
"""The deepest nesting of objects and lists accepted (a profile needs 5, a life event 7)."""

_MAX_DIGITS = 300  # an integer longer than this is past every domain: read as infinite

#: the messages of Python's JSON decoder, in French
_JSON_FR = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": (
        "nom de propriété entre guillemets doubles attendu"
    ),
    "Expecting ',' delimiter": "séparateur ',' attendu",
    "Expecting ':' delimiter": "séparateur ':' attendu",
    "Extra data": "données en trop après la valeur",
    "Unterminated string starting at": "chaîne non terminée",
    "Invalid control character at": "caractère de contrôle non permis dans une chaîne",
    "Invalid \\uXXXX escape": "séquence \\uXXXX non valide",
    "Invalid \\escape": "séquence d'échappement non valide",
}


def _not_json(reason: str, fr: str) -> InputError:
    return InputError("", f"not valid JSON: {reason}", fr=f"JSON non valide : {fr}")


def _constant(name: str) -> Any:
    raise _not_json(f"{name} is not a JSON number", f"{name} n'est pas un nombre JSON")


def _integer(text: str) -> int | float:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        return -math.inf if text.startswith("-") else math.inf
    return int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _not_json(
                f"the key {key!r} appears twice in one object",
                f"la clé {key!r} figure deux fois dans un même objet",
            )
        result[key] = value
    return result


def _too_deep() -> InputError:
    return InputError(
        "",
        f"nested more than {MAX_DEPTH} levels deep",
        fr=f"plus de {MAX_DEPTH} niveaux d'imbrication",
    )


def _check_depth(data: Any) -> None:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children)


def _decode_error(exc: json.JSONDecodeError) -> InputError:
    french = next((fr for en, fr in _JSON_FR.items() if exc.msg.startswith(en)), exc.msg)
    return _not_json(
        f"line {exc.lineno} column {exc.colno}: {exc.msg}",
        f"ligne {exc.lineno} colonne {exc.colno} : {french}",
    )


def decode_json(raw: bytes) -> Any:
    """The JSON value of an input file's bytes.

    Raises:
        InputError: the input is larger than :data:`MAX_INPUT_BYTES`, not UTF-8, empty, not
            JSON, or nested deeper than :data:`MAX_DEPTH` (the path is empty: the whole input).
    """
    if len(raw) > MAX_INPUT_BYTES:
        most, most_fr = number_text(MAX_INPUT_BYTES), number_text(MAX_INPUT_BYTES, "fr")
        raise InputError(
            "",
            f"larger than {most} bytes (1 MiB): a household profile is a few kB",
            fr=f"plus de {most_fr} octets (1 Mio) : un profil de ménage fait quelques ko",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte, at = raw[exc.start], exc.start
        raise InputError(
            "",
            f"not UTF-8 text: byte 0x{byte:02x} at offset {at} (save the file as UTF-8)",
            fr=f"pas du texte UTF-8 : octet 0x{byte:02x} à la position {at} (enregistrez le "
            "fichier en UTF-8)",
        ) from None
    if not text.strip():
        raise InputError("", "empty: expected a JSON object", fr="vide : un objet JSON est attendu")
    try:
        data = json.loads(
            text, object_pairs_hook=_object, parse_constant=_constant, parse_int=_integer
        )
    except InputError:
        raise
    except json.JSONDecodeError as exc:
        raise _decode_error(exc) from None
    except RecursionError:
        raise _too_deep() from None
    _check_depth(data)
    return data
