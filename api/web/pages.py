"""Rendering a page: the Jinja environment (templates shipped in the package), the words of
the page's language, and the helpers templates use (money, dates, bilingual rule text)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from api.web import locale
from api.web.words import LANGS, WORDS
from engine.wording import localized, say

__all__ = ["PageError", "Words", "other", "render", "toggle_url"]

_ENV = Environment(
    loader=PackageLoader("api.web", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["extract"] = lambda key, mapping: mapping.get(key, key)


class PageError(Exception):
    """A page that answers with an error screen: ``status``, and the keys of its title and
    message in the page's words."""

    def __init__(self, lang: str, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.lang = lang
        self.status = status
        self.title = title
        self.message = message


class Words:
    """The page's words in one language: ``t("key", n=3)`` (French typography applied)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._words = WORDS[lang]

    def __call__(self, key: str, **fields: Any) -> str:
        text = self._words[key]
        return say(text.format(**fields) if fields else text, self.lang)

    def text(self, value: Any) -> str:
        """Rule text (``{en, fr}``) in the page's language."""
        return say(localized(value, self.lang), self.lang)

    def money(self, value: float) -> str:
        """An amount in dollars."""
        return locale.money(value, self.lang)

    def day(self, value: Any) -> str:
        """A date written out."""
        return locale.day(value, self.lang)

    def instant(self, value: Any) -> str:
        """A stored instant, as its date."""
        return locale.instant(value, self.lang)


def other(lang: str) -> str:
    """The other language of the page."""
    return LANGS[1] if lang == LANGS[0] else LANGS[0]


def toggle_url(request: Request, lang: str) -> str:
    """The same page in the other language (the path's language prefix swapped)."""
    path = request.url.path
    rest = path[len(lang) + 1 :] if path.startswith(f"/{lang}") else "/"
    query = f"?{request.url.query}" if request.url.query else ""
    return f"/{other(lang)}{rest or '/'}{query}"


def render(
    request: Request,
    template: str,
    lang: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
) -> HTMLResponse:
    """The page ``template`` in ``lang``, with the base layout's context added."""
    page = _ENV.get_template(template)
    html = page.render(
        {
            "lang": lang,
            "t": Words(lang),
            "toggle": toggle_url(request, lang),
            "other_lang": other(lang),
            "caller": None,
            "client_id": None,
            "here": "",
            "notice": None,
            "error": None,
            **context,
        }
    )
    return HTMLResponse(html, status, headers={"Cache-Control": "no-store"})
