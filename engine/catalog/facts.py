"""The fact registry: every fact a profile may state or the engine derives (``rules/facts.yaml``).

One entry per fact says everything the engine needs: its type and entity, the values the law
allows (its domain), the question to ask in English and French, what it means in law, and for
enumerations an explicit, append-only code per value. The profile model, the next question's
sample answers, the documentation and the property tests' strategies are all built from it.
Derived facts (``age``, roles, ``family_net_income``) are written in the rule language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.catalog.schema import Identifier, Reference, Text

__all__ = [
    "BUILTIN_DATES",
    "ROLE_CODES",
    "DerivedSpec",
    "Domain",
    "Entity",
    "Fact",
    "FactRegistry",
    "FactSpec",
    "FactValue",
    "FactsFile",
    "Kind",
]


class Kind(StrEnum):
    """The type of a value in the rule language."""

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    ENUM = "enum"
    TABLE = "table"


Entity = Literal["person", "household"]
FactType = Literal["number", "money", "bool", "date", "enum"]
BUILTIN_DATES = ("as_of", "month_start", "year_start", "year_end")
#: The household structure the engine itself relies on: the ``role`` fact must carry these codes.
ROLE_CODES: Mapping[str, int] = {"applicant": 1, "spouse": 2, "child": 3, "dependant": 4}


class _Model(BaseModel):
    # validators are built when first used: a catalog from the cache never validates a file
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FactValue(_Model):
    """One value of an enumerated fact: its explicit code (never reused) and its label; for a
    place, the ``province`` it lies in, and ``elsewhere`` for the rest of that province (none of
    the registry's places in it)."""

    code: Annotated[int, Field(ge=1)]
    label: Text
    province: str | None = None
    elsewhere: bool = False


class Domain(_Model):
    """The values the law allows for a fact."""

    min: float | None = None
    max: float | None = None
    not_after_as_of: bool = False
    max_years_before_as_of: Annotated[int, Field(ge=1)] | None = None


class FactSpec(_Model):
    """A stated fact as written in ``rules/facts.yaml``."""

    entity: Entity
    type: FactType
    yearly: bool = False
    required: bool = False
    label: Text
    question: Text
    meaning: Text
    reference: Reference | None = None
    applies_to: list[Literal["applicant", "spouse", "child", "dependant"]] | None = None
    domain: Domain | None = None
    samples: list[float] | None = None
    values: dict[str, FactValue] | None = None

    @model_validator(mode="after")
    def _values_for_enums(self) -> FactSpec:
        if (self.type == "enum") != (self.values is not None):
            raise ValueError("'values' is required for an enum fact and only for one")
        if self.values is not None:
            codes = [v.code for v in self.values.values()]
            if len(set(codes)) != len(codes):
                raise ValueError("enum codes must be unique")
        if self.samples is not None and self.type not in ("number", "money"):
            raise ValueError("'samples' are for number and money facts")
        return self


class DerivedSpec(_Model):
    """A derived fact: an expression of the rule language over stated facts."""

    entity: Entity
    type: Literal["number", "money", "bool"]
    yearly: bool = False
    label: Text
    meaning: Text
    reference: Reference | None = None
    expression: Annotated[str, Field(min_length=1)]


class FactsFile(_Model):
    """The whole ``rules/facts.yaml``."""

    facts: dict[Identifier, FactSpec]
    derived: dict[Identifier, DerivedSpec] = {}


@dataclass(frozen=True, eq=False)
class Fact:
    """One fact as the engine uses it.

    ``yearly`` facts are stated per tax year (incomes): a program reads them for its base year.
    ``derived`` facts carry an ``expression`` and cannot be stated in a profile. For enums,
    ``codes`` maps each value to its explicit code (the number carried in arrays), and
    ``value_provinces`` a place to the province or territory it lies in (municipalities), and
    ``rest_of_province`` each province to its value for the rest of it (no place of the
    registry: no municipal program applies there).
    """

    name: str
    entity: Entity
    kind: Kind
    type: str
    label: Mapping[str, str]
    meaning: Mapping[str, str]
    question: Mapping[str, str] | None = None
    codes: Mapping[str, int] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    value_provinces: Mapping[str, str] = field(default_factory=dict)
    rest_of_province: Mapping[str, str] = field(default_factory=dict)
    yearly: bool = False
    derived: bool = False
    required: bool = False
    expression: str | None = None
    domain: Domain | None = None
    samples: tuple[float, ...] = ()
    applies_to: tuple[str, ...] = ()
    reference: tuple[str, str] | None = None
    spec: FactSpec | DerivedSpec | None = None

    @property
    def values(self) -> tuple[str, ...]:
        """The enum's values, in code order."""
        return tuple(sorted(self.codes, key=self.codes.__getitem__))

    def code(self, value: str) -> int:
        """The explicit code of an enum value, as carried in arrays."""
        return self.codes[value]

    def value_of(self, code: float) -> str:
        """The enum value of a code (the inverse of :meth:`code`)."""
        for value, known in self.codes.items():
            if known == code:
                return value
        raise KeyError(code)


def _kind(fact_type: str) -> Kind:
    return Kind.NUMBER if fact_type in ("money", "number") else Kind(fact_type)


def _text(text: Text) -> Mapping[str, str]:
    return {"en": text.en, "fr": text.fr}


def _fact(name: str, spec: FactSpec | DerivedSpec, **extra: Any) -> Fact:
    """A registry entry: the fields every fact has, and ``extra`` for stated or derived ones."""
    reference = (spec.reference.title, spec.reference.url) if spec.reference else None
    return Fact(
        name,
        spec.entity,
        _kind(spec.type),
        spec.type,
        _text(spec.label),
        _text(spec.meaning),
        yearly=spec.yearly,
        reference=reference,
        spec=spec,
        **extra,
    )


class FactRegistry(Mapping[str, Fact]):
    """Every fact of a catalog by name (stated and derived).

    Examples:
        >>> from engine.catalog.loader import load_facts
        >>> from engine.catalog.paths import default_rules_dir
        >>> registry = load_facts(default_rules_dir() / "facts.yaml")
        >>> registry["province"].code("ON") > 0, registry["age"].derived
        (True, True)
    """

    def __init__(self, facts: Mapping[str, Fact]) -> None:
        self._facts = dict(facts)
        self.stated = tuple(f for f in self._facts.values() if not f.derived)
        self.inputs = frozenset(f.name for f in self.stated)

    @classmethod
    def from_file(cls, spec: FactsFile) -> FactRegistry:
        """The registry of a validated facts file."""
        facts: dict[str, Fact] = {}
        for name, stated in spec.facts.items():
            values = stated.values or {}
            facts[name] = _fact(
                name,
                stated,
                question=_text(stated.question),
                codes={v: c.code for v, c in values.items()},
                value_labels={v: _text(c.label) for v, c in values.items()},
                value_provinces={v: c.province for v, c in values.items() if c.province},
                rest_of_province={
                    c.province: v for v, c in values.items() if c.elsewhere and c.province
                },
                required=stated.required,
                domain=stated.domain,
                samples=tuple(stated.samples or ()),
                applies_to=tuple(stated.applies_to or ()),
            )
        for name, derived in spec.derived.items():
            facts[name] = _fact(name, derived, derived=True, expression=derived.expression)
        return cls(facts)

    def __getitem__(self, name: str) -> Fact:
        return self._facts[name]

    def get(self, name: str, default: Fact | None = None) -> Fact | None:  # type: ignore[override]
        """The fact named ``name``, or ``default`` (one lookup: explanations ask for every
        placeholder whether it names a fact)."""
        return self._facts.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)
