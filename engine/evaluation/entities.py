"""OpenFisca entities (person, household with roles) and the household membership arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from openfisca_core.entities import build_entity

from engine.catalog.facts import ROLE_CODES

__all__ = ["HOUSEHOLD", "PERSON", "MemberLists", "Members"]

PERSON = build_entity(
    key="person",
    plural="persons",
    label="A person",
    doc="A member of a household.",
    is_person=True,
)

HOUSEHOLD = build_entity(
    key="household",
    plural="households",
    label="A household (family)",
    doc="The family a program looks at: an applicant, a spouse, children and other dependants.",
    roles=[
        {"key": "applicant", "max": 1, "label": "Applicant"},
        {"key": "spouse", "max": 1, "label": "Spouse or common-law partner"},
        {"key": "child", "plural": "children", "label": "Child"},
        {"key": "dependant", "plural": "dependants", "label": "Other dependant"},
    ],
)

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MemberLists:
    """:class:`Members` indices as lists: ``household_of`` and ``partner`` per person,
    ``applicant`` and ``spouse`` per household (``-1``: none)."""

    household_of: list[int]
    applicant: list[int]
    spouse: list[int]
    partner: list[int]


@dataclass(frozen=True)
class Members:
    """Who belongs to which household, in the shape vectorized formulas need.

    ``household_of[p]`` is person ``p``'s household index; ``role[p]`` its role code
    (``ROLE_CODES``); ``applicant[h]`` and ``spouse[h]`` are person indices (``-1`` when absent);
    ``partner[p]`` is the applicant's spouse and the spouse's applicant (``-1`` for anyone else).
    """

    household_of: IntArray
    role: IntArray
    n_households: int
    applicant: IntArray
    spouse: IntArray
    partner: IntArray

    @classmethod
    def build(cls, household_of: IntArray, role: IntArray, n_households: int) -> Members:
        """Derive the applicant and spouse indices from roles."""
        applicant = np.full(n_households, -1, dtype=np.int64)
        spouse = np.full(n_households, -1, dtype=np.int64)
        for code, target in (
            (ROLE_CODES["applicant"], applicant),
            (ROLE_CODES["spouse"], spouse),
        ):
            persons = np.nonzero(role == code)[0]
            target[household_of[persons]] = persons
        partner = np.full(len(household_of), -1, dtype=np.int64)
        couples = (applicant >= 0) & (spouse >= 0)
        partner[applicant[couples]] = spouse[couples]
        partner[spouse[couples]] = applicant[couples]
        return cls(household_of, role, n_households, applicant, spouse, partner)

    def lists(self) -> MemberLists:
        """The same indices as Python lists (one row at a time, lists beat arrays)."""
        return MemberLists(
            self.household_of.tolist(),
            self.applicant.tolist(),
            self.spouse.tolist(),
            self.partner.tolist(),
        )

    def partner_value(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Per person: the value of their spouse or partner (NaN for anyone without one)."""
        out = np.full(len(values), np.nan)
        has = self.partner >= 0
        out[has] = values[self.partner[has]]
        return out

    def household_sum(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Per-household sum of a person array (unknown if any member's value is unknown)."""
        sums = np.bincount(self.household_of, weights=values, minlength=self.n_households)
        return sums.astype(np.float64)

    def household_any(self, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Per-household: does any member satisfy ``mask``?"""
        counts = np.bincount(self.household_of, weights=mask, minlength=self.n_households)
        return counts > 0

    def kleene_any(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Per-household Kleene "some member is true": true if one is, else unknown if one is
        unknown, else false."""
        has_true = self.household_any(values == 1.0)
        has_unknown = self.household_any(np.isnan(values))
        out = np.where(has_true, 1.0, 0.0)
        out[~has_true & has_unknown] = np.nan
        return out

    def member_value(
        self, values: npt.NDArray[np.float64], index: IntArray
    ) -> npt.NDArray[np.float64]:
        """Per-household value of one member (``index`` from applicant/spouse); NaN when absent."""
        present = index >= 0
        if present.all():  # the applicant: every household has one
            return values[index]
        out = np.full(self.n_households, np.nan)
        out[present] = values[index[present]]
        return out
