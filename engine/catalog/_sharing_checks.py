"""The checks of the sharing rules against the fact registry, the catalog and each other
(:mod:`engine.catalog.agreements` holds the models and the loader)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from engine.catalog._yaml import Loc, LocatedDocument
from engine.catalog.facts import FactRegistry
from engine.catalog.life_events import LifeEventFile
from engine.catalog.schema import Program
from engine.errors import RuleSchemaError

if TYPE_CHECKING:  # the models' module imports these checks
    from engine.catalog.agreements import (
        AgenciesFile,
        Agency,
        Agreement,
        AgreementsFile,
        SharingRules,
    )

__all__ = ["check_agencies", "check_agreements", "check_notify"]

AGENCIES = "sharing/agencies.yaml"
AGREEMENTS = "sharing/agreements.yaml"


def _fail(doc: LocatedDocument, loc: Loc, reason: str) -> RuleSchemaError:
    return RuleSchemaError(doc.file, doc.line_of(loc), reason)


def _unique(doc: LocatedDocument, key: str, kind: str, ids: list[str]) -> None:
    """Each id of the list under ``key`` once."""
    first: dict[str, int] = {}
    for index, name in enumerate(ids):
        line = doc.line_of((key, index, "id"))
        if name in first:
            raise _fail(
                doc,
                (key, index, "id"),
                f"{kind} id '{name}' is listed twice (first on line {first[name]})",
            )
        first[name] = line


def check_agencies(
    spec: AgenciesFile,
    doc: LocatedDocument,
    facts: FactRegistry,
    programs: Mapping[str, Program],
) -> dict[str, Agency]:
    """The agencies of a schema-valid agencies file, by id.

    Raises:
        RuleSchemaError: an id listed twice, a jurisdiction that is not a place of the
            registry, an unknown program, a program administered by two agencies or by none,
            a provincial, territorial or municipal agency listing another government's
            program, or an agency responsible for a program it administers itself.
    """
    _unique(doc, "agencies", "agency", [a.id for a in spec.agencies])
    known: dict[str, tuple[str, ...]] = {
        "federal": ("CA",),
        "provincial": facts["province"].values,
        "territorial": facts["province"].values,
        "municipal": facts["municipality"].values,
    }
    administrator: dict[str, str] = {}
    for index, agency in enumerate(spec.agencies):
        level, code = agency.jurisdiction.level, agency.jurisdiction.code
        if code not in known[level]:
            raise _fail(
                doc,
                ("agencies", index, "jurisdiction", "code"),
                f"'{code}' is not a {level} code; expected one of: " + ", ".join(known[level]),
            )
        for key in ("programs", "responsible_for"):
            for position, pid in enumerate(getattr(agency, key)):
                loc: Loc = ("agencies", index, key, position)
                program = programs.get(pid)
                if program is None:
                    raise _fail(doc, loc, f"'{pid}' is not a program of the catalog")
                if key == "programs" and pid in administrator:
                    raise _fail(
                        doc,
                        loc,
                        f"'{pid}' is already administered by {administrator[pid]} "
                        "(a program has one administering agency)",
                    )
                if key == "programs":
                    administrator[pid] = agency.id
                # only a federal agency administers other governments' programs (the CRA)
                theirs = program.jurisdiction
                if (level != "federal" or key == "responsible_for") and theirs.code != code:
                    raise _fail(
                        doc,
                        loc,
                        f"{agency.id} is {level} {code} but {pid} is a program of "
                        f"{theirs.level} {theirs.code}",
                    )
                if key == "responsible_for" and pid in agency.programs:
                    raise _fail(
                        doc, loc, f"{agency.id} administers {pid}: list it in 'programs' only"
                    )
    orphans = [pid for pid in programs if pid not in administrator]
    if orphans:
        raise _fail(
            doc,
            ("agencies",),
            "every program needs the agency that administers it (in its 'programs'); "
            "none lists: " + ", ".join(orphans),
        )
    return {agency.id: agency for agency in spec.agencies}


def check_agreements(
    spec: AgreementsFile,
    doc: LocatedDocument,
    facts: FactRegistry,
    programs: Mapping[str, Program],
    agencies: Mapping[str, Agency],
) -> dict[str, Agreement]:
    """The agreements of a schema-valid agreements file, by id.

    Raises:
        RuleSchemaError: an id listed twice, a recipient or party that is not an agency, a
            program that is unknown or that the recipient neither administers nor answers for,
            a field that is not a stated fact, an expiry before the start, or a synthetic
            agreement without its note.
    """
    _unique(doc, "agreements", "agreement", [a.id for a in spec.agreements])
    for index, agreement in enumerate(spec.agreements):
        where: Loc = ("agreements", index)
        recipient = agencies.get(agreement.recipient)
        if recipient is None:
            raise _fail(
                doc,
                (*where, "recipient"),
                f"'{agreement.recipient}' is not an agency of {AGENCIES}",
            )
        for position, party in enumerate(agreement.parties):
            if party not in agencies:
                raise _fail(
                    doc, (*where, "parties", position), f"'{party}' is not an agency of {AGENCIES}"
                )
            if party == recipient.id:
                raise _fail(
                    doc,
                    (*where, "parties", position),
                    f"'{party}' is the recipient: list the other parties only",
                )
        served = {*recipient.programs, *recipient.responsible_for}
        for position, pid in enumerate(agreement.programs):
            if pid not in programs:
                raise _fail(
                    doc, (*where, "programs", position), f"'{pid}' is not a program of the catalog"
                )
            if pid not in served:
                raise _fail(
                    doc,
                    (*where, "programs", position),
                    f"{recipient.id} neither administers nor is responsible for {pid} "
                    f"(see its entry in {AGENCIES})",
                )
        for position, name in enumerate(agreement.fields):
            fact = facts.get(name)
            if fact is None or fact.derived:
                kind = "a derived fact" if fact is not None else "not a fact of the registry"
                raise _fail(
                    doc,
                    (*where, "fields", position),
                    f"'{name}' is {kind}: an agreement shares stated facts only",
                )
        if agreement.expires is not None and agreement.expires < agreement.starts:
            raise _fail(
                doc,
                (*where, "expires"),
                f"expires {agreement.expires.isoformat()} is before it starts "
                f"({agreement.starts.isoformat()})",
            )
        if agreement.synthetic and not agreement.note:
            raise _fail(
                doc,
                (*where, "synthetic"),
                "a synthetic agreement needs a 'note' saying what is real and what is modelled",
            )
    return {agreement.id: agreement for agreement in spec.agreements}


def check_notify(event: LifeEventFile, doc: LocatedDocument, sharing: SharingRules) -> None:
    """Every agency a life event notifies must be in the agencies file, and some agreement
    must let it receive each field the event would tell it.

    Raises:
        RuleSchemaError: naming the life event file, the line and the reason.
    """
    for index, note in enumerate(event.notify):
        if note.agency not in sharing.agencies:
            close = difflib.get_close_matches(note.agency, list(sharing.agencies), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise _fail(
                doc,
                ("notify", index, "agency"),
                f"agency '{note.agency}' is not in {AGENCIES}{hint}",
            )
        allowed = {name for a in sharing.agreements_for(note.agency) for name in a.fields}
        for position, name in enumerate(note.fields):
            if name not in allowed:
                raise _fail(
                    doc,
                    ("notify", index, "fields", position),
                    f"no agreement in {AGREEMENTS} lets {note.agency} receive '{name}'",
                )
