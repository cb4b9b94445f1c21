"""The equity report as files: ``report.json`` (everything published), ``rows.csv`` (one row per
table, group, program and run), ``gaps.csv`` (a reform's gap changes) and a self-contained HTML
report in English and French (``report.en.html``, ``report.fr.html``: inline SVG and styles,
nothing fetched, so it opens offline).

Nothing suppressed reaches any of these: the rows come from :func:`engine.equity.rows`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import Environment, PackageLoader, select_autoescape

from engine.equity.analysis import Analysis, gaps, rows
from engine.equity.charts import GapBar, RateDot, gap_chart, rate_chart
from engine.equity.words import LANGS, WORDS, attribute_label, level_label

__all__ = ["document", "p_text", "render_html", "write_report"]

_CSV_FIRST = ("table", "group", "program", "entity", "run", "reference", "suppressed")


def document(
    analysis: Analysis,
    *,
    about: Mapping[str, Any],
    names: Mapping[str, Mapping[str, str]],
    reference: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The whole report as one JSON-ready document."""
    counts, policy = analysis.counts, analysis.policy
    published = rows(analysis)
    tested = [r for r in published if r.get("p_value") is not None]
    return {
        "about": {
            **about,
            "by": list(counts.layout.attributes),
            "levels": {
                a: list(v)
                for a, v in zip(counts.layout.attributes, counts.layout.levels, strict=True)
            },
            "reference": dict(reference or {}),
            "protection": {
                "preset": policy.name,
                "threshold": policy.threshold,
                "amount_threshold": policy.amount_threshold,
                "rounding": policy.rounding,
                "seed": policy.seed,
            },
            "tests": {
                "family": "every published comparison of a run",
                "comparisons": {
                    run: sum(r["run"] == run for r in tested)
                    for run in ("baseline", "reform")[: counts.runs]
                },
            },
        },
        "programs": [
            {"id": pid, "entity": entity, "name": dict(names.get(pid, {"en": pid, "fr": pid}))}
            for pid, entity in zip(counts.programs, counts.entities, strict=True)
        ],
        "rows": published,
        "gaps": gaps(analysis),
    }


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else value


def _write_csv(path: Path, records: list[dict[str, Any]], first: tuple[str, ...]) -> None:
    columns = list(first)
    for record in records:
        columns.extend(k for k in record if k not in columns)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for record in records:
            writer.writerow({k: _cell(v) for k, v in record.items()})


def p_text(value: float | None) -> str:
    """A p-value as read in a report.

    Examples:
        >>> p_text(None), p_text(0.0), p_text(0.0123)
        ('—', '< 0.001', '0.012')
    """
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.2g}"


def _group_label(group: Mapping[str, str], lang: str) -> str:
    if not group:
        return WORDS["all"][lang]
    colon = "\u00a0: " if lang == "fr" else ": "  # French puts a space before the colon
    return ", ".join(
        f"{attribute_label(a, lang)}{colon}{level_label(v, lang)}" for a, v in group.items()
    )


