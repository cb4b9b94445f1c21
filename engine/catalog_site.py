"""The browsable catalog: static HTML pages of every program, in English and French.

``lifeevents rules docs --out DIR`` writes ``DIR/index.html`` (the language choice),
``DIR/<lang>/index.html`` (every program by level of government, and what is not assessed yet)
and ``DIR/<lang>/<program>.html`` (summary, delivery, criteria, amount, dated figures with their
sources, coverage, references) from the validated catalog alone: no household is evaluated.
Every text is escaped; the pages need no script and no network.

Examples:
    >>> from engine.catalog.loader import load_catalog
    >>> from engine.catalog.paths import default_rules_dir
    >>> pages = catalog_pages(load_catalog(default_rules_dir()), dt.date(2026, 1, 15))
    >>> "en/ca_ccb.html" in pages and "fr/index.html" in pages
    True
    >>> '<html lang="fr">' in pages["fr/ca_ccb.html"]
    True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path

from engine.catalog.coverage import NotModelled
from engine.catalog.program import Catalog, ProgramRules
from engine.catalog.schema import DatedValue, Parameter, Reference
from engine.eligibility.formatting import render_value
from engine.site_words import SITE, UNITS
from engine.wording import long_date, place, say

__all__ = ["LANGS", "catalog_pages", "write_catalog_site"]

LANGS = ("en", "fr")
"""The languages of the catalog, each in its own folder."""

_LEVELS = ("federal", "provincial", "territorial", "municipal")

_STYLE = """\
body{font-family:system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:1rem;
line-height:1.45;color:#1b1b1b}
a{color:#0b4f9c}a:focus{outline:3px solid #f0a500}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f7}code{background:#f4f4f4;padding:0 .2rem;white-space:pre-wrap}
.unverified{color:#8a1c00;font-weight:600}.note{font-size:.9em;color:#333}
nav{display:flex;gap:1rem;margin-bottom:1rem}dt{font-weight:600}dd{margin:0 0 .5rem 1rem}
"""

_PLACEHOLDER = re.compile(r"\{(\w+)(?::\w+)?\}")
_CONDITIONAL = re.compile(r"\{(\w+)\?([^{}]*)\}")


def _t(lang: str, key: str, **values: str) -> str:
    """A catalog word, formatted and escaped."""
    return escape(say(SITE[lang][key].format(**values), lang))


def _template(text: str, lang: str) -> str:
    """An explanation template for reading: ``{name:fmt}`` as the name in angle quotes,
    ``{flag?text}`` as ``[text]`` (shown only when it applies)."""
    text = _CONDITIONAL.sub(lambda m: f"[{m.group(2).strip()}]", text)
    return escape(say(_PLACEHOLDER.sub(lambda m: f"\u2039{m.group(1)}\u203a", text), lang))


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


_FORMATS = {"currency": "money", "rate": "percent"}


def _scalar(value: float, unit: str, lang: str) -> str:
    return render_value(value, _FORMATS.get(unit, "number"), lang)


def _value(parameter: Parameter, value: DatedValue, lang: str) -> str:
    if isinstance(value.value, dict):
        rows = (f"{key}\u00a0: " if lang == "fr" else f"{key}: " for key in value.value)
        return "<br>".join(
            escape(row + _scalar(v, parameter.unit, lang))
            for row, v in zip(rows, value.value.values(), strict=True)
        )
    return escape(_scalar(value.value, parameter.unit, lang))


def _link(reference: Reference, lang: str) -> str:
    """A reference as a link, to its French page in French when it has one."""
    title, url = reference.title, reference.url
    if lang == "fr" and reference.fr is not None:
        title, url = reference.fr.title, reference.fr.url
    return f'<a href="{escape(url)}">{escape(title)}</a>'


def _page(lang: str, title: str, body: str, other: str, css: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f'<link rel="stylesheet" href="{css}">\n</head>\n<body>\n'
        f'<nav><a href="index.html">{_t(lang, "back")}</a>'
        f'<a href="{other}" hreflang="{"en" if lang == "fr" else "fr"}">'
        f"{_t(lang, 'other_lang')}</a></nav>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def _facts_section(rules: ProgramRules, catalog: Catalog, lang: str) -> str:
    program = rules.program
    delivery = program.delivery
    rows = [
        ("level", escape(place(program.jurisdiction.model_dump(), lang, catalog.facts))),
        ("agency", escape(program.agency[lang])),
        ("paid_to", _t(lang, program.entity)),
        ("life_events", escape(", ".join(program.life_events)) or "—"),
    ]
    how = f"{_t(lang, delivery.mode)}. {escape(delivery.how[lang])}"
    rows.append(("delivery", how))
    deadline = [escape(delivery.deadline[lang])] if delivery.deadline is not None else []
    if delivery.retroactivity_months:
        deadline.append(_t(lang, "retroactivity", n=str(delivery.retroactivity_months)) + ".")
    if deadline:
        rows.append(("deadline", " ".join(deadline)))
    year = program.income_year
    if year.lag:
        day = dt.date(2026, *map(int, year.starts.split("-")))
        starts = long_date(day, lang).rsplit(" ", 1)[0]
        rows.append(("income_year", _t(lang, "income_year_text", starts=starts, lag=str(year.lag))))
    else:
        rows.append(("income_year", _t(lang, "income_year_same")))
    if program.in_force is not None:
        starts = long_date(program.in_force.starts, lang)
        text = (
            _t(lang, "in_force_from", starts=starts)
            if program.in_force.ends is None
            else _t(
                lang, "in_force_between", starts=starts, ends=long_date(program.in_force.ends, lang)
            )
        )
        rows.append(("in_force", f"{text} ({_link(program.in_force.reference, lang)})"))
    if program.valid_through is not None:
        rows.append(("valid_through", escape(long_date(program.valid_through, lang))))
    relative = (
        rules.file.relative_to(catalog.root.parent)
        if catalog.root.parent in rules.file.parents
        else rules.file.name
    )
    rows.append(("file", f"<code>{escape(str(relative))}</code>"))
    items = "".join(f"<dt>{_t(lang, key)}</dt><dd>{value}</dd>\n" for key, value in rows)
    return f"<dl>\n{items}</dl>\n"


def _criteria_section(rules: ProgramRules, lang: str) -> str:
    items = []
    for criterion in rules.program.eligibility:
        parts = [
            f"<p>{_template(criterion.explain[lang], lang)}</p>",
            f"<p>{_t(lang, 'test')}: <code>{escape(criterion.test)}</code></p>"
            if lang == "en"
            else f"<p>{_t(lang, 'test')}\u00a0: <code>{escape(criterion.test)}</code></p>",
        ]
        if criterion.when_false is not None:
            label = _t(lang, "when_false")
            colon = "\u00a0:" if lang == "fr" else ":"
            parts.append(f"<p>{label}{colon} {_template(criterion.when_false[lang], lang)}</p>")
        items.append(f'<li id="{escape(criterion.id)}">{"".join(parts)}</li>')
    return (
        f"<h2>{_t(lang, 'criteria')}</h2>\n<p>{_t(lang, 'criteria_intro')}</p>\n"
        f"<ol>\n{chr(10).join(items)}\n</ol>\n"
    )


def _amount_section(rules: ProgramRules, lang: str) -> str:
    program = rules.program
    rows: list[tuple[str, str]] = []
    if program.in_kind:
        rows.append(("amount_expr", _t(lang, "in_kind")))
    if program.weekly is not None and program.weeks is not None:
        rows += [("weekly", _code(program.weekly)), ("weeks", _code(program.weeks))]
    if program.amount is not None and not program.in_kind:
        rows.append(("amount_expr", _code(program.amount)))
    body = "".join(f"<dt>{_t(lang, key)}</dt><dd>{html}</dd>\n" for key, html in rows)
    html = f"<h2>{_t(lang, 'amount')}</h2>\n<dl>\n{body}</dl>\n"
    if program.variables:
        lines = "".join(
            f"<tr><td>{_code(name)}</td><td>{_code(expr)}</td></tr>\n"
            for name, expr in program.variables.items()
        )
        html += (
            f'<h3>{_t(lang, "variables")}</h3>\n<table>\n<tr><th scope="col">'
            f'{_t(lang, "name")}</th><th scope="col">{_t(lang, "rule")}</th></tr>\n'
            f"{lines}</table>\n"
        )
    return html


def _parameters_section(rules: ProgramRules, lang: str) -> str:
    if not rules.program.parameters:
        return ""
    blocks = []
    for name, parameter in rules.program.parameters.items():
        rows = []
        for date, value in parameter.values.items():
            status = (
                f'<span class="unverified">{_t(lang, "unverified")}</span>'
                if value.status == "unverified"
                else _t(lang, "verified")
            )
            note = f'<p class="note">{escape(value.note)}</p>' if value.note else ""
            rows.append(
                f"<tr><td>{escape(long_date(dt.date.fromisoformat(date), lang))}</td>"
                f"<td>{_value(parameter, value, lang)}</td>"
                f"<td>{_link(value.reference, lang)}{note}</td><td>{status}</td></tr>"
            )
        header = "".join(
            f'<th scope="col">{_t(lang, key)}</th>'
            for key in ("effective", "value", "source", "status")
        )
        unit = escape(UNITS[lang][parameter.unit])
        blocks.append(
            f'<h3 id="{escape(name)}"><code>{escape(name)}</code></h3>\n'
            f"<p>{escape(parameter.description[lang])} ({unit})</p>\n"
            f"<table>\n<tr>{header}</tr>\n" + "\n".join(rows) + "\n</table>\n"
        )
    return f"<h2>{_t(lang, 'parameters')}</h2>\n" + "".join(blocks)


def _coverage_section(rules: ProgramRules, lang: str, day: dt.date) -> str:
    program = rules.program
    scope = (
        escape(program.scope.explain[lang]) if program.scope is not None else _t(lang, "no_scope")
    )
    html = f"<h2>{_t(lang, 'coverage')}</h2>\n<h3>{_t(lang, 'scope')}</h3>\n<p>{scope}</p>\n"
    if program.limitations:
        items = "".join(f"<li>{escape(text[lang])}</li>" for text in program.limitations)
        html += f"<h3>{_t(lang, 'limitations')}</h3>\n<ul>{items}</ul>\n"
    if program.exclusions:
        items = "".join(
            "<li>"
            + ", ".join(f'<a href="{escape(p)}.html">{escape(p)}</a>' for p in exclusion.programs)
            + f": {escape(exclusion.explain[lang])} ({_link(exclusion.reference, lang)})</li>"
            for exclusion in program.exclusions
        )
        html += f"<h3>{_t(lang, 'exclusions')}</h3>\n<ul>{items}</ul>\n"
    parameters = rules.program.parameters
    unverified = [(name, parameters[name]) for name in rules.unverified_on(day)]
    date = long_date(day, lang)
    if unverified:
        items = "".join(
            f'<li><a href="#{escape(name)}"><code>{escape(name)}</code></a>: '
            f"{escape(parameter.description[lang])}</li>"
            for name, parameter in unverified
        )
        html += f"<h3>{_t(lang, 'unverified_list', date=date)}</h3>\n<ul>{items}</ul>\n"
    else:
        html += f"<p>{_t(lang, 'none_unverified', date=date)}</p>\n"
    return html


def _program_page(rules: ProgramRules, catalog: Catalog, lang: str, day: dt.date) -> str:
    program = rules.program
    references = "".join(f"<li>{_link(r, lang)}</li>" for r in program.references)
    body = (
        f"<h1>{escape(program.name[lang])}</h1>\n<p>{escape(program.summary[lang])}</p>\n"
        + _facts_section(rules, catalog, lang)
        + _criteria_section(rules, lang)
        + _amount_section(rules, lang)
        + _parameters_section(rules, lang)
        + _coverage_section(rules, lang, day)
        + f"<h2>{_t(lang, 'references')}</h2>\n<ul>{references}</ul>\n"
    )
    other = f"../{'en' if lang == 'fr' else 'fr'}/{program.id}.html"
    return _page(lang, escape(program.name[lang]), body, other, "../style.css")


def _group(items: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """Rows grouped by (level, code) in level order."""
    groups: dict[tuple[str, str], list[str]] = {}
    for level, code, row in items:
        groups.setdefault((level, code), []).append(row)
    return dict(sorted(groups.items(), key=lambda g: (_LEVELS.index(g[0][0]), g[0][1])))


def _index_page(catalog: Catalog, lang: str, day: dt.date) -> str:
    programs = []
    for rules in sorted(catalog.programs.values(), key=lambda r: r.id):
        program = rules.program
        unverified = len(rules.unverified_on(day))
        status = (
            f'<span class="unverified">{_t(lang, "program_status_unverified")}</span>'
            if unverified
            else _t(lang, "program_status_verified")
        )
        row = (
            f'<tr><td><a href="{program.id}.html">{escape(program.name[lang])}</a> '
            f"<code>{program.id}</code></td><td>{escape(program.agency[lang])}</td>"
            f"<td>{escape(', '.join(program.life_events))}</td><td>{status}</td>"
            f"<td>{unverified}</td></tr>"
        )
        programs.append((program.jurisdiction.level, program.jurisdiction.code, row))
    header = "".join(
        f'<th scope="col">{_t(lang, key)}</th>'
        for key in ("program", "agency", "life_events", "status", "unverified_now")
    )
    body = [
        f"<h1>{_t(lang, 'catalog')}</h1>\n<p>{_t(lang, 'intro', date=long_date(day, lang))}</p>",
        f"<p>{_t(lang, 'count', n=str(len(catalog.programs)))}</p>",
    ]
    for (level, code), rows in _group(programs).items():
        title = escape(place({"level": level, "code": code}, lang, catalog.facts))
        body.append(
            f"<h2>{title}</h2>\n<table>\n<tr>{header}</tr>\n" + "\n".join(rows) + "\n</table>"
        )
    body.append(_not_assessed(catalog.coverage.entries, catalog, lang))
    return _page(
        lang,
        _t(lang, "catalog"),
        "\n".join(body) + "\n",
        f"../{'en' if lang == 'fr' else 'fr'}/index.html",
        "../style.css",
    )


def _not_assessed(entries: Iterable[NotModelled], catalog: Catalog, lang: str) -> str:
    rows = [
        (
            e.level,
            e.code,
            f'<li><a href="{escape(e.url)}">{escape(e.name[lang])}</a> '
            f"<code>{escape(e.program)}</code></li>",
        )
        for e in entries
        if e.program not in catalog.programs
    ]
    if not rows:
        return ""
    html = f"<h2>{_t(lang, 'not_assessed')}</h2>\n<p>{_t(lang, 'not_assessed_intro')}</p>\n"
    for (level, code), items in _group(rows).items():
        title = escape(place({"level": level, "code": code}, lang, catalog.facts))
        html += f"<h3>{title}</h3>\n<ul>\n" + "\n".join(items) + "\n</ul>\n"
    return html


def _root_page() -> str:
    links = "".join(
        f'<li><a href="{lang}/index.html" hreflang="{lang}" lang="{lang}">'
        f"{escape(SITE[lang]['catalog'])}</a></li>"
        for lang in LANGS
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(SITE['en']['catalog'])} / {escape(SITE['fr']['catalog'])}</title>\n"
        '<link rel="stylesheet" href="style.css">\n</head>\n<body>\n<main>\n'
        f"<h1>{escape(SITE['en']['choose'])} / {escape(SITE['fr']['choose'])}</h1>\n"
        f"<ul>{links}</ul>\n</main>\n</body>\n</html>\n"
    )


def catalog_pages(catalog: Catalog, day: dt.date) -> Mapping[str, str]:
    """Every page of the catalog site by its path relative to the output folder, with the
    figures in force on ``day``."""
    pages: dict[str, str] = {"index.html": _root_page(), "style.css": _STYLE}
    for lang in LANGS:
        pages[f"{lang}/index.html"] = _index_page(catalog, lang, day)
        for rules in catalog.programs.values():
            pages[f"{lang}/{rules.id}.html"] = _program_page(rules, catalog, lang, day)
    return pages


def write_catalog_site(catalog: Catalog, out: Path, day: dt.date) -> int:
    """Write the catalog site under ``out`` (created if missing) and return the number of
    files written.

    Raises:
        OSError: ``out`` cannot be created or written (e.g. it is a file).
    """
    pages = catalog_pages(catalog, day)
    for relative, text in pages.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(pages)
