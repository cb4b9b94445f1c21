"""The reference page of every fact (``docs/facts.md``), rendered from the fact registry.

Regenerate the committed page after editing ``rules/facts.yaml``::

    python -m engine.catalog.facts_doc > docs/facts.md

Examples:
    >>> page = facts_markdown(load_facts(default_rules_dir() / "facts.yaml"))
    >>> page.startswith(GENERATED_LINE), "### `role`" in page
    (True, True)
"""

from __future__ import annotations

import sys

from engine.catalog.facts import Domain, Entity, Fact, FactRegistry
from engine.catalog.loader import load_facts
from engine.catalog.paths import default_rules_dir

__all__ = ["COMMAND", "GENERATED_LINE", "facts_markdown", "main"]

COMMAND = "python -m engine.catalog.facts_doc > docs/facts.md"
"""The command that regenerates ``docs/facts.md``."""

GENERATED_LINE = f"<!-- Generated from rules/facts.yaml by `{COMMAND}`; do not edit by hand. -->"
"""The first line of the page."""

_GROUPS: tuple[tuple[Entity, str], ...] = (
    ("person", "Person facts"),
    ("household", "Household facts"),
)


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else f"{int(value):,}"


def _domain(domain: Domain) -> str:
    parts: list[str] = []
    if domain.min is not None:
        parts.append(f"at least {_number(domain.min)}")
    if domain.max is not None:
        parts.append(f"at most {_number(domain.max)}")
    if domain.not_after_as_of:
        parts.append("not after the date asked about")
    if domain.max_years_before_as_of is not None:
        parts.append(f"at most {domain.max_years_before_as_of} years before the date asked about")
    return "; ".join(parts)


def _province(fact: Fact, value: str) -> str | None:
    return fact.value_provinces.get(value)


def _reference(fact: Fact) -> list[str]:
    if fact.reference is None:
        return []
    title, url = fact.reference
    return [f"- Reference: [{title}]({url})"]


def _stated(fact: Fact) -> list[str]:
    lines = [f"### `{fact.name}`", "", f"{fact.label['en']} ({fact.label['fr']}).", ""]
    kind = fact.type + (", stated per tax year" if fact.yearly else "")
    if fact.required:
        kind += ", required"
    lines.append(f"- Type: {kind}")
    if fact.applies_to:
        lines.append("- Asked for: " + ", ".join(fact.applies_to))
    if fact.codes:
        lines.append("- Values (code: value, label):")
        for value in fact.values:
            province = _province(fact, value)
            where = f" (in {province})" if province else ""
            label = fact.value_labels[value]["en"]
            lines.append(f"  - {fact.code(value)}: `{value}`, {label}{where}")
    if fact.domain is not None and _domain(fact.domain):
        lines.append(f"- Domain: {_domain(fact.domain)}")
    question = fact.question or {}
    lines.append(f"- Question (en): {question.get('en', '')}")
    lines.append(f"- Question (fr): {question.get('fr', '')}")
    lines.append(f"- Meaning: {fact.meaning['en']}")
    lines.extend(_reference(fact))
    return [*lines, ""]


def _derived(fact: Fact) -> list[str]:
    lines = [f"### `{fact.name}`", "", f"{fact.label['en']} ({fact.label['fr']}).", ""]
    yearly = ", per tax year" if fact.yearly else ""
    lines.append(f"- Type: {fact.type}, {fact.entity}{yearly}")
    lines.append(f"- Expression: `{fact.expression}`")
    lines.append(f"- Meaning: {fact.meaning['en']}")
    lines.extend(_reference(fact))
    return [*lines, ""]


def facts_markdown(registry: FactRegistry) -> str:
    """Render the reference page of every fact in a registry.

    Stated facts come first, grouped by entity (person, then household), then derived facts;
    within a group the order is that of ``rules/facts.yaml``, so the page is deterministic.

    Args:
        registry: The fact registry, as :func:`engine.catalog.loader.load_facts` returns it.

    Returns:
        The Markdown page, ending with a single newline.
    """
    lines = [
        GENERATED_LINE,
        "",
        "# Facts",
        "",
        "Every fact a household profile may state, and every fact the engine derives from them.",
        "The registry is `rules/facts.yaml`; enum codes are explicit and append-only.",
        "In questions, `{member}` is the person's name and `{year}` the tax year asked about.",
        "",
    ]
    for entity, title in _GROUPS:
        lines += [f"## {title}", ""]
        for fact in registry.stated:
            if fact.entity == entity:
                lines += _stated(fact)
    lines += [
        "## Derived facts",
        "",
        "Written in the rule language and inlined where used; they cannot be stated in a profile.",
        "",
    ]
    for fact in registry.values():
        if fact.derived:
            lines += _derived(fact)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    """Print the page for the default rules directory (UTF-8, whatever the locale)."""
    page = facts_markdown(load_facts(default_rules_dir() / "facts.yaml"))
    sys.stdout.buffer.write(page.encode("utf-8"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
