"""Load and validate a rules directory: facts, shared definitions, programs.

A rules directory holds ``facts.yaml`` (the fact registry), ``definitions/<topic>.yaml`` (shared
definitions), ``programs/<jurisdiction>/<id>.yaml``, ``coverage.yaml`` (the programs of each
place not modelled yet), ``life_events/<id>.yaml`` and ``sharing/`` (the agencies a tell-us-once
service tells and the agreements that entitle them). A folder of program files, or one file,
is read against the bundled registry, definitions and coverage. Every problem names file, line
and reason.

Examples:
    >>> from engine.catalog.loader import load_catalog
    >>> from engine.catalog.paths import default_rules_dir
    >>> catalog = load_catalog(default_rules_dir())
    >>> "ca_ccb" in catalog.programs
    True
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from engine.catalog import schema
from engine.catalog._parse import parse_model
from engine.catalog._yaml import LocatedDocument, load_located
from engine.catalog.agreements import SHARING, SharingRules, check_notify, load_sharing
from engine.catalog.checking import check_definitions, check_program
from engine.catalog.coverage import COVERAGE_FILE, Coverage, CoverageFile, coverage_from
from engine.catalog.dependencies import dependency_order
from engine.catalog.facts import ROLE_CODES, FactRegistry, FactsFile, FactSpec
from engine.catalog.life_events import (
    LifeEventFile,
    check_life_event,
    check_patterns,
    check_program_events,
)
from engine.catalog.paths import default_rules_dir
from engine.catalog.program import Catalog, Definition, ProgramRules
from engine.catalog.sharing import share_subexpressions
from engine.errors import DependencyCycleError, RuleFileError, RuleSchemaError

__all__ = [
    "default_rules_dir",
    "load_catalog",
    "load_coverage",
    "load_definitions",
    "load_facts",
    "load_life_events",
    "load_program_file",
    "parse_model",
    "rebuild",
    "validate_catalog",
]

LIFE_EVENTS = "life_events"
"""The folder of life event files, beside ``facts.yaml``."""


def load_facts(file: Path) -> FactRegistry:
    """Read and validate the fact registry.

    Raises:
        RuleSchemaError: a schema problem, or roles that are not the engine's.
    """
    return _registry(load_located(file))


def _registry(doc: LocatedDocument) -> FactRegistry:
    file = doc.file
    spec = parse_model(FactsFile, doc)
    role = spec.facts.get("role")
    codes = {v: c.code for v, c in (role.values or {}).items()} if role else {}
    if codes != dict(ROLE_CODES):
        raise RuleSchemaError(
            file,
            doc.line_of(("facts", "role")),
            "the fact 'role' must be an enum with exactly the codes "
            + ", ".join(f"{k}: {v}" for k, v in ROLE_CODES.items()),
        )
    for name in ("province", "municipality"):
        if name not in spec.facts or spec.facts[name].type != "enum":
            raise RuleSchemaError(file, 0, f"the household enum fact {name!r} is required")
    provinces = set(spec.facts["province"].values or {})
    rest: dict[str, str] = {}
    for value, entry in (spec.facts["municipality"].values or {}).items():
        where = doc.line_of(("facts", "municipality", "values", value))
        if entry.province not in provinces:
            raise RuleSchemaError(
                file, where, f"municipality {value!r} needs 'province:' one of the province codes"
            )
        if entry.elsewhere and entry.province in rest:
            raise RuleSchemaError(
                file,
                where,
                f"{value!r} and {rest[entry.province]!r} are both the rest of {entry.province}",
            )
        if entry.elsewhere:
            rest[entry.province] = value
    for name, fact in spec.facts.items():
        for value, entry in (fact.values or {}).items() if name != "municipality" else ():
            if entry.elsewhere:
                raise RuleSchemaError(
                    file,
                    doc.line_of(("facts", name, "values", value)),
                    "'elsewhere' is for municipality values only",
                )
    for name, fact in spec.facts.items():
        _check_question(doc, name, fact)
    return FactRegistry.from_file(spec)


# a question's placeholders: {member} (the member asked about) and {year} (the tax year)
_QUESTION_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


def _check_question(doc: LocatedDocument, name: str, fact: FactSpec) -> None:
    """A question may use {member} (person facts) and {year} (yearly facts), nothing else.

    Raises:
        RuleSchemaError: naming the question's line and the placeholders allowed.
    """
    allowed = {"member"} if fact.entity == "person" else set()
    if fact.yearly:
        allowed.add("year")
    for lang in ("en", "fr"):
        for placeholder in _QUESTION_PLACEHOLDER.findall(fact.question[lang]):
            if placeholder not in allowed:
                shown = ", ".join("{" + a + "}" for a in sorted(allowed)) or "none"
                raise RuleSchemaError(
                    doc.file,
                    doc.line_of(("facts", name, "question", lang)),
                    f"facts.{name}.question.{lang}: placeholder {{{placeholder}}} is not filled "
                    f"for this fact (allowed: {shown})",
                )


def load_definitions(
    folder: Path, facts: FactRegistry, facts_doc: LocatedDocument
) -> dict[str, Definition]:
    """Derived facts (from the registry's document) and every shared definition under
    ``folder``, by name.

    Raises:
        RuleSchemaError: a schema problem, or a name defined twice.
    """
    facts_file = facts_doc.file
    found: dict[str, Definition] = {}
    for fact in facts.values():
        if fact.expression is not None:
            line = facts_doc.line_of(("derived", fact.name, "expression"))
            found[fact.name] = Definition(fact.name, fact.entity, fact.expression, facts_file, line)
    files = sorted(folder.rglob("*.yaml")) if folder.is_dir() else []
    for file in files:
        doc = load_located(file)
        topic = parse_model(schema.DefinitionsFile, doc)
        for name, spec in topic.definitions.items():
            line = doc.line_of(("definitions", name))
            if name in found or name in facts:
                earlier = found[name].file if name in found else facts_file
                raise RuleSchemaError(file, line, f"{name!r} is already defined in {earlier}")
            found[name] = Definition(
                name, spec.entity, spec.expression, file, line, tuple(spec.requires), spec
            )
    return found


def load_coverage(file: Path, facts: FactRegistry, programs: dict[str, schema.Program]) -> Coverage:
    """Read and validate the coverage file (programs of each place not modelled yet) against
    the registry's places and the catalog's programs; no file means no entries.

    Raises:
        RuleSchemaError: naming the file, the line and the reason.
    """
    if not file.is_file():
        return Coverage()
    doc = load_located(file)
    spec = parse_model(CoverageFile, doc)
    return coverage_from(spec, doc, facts, {pid: p.jurisdiction for pid, p in programs.items()})


def load_life_events(
    folder: Path,
    facts: FactRegistry,
    programs: dict[str, schema.Program],
    fail: Callable[[RuleFileError], None],
    sharing: SharingRules | None = None,
) -> dict[str, LifeEventFile]:
    """Every life event file of ``folder`` (none when it does not exist), checked against the
    registry, the catalog and (when given) the agencies and agreements its notifications
    need; each problem goes to ``fail`` with file, line and reason."""
    events: dict[str, LifeEventFile] = {}
    docs: dict[str, LocatedDocument] = {}
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            doc = load_located(file)
            spec = parse_model(LifeEventFile, doc)
            check_life_event(spec, doc, facts, programs)
            if sharing is not None:
                check_notify(spec, doc, sharing)
        except RuleFileError as exc:
            fail(exc)
            continue
        events[spec.id], docs[spec.id] = spec, doc
    try:
        check_patterns(events, docs)
    except RuleFileError as exc:
        fail(exc)
    return events


def load_program_file(file: Path) -> tuple[schema.Program, LocatedDocument]:
    """Read and schema-validate one program file (expressions are checked by the catalog)."""
    doc = load_located(file)
    program = parse_model(schema.Program, doc)
    if program.id != file.stem:
        raise RuleSchemaError(
            file, doc.line_of(("id",)), f"id '{program.id}' must equal the file name '{file.stem}'"
        )
    return program, doc


def _layout(root: Path) -> tuple[Path, list[Path], Path]:
    """The facts file, the program files and the definitions folder of ``root``.

    Raises:
        RuleSchemaError: ``root`` does not exist or holds no program file.
    """
    if not root.exists():
        raise RuleSchemaError(
            root,
            0,
            "no program files: the path does not exist (expected a rules directory with "
            "programs/<jurisdiction>/<id>.yaml)",
        )
    own = root.is_dir() and (root / "facts.yaml").is_file()
    home = root if own else default_rules_dir()
    base = root / "programs" if (root / "programs").is_dir() else root
    files = [base] if base.is_file() else sorted(base.rglob("*.yaml"))
    if not files:
        raise RuleSchemaError(
            root,
            0,
            "no program files under this directory (expected programs/<jurisdiction>/<id>.yaml)",
        )
    return home / "facts.yaml", files, home / "definitions"


def _collect(root: Path, strict: bool) -> tuple[Catalog | None, list[RuleFileError]]:
    errors: list[RuleFileError] = []

    def fail(exc: RuleFileError) -> None:
        if strict:
            raise exc
        errors.append(exc)

    try:
        facts_file, files, definitions_dir = _layout(root)
        facts_doc = load_located(facts_file)
        facts = _registry(facts_doc)
        definitions = load_definitions(definitions_dir, facts, facts_doc)
        check_definitions(facts, definitions)
    except RuleFileError as exc:
        fail(exc)
        return None, errors
    parsed: dict[str, tuple[schema.Program, LocatedDocument]] = {}
    for file in files:
        try:
            program, doc = load_program_file(file)
        except RuleFileError as exc:
            fail(exc)
            continue
        if program.id in parsed:
            fail(RuleSchemaError(file, doc.line_of(("id",)), f"duplicate program id {program.id}"))
            continue
        parsed[program.id] = (program, doc)
    coverage = Coverage()
    programs = {pid: program for pid, (program, _) in parsed.items()}
    try:
        coverage = load_coverage(facts_file.parent / COVERAGE_FILE, facts, programs)
    except RuleFileError as exc:
        fail(exc)
    # life events belong to a whole rules directory: a folder or file of programs is read alone
    whole = root.is_dir() and facts_file.parent == root
    folder = root / LIFE_EVENTS if whole else None
    sharing = load_sharing(root / SHARING, facts, programs, fail) if whole else SharingRules()
    events = load_life_events(folder, facts, programs, fail, sharing) if folder else {}
    if folder is not None and folder.is_dir():
        for program, doc in parsed.values():
            try:
                check_program_events(program, doc, events, folder)
            except RuleFileError as exc:
                fail(exc)
    catalog = _build(root, facts, definitions, parsed, fail, coverage)
    if catalog is not None:
        catalog = dataclasses.replace(catalog, life_events=events, sharing=sharing)
    return catalog, errors


def _build(
    root: Path,
    facts: FactRegistry,
    definitions: dict[str, Definition],
    parsed: dict[str, tuple[schema.Program, LocatedDocument]],
    fail: Callable[[RuleFileError], None],
    coverage: Coverage,
) -> Catalog | None:
    programs = {pid: program for pid, (program, _) in parsed.items()}
    checked: dict[str, ProgramRules] = {}
    for pid, (program, doc) in parsed.items():
        try:
            checked[pid] = check_program(program, doc, facts, definitions, programs)
        except RuleFileError as exc:
            fail(exc)
    checked, shared = share_subexpressions(checked, facts)
    try:
        ordered = dependency_order(checked)
    except DependencyCycleError as exc:
        fail(exc)
        return None
    return Catalog(root, facts, ordered, definitions, shared, coverage)


def rebuild(catalog: Catalog, programs: dict[str, schema.Program]) -> Catalog:
    """The catalog with its programs replaced (a reform), checked and compiled-ready exactly as
    the loader does for rule files.

    Raises:
        RuleFileError: a replaced expression is invalid (named in the program's file).
    """
    parsed = {pid: (programs[pid], rules.document) for pid, rules in catalog.programs.items()}
    for pid in programs.keys() - catalog.programs.keys():  # a reform's new programs
        parsed[pid] = (programs[pid], LocatedDocument(Path(f"<reform>/{pid}.yaml"), {}, {}))

    def fail(exc: RuleFileError) -> None:
        raise exc

    definitions = dict(catalog.definitions)
    built = _build(catalog.root, catalog.facts, definitions, parsed, fail, catalog.coverage)
    if built is None:  # pragma: no cover - fail raises
        raise RuleSchemaError(catalog.root, 0, "no catalog")
    return dataclasses.replace(built, life_events=catalog.life_events, sharing=catalog.sharing)


def load_catalog(root: Path) -> Catalog:
    """Load every program file under ``root`` (a rules directory, a folder or one file).

    Raises:
        RuleFileError: the first broken file, with its line and the reason; also when ``root``
            is missing or holds no program file.
    """
    catalog, _ = _collect(root, strict=True)
    if catalog is None:  # pragma: no cover - strict mode raises instead
        raise RuleSchemaError(root, 0, "no catalog")
    return catalog


def validate_catalog(root: Path) -> list[RuleFileError]:
    """Every problem in every file under ``root`` (an empty list when all is well)."""
    return _collect(root, strict=False)[1]
