"""From the household's answers before and after a life event to ranked suggestions: what is
newly open, what changes, what stops, what to review, by when; and the event's follow-ups and
notifications.

Every member counts: a program evaluated per person is compared member by member, so a death
in a couple shows the survivor's new programs, the deceased's that stop, and the household's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, cast

from engine.catalog.life_events import FollowUp, LifeEventFile
from engine.catalog.program import Catalog
from engine.eligibility.program_result import static_part
from engine.eligibility.questions import missing_with_questions
from engine.eligibility.result import (
    Amount,
    CheckResult,
    LocalizedText,
    MissingFact,
    ProgramResult,
    ReferenceOut,
    Status,
)
from engine.events.dates import add_months
from engine.events.facts import Alert
from engine.events.result import (
    AlertOut,
    Change,
    EventOut,
    EventResult,
    FollowUpOut,
    NotificationOut,
    Suggestion,
)

__all__ = ["Compared", "alert_out", "event_result", "program_of", "rank"]

_CENT = 0.005
_DEADLINE_WHY = {
    "apply_within": LocalizedText(
        en="Apply within the time the program allows after the event to lose nothing.",
        fr="Présentez la demande dans le délai que le programme accorde après l'événement "
        "pour ne rien perdre.",
    ),
    "retroactivity": LocalizedText(
        en="Payments go back at most {months} months before the application: apply by this "
        "date to be paid from the event.",
        fr="Les versements remontent d'au plus {months} mois avant la demande : présentez-la "
        "au plus tard à cette date pour être payé depuis l'événement.",
    ),
}


# (status, amount, missing facts) of one program for the household or one member
_Unit = tuple[Status, Amount | dict[str, Any] | None, list[str]]

#: a program's result as compared: its model, or the engine's own dict of the same shape (the
#: household before an event is only compared, never shown: it is not validated into models;
#: nor is the check after it when the answer is only written out, ``Engine.event(written=True)``)
Compared = ProgramResult | dict[str, Any]


def program_of(result: Compared) -> str:
    """The program a result is about."""
    return str(result["program"]) if isinstance(result, dict) else result.program


def _units(result: Compared) -> Iterator[tuple[str | None, _Unit]]:
    if isinstance(result, dict):
        for entry in result["by_member"] or [result]:
            member = entry["member"] if result["by_member"] else None
            yield member, (entry["status"], entry["amount"], entry["missing_facts"])
        return
    if result.by_member:
        for entry in result.by_member:
            yield entry.member, (entry.status, entry.amount, entry.missing_facts)
    else:
        yield None, (result.status, result.amount, result.missing_facts)


def _classify(before: _Unit | None, after: _Unit | None, review: bool) -> Change | None:
    was = before[0] if before else None
    now = after[0] if after else "ineligible"
    if now == "eligible" and was != "eligible":
        return "newly_eligible"
    if was == "eligible" and now == "ineligible":
        return "no_longer_eligible"
    if was == "eligible" and now == "eligible":
        old = _annual(before[1]) if before else 0.0
        new = _annual(after[1]) if after else 0.0
        return "amount_changed" if abs(new - old) >= _CENT else None
    if now == "undetermined" and was == "eligible":
        return "review"
    if now == "undetermined" and review:
        # reviewed when the event moved it: a new answer, or other facts now decide it
        unchanged = (
            was == "undetermined"
            and before is not None
            and after is not None
            and before[2] == after[2]
        )
        return None if unchanged else "review"
    return None


def _annual(amount: Amount | dict[str, Any] | None) -> float:
    if amount is None:
        return 0.0
    return float(amount["annual"] if isinstance(amount, dict) else amount.annual)


def _amount(amount: Amount | dict[str, Any] | None) -> Amount | None:
    return Amount.model_validate(amount) if isinstance(amount, dict) else amount


def _deadline(
    catalog: Catalog, program: str, change: Change, day: dt.date
) -> tuple[dt.date | None, LocalizedText | None]:
    if change not in ("newly_eligible", "review", "amount_changed"):
        return None, None
    delivery = catalog.programs[program].program.delivery
    if delivery.mode != "apply":
        return None, None
    if delivery.apply_within is not None:
        within = delivery.apply_within
        due = add_months(day, within.months) + dt.timedelta(days=within.days)
        return due, _DEADLINE_WHY["apply_within"]
    if delivery.retroactivity_months:
        months = delivery.retroactivity_months
        why = _DEADLINE_WHY["retroactivity"]
        text = LocalizedText(en=why.en.format(months=months), fr=why.fr.format(months=months))
        return add_months(day, months), text
    return None, None


def rank(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Deadlines first (the earliest first), then the largest amount, then the program id."""
    return sorted(
        suggestions,
        key=lambda s: (
            s.deadline is None,
            s.deadline or dt.date.max,
            -(s.amount.annual if s.amount else 0.0),
            s.program,
            s.member or "",
        ),
    )


