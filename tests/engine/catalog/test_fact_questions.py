"""A registry question may only use the placeholders the engine fills."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.catalog.loader import load_facts
from engine.catalog.paths import default_rules_dir
from engine.errors import RuleSchemaError


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        # a person fact that is not stated per tax year has no {year}
        (
            'en: "Has {member} been approved for the disability tax credit?"',
            'en: "Has {member} been approved for the disability tax credit in {year}?"',
            "placeholder {year} is not filled for this fact (allowed: {member})",
        ),
        # a household fact names no member
        (
            'en: "In which province or territory does the household live?"',
            'en: "In which province or territory does {member} live?"',
            "placeholder {member} is not filled for this fact (allowed: none)",
        ),
        (
            'en: "What is {member}\'s date of birth?"',
            'en: "What is {name}\'s date of birth?"',
            "placeholder {name} is not filled",
        ),
    ],
)
def test_a_question_with_a_placeholder_the_engine_does_not_fill_is_rejected_on_its_line(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    facts = tmp_path / "facts.yaml"
    shutil.copy(default_rules_dir() / "facts.yaml", facts)
    text = facts.read_text(encoding="utf-8")
    assert old in text
    facts.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(RuleSchemaError) as raised:
        load_facts(facts)
    line = next(i for i, row in enumerate(facts.read_text().splitlines(), 1) if new in row)
    assert words in raised.value.reason
    assert raised.value.line == line
