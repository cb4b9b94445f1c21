"""Every broken rule file is rejected with its file, its line and the reason."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalog.loader import load_catalog, validate_catalog
from engine.errors import (
    DependencyCycleError,
    ExpressionError,
    ParameterValueMissing,
    RuleFileError,
    RuleSchemaError,
)

BROKEN = Path(__file__).resolve().parents[2] / "fixtures" / "rules" / "broken"
VALID = Path(__file__).resolve().parents[2] / "fixtures" / "rules" / "valid"

# fixture folder -> (error class, line, words the message must contain)
CASES: dict[str, tuple[type[RuleFileError], int, tuple[str, ...]]] = {
    "unknown_field": (RuleSchemaError, 8, ("unknown field 'nmae'", "did you mean 'name'")),
    "unknown_fact": (ExpressionError, 18, ("unknown name 'has_pet'",)),
    "unknown_parameter": (ExpressionError, 23, ("unknown name 'ceiling'",)),
    "unknown_program": (ExpressionError, 21, ("unknown program 'xx_nothing'",)),
    "type_error": (ExpressionError, 21, ("type error", "is a number where a bool is needed")),
    "type_error_operand": (ExpressionError, 21, ("type error", "'and' needs a bool, got a number")),
    "missing_french": (RuleSchemaError, 3, ("missing French text at name.fr",)),
    "attribute_access": (ExpressionError, 18, ("attribute access (a.b) is not allowed",)),
    "dunder_name": (ExpressionError, 18, ("dunder name '__import__' is not allowed",)),
    "lambda": (ExpressionError, 18, ("lambda is not allowed",)),
    "comprehension": (ExpressionError, 18, ("comprehensions is not allowed",)),
    "non_whitelisted_call": (ExpressionError, 18, ("call of 'len' is not allowed",)),
    "subscript": (ExpressionError, 18, ("subscripts (a[b]) is not allowed",)),
    "keyword_argument": (ExpressionError, 18, ("count() takes no keyword arguments",)),
    "variable_cycle": (
        DependencyCycleError,
        18,
        ("dependency cycle between variables: n_children -> extra -> n_children",),
    ),
    "unknown_value": (ExpressionError, 21, ("'ZZ' is not a value of province",)),
    "bad_date_key": (RuleSchemaError, 15, ("'2024-13-01' is not an ISO date",)),
    "missing_reference": (RuleSchemaError, 16, ("missing required field 'reference'",)),
    "french_reference_without_url": (
        RuleSchemaError,
        13,
        ("missing required field 'url' at references.0.fr.url",),
    ),
    "french_reference_not_https": (
        RuleSchemaError,
        13,
        ("references.0.fr.url: not a web address (expected https://",),
    ),
    "invalid_yaml": (RuleSchemaError, 21, ("not valid YAML",)),
    "unknown_jurisdiction": (
        RuleSchemaError,
        5,
        ("jurisdiction code 'ZZ' is not a known provincial",),
    ),
    "definition_requires": (
        ExpressionError,
        23,
        ("definition 'sa_monthly_entitlement' needs 'basic_needs'",),
    ),
    "shadows_definition": (
        RuleSchemaError,
        19,
        ("'adjusted_family_net_income' is already a shared definition",),
    ),
    "foreign_parameter": (ExpressionError, 23, ("xx_demo has no parameter 'ceiling'",)),
    "criterion_without_when_unknown": (
        RuleSchemaError,
        20,
        ("criterion 'has_child' is unknown when a fact it reads is", "'when_unknown' text"),
    ),
    "condition_not_bool": (ExpressionError, 22, ("is a number where a bool is needed",)),
    "value_after_start": (
        RuleSchemaError,
        22,
        ("parameter 'max_weeks' has no value on the program's start (2025-07-01)",),
    ),
    "nested_condition": (
        RuleSchemaError,
        23,
        ("a conditional text {name?text} cannot hold a placeholder",),
    ),
    "unknown_exclusion": (
        RuleSchemaError,
        26,
        ("an exclusion names 'xx_nothing', which no rule file has",),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_file_is_rejected_with_file_line_and_reason(case: str) -> None:
    error_class, line, words = CASES[case]
    folder = BROKEN / case
    with pytest.raises(error_class) as caught:
        load_catalog(folder)
    error = caught.value
    assert error.file == folder / "xx_demo.yaml"
    assert error.line == line, str(error)
    assert str(error).startswith(f"{folder / 'xx_demo.yaml'}:{line}: ")
    for word in words:
        assert word in error.reason, error.reason


def test_program_dependency_cycle_names_both_programs() -> None:
    with pytest.raises(DependencyCycleError) as caught:
        load_catalog(BROKEN / "program_cycle")
    error = caught.value
    assert "dependency cycle between programs: xx_demo -> xx_other -> xx_demo" in error.reason
    assert error.file.name == "xx_demo.yaml" and error.line == 21


def test_validate_collects_every_broken_file_instead_of_stopping() -> None:
    errors = validate_catalog(BROKEN)
    broken_files = {e.file.parent.name for e in errors}
    assert broken_files >= set(CASES) - {"program_cycle"}


def test_parameter_without_value_on_the_evaluation_date_names_the_parameter() -> None:
    catalog = load_catalog(VALID)
    catalog.check_parameters(dt.date(2024, 7, 1))  # first value: in force
    with pytest.raises(ParameterValueMissing) as caught:
        catalog.check_parameters(dt.date(2024, 6, 30))
    error = caught.value
    assert error.file == VALID / "xx_demo.yaml" and error.line == 15
    assert "parameter 'cap' of xx_demo has no value on 2024-06-30" in error.reason
    assert "first value is dated 2024-07-01" in error.reason


def test_valid_fixture_loads() -> None:
    catalog = load_catalog(VALID)
    assert list(catalog.programs) == ["xx_demo"]


def test_bundled_rules_are_valid() -> None:
    assert validate_catalog(Path(__file__).resolve().parents[3] / "rules") == []


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")), deadline=None)
@given(st.data())
def test_any_corruption_of_a_rule_file_is_a_rule_file_error_or_loads(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    lines = (VALID / "xx_demo.yaml").read_text(encoding="utf-8").splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["delete", "replace_value", "garble"]))
    if action == "delete":
        del lines[index]
    elif action == "replace_value" and ":" in lines[index]:
        key = lines[index].split(":", 1)[0]
        junk = data.draw(st.sampled_from(["", "[]", "{}", "-1", "x.y", "'ON'", "null", "1e999"]))
        lines[index] = f"{key}: {junk}"
    else:
        lines[index] = data.draw(st.text(max_size=20))
    folder = tmp_path_factory.mktemp("corrupt")
    (folder / "xx_demo.yaml").write_text("\n".join(lines), encoding="utf-8")
    try:
        load_catalog(folder)
    except RuleFileError as error:
        assert error.reason and error.file.name == "xx_demo.yaml"
