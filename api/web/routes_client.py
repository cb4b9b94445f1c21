"""The page's screens for one client: results (and the next question answered in place), the
household, a life event, consents and sharing, and the printable summary."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from api.routes.common import off_loop
from api.routes.screening import checked
from api.services import Services, services
from api.web import forms, session
from api.web.pages import PageError, Words, render
from api.web.routes import field_error, household_form, in_client
from api.web.views import agreements, answer_input, event_inputs, levels, split_fact
from engine.eligibility.result import CheckResult
from engine.errors import InputError
from engine.tellusonce import grant, profile, revoke
from engine.tellusonce.consents import listing
from engine.tellusonce.export import shared
from engine.tellusonce.facts import FactIn, record_facts
from engine.tellusonce.recording import correct_household, record_event

__all__ = ["router"]

router = APIRouter(prefix="/{lang:lang}/clients/{client_id}", include_in_schema=False)
Svc = Annotated[Services, Depends(services)]


def _held(svc: Services, connection: Connection, client_id: str, who: Any, why: str) -> Any:
    return profile(
        connection, client_id, on=svc.engine.clock(), actor=who.subject, role=who.role,
        purpose=why,
    )  # fmt: skip


def _results_context(svc: Services, lang: str, held: Any, result: CheckResult) -> dict[str, Any]:
    words = Words(lang)
    question = result.next_question
    ask = None
    if question is not None:
        text = words.text(question.question) if question.question else question.fact
        ask = answer_input(
            svc.engine.catalog.facts, question.fact, text, lang, (words("yes"), words("no"))
        )
    names = {p.program: p.name for p in result.results}
    return {
        "household": held["household"],
        "result": result,
        "levels": levels(result, lang),
        "question": question,
        "ask": ask,
        "decides": ", ".join(
            words.text(names[p]) for p in (question.would_decide if question else []) if p in names
        ),
    }


@router.get("", response_class=HTMLResponse)
async def results(lang: str, client_id: str, request: Request, svc: Svc) -> Response:
    """Every program for the client's household, by level of government, and the next
    question."""
    caller = session.caseworker(request, lang)

    def work() -> tuple[Any, CheckResult]:
        held = in_client(svc, caller, client_id, lang, lambda c: _held(
            svc, c, client_id, caller, "web: eligibility review"))  # fmt: skip
        return held, checked(svc, held)

    held, result = await off_loop(work)
    notice = Words(lang)("answered") if request.query_params.get("answered") else None
    return render(
        request, "results.html", lang,
        {"caller": caller, "client_id": client_id, "here": "results", "notice": notice,
         "error": None, **_results_context(svc, lang, held, result)},
    )  # fmt: skip


@router.post("/answer", response_class=HTMLResponse)
async def answer(lang: str, client_id: str, request: Request, svc: Svc) -> Response:
    """Record the answer to the next question (a fact, effective today) and show the results
    again, updated."""
    caller = session.caseworker(request, lang)
    form = await forms.read_form(request)
    path = form.get("fact", "")
    member, name, year = split_fact(path)
    registry = svc.engine.catalog.facts
    fact = registry.get(name)

    def work(connection: Connection) -> None:
        if fact is None:
            raise InputError("facts/0/name", f"'{name}' is not a stated fact",
                             fr=f"« {name} » n'est pas un fait déclaré")  # fmt: skip
        value = forms.value_of(fact, form.get("value", ""))
        if value is None:
            raise InputError("facts/0/value", "an answer is needed", fr="une réponse est requise")
        if year is not None and not isinstance(value, dict):
            value = {year: value}
        record_facts(
            connection, registry, client_id,
            [FactIn(name, value, svc.engine.clock(), member)],
            source=f"caseworker:{caller.subject}", actor=caller.subject, role=caller.role,
            purpose="web: answer the next question",
        )  # fmt: skip

    try:
        await off_loop(lambda: in_client(svc, caller, client_id, lang, work))
    except InputError as error:

        def again() -> tuple[Any, CheckResult]:
            held = in_client(svc, caller, client_id, lang, lambda c: _held(
                svc, c, client_id, caller, "web: eligibility review"))  # fmt: skip
            return held, checked(svc, held)

        held, result = await off_loop(again)
        return render(
            request, "results.html", lang,
            {"caller": caller, "client_id": client_id, "here": "results", "notice": None,
             "error": field_error(error, None, lang), **_results_context(svc, lang, held, result)},
            status=422,
        )  # fmt: skip
    return RedirectResponse(f"/{lang}/clients/{client_id}?answered=1#results", 303)


@router.get("/household", response_class=HTMLResponse)
def household_page(lang: str, client_id: str, request: Request, svc: Svc) -> Response:
    """The household form, filled from the store."""
    caller = session.caseworker(request, lang)
    held = in_client(svc, caller, client_id, lang, lambda c: _held(
        svc, c, client_id, caller, "web: household correction"))  # fmt: skip
    fields, rows = forms.household_rows(held["household"])
    originals = [str(m["id"]) for m in held["household"]["members"]]
    context = household_form(svc, Words(lang), lang, fields, rows, originals)
    notice = None
    if request.query_params.get("saved", "").isdigit():
        notice = Words(lang)("saved", n=request.query_params["saved"])
    return render(
        request, "household.html", lang,
        {"caller": caller, "client_id": client_id, "here": "household", "new": False,
         "error": None, "notice": notice, **context},
    )  # fmt: skip


@router.post("/household", response_class=HTMLResponse)
async def household(lang: str, client_id: str, request: Request, svc: Svc) -> Response:
    """Record what the caseworker corrected in the household (facts effective today)."""
    caller = session.caseworker(request, lang)
    form = await forms.read_form(request)
    registry = svc.engine.catalog.facts
    rows: list[int] = []

    def work(connection: Connection) -> int:
        nonlocal rows
        held = _held(svc, connection, client_id, caller, "web: household correction")
        wanted, rows = forms.household_from_form(form, registry, held["household"])
        return correct_household(
            connection, svc.engine, client_id, {"household": wanted}, on=svc.engine.clock(),
            source=f"caseworker:{caller.subject}", actor=caller.subject, role=caller.role,
        )  # fmt: skip

    try:
        count = await off_loop(lambda: in_client(svc, caller, client_id, lang, work))
    except InputError as error:
        count = max(forms.member_rows(form), 1)
        originals = [form.get(f"m{i}.original", "") for i in range(count)]
        context = household_form(svc, Words(lang), lang, dict(form), count, originals)
        return render(
            request, "household.html", lang,
            {"caller": caller, "client_id": client_id, "here": "household", "new": False,
             "error": field_error(error, rows, lang), **context},
            status=422,
        )  # fmt: skip
    return RedirectResponse(f"/{lang}/clients/{client_id}/household?saved={count}", 303)


def _event_context(svc: Services, lang: str, held: Any, kind: str | None) -> dict[str, Any]:
    events = svc.engine.catalog.life_events
    spec = events.get(kind or "")
    choices = sorted(((e, getattr(s.name, lang)) for e, s in events.items()), key=lambda x: x[1])
    members = held["household"]["members"]
    facts = svc.engine.catalog.facts
    return {
        "events": choices,
        "kind": spec.id if spec else "",
        "spec": spec,
        "inputs": event_inputs(spec, facts, members, lang, Words(lang)) if spec else [],
        "today": svc.engine.clock().isoformat(),
    }


@router.get("/event", response_class=HTMLResponse)
def event_page(lang: str, client_id: str, request: Request, svc: Svc, type: str = "") -> Response:
    """The life event form: choose the event, then its questions."""
    caller = session.caseworker(request, lang)
    held = in_client(svc, caller, client_id, lang, lambda c: _held(
        svc, c, client_id, caller, "web: life event"))  # fmt: skip
    return render(
        request, "event.html", lang,
        {"caller": caller, "client_id": client_id, "here": "event", "error": None,
         "values": {"event_date": svc.engine.clock().isoformat()},
         **_event_context(svc, lang, held, type)},
    )  # fmt: skip


@router.post("/event", response_class=HTMLResponse)
async def event(lang: str, client_id: str, request: Request, svc: Svc) -> Response:
    """Record the life event through tell-us-once; the ranked suggestions, deadlines,
    follow-ups and the agencies told."""
    caller = session.caseworker(request, lang)
    form = await forms.read_form(request)
    spec = svc.engine.catalog.life_events.get(form.get("type", ""))
    if spec is None:
        raise PageError(lang, 400, "error_title", "event_choose")
    told = forms.event_from_form(spec, form, svc.engine.catalog.facts)

    def work(connection: Connection) -> Any:
        return record_event(
            connection, svc.engine, client_id, told, as_of=svc.engine.clock(),
            source=f"caseworker:{caller.subject}", actor=caller.subject, role=caller.role,
        )  # fmt: skip

    try:
        done = await off_loop(lambda: in_client(svc, caller, client_id, lang, work))
    except InputError as error:
        held = in_client(svc, caller, client_id, lang, lambda c: _held(
            svc, c, client_id, caller, "web: life event"))  # fmt: skip
        return render(
            request, "event.html", lang,
            {"caller": caller, "client_id": client_id, "here": "event", "values": dict(form),
             "error": field_error(error, None, lang),
             **_event_context(svc, lang, held, spec.id)},
            status=422,
        )  # fmt: skip
    sharing = svc.engine.catalog.sharing
    told_to = [
        {"agency": getattr(sharing.agencies[a].name, lang) if a in sharing.agencies else a,
         "agreement": g}
        for a, g in done.change.queued
    ]  # fmt: skip
    return render(
        request, "event_result.html", lang,
        {"caller": caller, "client_id": client_id, "here": "event", "done": done,
         "answer": done.result, "told": told_to,
         "labels": {n: f.label[lang] for n, f in svc.engine.catalog.facts.items()}},
    )  # fmt: skip


@router.get("/consents", response_class=HTMLResponse)
def consents_page(lang: str, client_id: str, request: Request, svc: Svc) -> Response:
    """The client's consents to each agreement, and what was shared with whom."""
    caller = session.caseworker(request, lang)
    sharing = svc.engine.catalog.sharing

    def work(connection: Connection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = listing(connection, sharing, client_id, on=svc.engine.clock(),
                       actor=caller.subject, role=caller.role)  # fmt: skip
        return rows, shared(connection, client_id)

    rows, sent = in_client(svc, caller, client_id, lang, work)
    notice = None
    done, which = request.query_params.get("done"), request.query_params.get("agreement", "")
    if done in ("granted", "revoked") and which in sharing.agreements:
        notice = Words(lang)(done, agreement=which)
    agencies = {a: getattr(s.name, lang) for a, s in sharing.agencies.items()}
    labels = {n: f.label[lang] for n, f in svc.engine.catalog.facts.items()}
    for row in sent:  # the facts told, by name and member (their values stay in the store)
        row["what"] = [
            f"{labels.get(f['name'], f['name'])} ({f['member']})" if f.get("member")
            else labels.get(f["name"], f["name"])
            for f in row["facts"]
        ]  # fmt: skip
    return render(
        request, "consents.html", lang,
        {"caller": caller, "client_id": client_id, "here": "consents", "notice": notice,
         "agreements": agreements(sharing, rows, lang), "shared": sent,
         "agencies": agencies, "labels": labels},
    )  # fmt: skip


@router.post("/consents", response_class=HTMLResponse)
async def consents(lang: str, client_id: str, request: Request, svc: Svc) -> Response:
    """Give or revoke consent to one agreement."""
    caller = session.caseworker(request, lang)
    form = await forms.read_form(request)
    agreement, action = form.get("agreement", ""), form.get("action", "")
    sharing = svc.engine.catalog.sharing
    if agreement not in sharing.agreements or action not in ("grant", "revoke"):
        raise PageError(lang, 400, "error_title", "not_found")

    def work(connection: Connection) -> None:
        if action == "grant":
            grant(connection, sharing, client_id, agreement, on=svc.engine.clock(),
                  actor=caller.subject, role=caller.role)  # fmt: skip
        else:
            revoke(connection, client_id, agreement, actor=caller.subject, role=caller.role)

    try:
        in_client(svc, caller, client_id, lang, work)
    except InputError:
        raise PageError(lang, 422, "error_title", "not_found") from None
    done = "granted" if action == "grant" else "revoked"
    return RedirectResponse(
        f"/{lang}/clients/{client_id}/consents?done={done}&agreement={agreement}", 303
    )


@router.get("/summary", response_class=HTMLResponse)
async def summary(lang: str, client_id: str, request: Request, svc: Svc) -> Response:
    """A plain-language summary for the client, to print."""
    caller = session.caseworker(request, lang)

    def work() -> CheckResult:
        held = in_client(svc, caller, client_id, lang, lambda c: _held(
            svc, c, client_id, caller, "web: client summary"))  # fmt: skip
        return checked(svc, held)

    result = await off_loop(work)
    eligible = [p for p in result.results if p.status == "eligible"]
    undetermined = [p for p in result.results if p.status == "undetermined"]
    total = sum(p.amount.annual for p in eligible if p.amount is not None)
    questions: dict[str, Any] = {}
    for program in undetermined:
        for missing in program.missing:
            questions.setdefault(missing.fact, missing.question)
    return render(
        request, "summary.html", lang,
        {"caller": caller, "client_id": client_id, "here": "summary", "result": result,
         "eligible": eligible, "undetermined": undetermined, "total": total,
         "questions": list(questions.values())},
    )  # fmt: skip
