"""Load and validate the rule catalog: schema, expressions, dependencies, explanations.

Examples:
    >>> from engine.catalog.loader import default_rules_dir, load_catalog
    >>> catalog = load_catalog(default_rules_dir())
    >>> "ca_ccb" in catalog.programs
    True
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from engine.catalog import schema
from engine.catalog._yaml import Loc, LocatedDocument, load_located
from engine.catalog.dependencies import dependency_order
from engine.catalog.expressions import (
    Expr,
    ExpressionProblem,
    Namespace,
    check,
    placeholders,
)
from engine.catalog.facts import PROVINCES, Entity, Kind
from engine.catalog.municipalities import MUNICIPALITIES
from engine.catalog.paths import default_rules_dir
from engine.catalog.sharing import share_subexpressions
from engine.errors import (
    DependencyCycleError,
    ExpressionError,
    ParameterValueMissing,
    RuleFileError,
    RuleSchemaError,
)

__all__ = [
    "Catalog",
    "ProgramRules",
    "default_rules_dir",
    "load_catalog",
    "load_program_file",
    "parse_model",
    "validate_catalog",
]


@dataclass(frozen=True, eq=False)
class ProgramRules:
    """One program, validated and type-checked, ready to compile."""

    program: schema.Program
    document: LocatedDocument
    variables: dict[str, Expr]
    criteria: dict[str, Expr]
    amount: Expr | None
    scope: Expr | None
    texts: dict[str, Expr] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The program id."""
        return self.program.id

    @property
    def file(self) -> Path:
        """The rule file."""
        return self.document.file

    def line(self, *loc: str | int) -> int:
        """The line of a value in the rule file."""
        return self.document.line_of(loc)

    def depends_on(self) -> set[str]:
        """Programs this one reads through is_eligible / amount_of."""
        exprs = [*self.variables.values(), *self.criteria.values(), *self.texts.values()]
        exprs += [e for e in (self.amount, self.scope) if e is not None]
        return set().union(*(e.programs() for e in exprs)) if exprs else set()


@dataclass(frozen=True)
class Catalog:
    """Every program of a rules directory, in dependency order."""

    root: Path
    programs: dict[str, ProgramRules]
    shared_nodes: frozenset[int] = frozenset()

    def check_parameters(self, as_of: dt.date) -> None:
        """Raise when a parameter has no value in force on ``as_of``.

        Raises:
            ParameterValueMissing: naming the file, the line and the first available date.
        """
        if as_of >= self.earliest_complete_date:
            return
        for rules in self.programs.values():
            for name, parameter in rules.program.parameters.items():
                if parameter.first_date > as_of:
                    raise ParameterValueMissing(
                        rules.file,
                        rules.line("parameters", name, "values"),
                        f"parameter '{name}' of {rules.id} has no value on {as_of.isoformat()}: "
                        f"its first value is dated {parameter.first_date.isoformat()}; add the "
                        "value in force on that date or evaluate a later date",
                    )

    @cached_property
    def earliest_complete_date(self) -> dt.date:
        """The first date on which every parameter of every program has a value."""
        firsts = [
            p.first_date for r in self.programs.values() for p in r.program.parameters.values()
        ]
        return max(firsts, default=dt.date.min)

    def base_years(self, as_of: dt.date) -> set[int]:
        """Every tax year whose income some program reads on ``as_of``."""
        return {r.program.income_year.base_year(as_of) for r in self.programs.values()}


M = TypeVar("M", bound=BaseModel)

_FIELD_NAMES = sorted(
    {
        name
        for model in vars(schema).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name in model.model_fields
    }
)


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
        raise RuleSchemaError(doc.file, doc.line_of(loc), _reason(first) + more) from None


