"""What the printed report says, in English and French: labels, places, dates, amounts, the
reason shown for each program and the questions still to ask.

Every string here is plain text (no console markup). French text follows French typography: a
non-breaking space (U+00A0) before ``:`` ``;`` ``?`` ``!`` and inside amounts, and one word for
the applicant, *demandeur*. The layouts that print these strings are in :mod:`engine.report`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from engine.catalog.facts import Fact
from engine.eligibility.formatting import money

__all__ = [
    "LABELS",
    "NBSP",
    "amount_lines",
    "field",
    "labelled",
    "localized",
    "long_date",
    "missing_questions",
    "place",
    "question_text",
    "say",
    "why",
]

#: the non-breaking space of French typography and of French amounts
NBSP = "\u00a0"

LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "Programs as of {date}",
        "program": "Program",
        "answer": "Answer",
        "why": "Why, and what to do",
        "why_short": "Why",
        "status": "Status",
        "amount": "Amount",
        "member": "Member",
        "eligible": "eligible",
        "ineligible": "not eligible",
        "undetermined": "undetermined",
        "per_year": "{amount}\u00a0a\u00a0year",
        "per_month": "{amount}\u00a0a\u00a0month",
        "at_least": "at least {amount}\u00a0a\u00a0year",
        "estimate": "(estimate)",
        "in_kind": "in kind",
        "none": "—",
        "to_ask": "Still to ask",
        "how": "How",
        "how_apply": "apply\u00a0— {agency}",
        "how_automatic": "no separate application\u00a0— {agency}",
        "deadline": "Deadline",
        "exclusive_with": "Cannot be combined with",
        "excluded_by": "Excluded by",
        "unverified": "* figures not yet confirmed on an official page (unverified)",
        "outdated": "Figures may have changed since these files were last reviewed (estimates)",
        "next": "Next question",
        "decides": "would decide",
        "not_assessed": "Not assessed (not yet in the catalog)",
        "details_how": "How to get it",
        "missing_fact": "Missing",
        "references": "References",
        "federal": "federal",
        "provincial": "provincial",
        "territorial": "territorial",
        "municipal": "municipal",
    },
    "fr": {
        "title": "Programmes au {date}",
        "program": "Programme",
        "answer": "Réponse",
        "why": "Pourquoi, et quoi faire",
        "why_short": "Pourquoi",
        "status": "Statut",
        "amount": "Montant",
        "member": "Membre",
        "eligible": "admissible",
        "ineligible": "non admissible",
        "undetermined": "indéterminé",
        "per_year": "{amount}\u00a0par\u00a0an",
        "per_month": "{amount}\u00a0par\u00a0mois",
        "at_least": "au moins {amount}\u00a0par\u00a0an",
        "estimate": "(estimation)",
        "in_kind": "en nature",
        "none": "—",
        "to_ask": "À demander",
        "how": "Comment",
        "how_apply": "présenter une demande\u00a0— {agency}",
        "how_automatic": "aucune demande distincte\u00a0— {agency}",
        "deadline": "Délai",
        "exclusive_with": "Non cumulable avec",
        "excluded_by": "Exclu par",
        "unverified": "* chiffres pas encore confirmés sur une page officielle (non vérifiés)",
        "outdated": "Les montants ont pu changer depuis la dernière révision de ces fichiers "
        "(estimations)",
        "next": "Prochaine question",
        "decides": "permettrait de trancher",
        "not_assessed": "Non évalués (pas encore au catalogue)",
        "details_how": "Comment l'obtenir",
        "missing_fact": "Manquant",
        "references": "Références",
        "federal": "fédéral",
        "provincial": "provincial",
        "territorial": "territorial",
        "municipal": "municipal",
    },
}

# fmt: off
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}
# fmt: on

# a space (or none) before : ; ? ! that ends a word, in prose (not "https://", not "10:30")
_FRENCH_PUNCTUATION = re.compile(r"(?<=\S)[ \u00a0\u202f]?([:;?!])(?=[\s)»]|$)")


def say(text: str, lang: str) -> str:
    """Text as printed: in French, a non-breaking space before ``: ; ? !`` (the rule files say
    *demandeur* for the applicant; a catalog test keeps it so); English text is unchanged.

    Examples:
        >>> say("Statut : admissible; et ensuite?", "fr") == (
        ...     "Statut\\u00a0: admissible\\u00a0; et ensuite\\u00a0?")
        True
        >>> say("Le demandeur a 18 ans (voir https://ontario.ca).", "fr")
        'Le demandeur a 18 ans (voir https://ontario.ca).'
        >>> say("Status: eligible?", "en")
        'Status: eligible?'
    """
    if lang != "fr":
        return text
    return _FRENCH_PUNCTUATION.sub(NBSP + r"\1", text)


def labelled(key: str, text: str, lang: str) -> str:
    """``Label: text`` with the label ``key`` (French: ``Libellé : texte``).

    Examples:
        >>> labelled("deadline", "none", "en"), labelled("deadline", "aucun", "fr")
        ('Deadline: none', 'Délai\\xa0: aucun')
    """
    return say(f"{LABELS[lang][key]}: {text}", lang)


def field(item: Any, key: str, default: Any = None) -> Any:
    """``item[key]`` for a mapping, ``item.key`` for an object, else ``default`` (results may
    carry fields that older results do not have).

    Examples:
        >>> field({"fact": "x"}, "fact"), field({"fact": "x"}, "question", "none")
        ('x', 'none')
    """
    if isinstance(item, Mapping):
        return item.get(key, default)
    return getattr(item, key, default)


def localized(text: Any, lang: str) -> str:
    """Text in ``lang`` from an ``{en, fr}`` mapping or model; a plain string as it is."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return str(field(text, lang, ""))


