"""The engine's one error tree.

Every error the engine raises on purpose derives from :class:`LifeEventsError`; each also
subclasses the matching builtin so callers that only know Python still catch it sensibly::

    LifeEventsError
    ├── RuleFileError (ValueError)           a rule file is broken: file, line and reason
    │   ├── RuleSchemaError                  unknown field, missing French text, bad value
    │   ├── ExpressionError                  syntax outside the whitelist, unknown name, type error
    │   ├── DependencyCycleError             programs (or variables) that depend on each other
    │   └── ParameterValueMissing            a parameter has no value on the evaluation date
    ├── InputError (ValueError)              a profile or event is invalid: JSON path and reason
    └── EvaluationError (RuntimeError)       the rules engine failed on valid input (a bug)

Messages are built inside each class from its fields: what happened, where, and how to fix it.
"""

from __future__ import annotations

from pathlib import Path


class LifeEventsError(Exception):
    """Root of every error the engine raises on purpose."""


class RuleFileError(LifeEventsError, ValueError):
    """A rule file cannot be used.

    Args:
        file: the rule file.
        line: 1-based line of the offending value (0 when unknown).
        reason: what is wrong and how to fix it.

    Examples:
        >>> str(RuleFileError(Path("rules/programs/ca/ca_ccb.yaml"), 12, "unknown field 'nme'"))
        "rules/programs/ca/ca_ccb.yaml:12: unknown field 'nme'"
    """

    def __init__(self, file: Path | str, line: int, reason: str) -> None:
        self.file = Path(file)
        self.line = line
        self.reason = reason
        super().__init__(self.location + ": " + reason)

    @property
    def location(self) -> str:
        """``file:line`` as editors and CI logs understand it."""
        return f"{self.file}:{self.line}" if self.line else str(self.file)


class RuleSchemaError(RuleFileError):
    """A rule file does not match the schema (unknown field, missing French text, bad value)."""


class ExpressionError(RuleFileError):
    """An expression uses syntax outside the whitelist, an unknown name, or mismatched types."""


class DependencyCycleError(RuleFileError):
    """Programs (or a program's variables) depend on each other in a cycle."""


class ParameterValueMissing(RuleFileError):
    """A parameter has no value in force on the evaluation date."""


class InputError(LifeEventsError, ValueError):
    """A profile or life event is invalid.

    Args:
        path: JSON path of the offending value, ``/``-separated
            (``household/members/1/date_of_birth``); empty for the input as a whole.
        reason: what is wrong with it, in English.
        fr: the same reason in French (the path is never translated); without it, French
            messages fall back to the English reason.

    Examples:
        >>> str(InputError("household/members/1/date_of_birth", "not a date"))
        'household/members/1/date_of_birth: not a date'
        >>> InputError("as_of", "not a date", fr="pas une date").message("fr")
        'as_of: pas une date'
    """

    def __init__(self, path: str, reason: str, fr: str | None = None) -> None:
        self.path = path
        self.reason = reason
        self.reason_fr = fr
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The one-line message in ``lang`` (``en`` or ``fr``): the path, then the reason."""
        reason = self.reason_fr if lang == "fr" and self.reason_fr else self.reason
        return f"{self.path}: {reason}" if self.path else reason


class EvaluationError(LifeEventsError, RuntimeError):
    """The rules engine failed on valid input; this is a bug in the engine or a rule file."""

    def __init__(self, program: str, reason: str) -> None:
        self.program = program
        self.reason = reason
        super().__init__(f"evaluating {program} failed: {reason}")
