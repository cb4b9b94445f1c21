"""What several routers share: the documented error responses, the request bodies of the
contract (schemas in the OpenAPI components), and running engine work off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.problems import PROBLEM, ProblemBody
from engine.eligibility.answer_json import model_json

__all__ = ["ERRORS", "body", "json_response", "off_loop"]

T = TypeVar("T")


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "model": ProblemBody, "content": {PROBLEM: {}}}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: _problem("The body is not JSON"),
    401: _problem("No token, or a token that is not valid"),
    403: _problem("The caller's role may not use this route"),
    404: _problem("No such record, or not the caller's"),
    413: _problem("The body is too large"),
    422: _problem("The input does not fit the contract (each field's pointer and reason)"),
}


def body(schema: str, example: dict[str, Any], description: str) -> dict[str, Any]:
    """``openapi_extra`` for a JSON body read by the route itself (the engine checks it, so its
    errors name the contract's paths)."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/json": {
                    "schema": {"$ref": f"#/components/schemas/{schema}"},
                    "example": example,
                }
            },
        }
    }


async def off_loop(work: Callable[[], T]) -> T:
    """Run CPU-bound engine work in the thread pool, keeping the event loop free."""
    return await run_in_threadpool(work)


def json_response(model: BaseModel, status: int = 200) -> Response:
    """``model`` serialized once, as pydantic writes it (a check's answer inside it from the
    engine's dicts: ``model_json``): the route's ``response_model`` documents it, and FastAPI
    does not validate again what the engine built."""
    return Response(model_json(model), status, media_type="application/json")
