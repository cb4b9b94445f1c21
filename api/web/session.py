"""Who uses the page: the caseworker's token, kept in a cookie and checked on every request
exactly as the API checks a bearer token.

The token lives in an ``HttpOnly`` cookie (scripts on the page cannot read it) with
``SameSite=Strict`` (another site's page cannot make the browser send it, so it cannot post a
form on the caseworker's behalf) and no ``Max-Age`` (it ends with the browser session; the
token's own expiry still applies). It is ``Secure`` when the page is served over HTTPS.
"""

from __future__ import annotations

from fastapi import Request, Response

from api.auth import Principal, principal_from_token
from api.problems import Problem
from api.settings import Settings

__all__ = ["COOKIE", "SignIn", "caseworker", "forget", "keep"]

COOKIE = "lifeevents_token"


class SignIn(Exception):
    """The page needs a (valid) caseworker's token: show the sign-in page with ``reason`` (a
    key of the page's words) and its fields."""

    def __init__(self, lang: str, reason: str, **fields: str) -> None:
        super().__init__(reason)
        self.lang = lang
        self.reason = reason
        self.fields = fields


def check(settings: Settings, token: str, lang: str) -> Principal:
    """The caseworker a token names.

    Raises:
        SignIn: the token is not valid, has expired, or is not a caseworker's.
    """
    try:
        caller = principal_from_token(settings, token)
    except Problem as problem:
        expired = problem.detail is not None and "expired" in problem.detail
        raise SignIn(lang, "error_token_expired" if expired else "error_token_invalid") from None
    if caller.role != "caseworker":
        raise SignIn(lang, "error_not_caseworker", role=caller.role)
    return caller


def caseworker(request: Request, lang: str) -> Principal:
    """The signed-in caseworker of this request.

    Raises:
        SignIn: no token, or one that is not a valid caseworker's.
    """
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignIn(lang, "error_signed_out")
    settings: Settings = request.app.state.services.settings
    return check(settings, token, lang)


def keep(request: Request, response: Response, token: str) -> None:
    """Keep the token in the session cookie."""
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
        path="/",
    )  # fmt: skip


def forget(response: Response) -> None:
    """Remove the token's cookie."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
