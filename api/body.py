"""Request bodies read as the command line reads its files: at most the size limit (413 past
it), strict JSON (400 otherwise: NaN, a key twice, bytes that are not UTF-8)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.problems import Problem
from engine.catalog.json_input import decode_json
from engine.errors import InputError

__all__ = ["read_json"]


async def read_json(request: Request) -> Any:
    """The request's JSON body (parsed), read up to the size limit."""
    limit: int = request.app.state.services.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"the body is larger than {limit} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise Problem(413, f"the body is larger than {limit} bytes")
    if not raw:
        raise Problem(400, "a JSON body is required", errors=[("", "required")])
    try:
        return decode_json(bytes(raw))
    except InputError as exc:
        raise Problem(400, exc.message("en"), errors=[("", exc.reason)]) from None
