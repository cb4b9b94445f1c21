"""Life event cases as data: ``rules/event_tests/<event>.yaml``, worked cases named as plain
sentences, each with a household, an event and what the answer must say.

A case lists the suggestions it expects (program, change, and where it matters the member, the
amount worked out from the official rates and the deadline), the programs that must not be
suggested (``absent``: a birth in Québec never suggests EI maternity benefits), and the
follow-ups and agencies told. Other suggestions may appear: a case checks what it names.

Example file::

    event: job_loss
    cases:
      - name: A laid-off worker with 1,200 hours is newly eligible for EI regular benefits
        arithmetic: 55% x $900 = $495 a week ...
        input: {as_of: ..., household: ..., event: ...}
        expect:
          suggestions:
            - {program: ca_ei_regular, member: sam, change: newly_eligible, amount: 7920.00}
          follow_ups: [ei_apply_within_4_weeks]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.catalog._yaml import load_located
from engine.catalog.loader import parse_model
from engine.catalog.schema import Identifier, NonEmpty
from engine.eligibility.rule_tests import CaseOutcome, rule_test_files
from engine.errors import InputError, ParameterValueMissing, RuleFileError
from engine.events.result import Change, EventResult

__all__ = ["EventCase", "EventCaseFile", "run_event_cases"]

_CENT = 0.005


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedSuggestion(_Model):
    """A suggestion the answer must hold."""

    program: Identifier
    change: Change
    member: str | None = None
    amount: float | None = None
    deadline: dt.date | None = None
    bundle: Identifier | None = None


class Expect(_Model):
    """What the answer to one case must say."""

    suggestions: list[ExpectedSuggestion] = []
    absent: list[Identifier] = []
    follow_ups: list[Identifier] | None = None
    notifications: list[Identifier] | None = None


class EventCase(_Model):
    """One worked case."""

    name: NonEmpty
    arithmetic: str | None = None
    input: dict[str, Any]
    expect: Expect


class EventCaseFile(_Model):
    """The cases of one life event."""

    event: Identifier
    cases: list[EventCase]


def _differences(case: EventCase, event: str, result: EventResult) -> list[str]:
    problems: list[str] = []
    if result.event.type != event:
        problems.append(f"the case file is for '{event}' but the input is '{result.event.type}'")
    found = {(s.program, s.member): s for s in result.suggestions}
    for wanted in case.expect.suggestions:
        got = found.get((wanted.program, wanted.member))
        who = wanted.program + (f" for {wanted.member}" if wanted.member else "")
        if got is None:
            shown = ", ".join(f"{s.program}:{s.change}" for s in result.suggestions) or "none"
            problems.append(f"{who}: expected {wanted.change}, not suggested (got: {shown})")
            continue
        if got.change != wanted.change:
            problems.append(f"{who}: expected {wanted.change}, got {got.change}")
        if wanted.amount is not None:
            annual = got.amount.annual if got.amount else None
            if annual is None or abs(annual - wanted.amount) > _CENT:
                problems.append(f"{who}: expected {wanted.amount:.2f} a year, got {annual}")
        if wanted.bundle is not None and got.bundle != wanted.bundle:
            problems.append(f"{who}: expected the one step {wanted.bundle}, got {got.bundle}")
        if wanted.deadline is not None and got.deadline != wanted.deadline:
            problems.append(f"{who}: expected the deadline {wanted.deadline}, got {got.deadline}")
    for program in case.expect.absent:
        if any(s.program == program for s in result.suggestions):
            problems.append(f"{program}: must not be suggested")
    follow_ups = [f.id for f in result.follow_ups]
    if case.expect.follow_ups is not None and sorted(follow_ups) != sorted(case.expect.follow_ups):
        problems.append(f"follow-ups: expected {case.expect.follow_ups}, got {follow_ups}")
    agencies = [n.agency for n in result.notifications]
    wanted_agencies = case.expect.notifications
    if wanted_agencies is not None and sorted(agencies) != sorted(wanted_agencies):
        problems.append(f"notifications: expected {wanted_agencies}, got {agencies}")
    return problems


def run_event_cases(
    answer: Callable[[Mapping[str, Any]], EventResult], root: Path
) -> list[CaseOutcome]:
    """Run every case under ``root`` with ``answer`` (an engine's :meth:`event`): a file that
    cannot be read or a case that cannot be run is a ``broken`` outcome with its file, line
    and reason, and the other cases still run.

    Raises:
        RuleFileError: ``root`` does not exist.
    """
    outcomes: list[CaseOutcome] = []
    for file in rule_test_files(root):
        try:
            doc = load_located(file)
            suite = parse_model(EventCaseFile, doc)
        except RuleFileError as exc:
            outcomes.append(CaseOutcome(file, exc.line, "", "", False, exc.reason, broken=True))
            continue
        for index, case in enumerate(suite.cases):
            line = doc.line_of(("cases", index))
            try:
                result = answer(case.input)
            except (InputError, ParameterValueMissing) as exc:
                detail = f"cannot run: {exc}"
                outcomes.append(
                    CaseOutcome(file, line, suite.event, case.name, False, detail, True)
                )
                continue
            problems = _differences(case, suite.event, result)
            outcomes.append(
                CaseOutcome(file, line, suite.event, case.name, not problems, "; ".join(problems))
            )
    return outcomes
