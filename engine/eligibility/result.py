"""The eligibility result (output contract, docs/contracts.md): fields are added, never renamed."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from engine.catalog.schema import Reference, Text
from engine.eligibility.formatting import round_cents

__all__ = [
    "Amount",
    "CheckResult",
    "CriterionResult",
    "DeliveryOut",
    "JurisdictionOut",
    "LocalizedText",
    "MemberResult",
    "MissingFact",
    "NextQuestion",
    "NotAssessed",
    "ProgramResult",
    "ReferenceOut",
    "Status",
]

Status = Literal["eligible", "ineligible", "undetermined"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class LocalizedText(_Out):
    """Text in English and French."""

    en: str
    fr: str

    @classmethod
    def of(cls, text: Text) -> LocalizedText:
        """A rule file's bilingual text as the answer shows it."""
        return cls(en=text.en, fr=text.fr)


class Amount(_Out):
    """An annual amount in CAD, rounded to cents; ``estimate`` while eligibility is undetermined.

    ``minimum`` is set when the missing facts leave only a lower bound ("at least"): ``annual``
    is then that bound, and ``estimate`` is true. A benefit paid for a limited time (EI) adds
    ``weekly``, ``weeks`` and ``total``; ``annual`` is then what is payable in the twelve months
    from the claim.

    Examples:
        >>> Amount(annual=7997.0).monthly
        666.42
    """

    annual: float
    currency: Literal["CAD"] = "CAD"
    estimate: bool = False
    minimum: float | None = None
    weekly: float | None = None
    weeks: float | None = None
    total: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def monthly(self) -> float:
        """The annual amount over twelve months, rounded to cents like every amount."""
        return round_cents(self.annual / 12)


class CriterionResult(_Out):
    """One criterion: Kleene status and its explanation with the household's values."""

    id: str
    status: Literal["true", "false", "unknown"]
    explain: LocalizedText


class JurisdictionOut(_Out):
    """Level of government and code."""

    level: str
    code: str


class ReferenceOut(_Out):
    """A cited statute section or official page; ``title_fr`` and ``url_fr``: the French
    version of the same page, where the rule file gives one (else None)."""

    title: str
    url: str
    title_fr: str | None = None
    url_fr: str | None = None

    @classmethod
    def of(cls, reference: Reference) -> ReferenceOut:
        """A rule file's reference as the answer shows it (its French page when it has one)."""
        french = reference.fr
        return cls(
            title=reference.title,
            url=reference.url,
            title_fr=french.title if french else None,
            url_fr=french.url if french else None,
        )


class DeliveryOut(_Out):
    """How to get the benefit."""

    mode: str
    how: LocalizedText
    deadline: LocalizedText | None = None


class MissingFact(_Out):
    """A fact that would decide the answer: its path and the question that asks for it."""

    fact: str
    question: LocalizedText


class MemberResult(_Out):
    """A person program's answer for one member of the household."""

    member: str
    status: Status
    amount: Amount | None
    criteria: list[CriterionResult]
    missing_facts: list[str]
    missing: list[MissingFact] = []


class ProgramResult(_Out):
    """The answer for one program."""

    program: str
    name: LocalizedText
    jurisdiction: JurisdictionOut
    agency: str
    agency_name: LocalizedText
    status: Status
    amount: Amount | None
    in_kind: bool = False
    criteria: list[CriterionResult]
    missing_facts: list[str]
    references: list[ReferenceOut]
    delivery: DeliveryOut
    member: str | None = None
    scope: LocalizedText | None = None
    income_year: int | None = None
    valid_through: dt.date | None = None
    rates_may_be_outdated: bool = False
    rule_status: Literal["verified", "unverified"] = "verified"
    by_member: list[MemberResult] | None = None
    missing: list[MissingFact] = []
    exclusive_with: list[str] = []
    excluded_by: list[str] = []


class NextQuestion(_Out):
    """The fact whose answer decides the most undetermined programs."""

    fact: str
    would_decide: list[str]
    question: LocalizedText | None = None


class NotAssessed(_Out):
    """A program of the household's jurisdictions that the catalog does not model yet."""

    program: str
    name: LocalizedText
    level: str
    code: str
    url: str


class CheckResult(_Out):
    """The answer to an eligibility check."""

    as_of: dt.date
    results: list[ProgramResult]
    next_question: NextQuestion | None
    not_assessed: list[NotAssessed] = []
