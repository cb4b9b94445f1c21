"""``lifeevents check --details``: every criterion of every program with its status, the
missing facts (the question and the path), how to get the benefit and the deadline in full, and
the references (with ``--lang fr``, the French title and address where the rule file gives
them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import RenderableType

from engine.catalog.facts import Fact
from engine.eligibility.result import CheckResult
from engine.terminal import COLOURS, Whole, indented, text
from engine.wording import LABELS, field, labelled, localized, question_text, say

__all__ = ["detail_lines"]

_MARKS = {"true": ("✓", "green"), "false": ("✗", "red"), "unknown": ("?", "yellow")}


def _criteria(criteria: Sequence[Any], lang: str) -> list[RenderableType]:
    out: list[RenderableType] = []
    for criterion in criteria:
        mark, colour = _MARKS[criterion.status]
        line = text(mark, colour)
        line.append(text(say(f" {criterion.id}: {localized(criterion.explain, lang)}", lang)))
        out.append(indented(line))
    return out


def _missing(
    item: Any, lang: str, facts: Mapping[str, Fact] | None
) -> list[RenderableType | Whole]:
    """Each missing fact: the question (or the fact's label), then its path."""
    missing = field(item, "missing") or [{"fact": path} for path in item.missing_facts]
    out: list[RenderableType | Whole] = []
    for m in missing:
        out.append(indented(text(labelled("missing_fact", question_text(m, lang, facts), lang))))
        out.append(Whole(str(field(m, "fact")), 4))
    return out


def _reference(reference: Any, lang: str) -> tuple[str, str]:
    """The title and address of a reference in ``lang``: in French, the French page where the
    rule file gives one, else the English title and address."""
    url_fr = field(reference, "url_fr")
    if lang == "fr" and url_fr:
        return str(field(reference, "title_fr")), str(url_fr)
    return str(field(reference, "title")), str(field(reference, "url"))


def detail_lines(
    result: CheckResult, lang: str, facts: Mapping[str, Fact] | None = None
) -> list[RenderableType | Whole]:
    """Every criterion of every program (and of each other adult of a person program), the
    missing facts (question and path), how to apply and the deadline in full, the references
    and the pages of the programs not assessed."""
    out: list[RenderableType | Whole] = []
    for r in result.results:
        heading = text(localized(r.name, lang), "bold")
        heading.append(text(say(f" ({r.program}): ", lang)))
        heading.append(text(LABELS[lang][r.status], COLOURS[r.status]))
        out.extend(["", heading])
        if r.member is not None:
            out.append(indented(text(labelled("member", r.member, lang))))
        out.extend(_criteria(r.criteria, lang))
        out.extend(_missing(r, lang, facts))
        for m in r.by_member or ():
            if m.member == r.member:
                continue
            member = text(labelled("member", m.member, lang) + " (", "bold")
            member.append(text(LABELS[lang][m.status], COLOURS[m.status]))
            member.append(text(")", "bold"))
            out.append(indented(member))
            out.extend(_criteria(m.criteria, lang))
            out.extend(_missing(m, lang, facts))
        how = say(localized(r.delivery.how, lang), lang)
        out.append(indented(text(labelled("details_how", how, lang))))
        if r.delivery.deadline is not None:
            deadline = say(localized(r.delivery.deadline, lang), lang)
            out.append(indented(text(labelled("deadline", deadline, lang))))
        for reference in r.references:
            title, url = _reference(reference, lang)
            out.append(indented(text(say(title, lang), "dim")))
            out.append(Whole(url))
    for item in field(result, "not_assessed") or []:
        url = field(item, "url")
        if url:
            name = localized(field(item, "name"), lang) or str(field(item, "program", ""))
            out.extend(["", text(name, "bold"), Whole(str(url), 2)])
    return out
