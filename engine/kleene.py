"""Three-valued (Kleene) arrays.

OpenFisca has no missing value. The engine carries "unknown" through the vectorized path by
encoding every value as ``float64`` where ``NaN`` means unknown: the known mask of an array ``a``
is ``~isnan(a)``. Booleans are ``1.0`` (true), ``0.0`` (false) or ``NaN`` (unknown); dates are
days since 1970-01-01; enumerations are integer codes.

Arithmetic on unknown is unknown for free (IEEE NaN propagates). Comparisons and logic are not
(``NaN < 1`` is ``False``), so every operator the rule language offers is defined here.

Examples:
    >>> import numpy as np
    >>> f, t, u = np.array([0.0]), np.array([1.0]), np.array([np.nan])
    >>> float(and_(f, u)[0]), float(or_(t, u)[0])
    (0.0, 1.0)
    >>> bool(np.isnan(and_(t, u)[0]))
    True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

UNKNOWN = np.nan
TRUE = 1.0
FALSE = 0.0

__all__ = [
    "EPOCH",
    "FALSE",
    "TRUE",
    "UNKNOWN",
    "Array",
    "and_",
    "compare",
    "compare_known",
    "from_bool",
    "from_days",
    "if_else",
    "is_known",
    "maximum",
    "minimum",
    "not_",
    "or_",
    "put",
    "status_name",
    "to_days",
]


EPOCH = dt.date(1970, 1, 1)
_EPOCH_ORDINAL = EPOCH.toordinal()


def to_days(day: dt.date) -> float:
    """A date as days since 1970-01-01, the array encoding of dates.

    Examples:
        >>> to_days(dt.date(1970, 1, 2))
        1.0
    """
    # by ordinal: OpenFisca's periods start on pendulum dates, whose subtraction builds an
    # Interval (about half a millisecond each)
    return float(day.toordinal() - _EPOCH_ORDINAL)


def from_days(days: float) -> dt.date:
    """The date of a day number (the inverse of :func:`to_days`)."""
    return EPOCH + dt.timedelta(days=int(days))


def is_known(a: Array) -> npt.NDArray[np.bool_]:
    """The known mask of a three-valued array."""
    return ~np.isnan(a)


def put(out: Array, where: npt.NDArray[np.bool_], value: float) -> None:
    """``out[where] = value`` in place, by the indices of the rows (a boolean-masked write
    over every row costs several times more when few rows need it, as here they mostly do)."""
    if where.any():
        out[np.flatnonzero(where)] = value


def from_bool(values: npt.NDArray[np.bool_], known: npt.NDArray[np.bool_] | None = None) -> Array:
    """Build a three-valued array from a boolean array and an optional known mask."""
    out = values.astype(np.float64)
    if known is not None:
        out[~known] = np.nan
    return out


def _fold(operands: tuple[Array, ...], combine: Callable[..., Array], dominant: float) -> Array:
    # min over {0, 1} is "and", max is "or"; NaN propagates through np.minimum/np.maximum, so
    # only the dominant value (false for "and", true for "or") has to be put back where an
    # unknown hid it.
    out = np.asarray(operands[0], dtype=np.float64)
    if len(operands) == 1:
        return out.copy()
    seen = out == dominant
    for a in operands[1:]:
        out = combine(out, a)  # a new array: safe to write into below
        seen |= a == dominant
    # only where an unknown hid the dominant value (a masked write over every row costs
    # several times more than finding the few rows that need it)
    put(out, seen & np.isnan(out), dominant)
    return out


def and_(*operands: Array) -> Array:
    """Kleene conjunction: false if any operand is false, else unknown if any is unknown."""
    return _fold(operands, np.minimum, FALSE)


def or_(*operands: Array) -> Array:
    """Kleene disjunction: true if any operand is true, else unknown if any is unknown."""
    return _fold(operands, np.maximum, TRUE)


def not_(a: Array) -> Array:
    """Kleene negation: unknown stays unknown."""
    return 1.0 - a


_COMPARATORS: dict[str, Callable[[Array, Array], npt.NDArray[np.bool_]]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def compare(op: str, left: Array, right: Array) -> Array:
    """Compare two arrays; the result is unknown where either side is unknown.

    Examples:
        >>> import numpy as np
        >>> compare("<", np.array([1.0, np.nan]), np.array([2.0, 2.0])).tolist()
        [1.0, nan]
    """
    # x * 0 is 0 for a known (finite) x and NaN for an unknown one: adding both carries the known
    # mask in cheap ufuncs instead of a mask and a masked write.
    return np.asarray(_COMPARATORS[op](left, right) + (left * 0.0 + right * 0.0), dtype=np.float64)


def compare_known(op: str, left: Array, right: Array) -> Array:
    """``compare`` when ``right`` is one number or an array without unknowns (a constant or a
    parameter); a parameter with no value yet, or the ``unknown`` literal, is still unknown."""
    out = np.asarray(left * 0.0, dtype=np.float64)  # 0 where known, NaN where unknown
    out += _COMPARATORS[op](left, right)
    if isinstance(right, np.ndarray):
        out += right * 0.0
    elif right != right:  # a parameter with no value yet, or the `unknown` literal
        out[:] = np.nan
    return out


def if_else(condition: Array, then: Array, otherwise: Array) -> Array:
    """``then if condition else otherwise``; unknown condition gives unknown unless both agree."""
    out: Array = np.where(condition == 1.0, then, otherwise)
    undecided = np.isnan(condition)
    if undecided.any():
        # != is also true where either branch is unknown: the result is unknown there too
        put(out, undecided & np.not_equal(then, otherwise), np.nan)
    return out


def minimum(*operands: Array) -> Array:
    """Element-wise minimum; unknown if any operand is unknown (pairwise: ``np.minimum.reduce``
    of a list would stack a copy of every operand first)."""
    out = operands[0]
    for a in operands[1:]:
        out = np.minimum(out, a)
    return np.asarray(out, dtype=np.float64)


def maximum(*operands: Array) -> Array:
    """Element-wise maximum; unknown if any operand is unknown."""
    out = operands[0]
    for a in operands[1:]:
        out = np.maximum(out, a)
    return np.asarray(out, dtype=np.float64)


def status_name(value: float) -> Literal["true", "false", "unknown"]:
    """The contract's name of one three-valued boolean: ``"true"``, ``"false"`` or ``"unknown"``.

    Examples:
        >>> status_name(1.0), status_name(0.0), status_name(float("nan"))
        ('true', 'false', 'unknown')
    """
    if value != value:  # NaN
        return "unknown"
    return "true" if value == 1.0 else "false"
