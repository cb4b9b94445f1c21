"""What a caseworker reads: the answer of ``lifeevents check`` printed on a terminal.

One entry per program (and per other adult member for a person program): the program, the
level of government and the place, the member it is for, the status, the amount per year and
per month, why, the questions still to ask, how to get it and the deadline. A table when the
terminal is wide enough for every word of it, otherwise a list; ``details`` adds every
criterion, the missing facts' paths, how to apply in full and the references, in French the
French page where the rule file gives one (:mod:`engine.report_details`).

No word is ever cut across two lines: columns are sized from their longest word, and amounts and
French punctuation keep their non-breaking spaces (:mod:`engine.terminal`). The words themselves,
in English and French, are in :mod:`engine.wording`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from engine.catalog.facts import Fact
from engine.eligibility.result import CheckResult, ProgramResult
from engine.report_details import detail_lines
from engine.terminal import COLOURS, Whole, bullet, emit, indented, text
from engine.wording import (
    LABELS,
    amount_lines,
    labelled,
    localized,
    long_date,
    missing_questions,
    place,
    question_text,
    say,
    why,
)
from engine.wording import field as get

__all__ = ["Entry", "entries", "print_check", "table_fits"]

_WORD = re.compile(r"\S+")
# a table's borders and cell padding, for three columns: 4 rules + 3 x 2 spaces
_TABLE_FRAME = 10
_MIN_WHY = 24


@dataclass(frozen=True)
class Entry:
    """One line of the answer: a program, or one more adult member of a person program.

    ``notes`` are the paragraphs under "why": the reason first, then labelled lines (questions
    still to ask, how, deadline, programs it cannot be combined with).
    """

    name: str
    program: str
    place: str
    status: str
    amount: list[str]
    member: str | None = None
    reason: str = ""
    questions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _names(result: CheckResult, lang: str) -> dict[str, str]:
    return {r.program: localized(r.name, lang) for r in result.results}


def _program_list(items: Sequence[Any], names: Mapping[str, str]) -> str:
    programs = [str(get(i, "program", i)) if not isinstance(i, str) else i for i in items]
    return ", ".join(names.get(p, p) for p in programs)


def _delivery_notes(r: ProgramResult, lang: str) -> list[str]:
    agency = localized(r.agency_name, lang)
    mode = "how_apply" if r.delivery.mode == "apply" else "how_automatic"
    notes = [labelled("how", LABELS[lang][mode].format(agency=agency), lang)]
    if r.delivery.deadline is not None:
        notes.append(labelled("deadline", say(localized(r.delivery.deadline, lang), lang), lang))
    return notes


def _entry(
    result: Any, who: Any, lang: str, facts: Mapping[str, Fact] | None, notes: list[str]
) -> Entry:
    """The entry of a program's answer for ``who``: the result itself or one of its members."""
    eligible = who.status == "eligible"
    mark = result.rule_status == "unverified"
    return Entry(
        name=localized(result.name, lang),
        program=result.program,
        place=place(result.jurisdiction, lang, facts),
        status=who.status,
        amount=amount_lines(who.amount, lang, in_kind=result.in_kind, eligible=eligible, mark=mark),
        member=who.member,
        reason=why(who, lang),
        questions=missing_questions(who, lang, facts),
        notes=notes,
    )


def entries(result: CheckResult, lang: str, facts: Mapping[str, Fact] | None = None) -> list[Entry]:
    """The answer as entries, in the result's order; a person program's other adult members
    (``by_member``) follow its applicant's entry."""
    names = _names(result, lang)
    out: list[Entry] = []
    for r in result.results:
        notes = _delivery_notes(r, lang) if r.status != "ineligible" else []
        for key in ("exclusive_with", "excluded_by"):
            others = get(r, key)
            if others:
                notes.append(labelled(key, _program_list(others, names), lang))
        out.append(_entry(r, r, lang, facts, notes))
        out.extend(_entry(r, m, lang, facts, []) for m in r.by_member or () if m.member != r.member)
    return out


def _program_cell(entry: Entry, lang: str, id_room: int) -> Text:
    cell = text(entry.name, "bold")
    cell.append("\n")
    if len(entry.program) <= id_room:  # a longer id is in the list layout and --details
        cell.append(text(entry.program, "dim"))
        cell.append("\n")
    cell.append(text(entry.place))
    if entry.member is not None:
        cell.append("\n")
        cell.append(text(labelled("member", entry.member, lang)))
    return cell


def _answer_cell(entry: Entry, lang: str) -> Text:
    cell = text(LABELS[lang][entry.status], COLOURS[entry.status])
    for line in entry.amount:
        cell.append("\n")
        cell.append(text(line))
    return cell


def _why_cell(entry: Entry, lang: str) -> Text:
    paragraphs = [entry.reason] if entry.reason else []
    if entry.questions:
        paragraphs.append(
            say(LABELS[lang]["to_ask"] + ":", lang) + "".join(f"\n- {q}" for q in entry.questions)
        )
    paragraphs.extend(entry.notes)
    return text("\n".join(paragraphs))


def _longest_word(cells: Sequence[Text]) -> int:
    return max((len(w) for c in cells for w in _WORD.findall(c.plain)), default=1)


def _longest_line(cells: Sequence[Text]) -> int:
    return max((len(line) for c in cells for line in c.plain.split("\n")), default=1)


def _width(cells: Sequence[Text], cap: int) -> int:
    """A column's width: its longest line up to ``cap``, never under its longest word."""
    return max(_longest_word(cells), min(_longest_line(cells), cap))


