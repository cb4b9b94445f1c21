"""Input files are decoded with limits: bad bytes, deep nesting, oversized files and JSON that
only Python accepts are input errors (English and French), never a crash."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalog.json_input import MAX_DEPTH, MAX_INPUT_BYTES, decode_json
from engine.errors import InputError

PROFILE = {"as_of": "2026-01-15", "household": {"members": [{"id": "a", "role": "applicant"}]}}


def _refused(raw: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        decode_json(raw)
    assert caught.value.path == ""  # the input as a whole
    assert caught.value.reason_fr, "every reason has its French"
    return caught.value


def _nested(depth: int) -> bytes:
    return b'{"a": ' * (depth - 1) + b"{}" + b"}" * (depth - 1)


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert decode_json(b"\xef\xbb\xbf" + json.dumps(PROFILE).encode()) == PROFILE


def test_bytes_that_are_not_utf8_are_refused_naming_the_first_bad_byte() -> None:
    error = _refused(b'{"as_of": "2026-01-15", "x": "\xe9t\xe9"}')
    assert error.reason == "not UTF-8 text: byte 0xe9 at offset 30 (save the file as UTF-8)"
    assert error.reason_fr == (
        "pas du texte UTF-8 : octet 0xe9 à la position 30 (enregistrez le fichier en UTF-8)"
    )


def test_a_utf16_file_is_refused_as_not_utf8() -> None:
    assert _refused(json.dumps(PROFILE).encode("utf-16")).reason.startswith("not UTF-8 text")


def test_nesting_up_to_the_limit_is_accepted_and_one_level_more_is_refused() -> None:
    assert decode_json(_nested(MAX_DEPTH))
    error = _refused(_nested(MAX_DEPTH + 1))
    assert error.reason == f"nested more than {MAX_DEPTH} levels deep"


def test_nesting_deeper_than_the_json_decoder_can_recurse_is_refused_not_a_crash() -> None:
    error = _refused(b"[" * 200_000 + b"]" * 200_000)
    assert error.reason == f"nested more than {MAX_DEPTH} levels deep"


def test_an_input_larger_than_one_mebibyte_is_refused_before_decoding() -> None:
    body = json.dumps(PROFILE).encode()
    assert decode_json(body + b" " * (MAX_INPUT_BYTES - len(body))) == PROFILE
    error = _refused(body + b" " * (MAX_INPUT_BYTES - len(body) + 1))
    assert error.reason == "larger than 1,048,576 bytes (1 MiB): a household profile is a few kB"
    assert error.reason_fr == (
        "plus de 1\u00a0048\u00a0576 octets (1 Mio) : un profil de ménage fait quelques ko"
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_numbers(constant: str) -> None:
    error = _refused(f'{{"net_income": {constant}}}'.encode())
    assert error.reason == f"not valid JSON: {constant} is not a JSON number"


def test_a_key_twice_in_one_object_is_refused_rather_than_keeping_the_last() -> None:
    error = _refused(b'{"net_income": 1, "net_income": 100000}')
    assert error.reason == "not valid JSON: the key 'net_income' appears twice in one object"


def test_an_integer_with_thousands_of_digits_is_read_as_infinite_for_the_profile_to_refuse() -> (
    None
):
    assert decode_json(b"1" * 5000) == float("inf")
    assert decode_json(b"-" + b"1" * 5000) == float("-inf")


@pytest.mark.parametrize(
    ("raw", "english", "french"),
    [
        (b"{not json", "line 1 column 2: Expecting property name", "ligne 1 colonne 2 : nom de"),
        (b'{"a": 1,}', "line 1 column 9: Expecting property name", "ligne 1 colonne 9 : nom de"),
        (b'{"a": 1} x', "line 1 column 10: Extra data", "ligne 1 colonne 10 : données en trop"),
        (b'{"a": "x', "line 1 column 7: Unterminated string", "ligne 1 colonne 7 : chaîne non"),
    ],
)
def test_json_syntax_errors_name_the_line_and_column_in_both_languages(
    raw: bytes, english: str, french: str
) -> None:
    error = _refused(raw)
    assert error.reason.startswith(f"not valid JSON: {english}")
    assert error.reason_fr is not None and error.reason_fr.startswith(f"JSON non valide : {french}")


@pytest.mark.parametrize("raw", [b"", b"  \n", b"\xef\xbb\xbf"])
def test_an_empty_input_is_refused(raw: bytes) -> None:
    assert _refused(raw).reason == "empty: expected a JSON object"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_decode_or_are_an_input_error(raw: bytes) -> None:
    try:
        decode_json(raw)
    except InputError as error:
        assert error.reason and error.reason_fr


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_any_json_document_decodes_to_itself_or_is_refused_for_its_depth(value: Any) -> None:
    text = json.dumps(value)
    if _depth(value) > MAX_DEPTH:
        assert _refused(text.encode()).reason.startswith("nested more than")
    else:
        assert decode_json(text.encode()) == json.loads(text)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0
