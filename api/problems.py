"""Errors as RFC 9457 problem details (``application/problem+json``), every one of them.

A problem names its HTTP status, a short title, a detail a person can read and, for bad input,
an ``errors`` list of JSON pointers into the request and the reason for each. Bad input is
never a 500; an unexpected failure is a 500 with no trace, logged by its type only (never the
request or its values).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.errors import InputError, ParameterValueMissing

__all__ = ["PROBLEM", "Problem", "ProblemBody", "install", "pointer", "problem_response"]

PROBLEM = "application/problem+json"
log = logging.getLogger(__name__)


class FieldError(BaseModel):
    """One reason a request was refused: where (a JSON pointer into the body, or the name of a
    path or query parameter) and why."""

    pointer: str = Field(examples=["/household/members/0/date_of_birth"])
    reason: str = Field(examples=["not a date (expected YYYY-MM-DD)"])


class ProblemBody(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field("about:blank", examples=["about:blank"])
    title: str = Field(examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str | None = Field(None, examples=["household/members/0/date_of_birth: not a date"])
    errors: list[FieldError] = []


class Problem(Exception):
    """An error answered as a problem."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or HTTPStatus(status).phrase)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers


def pointer(path: str) -> str:
    """An engine error path (``household/members/1/net_income``) as a JSON pointer."""
    if not path:
        return ""
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path.split("/"))


def problem_response(problem: Problem) -> JSONResponse:
    """The problem as an ``application/problem+json`` response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
        "errors": [{"pointer": p, "reason": r} for p, r in problem.errors],
    }
    return JSONResponse(body, problem.status, headers=problem.headers, media_type=PROBLEM)


def _input_error(exc: InputError) -> Problem:
    if exc.path in ("client_id", "message_id"):
        return Problem(404, exc.message("en"))
    return Problem(422, exc.message("en"), errors=[(pointer(exc.path), exc.reason)])


def _validation(exc: RequestValidationError) -> Problem:
    errors = []
    for error in exc.errors():
        where = [str(p) for p in error.get("loc", ())]
        if where and where[0] == "body":
            place = pointer("/".join(where[1:]))
        else:
            place = where[-1] if where else ""
        errors.append((place, str(error.get("msg", "invalid"))))
    detail = "; ".join(f"{p or 'body'}: {r}" for p, r in errors)
    return Problem(422, detail, errors=errors)


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as a problem."""

    async def on_problem(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc)

    async def on_input(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InputError)
        return problem_response(_input_error(exc))

    async def on_figures(_: Request, exc: Exception) -> JSONResponse:
        return problem_response(Problem(422, f"as_of: {exc}", errors=[("/as_of", str(exc))]))

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(_validation(exc))

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else None
        headers = dict(exc.headers) if exc.headers else None
        return problem_response(Problem(exc.status_code, detail, headers=headers))

    async def on_anything(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s: %s", request.url.path, type(exc).__name__)
        return problem_response(Problem(500, "internal error"))

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(InputError, on_input)
    app.add_exception_handler(ParameterValueMissing, on_figures)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_anything)
