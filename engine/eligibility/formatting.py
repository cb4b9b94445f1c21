"""Render explanation templates in English and French with the household's actual values."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

from engine.catalog.facts import Fact, Kind
from engine.catalog.tree import PLACEHOLDER
from engine.kleene import from_days

__all__ = [
    "Placeholder",
    "money",
    "number",
    "render",
    "render_range",
    "render_value",
    "round_cents",
]

_UNKNOWN = {"en": "unknown", "fr": "inconnu"}


def _number(value: float, lang: str, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def number(value: float, lang: str, decimals: int = 0) -> str:
    """A number with the language's separators: ``1,234.5`` in English, ``1 234,5`` in French
    (a non-breaking space).

    Examples:
        >>> number(41651419, "en"), number(41651419, "fr"), number(5.25, "fr", 1)
        ('41,651,419', '41\xa0651\xa0419', '5,2')
    """
    return _number(value, lang, decimals)


def money(value: float, lang: str, decimals: int = 2) -> str:
    """An amount in dollars: ``$1,234.50`` in English, ``1 234,50 $`` in French.

    The French thousands separator and the space before ``$`` are non-breaking (U+00A0), so an
    amount is never cut across two lines.

    Examples:
        >>> money(7997, "en"), money(666.4166, "fr"), money(41000, "fr", decimals=0)
        ('$7,997.00', '666,42\xa0$', '41\xa0000\xa0$')
        >>> money(-1234.5, "en"), money(245.905, "en")
        ('-$1,234.50', '$245.91')
    """
    if decimals == 2:  # the one rounding rule, so a text and its amount agree to the cent
        value = round_cents(value)
    amount = _number(abs(value), lang, decimals)
    sign = "-" if value < 0 else ""
    return f"{sign}${amount}" if lang == "en" else f"{sign}{amount}\u00a0$"


def render_value(value: float, fmt: str, lang: str, fact: Fact | None = None) -> str:
    """Format one value for an explanation (``fact``: what the value is, when it is a fact).

    Examples:
        >>> render_value(41000, "money", "en"), render_value(41000.5, "money", "fr")
        ('$41,000', '41\\xa0000,50\\xa0$')
        >>> render_value(0.135, "percent", "en"), render_value(0.07, "percent", "fr")
        ('13.5%', '7\\xa0%')
        >>> render_value(float("nan"), "money", "fr")
        'inconnu'
    """
    if value is None or math.isnan(value):
        return _UNKNOWN[lang]
    if fact is not None and fact.kind == Kind.ENUM and fact.codes:
        return fact.value_labels[fact.value_of(value)][lang]
    if (fact is not None and fact.kind == Kind.BOOL) or fmt == "bool":
        yes = {"en": ("yes", "no"), "fr": ("oui", "non")}[lang]
        return yes[0] if value == 1.0 else yes[1]
    if fmt == "money":
        return money(value, lang, 0 if float(value).is_integer() else 2)
    if fmt == "percent":
        pct = round(value * 100, 4)
        text = _number(pct, lang, 0 if float(pct).is_integer() else len(f"{pct}".split(".")[1]))
        return f"{text}%" if lang == "en" else f"{text}\u00a0%"
    if fmt == "date" or (fact is not None and fact.kind == Kind.DATE):
        return from_days(value).isoformat()
    if fmt == "int" or float(value).is_integer():
        return _number(value, lang, 0)
    return _number(value, lang, 2)


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, str, str, str | None], ...]:
    """A template split once into (literal text, placeholder name, format, conditional text)
    pieces (the conditional text of ``{name?text}``, else None)."""
    pieces = []
    position = 0
    for match in PLACEHOLDER.finditer(template):
        literal = template[position : match.start()]
        pieces.append((literal, match.group(1), match.group(2) or "", match.group(3)))
        position = match.end()
    pieces.append((template[position:], "", "", None))
    return tuple(pieces)


_RANGE = {
    "en": ("at least {}", "at most {}", "between {} and {}"),
    "fr": ("au moins {}", "au plus {}", "entre {} et {}"),
}


def render_range(low: float, high: float, fmt: str, lang: str, fact: Fact | None = None) -> str:
    """A value known only to lie between ``low`` and ``high`` (infinite: unbounded).

    Examples:
        >>> render_range(3998.5, 7997, "money", "en"), render_range(0, 18000, "money", "fr")
        ('between $3,998.50 and $7,997', 'au plus 18\xa0000\xa0$')
        >>> render_range(250, float("inf"), "money", "en")
        'at least $250'
    """
    at_least, at_most, between = _RANGE[lang]
    if fact is not None and fact.kind in (Kind.BOOL, Kind.ENUM, Kind.DATE):
        return _UNKNOWN[lang]
    bounded_below = math.isfinite(low) and not (fmt == "money" and low <= 0.0)
    if bounded_below and math.isfinite(high):
        return between.format(
            render_value(low, fmt, lang, fact), render_value(high, fmt, lang, fact)
        )
    if bounded_below:
        return at_least.format(render_value(low, fmt, lang, fact))
    if math.isfinite(high):
        return at_most.format(render_value(high, fmt, lang, fact))
    return _UNKNOWN[lang]


Placeholder = float | tuple[float, float]

# a value's text, kept: the same thresholds, rates and amounts are read out in every check
_value_text = lru_cache(maxsize=16384)(render_value)
_range_text = lru_cache(maxsize=4096)(render_range)


def render(
    template: str,
    values: Mapping[str, Placeholder],
    lang: str,
    facts: Mapping[str, Fact] | None = None,
) -> str:
    """Fill ``{name}`` / ``{name:format}`` placeholders with values (``facts``: how to show a
    placeholder that names a fact, e.g. an enum's label). A value given as ``(low, high)`` is
    only known to lie between them (see :func:`render_range`).

    Examples:
        >>> render("{afni:money} is above {cap:money}.", {"afni": 41000, "cap": 37487}, "en")
        '$41,000 is above $37,487.'
        >>> [render("Cut by {r:money}{s? (halved)}.", {"r": 10, "s": s}, "en") for s in (1.0, 0.0)]
        ['Cut by $10 (halved).', 'Cut by $10.']
    """
    known = facts or {}
    parts = []
    for literal, name, fmt, shown_if in _pieces(template):
        parts.append(literal)
        if name and shown_if is not None:
            parts.append(shown_if if values.get(name, math.nan) == 1.0 else "")
        elif name:
            value = values.get(name, math.nan)
            if isinstance(value, tuple):
                parts.append(_range_text(value[0], value[1], fmt, lang, known.get(name)))
            else:
                parts.append(_value_text(value, fmt, lang, known.get(name)))
    return "".join(parts)


def round_cents(value: float) -> float:
    """Round half away from zero to cents (money is not rounded half-to-even).

    Examples:
        >>> round_cents(245.905), round_cents(7997.0), round_cents(0.125)
        (245.91, 7997.0, 0.13)
    """
    scaled = abs(value) * 100
    cents = math.floor(scaled + 0.5 + 1e-9)  # 1e-9 absorbs binary noise such as 245.905 * 100
    return math.copysign(cents / 100, value)
