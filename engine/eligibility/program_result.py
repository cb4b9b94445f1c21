"""One program's result for one household: statuses, amount, explanations, missing facts."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from engine import kleene
from engine.catalog.loader import ProgramRules
from engine.catalog.schema import Text
from engine.eligibility import result as out
from engine.eligibility.explain import Explainer
from engine.eligibility.formatting import render
from engine.eligibility.simulate import Run

__all__ = ["program_result"]

_POSITIVE = out.LocalizedText(
    en="The benefit works out to {amount:money} a year.",
    fr="La prestation s'élève à {amount:money} par année.",
)


def _status_name(value: float) -> out.Status:
    if np.isnan(value):
        return "undetermined"
    return "eligible" if value == 1.0 else "ineligible"


def _text(template: Text | out.LocalizedText, values: dict[str, float]) -> out.LocalizedText:
    return out.LocalizedText.model_construct(
        en=render(template.en, values, "en"), fr=render(template.fr, values, "fr")
    )


def _localized(text: Text) -> out.LocalizedText:
    return out.LocalizedText.model_construct(en=text.en, fr=text.fr)


@lru_cache(maxsize=512)
def _static(rules: ProgramRules) -> dict[str, Any]:
    """The parts of a result that do not depend on the household, built once per program."""
    program = rules.program
    delivery = program.delivery
    return {
        "program": program.id,
        "name": _localized(program.name),
        "jurisdiction": out.JurisdictionOut(
            level=program.jurisdiction.level, code=program.jurisdiction.code
        ),
        "agency": program.agency.en,
        "agency_name": _localized(program.agency),
        "in_kind": program.in_kind,
        "references": [out.ReferenceOut(title=r.title, url=r.url) for r in program.references],
        "delivery": out.DeliveryOut(
            mode=delivery.mode,
            how=_localized(delivery.how),
            deadline=_localized(delivery.deadline) if delivery.deadline else None,
        ),
        "rule_status": program.status,
    }


def program_result(run: Run, rules: ProgramRules, status_value: float) -> out.ProgramResult:
    """The contract's result for household 0 of ``run`` and one program."""
    program = rules.program
    explainer = Explainer(run, rules)
    values = explainer.placeholder_values(0)
    status = _status_name(status_value)
    criteria: list[out.CriterionResult] = []
    for criterion in program.eligibility:
        value = float(run.per_household(program.id, f"crit__{criterion.id}")[0])
        name = kleene.status_name(value)
        template = criterion.explain
        if name == "false" and criterion.when_false is not None:
            template = criterion.when_false
        elif name == "unknown" and criterion.when_unknown is not None:
            template = criterion.when_unknown
        criteria.append(
            out.CriterionResult.model_construct(
                id=criterion.id, status=name, explain=_text(template, values)
            )
        )
    amount_value = float("nan")
    if not program.in_kind:
        amount_value = float(run.per_household(program.id, "amount")[0])
        positive = kleene.status_name(kleene.compare(">", np.array([amount_value]), np.zeros(1))[0])
        criteria.append(
            out.CriterionResult.model_construct(
                id="has_positive_amount", status=positive, explain=_text(_POSITIVE, values)
            )
        )
    scope_text = None
    missing: set[str] = set()
    if status == "undetermined":
        inside = float(run.per_household(program.id, "scope")[0]) if rules.scope else 1.0
        if inside != 1.0 and program.scope is not None:
            scope_text = _text(program.scope.explain, values)
            if np.isnan(inside):
                missing = explainer.missing_facts(0, [rules.scope])  # type: ignore[list-item]
        else:
            unknown = [
                rules.criteria[c.id]
                for c, r in zip(
                    program.eligibility, criteria[: len(program.eligibility)], strict=True
                )
                if r.status == "unknown"
            ]
            if rules.amount is not None and np.isnan(amount_value):
                unknown.append(rules.amount)
            missing = explainer.missing_facts(0, unknown)
    amount = None
    if not program.in_kind and not np.isnan(amount_value) and status != "ineligible":
        amount = out.Amount.model_construct(
            annual=_cents(amount_value), currency="CAD", estimate=status == "undetermined"
        )
    member = None
    if program.entity == "person":
        member = run.population.person_ids[int(run.members.applicant[0])]
    return out.ProgramResult.model_construct(
        **_static(rules),
        status=status,
        amount=amount,
        criteria=criteria,
        missing_facts=sorted(missing),
        member=member,
        scope=scope_text,
    )


def _cents(value: float) -> float:
    """Round half away from zero to cents (money is not rounded half-to-even)."""
    return float(np.trunc(value * 100 + np.copysign(0.5, value)) / 100)