def _columns(
    rows: Sequence[tuple[Text, Text, Text]], headers: tuple[Text, Text, Text], width: int
) -> tuple[int, int, int] | None:
    """The three column widths that fit ``width`` without cutting a word, or None."""
    program = _width([headers[0], *(r[0] for r in rows)], _program_room(width))
    answer = _width([headers[1], *(r[1] for r in rows)], 22)
    why = [headers[2], *(r[2] for r in rows)]
    rest = min(width - _TABLE_FRAME - program - answer, _longest_line(why))
    if rest < max(_MIN_WHY, _longest_word(why)):
        return None
    return program, answer, rest


def _program_room(width: int) -> int:
    """The width the program column may take at ``width`` columns."""
    return max(20, width // 5)


def _rows(items: Sequence[Entry], lang: str, width: int) -> list[tuple[Text, Text, Text]]:
    room = _program_room(width)
    return [
        (_program_cell(e, lang, room), _answer_cell(e, lang), _why_cell(e, lang)) for e in items
    ]


def _headers(lang: str) -> tuple[Text, Text, Text]:
    labels = LABELS[lang]
    return text(labels["program"]), text(labels["answer"]), text(labels["why"])


def table_fits(items: Sequence[Entry], lang: str, width: int) -> bool:
    """Whether the table layout fits ``width`` columns with every word whole."""
    return _columns(_rows(items, lang, width), _headers(lang), width) is not None


def _table(items: Sequence[Entry], lang: str, title: str, width: int) -> Table | None:
    rows = _rows(items, lang, width)
    headers = _headers(lang)
    widths = _columns(rows, headers, width)
    if widths is None:
        return None
    table = Table(title=text(title), show_lines=True)
    for header, size in zip(headers, widths, strict=True):
        table.add_column(header, width=size, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _list(items: Sequence[Entry], lang: str, title: str) -> list[RenderableType]:
    """The narrow layout: one block per entry, every line labelled and indented."""
    labels = LABELS[lang]
    out: list[RenderableType] = [text(title, "bold")]
    for e in items:
        heading = text(e.name, "bold")
        heading.append(" ")
        heading.append(text(f"({e.program})", "dim"))
        out.extend(["", heading, indented(text(e.place))])
        if e.member is not None:
            out.append(indented(text(labelled("member", e.member, lang))))
        status = text(say(labels["status"] + ": ", lang))
        status.append(text(labels[e.status], COLOURS[e.status]))
        out.append(indented(status))
        out.append(indented(text(labelled("amount", "; ".join(e.amount), lang))))
        if e.reason:
            out.append(indented(text(labelled("why_short", e.reason, lang))))
        if e.questions:
            out.append(indented(text(say(labels["to_ask"] + ":", lang))))
            out.extend(bullet(text(q)) for q in e.questions)
        out.extend(indented(text(note)) for note in e.notes)
    return out


def _footer(
    result: CheckResult, items: Sequence[Entry], lang: str, facts: Mapping[str, Fact] | None
) -> list[RenderableType]:
    """Legends and the lines under the answer: unverified figures, outdated files, programs
    not assessed, the next question."""
    labels = LABELS[lang]
    names = _names(result, lang)
    out: list[RenderableType] = []
    if any(line.endswith(" *") for e in items for line in e.amount):
        out.append(text(labels["unverified"], "yellow"))
    outdated = [r.program for r in result.results if r.rates_may_be_outdated]
    if outdated:
        out.append(text(labelled("outdated", _program_list(outdated, names), lang), "yellow"))
    not_assessed = get(result, "not_assessed") or []
    if not_assessed:
        out.append(text(say(labels["not_assessed"] + ":", lang)))
        for item in not_assessed:
            name = localized(get(item, "name"), lang) or str(get(item, "program", ""))
            line = f"- {name}, {place(item, lang, facts)}"
            reason = localized(get(item, "reason"), lang)
            out.append(indented(text(say(f"{line}: {reason}" if reason else line, lang)), 0))
    question = result.next_question
    if question is not None:
        decides = _program_list(question.would_decide, names) or labels["none"]
        asked = text(say(labels["next"] + ": ", lang))
        asked.append(text(question_text(question, lang, facts), "bold"))
        asked.append(text(say(f" ({labels['decides']}: {decides})", lang)))
        out.append(asked)
    return out


def print_check(
    console: Console,
    result: CheckResult,
    lang: str,
    *,
    facts: Mapping[str, Fact] | None = None,
    details: bool = False,
    layout: Literal["auto", "list"] = "auto",
) -> None:
    """Print the answer to a check on ``console``: a table when it fits the console's width
    with every word whole, else a list; then the legends, the programs not assessed and the
    next question; with ``details``, every criterion and reference.

    ``facts`` (the catalog's fact registry) names provinces and municipalities and words a
    missing fact the result carries no question for. ``layout="list"`` prints the list
    whatever the width.
    """
    items = entries(result, lang, facts)
    title = LABELS[lang]["title"].format(date=long_date(result.as_of, lang))
    table = _table(items, lang, title, console.width) if layout == "auto" else None
    body: list[RenderableType | Whole] = [table] if table is not None else []
    if table is None:
        body.extend(_list(items, lang, title))
    body.extend(_footer(result, items, lang, facts))
    if details:
        body.extend(detail_lines(result, lang, facts))
    emit(console, body)
