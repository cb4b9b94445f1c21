"""The caseworker web page, served by the API at ``/``: server-rendered Jinja templates (no
build chain, no script needed), in English and French, over the same engine and store
functions as the JSON routes.

:func:`install` adds its routes, its static files and the handlers that answer its errors as
pages.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.convertors import Convertor, register_url_convertor

from api.web.words import LANGS

__all__ = ["STATIC", "install"]

STATIC = Path(__file__).parent / "static"


class _Lang(Convertor[str]):
    """A path segment that is one of the page's languages (``/en/…``, ``/fr/…``), so the page's
    routes never shadow another path."""

    regex = "|".join(LANGS)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("lang", _Lang())


def install(app: FastAPI) -> None:
    """Serve the page on ``app``: its routes, ``/static``, and its errors as pages."""
    from api.web import pages, session
    from api.web.routes import router
    from api.web.routes_client import router as client_router

    app.include_router(router)
    app.include_router(client_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    async def on_sign_in(request: Request, exc: Exception) -> HTMLResponse:
        if not isinstance(exc, session.SignIn):  # pragma: no cover - registered for SignIn
            raise exc
        words = pages.Words(exc.lang)
        response = pages.render(
            request, "signin.html", exc.lang,
            {"error": words(exc.reason, **exc.fields), "demo": _demo(request)}, status=401,
        )  # fmt: skip
        session.forget(response)
        return response

    async def on_page_error(request: Request, exc: Exception) -> HTMLResponse:
        if not isinstance(exc, pages.PageError):  # pragma: no cover - registered for PageError
            raise exc
        return pages.render(
            request, "error.html", exc.lang,
            {"title_key": exc.title, "message_key": exc.message}, status=exc.status,
        )  # fmt: skip

    app.add_exception_handler(session.SignIn, on_sign_in)
    app.add_exception_handler(pages.PageError, on_page_error)


def _demo(request: Request) -> bool:
    return bool(request.app.state.services.settings.demo)
