"""What the catalog does not assess yet: ``rules/coverage.yaml``.

For every jurisdiction a household can name (federal, each province and territory code and each
municipality of the fact registry), the coverage file lists the programs a family there would
meet that no program file models yet: their names in English and French, an official page, and
the id the program file will have. A check reports the entries of the household's jurisdictions
as ``not_assessed``, so an answer never implies that nothing else applies; an entry disappears
by itself when a program file with its id lands in the catalog.

Examples:
    >>> from engine.catalog.schema import Text
    >>> pass_ = NotModelled("to_pass", Text(en="Pass", fr="Laissez-passer"), "municipal",
    ...                     "toronto", "https://www.toronto.ca/x")
    >>> coverage = Coverage((pass_,), {"toronto": "ON"})
    >>> [e.program for e in coverage.not_assessed(None, "toronto", {})]
    ['to_pass']
    >>> coverage.not_assessed(None, "toronto", {"to_pass"})
    []
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from engine.catalog._yaml import LocatedDocument
from engine.catalog.facts import FactRegistry
from engine.catalog.schema import Identifier, Jurisdiction, Text
from engine.errors import RuleSchemaError

__all__ = [
    "COVERAGE_FILE",
    "Coverage",
    "CoverageEntry",
    "CoverageFile",
    "JurisdictionCoverage",
    "NotModelled",
    "coverage_from",
]

COVERAGE_FILE = "coverage.yaml"
"""The coverage file's name, beside ``facts.yaml`` in a rules directory."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoverageEntry(_Model):
    """A program the catalog does not model yet, under the id its program file will have."""

    id: Identifier
    name: Text
    url: Annotated[str, Field(pattern=r"^https://\S+$")]
    note: str | None = None


class JurisdictionCoverage(Jurisdiction):
    """One jurisdiction and the programs of it the catalog does not model yet (``note``: what
    is known about the place's programs, e.g. that none was confirmed on an official page)."""

    programs: list[CoverageEntry]
    note: str | None = None


class CoverageFile(_Model):
    """The whole ``rules/coverage.yaml``."""

    jurisdictions: Annotated[list[JurisdictionCoverage], Field(min_length=1)]


@dataclass(frozen=True)
class NotModelled:
    """One program of a jurisdiction that the catalog does not assess."""

    program: str
    name: Text
    level: str
    code: str
    url: str


@dataclass(frozen=True)
class Coverage:
    """The coverage file as the engine uses it (empty for a rules directory without one)."""

    entries: tuple[NotModelled, ...] = ()
    province_of: Mapping[str, str] = field(default_factory=dict)

    def not_assessed(
        self, province: str | None, municipality: str | None, modelled: Container[str]
    ) -> list[NotModelled]:
        """The entries of a household's jurisdictions whose program is not in ``modelled``:
        federal always, the province when known (or implied by the municipality), the
        municipality when known; in that order, each in the file's order."""
        province = province or (self.province_of.get(municipality) if municipality else None)
        codes = {"CA": 0, **({province: 1} if province else {})}
        if municipality:
            codes[municipality] = 2
        found = [e for e in self.entries if e.code in codes and e.program not in modelled]
        return sorted(found, key=lambda e: codes[e.code])  # stable: file order within a level


def coverage_from(
    spec: CoverageFile,
    doc: LocatedDocument,
    facts: FactRegistry,
    programs: Mapping[str, Jurisdiction],
) -> Coverage:
    """The coverage of a schema-valid coverage document, checked against the fact registry's
    places and the catalog's program files (``programs``: each id's jurisdiction).

    Raises:
        RuleSchemaError: a level that does not fit its code, a code that is not a place of the
            registry or is listed twice, a place left out, a program id listed twice, or an
            entry under another jurisdiction than its program file's (file, line and reason).
    """
    provinces = facts["province"].values
    municipalities = facts["municipality"].values
    allowed = {
        "federal": ("CA",),
        "provincial": provinces,
        "territorial": provinces,
        "municipal": municipalities,
    }
    seen: dict[str, int] = {}
    ids: dict[str, str] = {}
    entries: list[NotModelled] = []
    for index, place in enumerate(spec.jurisdictions):
        line = doc.line_of(("jurisdictions", index, "code"))
        if place.code not in allowed[place.level]:
            raise RuleSchemaError(
                doc.file,
                line,
                f"jurisdictions.{index}.code: {place.code!r} is not a {place.level} code; "
                "expected one of: " + ", ".join(allowed[place.level]),
            )
        if place.code in seen:
            raise RuleSchemaError(
                doc.file,
                line,
                f"jurisdiction {place.code!r} is listed twice (first on line {seen[place.code]})",
            )
        seen[place.code] = line
        for position, entry in enumerate(place.programs):
            where = doc.line_of(("jurisdictions", index, "programs", position, "id"))
            if entry.id in ids:
                raise RuleSchemaError(
                    doc.file,
                    where,
                    f"program id {entry.id!r} is listed twice (also under {ids[entry.id]})",
                )
            ids[entry.id] = place.code
            landed = programs.get(entry.id)
            if landed is not None and landed.code != place.code:
                raise RuleSchemaError(
                    doc.file,
                    where,
                    f"{entry.id} is listed under {place.code} but its program file is "
                    f"{landed.level} {landed.code}; move the entry or correct the id",
                )
            entries.append(NotModelled(entry.id, entry.name, place.level, place.code, entry.url))
    rest = set(facts["municipality"].rest_of_province.values())  # no municipal program there
    places = ("CA", *provinces, *(m for m in municipalities if m not in rest))
    missing = [c for c in places if c not in seen]
    if missing:
        raise RuleSchemaError(
            doc.file,
            doc.line_of(("jurisdictions",)),
            "every place of the fact registry needs an entry (the programs not modelled yet "
            "there, or 'programs: []'); missing: " + ", ".join(missing),
        )
    return Coverage(tuple(entries), dict(facts["municipality"].value_provinces))
