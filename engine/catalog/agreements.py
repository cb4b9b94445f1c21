"""Tell-us-once sharing rules: ``rules/sharing/agencies.yaml`` and ``agreements.yaml``.

The agencies file names every agency of each level of government that a tell-us-once service
would tell, and which programs of the catalog each one administers (``programs``: every program
has exactly one) or is responsible for while another agency administers them
(``responsible_for``: a provincial child benefit the CRA pays). The agreements file holds the
information-sharing agreements that entitle an agency to receive a client's changes: the
recipient, the programs served, the stated facts it may receive (never a derived fact), the
purpose, the legal basis, the term, and ``synthetic: true`` with a ``note`` where no public
agreement text exists. The loader checks every name against the fact registry and the catalog,
so a broken file is rejected with file, line and reason (docs/sharing.md).

Examples:
    >>> import datetime as dt
    >>> from engine.catalog.loader import load_catalog
    >>> from engine.catalog.paths import default_rules_dir
    >>> sharing = load_catalog(default_rules_dir()).sharing
    >>> sharing.administrator("on_ocb").id
    'cra'
    >>> ccb = sharing.agreements["cra_child_benefits"]
    >>> sorted(sharing.allowed_fields(ccb, on=dt.date(2026, 1, 15)))[:2]
    ['custody', 'date_of_birth']
    >>> sharing.allowed_fields("cra_newcomer_pilot", on=dt.date(2026, 1, 15))
    frozenset()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from engine.catalog._parse import parse_model
from engine.catalog._sharing_checks import check_agencies, check_agreements, check_notify
from engine.catalog._yaml import load_located
from engine.catalog.facts import FactRegistry
from engine.catalog.schema import Identifier, Jurisdiction, Program, Reference, Text
from engine.errors import RuleFileError

__all__ = [
    "AGENCIES_FILE",
    "AGREEMENTS_FILE",
    "SHARING",
    "AgenciesFile",
    "Agency",
    "Agreement",
    "AgreementsFile",
    "SharingRules",
    "check_notify",
    "load_sharing",
]

SHARING = "sharing"
"""The folder of the sharing rules, beside ``facts.yaml``."""
AGENCIES_FILE = "agencies.yaml"
AGREEMENTS_FILE = "agreements.yaml"


class _Model(BaseModel):
    # validators are built when first used: a catalog from the cache never validates a file
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Agency(_Model):
    """An agency a tell-us-once service may tell: its government (``jurisdiction``), an
    official page, the programs it administers and those it answers for that another agency
    administers on its behalf."""

    id: Identifier
    name: Text
    jurisdiction: Jurisdiction
    reference: Reference
    programs: list[Identifier] = []
    responsible_for: list[Identifier] = []


class AgenciesFile(_Model):
    """The whole ``agencies.yaml``."""

    agencies: Annotated[list[Agency], Field(min_length=1)]


class Agreement(_Model):
    """An information-sharing agreement: ``recipient`` may receive these stated ``fields`` of
    a consenting client, for ``purpose`` and the ``programs`` it serves, from ``starts`` through
    ``expires`` (inclusive; null: no end date). ``parties``: the other agencies that signed or
    operate it. ``synthetic``: no public agreement text was found, so the file models one (its
    ``note`` says what is real and what is assumed)."""

    id: Identifier
    recipient: Identifier
    parties: list[Identifier] = []
    programs: Annotated[list[Identifier], Field(min_length=1)]
    fields: Annotated[list[Identifier], Field(min_length=1)]
    purpose: Text
    legal_basis: Annotated[list[Reference], Field(min_length=1)]
    starts: dt.date
    expires: dt.date | None
    synthetic: bool
    note: str | None = None


class AgreementsFile(_Model):
    """The whole ``agreements.yaml``."""

    agreements: list[Agreement]


@dataclass(frozen=True)
class SharingRules:
    """The agencies and agreements of a rules directory, by id (empty without ``sharing/``)."""

    agencies: Mapping[str, Agency] = field(default_factory=dict)
    agreements: Mapping[str, Agreement] = field(default_factory=dict)

    def _agreement(self, agreement: Agreement | str) -> Agreement:
        return self.agreements[agreement] if isinstance(agreement, str) else agreement

    def agreements_for(self, agency: str) -> list[Agreement]:
        """The agreements whose recipient is ``agency``, in the file's order, in force or not."""
        return [a for a in self.agreements.values() if a.recipient == agency]

    def in_force(self, agreement: Agreement | str, on: dt.date) -> bool:
        """Whether the agreement (or its id) is in force on ``on``: from its start through its
        expiry, both included.

        Raises:
            KeyError: an id that is not an agreement of these rules.
        """
        spec = self._agreement(agreement)
        return spec.starts <= on and (spec.expires is None or on <= spec.expires)

    def allowed_fields(self, agreement: Agreement | str, on: dt.date) -> frozenset[str]:
        """The facts the agreement lets its recipient receive on ``on``: none at all before it
        starts or after it expires.

        Raises:
            KeyError: an id that is not an agreement of these rules.
        """
        spec = self._agreement(agreement)
        return frozenset(spec.fields) if self.in_force(spec, on) else frozenset()

    def administrator(self, program: str) -> Agency | None:
        """The agency that administers ``program`` (None when no agency lists it)."""
        return next((a for a in self.agencies.values() if program in a.programs), None)


def load_sharing(
    folder: Path,
    facts: FactRegistry,
    programs: Mapping[str, Program],
    fail: Callable[[RuleFileError], None],
) -> SharingRules:
    """The agencies and agreements of ``folder`` (a missing file holds none), checked against
    the registry and the catalog; each problem goes to ``fail`` with file, line and reason,
    and the agreements are not read when the agencies file is broken."""
    agencies: dict[str, Agency] = {}
    try:
        file = folder / AGENCIES_FILE
        if file.is_file():
            doc = load_located(file)
            agencies = check_agencies(parse_model(AgenciesFile, doc), doc, facts, programs)
    except RuleFileError as exc:
        fail(exc)
        return SharingRules()
    agreements: dict[str, Agreement] = {}
    try:
        file = folder / AGREEMENTS_FILE
        if file.is_file():
            doc = load_located(file)
            spec = parse_model(AgreementsFile, doc)
            agreements = check_agreements(spec, doc, facts, programs, agencies)
    except RuleFileError as exc:
        fail(exc)
    return SharingRules(agencies, agreements)
