"""The words of a question: the registry's question for a missing fact, for one member and the
tax years asked about, in English and French.

``{member}`` in a registry question is the member's id (profiles carry ids, not names) and
``{year}`` the tax year or years asked about; a household fact names no member. French elides
*de* and *que* before an id that starts with a vowel ("la date de naissance d'ana").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

import orjson

from engine.catalog.facts import FactRegistry
from engine.eligibility.result import LocalizedText, MissingFact

__all__ = ["missing_with_questions", "next_question_text", "question"]

_YEARS_JOIN = {"en": "and", "fr": "et"}
# French elides "de" and "que" before a vowel: "la date de naissance d'ana", "est-ce qu'ana"
_ELISION = re.compile(r"\b(d|qu)e \{member\}", re.IGNORECASE)
_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"


def _years(years: Collection[int], lang: str) -> str:
    ordered = [str(y) for y in sorted(set(years))]
    if len(ordered) <= 1:
        return "".join(ordered)
    return f"{', '.join(ordered[:-1])} {_YEARS_JOIN[lang]} {ordered[-1]}"


def question(path: str, facts: FactRegistry, years: Collection[int] = ()) -> dict[str, str]:
    """The registry's question for a missing fact's path, in English and French.

    ``{member}`` becomes the member's id (a profile carries ids, not names) and ``{year}`` the
    tax year or years asked about (a yearly fact is asked for the years the programs read).

    Examples:
        >>> from engine.catalog.loader import load_facts
        >>> from engine.catalog.paths import default_rules_dir
        >>> facts = load_facts(default_rules_dir() / "facts.yaml")
        >>> question("members/maria/disability_tax_credit", facts)["en"]
        'Has maria been approved for the disability tax credit?'
        >>> question("members/ana/date_of_birth", facts)["fr"]
        "Quelle est la date de naissance d'ana ?"
        >>> question("members/maria/net_income", facts, [2024, 2025])["en"]
        "What was maria's net income (line 23600 of the tax return) for 2024 and 2025?"
    """
    if path.startswith("household/"):
        member, name = "", path.removeprefix("household/")
    else:
        member, name = path.removeprefix("members/").rsplit("/", 1)
    fact = facts[name]
    asked = fact.question or {"en": fact.label["en"] + "?", "fr": fact.label["fr"] + " ?"}
    out = {}
    for lang in ("en", "fr"):
        text = asked[lang]
        if lang == "fr" and member[:1].lower() in _VOWELS and member:
            text = _ELISION.sub(lambda m: m.group(1) + "'{member}", text)
        out[lang] = text.replace("{member}", member).replace("{year}", _years(years, lang))
    return out


#: finished entries by registry (at most _REGISTRIES, with the registry they were made from)
#: and by (path, year), at most _ENTRIES each: the words depend on nothing else, and a
#: finished model is kept as it is by the answer's validation
_ASKED: dict[
    int, tuple[FactRegistry, dict[tuple[str, int | None], tuple[MissingFact, orjson.Fragment]]]
] = {}
_REGISTRIES = 4
_ENTRIES = 16384


def missing_with_questions(
    paths: Iterable[str], facts: FactRegistry, year: int | None, as_json: bool = False
) -> list[MissingFact | orjson.Fragment]:
    """A result's ``missing``: each missing fact's path with its question (``year``: the tax
    year whose income the program reads), each entry made once (one check asks for the same
    fact in many results, and checks for the same members ask the same questions); with
    ``as_json``, each entry's JSON (an answer written without models)."""
    held = _ASKED.get(id(facts))
    if held is None or held[0] is not facts:
        if len(_ASKED) >= _REGISTRIES:
            _ASKED.clear()
        held = _ASKED[id(facts)] = (facts, {})
    known = held[1]
    out = []
    side = 1 if as_json else 0
    for path in paths:
        entry = known.get((path, year))
        if entry is None:
            if len(known) >= _ENTRIES:
                known.clear()
            words = question(path, facts, () if year is None else (year,))
            model = MissingFact(fact=path, question=LocalizedText(en=words["en"], fr=words["fr"]))
            entry = known[(path, year)] = (model, orjson.Fragment(model.model_dump_json()))
        out.append(entry[side])
    return out


def next_question_text(
    asked: dict[str, Any], results: list[dict[str, Any]], facts: FactRegistry
) -> dict[str, str]:
    """The next question's text, for the tax years of the programs waiting on it."""
    path = asked["fact"]
    years = {r["income_year"] for r in results if path in r["missing_facts"]}
    if not years:
        decided = set(asked["would_decide"])
        years = {r["income_year"] for r in results if r["program"] in decided}
    return question(path, facts, years or {r["income_year"] for r in results})
