"""The page's entry screens: sign in and out, the agency's clients, registering a client.

Routes are thin: the same store and engine functions as the JSON routes, with the same
authorization (:func:`api.routes.clients.authorize`); every read states its purpose for the
audit log (``web: …``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from api.auth import Principal
from api.demo import tokens
from api.routes.clients import authorize
from api.routes.common import off_loop
from api.services import Services, services
from api.web import forms, session
from api.web.pages import PageError, Words, render
from api.web.views import Input, fact_input
from engine.errors import InputError
from engine.tellusonce.clients import agency_clients
from engine.tellusonce.recording import register

__all__ = ["field_error", "household_form", "in_client", "router"]

router = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
T = TypeVar("T")


def in_client(
    svc: Services,
    caller: Principal,
    client_id: str,
    lang: str,
    work: Callable[[Connection], T],
) -> T:
    """``work`` in one transaction on a client the caseworker may reach (a not-found page
    otherwise, whether or not the client exists)."""
    from api.problems import Problem

    with svc.store.begin() as connection:
        try:
            authorize(connection, caller, client_id)
        except Problem:
            raise PageError(lang, 404, "not_found_title", "not_found") from None
        return work(connection)


def household_form(
    svc: Services,
    words: Words,
    lang: str,
    fields: dict[str, str],
    rows: int,
    originals: list[str],
) -> dict[str, Any]:
    """The context of the household form: its controls, values and member rows."""
    registry = svc.engine.catalog.facts
    yes_no = (words("yes"), words("no"))
    where = [
        fact_input(registry[name], name, registry[name].label[lang], lang, yes_no)
        for name in forms.HOUSEHOLD_FACTS
    ]
    hint = words("income_years_hint")
    person: list[Input] = [
        fact_input(registry[n], n, registry[n].label[lang], lang, yes_no,
                   hint if registry[n].yearly else "")
        for n in forms.MEMBER_FACTS
    ]  # fmt: skip
    role = fact_input(registry["role"], "role", registry["role"].label[lang], lang, yes_no)
    return {
        "where": where,
        "person": person,
        "role": role,
        "values": fields,
        "rows": rows,
        "originals": originals,
    }


@router.get("/")
def home() -> RedirectResponse:
    """The page starts in English (the toggle is on every screen)."""
    return RedirectResponse("/en/", 303)


@router.get("/{lang:lang}/", response_class=HTMLResponse)
def sign_in_page(lang: str, request: Request) -> Response:
    """The sign-in screen (the clients' screen when already signed in)."""
    if request.cookies.get(session.COOKIE):
        session.caseworker(request, lang)  # a bad token: back here, with the reason
        return RedirectResponse(f"/{lang}/clients", 303)
    return render(request, "signin.html", lang, {"error": None, "demo": _demo(request)})


@router.post("/{lang:lang}/sign-in")
async def sign_in(lang: str, request: Request, svc: Svc) -> Response:
    """Check the pasted token (or, in demo mode, take the demo caseworker's) and keep it."""
    form = await forms.read_form(request)
    if form.get("demo") and svc.settings.demo:
        token = tokens(svc.settings, None)["caseworker"]
    else:
        token = form.get("token", "").strip()
    if not token:
        raise session.SignIn(lang, "error_token_missing")
    session.check(svc.settings, token, lang)
    response = RedirectResponse(f"/{lang}/clients", 303)
    session.keep(request, response, token)
    return response


@router.post("/{lang:lang}/sign-out")
def sign_out(lang: str, request: Request) -> Response:
    """Forget the token."""
    response = render(
        request, "signin.html", lang,
        {"error": None, "notice": Words(lang)("signed_out"), "demo": _demo(request)},
    )  # fmt: skip
    session.forget(response)
    return response


def _matches(client: dict[str, Any], query: str) -> bool:
    query = query.strip().lower()
    if not query:
        return True
    ids = [str(m["id"]).lower() for m in client["members"]]
    return str(client["id"]).startswith(query) or any(query in member for member in ids)


@router.get("/{lang:lang}/clients", response_class=HTMLResponse)
def clients_page(lang: str, request: Request, svc: Svc, q: str = "") -> Response:
    """The clients of the caseworker's agency, found by a member's name or the number."""
    caller = session.caseworker(request, lang)
    with svc.store.begin() as connection:
        rows = agency_clients(
            connection, str(caller.agency), actor=caller.subject, role=caller.role,
            purpose="web: find a client",
        )  # fmt: skip
    found = [row for row in rows if _matches(row, q[:200])]
    return render(
        request, "clients.html", lang,
        {"caller": caller, "clients": found, "query": q[:200], "here": "clients"},
    )  # fmt: skip


@router.get("/{lang:lang}/clients/new", response_class=HTMLResponse)
def new_client_page(lang: str, request: Request, svc: Svc) -> Response:
    """The household form, blank."""
    caller = session.caseworker(request, lang)
    fields, rows = forms.household_rows({"members": [{"role": "applicant"}]})
    fields["m0.id"] = ""
    context = household_form(svc, Words(lang), lang, fields, rows, [])
    return render(
        request, "household.html", lang,
        {"caller": caller, "here": "new", "new": True, "error": None, **context},
    )  # fmt: skip


@router.post("/{lang:lang}/clients/new", response_class=HTMLResponse)
async def new_client(lang: str, request: Request, svc: Svc) -> Response:
    """Register the household; its results, or the form with the engine's reason inline."""
    caller = session.caseworker(request, lang)
    form = await forms.read_form(request)
    household, rows = forms.household_from_form(form, svc.engine.catalog.facts)

    def work() -> str:
        with svc.store.begin() as connection:
            return register(
                connection, svc.engine, {"household": household},
                source=f"caseworker:{caller.subject}", actor=caller.subject, role=caller.role,
                agency=caller.agency,
            )  # fmt: skip

    try:
        client_id = await off_loop(work)
    except InputError as error:
        count = max(forms.member_rows(form), 1)
        context = household_form(svc, Words(lang), lang, dict(form), count, [])
        return render(
            request, "household.html", lang,
            {"caller": caller, "here": "new", "new": True, **context,
             "error": field_error(error, rows, lang)},
            status=422,
        )  # fmt: skip
    return RedirectResponse(f"/{lang}/clients/{client_id}", 303)


def field_error(error: InputError, rows: list[int] | None, lang: str) -> dict[str, str]:
    """An engine error as the page shows it: the form field it names and the message."""
    reason = error.reason_fr if lang == "fr" and error.reason_fr else error.reason
    return {
        "field": forms.field_of(error.path, rows),
        "reason": reason,
        "message": error.message(lang),
    }


def _demo(request: Request) -> bool:
    return bool(request.app.state.services.settings.demo)
