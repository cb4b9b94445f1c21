"""Inline SVG charts of the equity report (no script, no external file): rates with their
intervals by group, and the change of each gap under a reform."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["GapBar", "RateDot", "gap_chart", "rate_chart"]

_WIDTH = 760
_LABEL = 320
_ROW = 18
_PLOT = _WIDTH - _LABEL - 50


@dataclass(frozen=True)
class RateDot:
    """One group's rate and interval (None: suppressed)."""

    label: str
    rate: float | None
    low: float | None
    high: float | None
    reference: bool = False
    flagged: bool = False


@dataclass(frozen=True)
class GapBar:
    """One gap before and after a reform."""

    label: str
    before: float
    after: float
    widened: bool


def _x(value: float, low: float, high: float) -> float:
    span = high - low or 1.0
    return _LABEL + (value - low) / span * _PLOT


def rate_chart(title: str, dots: Sequence[RateDot], suppressed: str) -> str:
    """Dots at each rate, whiskers for the interval, on a 0-100% axis.

    Examples:
        >>> svg = rate_chart("t", [RateDot("a", 0.5, 0.4, 0.6)], "suppressed")
        >>> svg.startswith("<svg") and "50%" in svg
        True
    """
    height = _ROW * len(dots) + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_WIDTH}" '
        f'height="{height}" viewBox="0 0 {_WIDTH} {height}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(0, 101, 25):
        x = _x(tick / 100, 0, 1)
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 22}" class="grid"/>'
            f'<text x="{x:.1f}" y="{height - 8}" class="tick">{tick}%</text>'
        )
    for i, dot in enumerate(dots):
        y = 12 + i * _ROW
        weight = ' font-weight="bold"' if dot.reference else ""
        parts.append(
            f'<text x="{_LABEL - 8}" y="{y + 4}" class="label"{weight}>{escape(dot.label)}</text>'
        )
        if dot.rate is None:
            parts.append(
                f'<text x="{_LABEL + 4}" y="{y + 4}" class="muted">{escape(suppressed)}</text>'
            )
            continue
        kind = "flag" if dot.flagged else ("ref" if dot.reference else "dot")
        if dot.low is not None and dot.high is not None:
            parts.append(
                f'<line x1="{_x(dot.low, 0, 1):.1f}" y1="{y}" x2="{_x(dot.high, 0, 1):.1f}" '
                f'y2="{y}" class="whisker {kind}"/>'
            )
        parts.append(
            f'<circle cx="{_x(dot.rate, 0, 1):.1f}" cy="{y}" r="4" class="{kind}">'
            f"<title>{escape(dot.label)}: {dot.rate:.1%}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def gap_chart(title: str, bars: Sequence[GapBar], widened: str, narrowed: str) -> str:
    """Each gap (in percentage points) before (hollow) and after (filled), joined by a line
    coloured by whether it widens.

    Examples:
        >>> "widens" in gap_chart("t", [GapBar("a", -0.1, -0.2, True)], "widens", "narrows")
        True
    """
    values = [v for bar in bars for v in (bar.before, bar.after)] or [0.0]
    bound = max(0.01, max(abs(v) for v in values))
    low, high = -bound, bound
    height = _ROW * len(bars) + 34
    zero = _x(0.0, low, high)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_WIDTH}" '
        f'height="{height}" viewBox="0 0 {_WIDTH} {height}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{zero:.1f}" y1="4" x2="{zero:.1f}" y2="{height - 22}" class="axis"/>',
    ]
    for end in (low, high):
        parts.append(
            f'<text x="{_x(end, low, high):.1f}" y="{height - 8}" class="tick">'
            f"{end * 100:+.1f} pp</text>"
        )
    for i, bar in enumerate(bars):
        y = 12 + i * _ROW
        kind = "flag" if bar.widened else "dot"
        word = widened if bar.widened else narrowed
        x0, x1 = _x(bar.before, low, high), _x(bar.after, low, high)
        parts.append(
            f'<text x="{_LABEL - 8}" y="{y + 4}" class="label">{escape(bar.label)}</text>'
            f'<line x1="{x0:.1f}" y1="{y}" x2="{x1:.1f}" y2="{y}" class="whisker {kind}"/>'
            f'<circle cx="{x0:.1f}" cy="{y}" r="4" class="hollow"/>'
            f'<circle cx="{x1:.1f}" cy="{y}" r="4" class="{kind}"><title>{escape(bar.label)}: '
            f"{bar.before * 100:+.2f} → {bar.after * 100:+.2f} pp ({escape(word)})</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
