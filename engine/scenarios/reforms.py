"""Reform files (``scenarios/reforms/<name>.yaml``): a :class:`~engine.catalog.reform.Reform`
written as YAML, validated like a rule file (file, line, reason), applied through the same
loader checks and compiler as the law's rules.
"""

from __future__ import annotations

from pathlib import Path

from engine.catalog._parse import parse_model
from engine.catalog._yaml import load_located
from engine.catalog.reform import Reform
from engine.engine import Engine
from engine.errors import InputError, RuleSchemaError

__all__ = ["load_reform", "reformed"]


def load_reform(file: Path) -> Reform:
    """Read and validate a reform file.

    Raises:
        RuleSchemaError: not valid YAML, or not a reform (file, line, reason).
    """
    return parse_model(Reform, load_located(file))


def reformed(engine: Engine, file: Path) -> tuple[Reform, Engine]:
    """The reform of ``file`` and an engine whose rules carry it.

    Raises:
        RuleSchemaError: the file is malformed, or names a program, parameter, variable or
            criterion the rules do not have (the line of the name in the file).
        RuleFileError: a replaced expression or a new program does not check.
    """
    doc = load_located(file)
    reform = parse_model(Reform, doc)
    try:
        return reform, engine.reformed(reform)
    except InputError as exc:
        loc = tuple(int(part) if part.isdigit() else part for part in exc.path.split("/"))
        raise RuleSchemaError(file, doc.line_of(loc), exc.reason) from None
