"""The printed answer to a life event, in English and French: what changes for whom, by when,
what to do next, and who would be told (only with consent).

A list, not a table: each suggestion reads as a sentence a caseworker can say aloud, at any
terminal width.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console, RenderableType

from engine.eligibility.formatting import money
from engine.events.result import EventResult, Suggestion
from engine.terminal import bullet, emit, indented, text
from engine.wording import long_date, say

__all__ = ["EVENT_WORDS", "print_event"]

EVENT_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "{event} on {date}: what changes (as of {as_of})",
        "newly_eligible": "now eligible",
        "amount_changed": "amount changes",
        "no_longer_eligible": "no longer eligible",
        "review": "to review",
        "for": "for {member}",
        "amount": "{after} a year",
        "weekly": "{weekly} a week for {weeks} weeks ({total})",
        "change": "{before} → {after} a year",
        "deadline": "apply by {date}",
        "bundle": "applied for in the same step as the birth registration below",
        "ask": "To decide it",
        "nothing": "Nothing changes in the programs this catalog assesses.",
        "follow_ups": "Next steps",
        "notifications": "Who would be told, with the client's consent",
        "alerts": "From the client's history",
        "fields": "{agency}: {fields}",
    },
    "fr": {
        "title": "{event} le {date} : ce qui change (au {as_of})",
        "newly_eligible": "maintenant admissible",
        "amount_changed": "le montant change",
        "no_longer_eligible": "n'est plus admissible",
        "review": "à réexaminer",
        "for": "pour {member}",
        "amount": "{after} par an",
        "weekly": "{weekly} par semaine pendant {weeks} semaines ({total})",
        "change": "{before} → {after} par an",
        "deadline": "demander au plus tard le {date}",
        "bundle": "demandée dans la même démarche que l'enregistrement de la naissance ci-dessous",
        "ask": "Pour trancher",
        "nothing": "Rien ne change dans les programmes que ce catalogue évalue.",
        "follow_ups": "Prochaines étapes",
        "notifications": "Qui serait informé, avec le consentement du client",
        "alerts": "D'après l'historique du client",
        "fields": "{agency} : {fields}",
    },
}


def _line(s: Suggestion, lang: str) -> str:
    words = EVENT_WORDS[lang]
    parts = [f"{s.name.fr if lang == 'fr' else s.name.en}: {words[s.change]}"]
    if s.member:
        parts.append(words["for"].format(member=s.member))
    after = money(s.amount.annual, lang) if s.amount and s.status == "eligible" else None
    before = money(s.amount_before.annual, lang) if s.amount_before else None
    weekly = s.amount.weekly if s.amount and s.status == "eligible" else None
    if weekly is not None and s.amount is not None and s.amount.weeks:
        total = s.amount.total if s.amount.total is not None else s.amount.annual
        parts.append(
            words["weekly"].format(
                weekly=money(weekly, lang), weeks=f"{s.amount.weeks:g}", total=money(total, lang)
            )
        )
    elif after and before and s.change == "amount_changed":
        parts.append(words["change"].format(before=before, after=after))
    elif after:
        parts.append(words["amount"].format(after=after))
    if s.bundle:
        parts.append(words["bundle"])
    elif s.deadline:
        parts.append(words["deadline"].format(date=long_date(s.deadline, lang)))
    return say(", ".join(parts), lang)


def _suggestions(result: EventResult, lang: str) -> list[RenderableType]:
    words = EVENT_WORDS[lang]
    if not result.suggestions:
        return [text(say(words["nothing"], lang))]
    out: list[RenderableType] = []
    for s in result.suggestions:
        out.append(bullet(text(_line(s, lang), "bold" if s.change == "newly_eligible" else ""), 0))
        questions = [m.question.fr if lang == "fr" else m.question.en for m in s.missing[:2]]
        if questions:
            out.append(indented(text(say(f"{words['ask']}: " + " ".join(questions), lang)), 4))
    return out


def _rest(result: EventResult, lang: str) -> Sequence[RenderableType]:
    words = EVENT_WORDS[lang]
    out: list[RenderableType] = []
    if result.follow_ups:
        out.append(text(say(words["follow_ups"] + ":", lang), "bold"))
        for f in result.follow_ups:
            what = f.what.fr if lang == "fr" else f.what.en
            out.append(bullet(text(say(f"{long_date(f.due, lang)}: {what}", lang)), 0))
    if result.alerts:
        out.append(text(say(words["alerts"] + ":", lang), "bold"))
        for a in result.alerts:
            what = a.what.fr if lang == "fr" else a.what.en
            when = f"{long_date(a.due, lang)}: " if a.due else ""
            who = f"{a.member}: " if a.member else ""
            out.append(bullet(text(say(f"{when}{who}{what}", lang)), 0))
    if result.notifications:
        out.append(text(say(words["notifications"] + ":", lang), "bold"))
        for n in result.notifications:
            name = n.name.fr if lang == "fr" else n.name.en
            line = words["fields"].format(agency=name, fields=", ".join(n.fields))
            out.append(bullet(text(say(line, lang)), 0))
    return out


def print_event(console: Console, result: EventResult, lang: str) -> None:
    """Print the answer to a life event on ``console``: the ranked suggestions (with the
    questions that would decide those to review), the next steps and the notifications."""
    words = EVENT_WORDS[lang]
    title = words["title"].format(
        event=result.event.name.fr if lang == "fr" else result.event.name.en,
        date=long_date(result.event.date, lang),
        as_of=long_date(result.as_of, lang),
    )
    body: list[RenderableType] = [text(say(title, lang), "bold")]
    body.extend(_suggestions(result, lang))
    body.extend(_rest(result, lang))
    emit(console, body)