def _suggestions(
    catalog: Catalog,
    spec: LifeEventFile,
    before: Sequence[Compared],
    after: CheckResult,
    day: dt.date,
    bundles: dict[str, FollowUp],
) -> list[Suggestion]:
    review = catalog.reviewed_by(spec.id)
    old = {program_of(r): r for r in before}
    new: dict[str, Compared] = {program_of(r): r for r in after.results}
    found: list[Suggestion] = []
    for program in [*new, *(p for p in old if p not in new)]:
        was = dict(_units(old[program])) if program in old else {}
        now = dict(_units(new[program])) if program in new else {}
        shown = static_part(catalog.programs[program])  # as its result shows it
        for member in [*now, *(m for m in was if m not in now)]:
            b, a = was.get(member), now.get(member)
            change = _classify(b, a, program in review)
            if change is None:
                continue
            deadline, why = _deadline(catalog, program, change, day)
            step = bundles.get(program) if change != "no_longer_eligible" else None
            found.append(
                Suggestion(
                    program=program,
                    change=change,
                    status=a[0] if a else "ineligible",
                    amount=_amount(a[1]) if a else None,
                    action=(
                        LocalizedText.of(step.what) if step is not None else shown["delivery"].how
                    ),
                    bundle=step.id if step is not None else None,
                    deadline=deadline,
                    deadline_why=why,
                    jurisdiction=shown["jurisdiction"],
                    name=shown["name"],
                    agency_name=shown["agency_name"],
                    member=member,
                    status_before=b[0] if b else None,
                    amount_before=_amount(b[1]) if b else None,
                    missing=(
                        _missing(new[program], member, catalog) if a and change == "review" else []
                    ),
                )
            )
    return rank(found)


def _missing(result: Compared, member: str | None, catalog: Catalog) -> list[MissingFact]:
    """What a program still misses after the event, for the household or one member."""
    if isinstance(result, dict):  # the engine's dict: its missing facts' questions again
        entry = result
        if member is not None and result["by_member"]:
            entry = next(e for e in result["by_member"] if e["member"] == member)
        paths, year = entry["missing_facts"], result["income_year"]
        # without as_json, every entry is a MissingFact
        return cast(list[MissingFact], missing_with_questions(paths, catalog.facts, year))
    if member is None or not result.by_member:
        return result.missing
    return next(e.missing for e in result.by_member if e.member == member)


def alert_out(alert: Alert) -> AlertOut:
    """A matched pattern as the answer shows it."""
    return AlertOut(
        pattern=alert.pattern,
        event=alert.event,
        due=alert.due,
        member=alert.member,
        what=LocalizedText.of(alert.spec.what),
        reference=ReferenceOut.of(alert.spec.reference),
    )


def event_result(
    catalog: Catalog,
    spec: LifeEventFile,
    day: dt.date,
    household_after: dict[str, Any],
    before: Sequence[Compared],
    after: CheckResult,
    alerts: Sequence[Alert] = (),
) -> EventResult:
    """The answer to a life event that happened on ``day``, from the programs' results before
    it (models, or the engine's dicts of the same shape) and the check after it."""
    province = household_after.get("province")

    def here(provinces: list[str]) -> bool:
        return not provinces or province in provinces

    follow_ups = sorted(
        (
            FollowUpOut(
                id=f.id,
                due=add_months(day, f.due.months) + dt.timedelta(days=f.due.days),
                what=LocalizedText.of(f.what),
                reference=ReferenceOut.of(f.reference),
            )
            for f in spec.follow_ups
            if here(f.provinces)
        ),
        key=lambda f: (f.due, f.id),
    )
    bundles = {pid: f for f in spec.follow_ups if here(f.provinces) for pid in f.covers}
    notifications = [
        NotificationOut(agency=n.agency, name=LocalizedText.of(n.name), fields=n.fields)
        for n in spec.notify
        if here(n.provinces)
    ]
    return EventResult(
        as_of=after.as_of,
        event=EventOut(type=spec.id, date=day, name=LocalizedText.of(spec.name)),
        household=household_after,
        suggestions=_suggestions(catalog, spec, before, after, day, bundles),
        follow_ups=follow_ups,
        notifications=notifications,
        after=after,
        alerts=[alert_out(a) for a in alerts],
    )