def _sections(doc: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """Per program with anyone eligible: the rate chart of every one-attribute table, the
    flagged intersections, the gap chart under a reform."""
    by_program: dict[str, list[dict[str, Any]]] = {}
    for row in doc["rows"]:
        by_program.setdefault(row["program"], []).append(row)
    gaps_of: dict[str, list[dict[str, Any]]] = {}
    for gap in doc["gaps"]:
        gaps_of.setdefault(gap["program"], []).append(gap)
    out = []
    for program in doc["programs"]:
        pid = program["id"]
        mine = by_program.get(pid, [])
        if not any((r.get("eligible") or 0) > 0 for r in mine):
            continue
        last = "reform" if any(r["run"] == "reform" for r in mine) else "baseline"
        one_way = [r for r in mine if r["run"] == last and len(r["group"]) <= 1]
        dots = [
            RateDot(
                _group_label(r["group"], lang),
                r.get("rate"),
                r.get("rate_low"),
                r.get("rate_high"),
                reference=r["reference"] and bool(r["group"]),
                flagged=bool(r.get("four_fifths")),
            )
            for r in one_way
        ]
        flagged = [
            r for r in mine
            if r["run"] == last and len(r["group"]) > 1
            and r.get("four_fifths") and r.get("significant")
        ]  # fmt: skip
        flagged.sort(key=lambda r: r.get("ratio") or 0.0)
        name = program["name"][lang]
        gap_rows = [g for g in gaps_of.get(pid, []) if len(g["group"]) == 1]
        changed = [g for g in gap_rows if abs(g["gap_change"]) > 0]
        out.append({
            "id": pid,
            "name": name,
            "unit": WORDS[program["entity"]][lang],
            "rates": rate_chart(f"{name}: {WORDS['rates'][lang]}", dots, WORDS["suppressed"][lang]),
            "table": [
                {**r, "label": _group_label(r["group"], lang), "p": p_text(r.get("p_holm"))}
                for r in one_way
            ],
            "flagged": [
                {**r, "label": _group_label(r["group"], lang), "p": p_text(r.get("p_holm"))}
                for r in flagged[:12]
            ],
            "gaps": gap_chart(
                f"{name}: {WORDS['gaps'][lang]}",
                [
                    GapBar(_group_label(g["group"], lang), g["gap_before"], g["gap_after"],
                           g["widened"])
                    for g in changed
                ],
                WORDS["widened"][lang],
                WORDS["narrowed"][lang],
            ) if changed else "",
        })  # fmt: skip
    return out


def _filters(lang: str) -> dict[str, Any]:
    """Numbers, shares, points and dollars as ``lang`` writes them (Babel, Canadian locales)."""
    locale = "fr_CA" if lang == "fr" else "en_CA"

    def number(value: float, digits: int = 0) -> str:
        return format_decimal(
            value, format=f"#,##0{'.' + '0' * digits if digits else ''}", locale=locale
        )

    def share(value: float, digits: int = 1) -> str:
        return format_percent(value, format=f"#,##0.{'0' * digits}%", locale=locale)

    def points(value: float) -> str:
        return ("+" if value >= 0 else "\u2212") + number(abs(value) * 100, 1) + "\u00a0pp"

    def dollars(value: float) -> str:
        return format_currency(
            value,
            "CAD",
            format="¤#,##0" if lang == "en" else "#,##0\u00a0¤",
            locale=locale,
            currency_digits=False,
        )

    return {"number": number, "share": share, "points": points, "dollars": dollars}


def render_html(doc: Mapping[str, Any], lang: str) -> str:
    """The report as one HTML page in ``lang``."""
    env = Environment(
        loader=PackageLoader("engine.equity", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(_filters(lang))
    rows_ = doc["rows"]
    gaps_ = doc["gaps"]
    summary = {
        "flagged": sum(bool(r.get("four_fifths")) for r in rows_),
        "significant": sum(bool(r.get("significant")) for r in rows_),
        "suppressed": sum(bool(r["suppressed"]) for r in rows_),
        "widened": sum(g["widened"] for g in gaps_),
        "narrowed": sum(abs(g["gap_after"]) < abs(g["gap_before"]) for g in gaps_),
    }
    words = {k: v[lang] for k, v in WORDS.items()}
    about = doc["about"]
    return env.get_template("report.html").render(
        lang=lang,
        other="fr" if lang == "en" else "en",
        w=words,
        about=about,
        groups=[attribute_label(a, lang) for a in about["by"]],
        summary=summary,
        sections=_sections(doc, lang),
        protection=words["protection_text"].format(**about["protection"]),
        rounding=words["rounding_text"].format(base=about["protection"]["rounding"])
        if about["protection"]["rounding"] > 1
        else "",
    )


def write_report(doc: Mapping[str, Any], out: Path) -> list[Path]:
    """Write the JSON, the CSVs and the HTML pages into ``out`` (created if needed); the pages
    are rendered before anything is written, so a failure leaves no partial report."""
    pages = {lang: render_html(doc, lang) for lang in LANGS}
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "report.json", out / "rows.csv"]
    written[0].write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    _write_csv(written[1], doc["rows"], _CSV_FIRST)
    if doc["gaps"]:
        written.append(out / "gaps.csv")
        _write_csv(written[-1], doc["gaps"], ("table", "group", "reference", "program"))
    for lang, page in pages.items():
        path = out / f"report.{lang}.html"
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written