def long_date(day: dt.date, lang: str) -> str:
    """A date written out: ``January 15, 2026`` / ``15 janvier 2026`` (``1er`` for the first).

    Examples:
        >>> long_date(dt.date(2026, 1, 15), "en"), long_date(dt.date(2026, 7, 1), "fr")
        ('January 15, 2026', '1er juillet 2026')
    """
    month = _MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{month} {day.day}, {day.year}"
    return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"


def place(jurisdiction: Any, lang: str, facts: Mapping[str, Fact] | None = None) -> str:
    """The level of government and the place it covers: ``federal (Canada)``,
    ``provincial (Québec)`` (province and municipality names from the fact registry).

    Examples:
        >>> place({"level": "federal", "code": "CA"}, "fr")
        'fédéral (Canada)'
        >>> place({"level": "provincial", "code": "ON"}, "en")
        'provincial (ON)'
    """
    level = str(field(jurisdiction, "level", ""))
    code = str(field(jurisdiction, "code", ""))
    name = code
    if code == "CA":
        name = "Canada"
    elif facts is not None:
        registry = "municipality" if level == "municipal" else "province"
        fact = facts.get(registry)
        if fact is not None and code in fact.value_labels:
            name = fact.value_labels[code][lang]
    return f"{LABELS[lang].get(level, level)} ({name})"


def amount_lines(
    amount: Any, lang: str, *, in_kind: bool = False, eligible: bool = False, mark: bool = False
) -> list[str]:
    """The amount as printed, one line each: per year (``*`` when it rests on unverified
    figures), per month when the result gives it, ``(estimate)`` when it is one. An amount and
    its unit are joined by non-breaking spaces: a line may break before them, never inside.

    Examples:
        >>> amount_lines({"annual": 7997.0, "monthly": 666.42, "estimate": False}, "en")
        ['$7,997.00\\xa0a\\xa0year', '$666.42\\xa0a\\xa0month']
        >>> amount_lines({"annual": 882.0, "estimate": True}, "fr", mark=True)
        ['882,00\\xa0$\\xa0par\\xa0an *', '(estimation)']
        >>> amount_lines(None, "en", in_kind=True, eligible=True), amount_lines(None, "en")
        (['in kind'], ['—'])
    """
    labels = LABELS[lang]
    if amount is None:
        return [labels["in_kind"] if in_kind and eligible else labels["none"]]
    star = " *" if mark else ""
    minimum = field(amount, "minimum")
    annual = field(amount, "annual")
    monthly = field(amount, "monthly")
    if minimum is not None:
        lines = [labels["at_least"].format(amount=money(minimum, lang)) + star]
    elif annual is not None:
        lines = [labels["per_year"].format(amount=money(annual, lang)) + star]
        if monthly is not None:
            lines.append(labels["per_month"].format(amount=money(monthly, lang)))
    else:
        lines = [labels["none"]]
    if field(amount, "estimate", False):
        lines.append(labels["estimate"])
    return lines


def why(result: Any, lang: str) -> str:
    """The one explanation that best says why: the scope, the first false or unknown
    criterion, or for an eligible program its last own criterion (usually the income test)."""
    scope = field(result, "scope")
    if scope is not None:
        return say(localized(scope, lang), lang)
    criteria: Sequence[Any] = field(result, "criteria", ())
    for wanted in ("false", "unknown"):
        for criterion in criteria:
            if criterion.status == wanted:
                return say(localized(criterion.explain, lang), lang)
    own = [c for c in criteria if c.id != "has_positive_amount"]
    return say(localized(own[-1].explain, lang), lang) if own else ""


def _fact_words(path: str, lang: str, facts: Mapping[str, Fact] | None) -> str:
    """A missing fact named by its registry label (and member, year): the words shown when the
    result carries no question for it; the path itself for a fact the registry does not know."""
    parts = path.split("/")
    if parts[0] == "members" and len(parts) >= 3:
        name, whose = parts[2], [parts[1], *parts[3:]]
    elif parts[0] == "household" and len(parts) >= 2:
        name, whose = parts[1], parts[2:]
    else:
        return path
    fact = facts.get(name) if facts is not None else None
    if fact is None:
        return path
    label = fact.label[lang]
    return say(f"{label} ({', '.join(whose)})" if whose else label, lang)


def question_text(item: Any, lang: str, facts: Mapping[str, Fact] | None = None) -> str:
    """What to ask for a missing fact or the next question (``{fact, question}``): the result's
    question in ``lang``; without one, the fact's label from the registry; else the path.

    Examples:
        >>> question_text({"fact": "members/leo/x", "question": {"en": "Is it?", "fr": "Oui?"}},
        ...               "fr") == "Oui\\u00a0?"
        True
        >>> question_text({"fact": "members/leo/x"}, "en")
        'members/leo/x'
    """
    question = field(item, "question")
    if question is not None and localized(question, lang):
        return say(localized(question, lang), lang)
    return _fact_words(str(field(item, "fact", "")), lang, facts)


def missing_questions(result: Any, lang: str, facts: Mapping[str, Fact] | None = None) -> list[str]:
    """The questions still to ask for a result (``missing`` when the result carries it, else
    its ``missing_facts`` paths, worded from the registry)."""
    missing = field(result, "missing")
    if missing:
        return [question_text(item, lang, facts) for item in missing]
    paths: Sequence[str] = field(result, "missing_facts", ())
    return [question_text({"fact": path}, lang, facts) for path in paths]
