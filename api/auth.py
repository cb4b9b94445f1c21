"""Bearer tokens (JWT, HS256) and the four roles.

- ``citizen``: their own client record only (the token's ``client``);
- ``caseworker``: the clients their agency serves (the token's ``agency``), every read with a
  stated purpose, audited;
- ``analyst``: aggregates only, never a person's record;
- ``agency``: its own inbox only (the token's ``agency``).

Anonymous callers may use the screening routes (catalog, eligibility, stateless events).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import jwt
from fastapi import Request

from api.problems import Problem
from api.settings import Settings

__all__ = ["ROLES", "Principal", "Role", "mint", "principal_from_token", "principal_of", "require"]

Role = Literal["citizen", "caseworker", "analyst", "agency"]
ROLES: tuple[Role, ...] = ("citizen", "caseworker", "analyst", "agency")
_ALGORITHM = "HS256"
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class Principal:
    """Who calls: the token's subject, role, and the client or agency it is bound to."""

    subject: str
    role: Role
    client: str | None = None
    agency: str | None = None


def mint(
    settings: Settings,
    subject: str,
    role: Role,
    *,
    client: str | None = None,
    agency: str | None = None,
    hours: float = 12,
) -> str:
    """A signed token for ``subject`` in ``role`` (demo tokens, tests)."""
    now = dt.datetime.now(dt.UTC)
    claims: dict[str, object] = {
        "sub": subject,
        "role": role,
        "iss": settings.issuer,
        "iat": now,
        "exp": now + dt.timedelta(hours=hours),
    }
    if client is not None:
        claims["client"] = client
    if agency is not None:
        claims["agency"] = agency
    return jwt.encode(claims, settings.signing_key, algorithm=_ALGORITHM)


def _decode(settings: Settings, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.signing_key,
            algorithms=[_ALGORITHM],
            issuer=settings.issuer,
            options={"require": ["exp", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise Problem(401, "the token has expired", headers=_CHALLENGE) from None
    except jwt.InvalidTokenError:
        raise Problem(401, "the token is not valid", headers=_CHALLENGE) from None
    role = claims.get("role")
    if role not in ROLES:
        raise Problem(401, "the token names no known role", headers=_CHALLENGE)
    client, agency = claims.get("client"), claims.get("agency")
    if (role == "citizen" and not client) or (role in ("caseworker", "agency") and not agency):
        raise Problem(401, f"a {role} token must name its client or agency", headers=_CHALLENGE)
    return Principal(str(claims["sub"]), role, client, agency)


def principal_from_token(settings: Settings, token: str) -> Principal:
    """The caller a token names, checked exactly as a bearer token is (the web page keeps the
    same token in a cookie).

    Raises:
        Problem: a 401 for a token that is malformed, expired, wrongly signed or incomplete.
    """
    return _decode(settings, token)


async def principal_of(request: Request) -> Principal | None:
    """The caller (None: anonymous). A malformed or invalid token is refused (401), never
    treated as anonymous.

    A coroutine, as are :func:`require`'s dependencies, though it waits for nothing: FastAPI
    runs a plain function dependency in its thread pool, a hop (a queue, a wake-up of the
    loop, two handoffs of the interpreter's lock) for a few microseconds of work, on every
    request, the anonymous screener's included."""
    return _caller(request)


def _caller(request: Request) -> Principal | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "expected 'Authorization: Bearer <token>'", headers=_CHALLENGE)
    settings: Settings = request.app.state.services.settings
    return _decode(settings, token.strip())


def require(*roles: Role) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency: the caller, who must hold one of ``roles`` (401 without a token, 403
    with another role)."""

    async def dependency(request: Request) -> Principal:
        caller = _caller(request)
        if caller is None:
            raise Problem(401, "this route needs a bearer token", headers=_CHALLENGE)
        if caller.role not in roles:
            raise Problem(403, f"the {caller.role} role may not use this route")
        return caller

    return dependency
