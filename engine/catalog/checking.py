"""Type-check programs and shared definitions against the fact registry and each other."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping

from engine.catalog import schema
from engine.catalog._yaml import Loc, LocatedDocument
from engine.catalog.expressions import (
    Expr,
    ExpressionProblem,
    Namespace,
    check_expression,
    placeholders,
)
from engine.catalog.facts import FactRegistry, Kind
from engine.catalog.program import Definition, ProgramRules
from engine.catalog.tree import CONDITION, PROGRAM_READS
from engine.errors import DependencyCycleError, ExpressionError, RuleSchemaError

__all__ = ["check_definitions", "check_program", "jurisdiction_test", "texts_of"]

Compile = Callable[[str, Loc, Kind | None], Expr]


def _namespace(
    facts: FactRegistry, definitions: Mapping[str, Definition], **kw: object
) -> Namespace:
    return Namespace(facts, definitions=definitions, **kw)  # type: ignore[arg-type]


def check_definitions(facts: FactRegistry, definitions: Mapping[str, Definition]) -> None:
    """Check every definition on its own (names it ``requires`` stand for numbers).

    Raises:
        ExpressionError: naming the definition's file and line.
    """
    for definition in definitions.values():
        ns = _namespace(
            facts,
            definitions,
            entity=definition.entity,
            parameters=dict.fromkeys(definition.requires, Kind.NUMBER),
        )
        try:
            check_expression(definition.name, ns)
        except ExpressionProblem as exc:
            reason = exc.reason.removeprefix(f"in definition {definition.name!r}: ")
            raise ExpressionError(
                definition.file, definition.line, f"definition {definition.name!r}: {reason}"
            ) from None


def jurisdiction_test(program: schema.Program, facts: FactRegistry) -> str:
    """The engine's own test that a household is in the program's jurisdiction."""
    level, code = program.jurisdiction.level, program.jurisdiction.code
    if level == "federal":
        return "True"
    if level != "municipal":
        return f'province == "{code}"'
    # a city's program is outside every other province: a household elsewhere whose
    # municipality is not stated is not eligible, not waiting on its municipality
    province = facts["municipality"].value_provinces[code]
    return f'province == "{province}" and municipality == "{code}"'


def _check_jurisdiction(program: schema.Program, doc: LocatedDocument, facts: FactRegistry) -> None:
    level, code = program.jurisdiction.level, program.jurisdiction.code
    known: tuple[str, ...] = {
        "federal": ("CA",),
        "provincial": facts["province"].values,
        "territorial": facts["province"].values,
        "municipal": facts["municipality"].values,
    }[level]
    if code not in known:
        raise RuleSchemaError(
            doc.file,
            doc.line_of(("jurisdiction", "code")),
            f"jurisdiction code {code!r} is not a known {level} code; expected one of: "
            + ", ".join(known),
        )


def check_program(
    program: schema.Program,
    doc: LocatedDocument,
    facts: FactRegistry,
    definitions: Mapping[str, Definition],
    programs: Mapping[str, schema.Program],
) -> ProgramRules:
    """Type-check one program's expressions and texts.

    Raises:
        RuleFileError: with the file, the line and the reason.
    """
    _check_jurisdiction(program, doc, facts)
    for index, exclusion in enumerate(program.exclusions):
        for position, other in enumerate(exclusion.programs):
            if other == program.id or other not in programs:
                what = "itself" if other == program.id else f"{other!r}, which no rule file has"
                raise RuleSchemaError(
                    doc.file,
                    doc.line_of(("exclusions", index, "programs", position)),
                    f"an exclusion names {what}",
                )
    if isinstance(program.income_tested, list):
        for name in program.income_tested:
            if name not in facts or not facts[name].yearly or facts[name].derived:
                raise RuleSchemaError(
                    doc.file,
                    doc.line_of(("income_tested",)),
                    f"income_tested lists {name!r}, which is not an income fact stated per "
                    "tax year (see rules/facts.yaml)",
                )
    own = {
        name: Kind.TABLE if p.is_table else Kind.NUMBER for name, p in program.parameters.items()
    }
    for names, what in ((program.parameters, "parameters"), (program.variables, "variables")):
        for name in names:
            if name in definitions or name in facts:
                kind = (
                    "a fact"
                    if name in facts
                    else f"a shared definition ({definitions[name].file.name})"
                )
                raise RuleSchemaError(
                    doc.file,
                    doc.line_of((what, name)),
                    f"{name!r} is already {kind}; use it by name or rename this one",
                )
    ns = _namespace(
        facts,
        definitions,
        entity=program.entity,
        program=program.id,
        parameters=own,
        programs={pid: p.entity for pid, p in programs.items()},
        foreign_parameters={
            pid: {n: Kind.TABLE if v.is_table else Kind.NUMBER for n, v in p.parameters.items()}
            for pid, p in programs.items()
        },
        foreign_criteria={pid: [c.id for c in p.eligibility] for pid, p in programs.items()},
    )

    def compile_at(source: str, loc: Loc, want: Kind | None) -> Expr:
        try:
            expr = check_expression(source, ns)
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
    for i, criterion in enumerate(program.eligibility):
        if criterion.when_unknown is None and _may_be_unknown(
            criteria[criterion.id], variables, facts
        ):
            raise RuleSchemaError(
                doc.file,
                doc.line_of(("eligibility", i, "id")),
                f"criterion {criterion.id!r} is unknown when a fact it reads is: give it a "
                "'when_unknown' text (its 'explain' text says it is met)",
            )
    weekly = weeks = in_force = None
    if program.weekly is not None and program.weeks is not None:
        weekly = compile_at(program.weekly, ("weekly",), Kind.NUMBER)
        weeks = compile_at(program.weeks, ("weeks",), Kind.NUMBER)
    amount_source = program.amount
    if amount_source is None and program.weekly is not None:
        # what is payable in the twelve months from the claim
        amount_source = f"({program.weekly}) * min(({program.weeks}), 52)"
    amount = compile_at(amount_source, ("amount",), Kind.NUMBER) if amount_source else None
    if program.in_force is not None:
        for name, parameter in program.parameters.items():
            if parameter.first_date > program.in_force.starts:
                raise RuleSchemaError(
                    doc.file,
                    doc.line_of(("parameters", name, "values")),
                    f"parameter '{name}' has no value on the program's start "
                    f"({program.in_force.starts.isoformat()}): its first value is dated "
                    f"{parameter.first_date.isoformat()}",
                )
        window = f'as_of >= date("{program.in_force.starts.isoformat()}")'
        if program.in_force.ends is not None:
            window += f' and as_of <= date("{program.in_force.ends.isoformat()}")'
        in_force = compile_at(window, ("in_force",), Kind.BOOL)
    scope = compile_at(program.scope.test, ("scope", "test"), Kind.BOOL) if program.scope else None
    jurisdiction = compile_at(jurisdiction_test(program, facts), ("jurisdiction",), Kind.BOOL)
    texts: dict[str, Expr] = {}
    for loc, text in texts_of(program):
        if _NESTED_CONDITION.search(text):
            raise RuleSchemaError(
                doc.file,
                doc.line_of(loc),
                "a conditional text {name?text} cannot hold a placeholder: split it into "
                "{name?text} and the placeholder after it",
            )
        for name, fmt in placeholders(text):
            if fmt == CONDITION:  # {name?text}: name must be a bool
                texts[name] = compile_at(name, loc, Kind.BOOL)
            elif name not in texts and name != "amount":
                texts[name] = compile_at(name, loc, None)
    return ProgramRules(
        program,
        doc,
        variables,
        criteria,
        amount,
        scope,
        jurisdiction,
        texts,
        in_force=in_force,
        weekly=weekly,
        weeks=weeks,
    )


_NESTED_CONDITION = re.compile(r"\{[a-z_][a-z0-9_]*\?[^}]*\{")


def _may_be_unknown(expr: Expr, variables: Mapping[str, Expr], facts: FactRegistry) -> bool:
    """Whether ``expr`` can be unknown: it reads a fact a profile may leave out (every fact but
    the required ones), an age, or another program's result."""
    for node in expr.walk():
        if node.op == "fact" and not facts[node.value].required:
            return True
        if node.op == "call" and node.value in ("age_on", *PROGRAM_READS):
            return True
        if node.op == "var" and _may_be_unknown(variables[node.value], variables, facts):
            return True
    return False


def texts_of(program: schema.Program) -> Iterable[tuple[Loc, str]]:
    """Every explanation text of a program, with where it is."""
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
    program: schema.Program, doc: LocatedDocument, ns: Namespace, compile_at: Compile
) -> dict[str, Expr]:
    """Check variables in dependency order; a cycle between variables is an error."""
    sources = program.variables
    done: dict[str, Expr] = {}
    visiting: list[str] = []

    def names_in(source: str) -> set[str]:
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError:
            return set()
        return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}

    def needs(used: set[str], seen: set[str]) -> set[str]:
        """The names ``used`` reads, with the ``requires`` of the shared definitions among
        them (a variable a definition requires is checked before the variable using it)."""
        out = set(used)
        for name in used & set(ns.definitions) - seen:
            seen.add(name)
            definition = ns.definitions[name]
            out |= set(definition.requires) | needs(names_in(definition.source), seen)
        return out

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
        used = needs(names_in(sources[name]), set())
        for dep in sorted(used & set(sources)):
            visit(dep)
        visiting.pop()
        expr = compile_at(sources[name], ("variables", name), None)
        done[name] = expr
        ns.variables[name] = expr.kind

    for name in sources:
        visit(name)
    return done
