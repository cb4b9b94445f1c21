"""One program's result for one household: statuses, amount, explanations, missing facts.

Results are built as plain dicts in the contract's shape and validated once, for the whole
answer, by :class:`~engine.eligibility.result.CheckResult` (one pass in pydantic-core is several
times cheaper than building a hundred small models in Python, even with ``model_construct``).
The household-independent part of a program's result is made of finished (frozen) models, built
once per program: the validation of the answer keeps them as they are.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import BaseModel

from engine.catalog.facts import Fact
from engine.catalog.program import (
    AMOUNT,
    IN_FORCE,
    SCOPE,
    WEEKLY,
    WEEKS,
    Catalog,
    ProgramRules,
)
from engine.catalog.schema import InForce, Text
from engine.catalog.tree import Expr, placeholders
from engine.eligibility.explain import Explainer, Explanations
from engine.eligibility.formatting import Placeholder, render, round_cents
from engine.eligibility.result import DeliveryOut, JurisdictionOut, LocalizedText, ReferenceOut
from engine.evaluation.simulate import HouseholdRun as Run

__all__ = ["program_result", "rule_status", "static_json", "static_part"]

_POSITIVE = Text(
    en="The benefit works out to {amount:money} a year.",
    fr="La prestation s'élève à {amount:money} par année.",
)
_NOT_REACHED = Text(
    en="Not looked at further: an earlier criterion already rules the program out.",
    fr="Non examiné davantage : un critère précédent exclut déjà le programme.",
)
_POSITIVE_UNKNOWN = Text(
    en="The amount cannot be calculated until the missing facts are known.",
    fr="Le montant ne peut pas être calculé tant que les renseignements manquants sont inconnus.",
)


#: the placeholder values of a result read out without texts (none is asked for)
_NO_VALUES: Mapping[str, Placeholder] = {}


def _status_name(value: float) -> str:
    if math.isnan(value):
        return "undetermined"
    return "eligible" if value == 1.0 else "ineligible"


#: per template (by id; the template is kept, so its id is never another's): its finished text
#: when neither language has a placeholder (most criteria texts: the answer's validation keeps a
#: finished model as it is), with that text's JSON (an answer written without models copies
#: the bytes), else the placeholders its two texts name. At most _TEXTS_KEPT.
_PLANS: dict[int, tuple[Text, LocalizedText | None, orjson.Fragment | None, tuple[str, ...]]] = {}


def _plan(
    template: Text,
) -> tuple[Text, LocalizedText | None, orjson.Fragment | None, tuple[str, ...]]:
    found = _PLANS.get(id(template))
    if found is None or found[0] is not template:
        if len(_PLANS) >= _TEXTS_KEPT:
            _PLANS.clear()
            _TEXTS.clear()  # its keys hold the ids of the templates kept here
        en, fr = template.en, template.fr
        names = tuple(sorted({name for text in (en, fr) for name, _ in placeholders(text)}))
        fixed = None if names else LocalizedText(en=en, fr=fr)
        written = None if fixed is None else orjson.Fragment(fixed.model_dump_json())
        found = _PLANS[id(template)] = (template, fixed, written, names)
    return found


#: texts already read out, by template and the values of its placeholders: the same
#: thresholds, rates and amounts fill the same templates in check after check. Only strings and
#: numbers are kept (the collector does not track them, so a full collection does not scan
#: them: finished models here made its pauses three times longer), at most _TEXTS_KEPT of
#: them. The fact registry (enum labels) is in the key; the last one used is kept, so its id is
#: never another's, and a new one starts afresh (threads of two engines never mix texts).
_TEXTS: dict[tuple[int, int, tuple[Any, ...]], tuple[str, str]] = {}
_TEXTS_FOR: list[Mapping[str, Fact]] = []
_TEXTS_KEPT = 16384


def _text(
    template: Text,
    values: Mapping[str, Placeholder],
    facts: Mapping[str, Fact],
    as_json: bool = False,
) -> dict[str, str] | LocalizedText | orjson.Fragment:
    _, fixed, written, names = _plan(template)
    if fixed is not None:
        return written if as_json and written is not None else fixed
    if not _TEXTS_FOR or _TEXTS_FOR[0] is not facts:
        _TEXTS.clear()
        _TEXTS_FOR[:] = [facts]
    # the template's id: it is kept in _PLANS while its texts are here (both are cleared)
    key = (id(template), id(facts), tuple([values.get(name) for name in names]))
    found = _TEXTS.get(key)
    if found is None:
        if len(_TEXTS) >= _TEXTS_KEPT:
            _TEXTS.clear()
        en = render(template.en, values, "en", facts)
        found = _TEXTS[key] = (en, render(template.fr, values, "fr", facts))
    return {"en": found[0], "fr": found[1]}


def _in_force(window: InForce, in_force: bool, on: dt.date) -> dict[str, Any]:
    """The implicit first criterion of a program with start (and end) dates."""
    starts, ends = window.starts.isoformat(), window.ends.isoformat() if window.ends else None
    if in_force:
        en = f"The program is in force: it pays from {starts}."
        fr = f"Le programme est en vigueur : il est versé depuis le {starts}."
    elif on < window.starts:
        en = f"The program starts on {starts}: nothing is payable before that date."
        fr = f"Le programme commence le {starts} : rien n'est versé avant cette date."
    else:
        en = f"The program ended on {ends}: nothing is payable after that date."
        fr = f"Le programme a pris fin le {ends} : rien n'est versé après cette date."
    return {"id": "is_in_force", "status": str(in_force).lower(), "explain": {"en": en, "fr": fr}}


def _weeks(explainer: Explainer, row: int) -> dict[str, float | None]:
    """A benefit paid for some weeks: the weekly rate, the number of weeks and the total."""
    weekly, weeks = explainer.part(row, WEEKLY), explainer.part(row, WEEKS)
    if math.isnan(weekly) or math.isnan(weeks):
        return {"weekly": None, "weeks": None, "total": None}
    return {"weekly": round_cents(weekly), "weeks": weeks, "total": round_cents(weekly * weeks)}


#: each program's static part, kept as long as its rules are (an engine and what it compiled go
#: away together)
_STATIC: weakref.WeakKeyDictionary[ProgramRules, dict[str, Any]] = weakref.WeakKeyDictionary()


def static_part(rules: ProgramRules) -> dict[str, Any]:
    """The parts of a result that do not depend on the household, as finished models, built once
    per program (a check's validation keeps model instances as they are)."""
    found = _STATIC.get(rules)
    if found is None:
        found = _STATIC[rules] = _static_part(rules)
    return found


#: the same, as finished JSON (see :func:`static_json`)
_STATIC_JSON: weakref.WeakKeyDictionary[ProgramRules, dict[str, Any]] = weakref.WeakKeyDictionary()


def static_json(rules: ProgramRules) -> dict[str, Any]:
    """:func:`static_part` with each model (and the references) as the JSON its validated model
    writes, an ``orjson.Fragment``: an answer serialized without validation (answer_json)
    copies those bytes instead of walking the same models in every check."""
    found = _STATIC_JSON.get(rules)
    if found is None:
        found = _STATIC_JSON[rules] = {
            key: _fragment(value) for key, value in static_part(rules).items()
        }
    return found


def _fragment(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return orjson.Fragment(value.model_dump_json())
    if isinstance(value, tuple):
        return orjson.Fragment(b"[" + b",".join(m.model_dump_json().encode() for m in value) + b"]")
    return value


def _static_part(rules: ProgramRules) -> dict[str, Any]:
    program = rules.program
    delivery = program.delivery
    return {
        "program": program.id,
        "name": LocalizedText.of(program.name),
        "jurisdiction": JurisdictionOut(
            level=program.jurisdiction.level, code=program.jurisdiction.code
        ),
        "agency": program.agency.en,
        "agency_name": LocalizedText.of(program.agency),
        "in_kind": program.in_kind,
        "references": tuple(ReferenceOut.of(r) for r in program.references),
        "delivery": DeliveryOut(
            mode=delivery.mode,
            how=LocalizedText.of(delivery.how),
            deadline=LocalizedText.of(delivery.deadline) if delivery.deadline else None,
        ),
    }


#: each catalog's rule status by program and day, worked out once (at most _DAYS_KEPT entries)
_RULE_STATUS: weakref.WeakKeyDictionary[Catalog, dict[tuple[str, dt.date], str]] = (
    weakref.WeakKeyDictionary()
)
_DAYS_KEPT = 4096


def rule_status(run: Run, rules: ProgramRules, on: dt.date | None) -> str:
    """ "unverified" when a parameter value the program reads, in force on the day, is marked
    ``status: unverified`` (its own, or another program's it reads); else "verified"."""
    day = on or run.population.as_of
    catalog = run.compiled.catalog
    known = _RULE_STATUS.get(catalog)
    if known is None:
        known = _RULE_STATUS[catalog] = {}
    found = known.get((rules.id, day))
    if found is None:
        if len(known) >= _DAYS_KEPT:
            known.clear()
        unverified = catalog.unverified_in_force(rules.id, day)
        found = known[(rules.id, day)] = "unverified" if unverified else "verified"
    return found


def program_result(
    explanations: Explanations,
    rules: ProgramRules,
    status_value: float,
    static: dict[str, Any],
    on: dt.date | None = None,
    row: int | None = None,
    *,
    texts: bool = True,
    as_json: bool = False,
) -> dict[str, Any]:
    """The contract's result for household 0 of the explained run and one program on ``on``, as
    a plain dict (``static``: the program's household-independent part, see
    :func:`static_part`). Without ``texts`` the criteria are not read out (an empty list, no
    scope text): the same statuses, amounts and missing facts, for a comparison nobody reads.
    With ``as_json``, finished texts are their JSON (``orjson.Fragment``), for an answer
    written without models (:mod:`~engine.eligibility.answer_json`).

    ``row`` is the row of the program's entity to report (default: household 0, or its
    applicant for a person program).
    """
    program = rules.program
    run = explanations.run
    facts = run.compiled.catalog.facts
    explainer = explanations.of(rules, on)
    if row is None:
        row = int(run.members.applicant[0]) if program.entity == "person" else 0
    # the placeholders' values serve texts only: a comparison that reads none makes none
    values = explainer.placeholder_values(row) if texts else _NO_VALUES
    status = _status_name(status_value)
    criteria: list[dict[str, Any]] = []
    unknown: list[Expr] = []
    ruled_out = False  # an earlier criterion fails: later ones are not read out as reasons
    # the criteria's statuses serve their texts, and an undetermined answer's missing facts
    read_criteria = texts or status == "undetermined"
    if program.in_force is not None and read_criteria:
        in_force = explainer.part(row, IN_FORCE) == 1.0
        if texts:
            criteria.append(_in_force(program.in_force, in_force, on or run.population.as_of))
        ruled_out = not in_force
    for criterion, part in rules.criterion_parts if read_criteria else ():
        value = explainer.part(row, part)  # kleene.status_name's, inline: in every check
        name = "unknown" if value != value else ("true" if value == 1.0 else "false")
        template = criterion.explain
        if name != "true" and ruled_out:
            template = _NOT_REACHED
        elif name == "false" and criterion.when_false is not None:
            template = criterion.when_false
        elif name == "unknown":
            template = criterion.when_unknown or template
            unknown.append(rules.criteria[criterion.id])
        ruled_out = ruled_out or name == "false"
        if texts:
            criteria.append(
                {
                    "id": criterion.id,
                    "status": name,
                    "explain": _text(template, values, facts, as_json),
                }
            )
    amount_value, minimum = math.nan, math.nan
    positive_unknown = False
    if not program.in_kind:
        amount_value = explainer.part(row, AMOUNT)
        template, positive = _POSITIVE, str(amount_value > 0).lower()
        if math.isnan(amount_value):
            minimum, highest = explainer.bounds(row, AMOUNT)
            template, positive = _POSITIVE_UNKNOWN, "unknown"
            if minimum > 0.0:  # the amount is a range: the text gives it
                template, positive = _POSITIVE, "true"
            elif highest <= 0.0:
                positive = "false"
        positive_unknown = positive == "unknown"
        if ruled_out and positive != "true":
            template = _NOT_REACHED
        if texts:
            criteria.append(
                {
                    "id": "has_positive_amount",
                    "status": positive,
                    "explain": _text(template, values, facts, as_json),
                }
            )
    scope_text = None
    missing: set[str] = set()
    inside = explainer.part(row, SCOPE) if rules.scope is not None else 1.0
    if status == "eligible" and math.isnan(amount_value) and rules.amount is not None:
        missing = explainer.missing_facts(row, [rules.amount])  # what decides how much
    if status == "undetermined":
        # what could still decide it: the unknown criteria (outside the scope too, where a
        # failing criterion still decides "not eligible"), the amount while its sign is unknown,
        # the jurisdiction, and the scope itself
        if rules.amount is not None and positive_unknown:
            unknown.append(rules.amount)
        unknown.append(rules.jurisdiction)
        if inside != 1.0 and program.scope is not None and rules.scope is not None:
            if texts:
                scope_text = _text(program.scope.explain, values, facts, as_json)
            if math.isnan(inside):
                unknown.append(rules.scope)
        missing = explainer.missing_facts(row, unknown)
    as_of = on or run.population.as_of
    outdated = program.valid_through is not None and as_of > program.valid_through
    amount = None
    # an amount from rates the file says do not apply (outside its scope) is never shown
    shown = not program.in_kind and status != "ineligible" and inside == 1.0
    if shown and not math.isnan(amount_value):
        # undetermined eligibility, or figures that may have changed since the file's review
        amount = _amount(round_cents(amount_value), status == "undetermined" or outdated, None)
    elif shown and minimum > 0.0:
        at_least = round_cents(minimum)
        amount = _amount(at_least, True, at_least)
    if amount is not None and rules.weekly is not None:
        amount.update(_weeks(explainer, row))
    member = None
    if program.entity == "person":
        member = run.population.member_id(row)
    # every field, in the order of ProgramResult's: the answer's JSON (answer_json) is these
    # dicts as they are, byte for byte what the validated model writes
    return {
        "program": static["program"],
        "name": static["name"],
        "jurisdiction": static["jurisdiction"],
        "agency": static["agency"],
        "agency_name": static["agency_name"],
        "status": status,
        "amount": amount,
        "in_kind": static["in_kind"],
        "criteria": criteria,
        "missing_facts": sorted(missing),
        "references": static["references"],
        "delivery": static["delivery"],
        "member": member,
        "scope": scope_text,
        "income_year": program.income_year.base_year(as_of),
        "valid_through": program.valid_through,
        "rates_may_be_outdated": outdated,
        "rule_status": rule_status(run, rules, on),
        "by_member": None,
        "missing": [],
        "exclusive_with": [],
        "excluded_by": [],
    }


def _amount(annual: float, estimate: bool, minimum: float | None) -> dict[str, Any]:
    """An amount with every field of :class:`~engine.eligibility.result.Amount`, in its order
    (``monthly`` is its computed field)."""
    return {
        "annual": annual,
        "currency": "CAD",
        "estimate": estimate,
        "minimum": minimum,
        "weekly": None,
        "weeks": None,
        "total": None,
        "monthly": round_cents(annual / 12),
    }