def _reason(error: Any) -> str:
    loc = [str(part) for part in error["loc"]]
    where = ".".join(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        field_name = loc[-1]
        close = difflib.get_close_matches(field_name, _FIELD_NAMES, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field '{field_name}' at {where}{hint}"
    if kind == "missing" and loc and loc[-1] == "fr":
        return f"missing French text at {where}: every text needs both 'en' and 'fr'"
    if kind == "missing":
        return f"missing required field '{loc[-1]}' at {where}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def load_program_file(file: Path) -> tuple[schema.Program, LocatedDocument]:
    """Read and schema-validate one program file (expressions are checked by the catalog)."""
    doc = load_located(file)
    program = parse_model(schema.Program, doc)
    if program.id != file.stem:
        raise RuleSchemaError(
            file, doc.line_of(("id",)), f"id '{program.id}' must equal the file name '{file.stem}'"
        )
    return program, doc


def _program_files(root: Path) -> list[Path]:
    base = root / "programs" if (root / "programs").is_dir() else root
    if base.is_file():
        return [base]
    return sorted(base.rglob("*.yaml"))


def _no_programs(root: Path) -> str:
    # The error's location already names root, so the reason does not repeat it.
    if not root.exists():
        return (
            "no program files: the path does not exist (expected a rules directory with "
            "programs/<jurisdiction>/<id>.yaml)"
        )
    return "no program files under this directory (expected programs/<jurisdiction>/<id>.yaml)"


def _collect(root: Path, strict: bool) -> tuple[Catalog | None, list[RuleFileError]]:
    errors: list[RuleFileError] = []
    parsed: dict[str, tuple[schema.Program, LocatedDocument]] = {}
    files = _program_files(root)
    if not files:  # an empty catalog would make every check an empty success
        missing = RuleSchemaError(root, 0, _no_programs(root))
        if strict:
            raise missing
        return None, [missing]
    for file in files:
        try:
            program, doc = load_program_file(file)
        except RuleFileError as exc:
            if strict:
                raise
            errors.append(exc)
            continue
        if program.id in parsed:
            duplicate = RuleSchemaError(
                file, doc.line_of(("id",)), f"duplicate program id {program.id}"
            )
            if strict:
                raise duplicate
            errors.append(duplicate)
            continue
        parsed[program.id] = (program, doc)
    entities: dict[str, Entity] = {pid: p.entity for pid, (p, _) in parsed.items()}
    checked: dict[str, ProgramRules] = {}
    for pid, (program, doc) in parsed.items():
        try:
            checked[pid] = _check_program(program, doc, entities)
        except RuleFileError as exc:
            if strict:
                raise
            errors.append(exc)
    checked, shared = share_subexpressions(checked)
    try:
        ordered = dependency_order(checked)
    except DependencyCycleError as exc:
        if strict:
            raise
        errors.append(exc)
        return None, errors
    return Catalog(root, ordered, shared), errors


def load_catalog(root: Path) -> Catalog:
    """Load every program file under ``root`` (a rules directory, a folder or one file).

    Raises:
        RuleFileError: the first broken file, with its line and the reason; a
            :class:`RuleSchemaError` naming ``root`` when it is missing or holds no program file.
    """
    catalog, _ = _collect(root, strict=True)
    if catalog is None:  # pragma: no cover - strict mode raises instead
        raise RuleSchemaError(root, 0, "no catalog")
    return catalog


@lru_cache(maxsize=8)
def cached_catalog(root: Path) -> Catalog:
    """The catalog of ``root``, loaded once per process."""
    return load_catalog(root)


def validate_catalog(root: Path) -> list[RuleFileError]:
    """Every problem in every file under ``root`` (an empty list when all is well)."""
    return _collect(root, strict=False)[1]


def _check_jurisdiction(program: schema.Program, doc: LocatedDocument) -> None:
    level, code = program.jurisdiction.level, program.jurisdiction.code
    known = {
        "federal": ("CA",),
        "provincial": PROVINCES,
        "territorial": PROVINCES,
        "municipal": MUNICIPALITIES,
    }[level]
    if code not in known:
        raise RuleSchemaError(
            doc.file,
            doc.line_of(("jurisdiction", "code")),
            f"jurisdiction code {code!r} is not a known {level} code; expected one of: "
            + ", ".join(known),
        )


def _check_program(
    program: schema.Program, doc: LocatedDocument, entities: dict[str, Entity]
) -> ProgramRules:
    _check_jurisdiction(program, doc)
    params = {
        name: Kind.TABLE if p.is_table else Kind.NUMBER for name, p in program.parameters.items()
    }
    ns = Namespace(entity=program.entity, parameters=params, programs=entities)

    def compile_at(source: str, loc: Loc, want: Kind | None) -> Expr:
        try:
            expr = check(source, ns)
        except ExpressionProblem as exc:
            column = f" (column {exc.col})" if exc.col else ""
            raise ExpressionError(
                doc.file, doc.line_of(loc), f"in `{source.strip()}`{column}: {exc.reason}"
            ) from None
        if want is not None and expr.kind != want:
            raise ExpressionError(
                doc.file,
                doc.line_of(loc),
                f"type error: `{source.strip()}` is a {expr.kind.value} where a "
                f"{want.value} is needed",
            )
        return expr

    variables = _check_variables(program, doc, ns, compile_at)
    criteria = {
        c.id: compile_at(c.test, ("eligibility", i, "test"), Kind.BOOL)
        for i, c in enumerate(program.eligibility)
    }
    amount = compile_at(program.amount, ("amount",), Kind.NUMBER) if program.amount else None
    scope = compile_at(program.scope.test, ("scope", "test"), Kind.BOOL) if program.scope else None
    texts: dict[str, Expr] = {}
    for loc, text in _explanations(program):
        for name, _fmt in placeholders(text):
            if name not in texts and name != "amount":
                texts[name] = compile_at(name, loc, None)
    return ProgramRules(program, doc, variables, criteria, amount, scope, texts)


def _explanations(program: schema.Program) -> Iterable[tuple[Loc, str]]:
    for i, criterion in enumerate(program.eligibility):
        for key in ("explain", "when_false", "when_unknown"):
            text = getattr(criterion, key)
            if text is not None:
                yield ("eligibility", i, key, "en"), text.en
                yield ("eligibility", i, key, "fr"), text.fr
    if program.scope is not None:
        yield ("scope", "explain", "en"), program.scope.explain.en
        yield ("scope", "explain", "fr"), program.scope.explain.fr


def _check_variables(
    program: schema.Program,
    doc: LocatedDocument,
    ns: Namespace,
    compile_at: Any,
) -> dict[str, Expr]:
    """Check variables in dependency order; a cycle between variables is an error."""
    sources = program.variables
    done: dict[str, Expr] = {}
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            cycle = [*visiting[visiting.index(name) :], name]
            raise DependencyCycleError(
                doc.file,
                doc.line_of(("variables", name)),
                "dependency cycle between variables: " + " -> ".join(cycle),
            )
        visiting.append(name)
        try:
            tree = ast.parse(sources[name].strip(), mode="eval")
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        except SyntaxError:
            used = set()
        for dep in sorted(used & set(sources)):
            visit(dep)
        visiting.pop()
        expr = compile_at(sources[name], ("variables", name), None)
        done[name] = expr
        ns.variables[name] = expr.kind

    for name in sources:
        visit(name)
    return done
