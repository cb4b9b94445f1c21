"""Which group every person falls in: the attributes asked for, their levels fixed once for the
whole population (so every row group codes a person the same way), and the finest cell of each
person and of each household.

An attribute is a population's group column (``gender``, ``indigenous_identity``, ``racialized``,
``newcomer``, ``official_language_minority``, ``rural_remote``, ``age_band``) or one drawn from a
fact: ``disability`` (``has_disability``) and ``province``. A value that is not stated is the
level ``not_stated``, counted like any other. Every published table, one attribute or an
intersection, is a sum of finest cells (the cross of every attribute asked for), which is what
lets the counts of a row group be added to another's and lets the suppression check what the
published tables reveal together.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from engine.catalog.facts import ROLE_CODES
from engine.errors import InputError
from engine.evaluation.population import Population

__all__ = ["FROM_FACTS", "NOT_STATED", "Layout", "group_values"]

NOT_STATED = "not_stated"
#: attributes read from a fact rather than a group column (fact, how its values read)
FROM_FACTS: dict[str, str] = {"disability": "has_disability", "province": "province"}
#: the finest cells one run may hold (the cross of every attribute asked for)
MAX_CELLS = 200_000
Codes = npt.NDArray[np.int64]
Provinces = tuple[tuple[float, str], ...]


def group_values(
    population: Population, attribute: str, provinces: Provinces = ()
) -> npt.NDArray[np.str_]:
    """Each person's value of ``attribute`` as words (``not_stated`` where unknown);
    ``provinces`` pairs each province's code in the population with its word.

    Raises:
        InputError: the population has no such group column or fact.
    """
    if attribute in population.groups:
        values = np.asarray(population.groups[attribute]).astype(str)
        return np.where(values == "", NOT_STATED, values)
    if attribute == "disability":
        flag = population.person.get("has_disability")
        if flag is not None:
            return np.where(np.isnan(flag), NOT_STATED, np.where(flag == 1, "True", "False"))
    if attribute == "province":
        code = population.household.get("province")
        if code is not None:
            words = np.full(population.n_households, NOT_STATED, dtype=object)
            for number, word in provinces:
                words[code == number] = word
            return np.asarray(words.astype(str)[population.household_of])
    raise InputError(
        "by",
        f"the population has no group '{attribute}'",
        fr=f"la population n'a pas de groupe '{attribute}'",
    )


def reference_persons(population: Population) -> Codes:
    """The row of each household's reference person: its applicant, else its first member."""
    n = population.n_households
    first = np.full(n, -1, dtype=np.int64)
    applicant = np.flatnonzero(population.role == ROLE_CODES["applicant"])
    first[population.household_of[applicant[::-1]]] = applicant[::-1]
    starts = np.searchsorted(population.household_of, np.arange(n))
    return np.where(first >= 0, first, starts)


def _natural(level: str) -> tuple[int, int, str]:
    """Levels in reading order: numbers by value (age bands ``6-17`` before ``18-24``), then
    words, ``not_stated`` last.

    Examples:
        >>> sorted(["18-24", "not_stated", "6-17", "0-5"], key=_natural)
        ['0-5', '6-17', '18-24', 'not_stated']
    """
    if level == NOT_STATED:
        return (2, 0, level)
    head = re.match(r"\d+", level)
    return (0, int(head.group()), level) if head else (1, 0, level)


@dataclass(frozen=True)
class Layout:
    """The attributes asked for and their levels (sorted, fixed for a whole run).

    Examples:
        >>> layout = Layout(("gender", "newcomer"), (("man", "woman"), ("False", "True")))
        >>> layout.cells, layout.tables(2)
        (4, [(), (0,), (1,), (0, 1)])
    """

    attributes: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]

    @property
    def shape(self) -> tuple[int, ...]:
        """Levels per attribute."""
        return tuple(len(levels) for levels in self.levels)

    @property
    def cells(self) -> int:
        """How many finest cells (the cross of every attribute)."""
        return math.prod(self.shape)

    def tables(self, intersections: int) -> list[tuple[int, ...]]:
        """The published tables: the whole population, each attribute, each intersection of
        up to ``intersections`` attributes (as attribute indexes)."""
        out: list[tuple[int, ...]] = [()]
        for size in range(1, min(intersections, len(self.attributes)) + 1):
            out.extend(itertools.combinations(range(len(self.attributes)), size))
        return out

    def code(self, population: Population, provinces: Provinces = ()) -> Codes:
        """Each person's finest cell.

        Raises:
            InputError: a value that the run's levels do not hold (the attribute named).
        """
        code = np.zeros(population.n_persons, dtype=np.int64)
        for attribute, levels in zip(self.attributes, self.levels, strict=True):
            values = group_values(population, attribute, provinces)
            words = np.asarray(levels)
            order = np.argsort(words)  # the levels read in order; searched in sorted order
            found = np.minimum(np.searchsorted(words[order], values), len(words) - 1)
            if not (words[order][found] == values).all():
                raise InputError(f"group:{attribute}", "a value outside the levels of the run")
            code = code * len(levels) + order[found]
        return code

    def household_code(self, population: Population, person_code: Codes) -> Codes:
        """Each household's finest cell: its reference person's."""
        return person_code[reference_persons(population)]

    @staticmethod
    def of(attributes: tuple[str, ...], levels: dict[str, set[str]]) -> Layout:
        """The layout of ``attributes`` over the levels seen.

        Raises:
            InputError: no attribute, one named twice, or too many finest cells.
        """
        if not attributes:
            raise InputError("by", "name at least one group", fr="nommez au moins un groupe")
        if len(set(attributes)) != len(attributes):
            raise InputError("by", "a group is named twice", fr="un groupe est nommé deux fois")
        layout = Layout(
            attributes,
            tuple(tuple(sorted((str(v) for v in levels[a]), key=_natural)) for a in attributes),
        )
        if layout.cells > MAX_CELLS:
            raise InputError(
                "by",
                f"{layout.cells:,} combinations of groups (at most {MAX_CELLS:,}): name fewer",
                fr=f"{layout.cells:,} combinaisons de groupes (au plus {MAX_CELLS:,})",
            )
        return layout
