"""The page's routes through the app (no browser): the token checked on every request as the
API checks it, a client of another agency never shown, the household corrected without
losing what the form does not ask, the agency's client list (``GET /v1/clients``)."""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kit import ENGINE
from sqlalchemy import select

from api.app import create_app
from api.auth import mint
from api.settings import Settings
from api.web.forms import MEMBER_FACTS
from api.web.session import COOKIE
from api.web.words import WORDS
from engine.tellusonce import connect, deliver, upgrade
from engine.tellusonce.schema import audit

HOUSEHOLD = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "household.json").read_text()
)
KEY = "web-test-signing-key-" + "x" * 32
AGENCY = "on_mccss"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    found = Settings(database_url=f"sqlite:///{tmp_path / 'web.sqlite3'}", signing_key=KEY)
    upgrade(connect(found.database_url))
    return found


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=ENGINE), follow_redirects=False) as test_client:
        yield test_client


def _caseworker(client: TestClient, settings: Settings, agency: str = AGENCY) -> str:
    token = mint(settings, "cw-1", "caseworker", agency=agency)
    client.cookies.set(COOKIE, token)
    return token


def _register(
    client: TestClient, settings: Settings, agency: str = AGENCY, household: Any = None
) -> str:
    token = mint(settings, "cw-api", "caseworker", agency=agency)
    done = client.post("/v1/clients", json=household or HOUSEHOLD,
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert done.status_code == 201, done.text
    return str(done.json()["id"])


def _html(response: Any) -> str:
    return html.unescape(response.text)


def _said(lang: str, key: str, **fields: Any) -> str:
    from engine.wording import say

    text = WORDS[lang][key]
    return say(text.format(**fields) if fields else text, lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_screen_needs_a_valid_caseworker_token(
    client: TestClient, settings: Settings, lang: str
) -> None:
    client_id = _register(client, settings)
    for path in ("clients", f"clients/{client_id}", f"clients/{client_id}/consents"):
        page = client.get(f"/{lang}/{path}")
        assert page.status_code == 401 and _said(lang, "error_signed_out") in _html(page)
    client.cookies.set(COOKIE, "not.a.token")
    page = client.get(f"/{lang}/clients")
    assert page.status_code == 401 and _said(lang, "error_token_invalid") in _html(page)
    assert "max-age=0" in page.headers["set-cookie"].lower()  # the bad token is forgotten
    client.cookies.set(COOKIE, mint(settings, "a-1", "analyst"))
    page = client.get(f"/{lang}/clients/{client_id}")
    assert page.status_code == 401
    assert _said(lang, "error_not_caseworker", role="analyst") in _html(page)
    client.cookies.set(COOKIE, mint(settings, "cw", "caseworker", agency=AGENCY, hours=-1))
    assert _said(lang, "error_token_expired") in _html(client.get(f"/{lang}/clients"))


def test_a_pasted_token_is_checked_and_kept_in_a_strict_cookie(
    client: TestClient, settings: Settings
) -> None:
    refused = client.post("/en/sign-in", data={"token": "abc"})
    assert refused.status_code == 401 and _said("en", "error_token_invalid") in _html(refused)
    assert client.post("/en/sign-in", data={"demo": "1"}).status_code == 401  # not a demo
    token = mint(settings, "cw-1", "caseworker", agency=AGENCY)
    done = client.post("/en/sign-in", data={"token": token})
    assert done.status_code == 303 and done.headers["location"] == "/en/clients"
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_another_agencys_client_is_not_found(client: TestClient, settings: Settings) -> None:
    theirs = _register(client, settings, agency="bc_sdpr")
    _caseworker(client, settings)
    for path in ("", "/household", "/event", "/consents", "/summary"):
        page = client.get(f"/fr/clients/{theirs}{path}")
        assert page.status_code == 404 and _said("fr", "not_found") in _html(page)
    moved = client.post(f"/en/clients/{theirs}/consents",
                        data={"agreement": "cra_child_benefits", "action": "grant"})  # fmt: skip
    assert moved.status_code == 404
    assert theirs not in client.get("/en/clients").text


def test_results_are_read_with_a_stated_purpose(client: TestClient, settings: Settings) -> None:
    client_id = _register(client, settings)
    _caseworker(client, settings)
    page = client.get(f"/en/clients/{client_id}")
    assert page.status_code == 200 and 'id="level-federal"' in _html(page)
    with connect(settings.database_url).connect() as connection:
        purposes = (
            connection.execute(select(audit.c.purpose).where(audit.c.actor == "cw-1"))
            .scalars()
            .all()
        )
    assert "web: eligibility review" in purposes


def test_a_correction_keeps_what_the_form_does_not_ask(
    client: TestClient, settings: Settings
) -> None:
    household = copy.deepcopy(HOUSEHOLD)
    household["household"]["members"][0]["years_in_canada_since_18"] = 12  # not on the form
    client_id = _register(client, settings, household=household)
    _caseworker(client, settings)
    form = client.get(f"/en/clients/{client_id}/household").text
    assert 'value="maria"' in form
    posted = {
        "province": "ON", "municipality": "toronto",
        "m0.id": "maria", "m0.original": "maria", "m0.role": "applicant",
        "m0.date_of_birth": "1991-05-02", "m0.net_income": "41000",
        "m1.id": "leo", "m1.original": "leo", "m1.role": "child",
        "m1.date_of_birth": "2023-09-10", "m1.custody": "full",
        "m2.id": "",
    }  # fmt: skip
    saved = client.post(f"/en/clients/{client_id}/household", data=posted)
    assert saved.status_code == 303, saved.text[:500]
    token = mint(settings, "cw-api", "caseworker", agency=AGENCY)
    held = client.get(f"/v1/clients/{client_id}?purpose=check",
                      headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
    maria = held["household"]["members"][0]
    assert maria["net_income"] == 41000
    assert maria["years_in_canada_since_18"] == 12  # what the form does not ask is kept
    assert "years_in_canada_since_18" not in MEMBER_FACTS
    assert "marital_status" not in maria  # a field left blank: no longer known
    bad = client.post(f"/fr/clients/{client_id}/household",
                      data={**posted, "m1.date_of_birth": "demain"})  # fmt: skip
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in _html(bad) and 'href="#f-m1.date_of_birth"' in _html(bad)
    assert "pas une date" in _html(bad)


def test_the_next_question_is_answered_in_place(client: TestClient, settings: Settings) -> None:
    client_id = _register(client, settings)
    _caseworker(client, settings)
    first = ENGINE.check(HOUSEHOLD).next_question
    assert first is not None
    answered = client.post(f"/en/clients/{client_id}/answer",
                           data={"fact": first.fact, "value": "false"})  # fmt: skip
    assert answered.status_code == 303
    page = client.get(answered.headers["location"])
    assert _said("en", "answered") in _html(page)
    assert f'value="{first.fact}"' not in _html(page)
    empty = client.post(f"/en/clients/{client_id}/answer", data={"fact": first.fact})
    assert empty.status_code == 422 and "an answer is needed" in _html(empty)


def test_a_caseworker_lists_the_clients_of_their_agency(
    client: TestClient, settings: Settings
) -> None:
    ours, theirs = _register(client, settings), _register(client, settings, agency="bc_sdpr")
    token = mint(settings, "cw-1", "caseworker", agency=AGENCY)
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/v1/clients?purpose=find a client", headers=headers)
    assert listed.status_code == 200
    ids = [row["id"] for row in listed.json()["data"]]
    assert ours in ids and theirs not in ids and listed.json()["count"] == len(ids)
    assert {m["id"] for m in listed.json()["data"][0]["members"]} == {"maria", "leo"}
    assert client.get("/v1/clients", headers=headers).status_code == 422  # no purpose
    analyst = {"Authorization": f"Bearer {mint(settings, 'a', 'analyst')}"}
    assert client.get("/v1/clients?purpose=xyz", headers=analyst).status_code == 403
    assert client.get("/v1/clients?purpose=xyz").status_code == 401


def test_the_page_is_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/clients" in paths and not any(p.startswith("/{lang") for p in paths)
    assert client.get("/").headers["location"] == "/en/"
    assert client.get("/de/clients").status_code == 404


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_message_withdrawn_by_a_revocation_says_so(
    client: TestClient, settings: Settings, lang: str
) -> None:
    client_id = _register(client, settings)
    _caseworker(client, settings)
    given = {"agreement": "cra_child_benefits", "action": "grant"}
    assert client.post(f"/{lang}/clients/{client_id}/consents", data=given).status_code == 303
    token = mint(settings, "cw-api", "caseworker", agency=AGENCY)
    birth = json.loads(
        (Path(__file__).resolve().parents[2] / "examples" / "birth.json").read_text()
    )
    told = client.post(f"/v1/clients/{client_id}/events", json=birth,
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert told.status_code == 200, told.text[:300]
    assert told.json()["shared_with"] == [{"agency": "cra", "agreement": "cra_child_benefits"}]
    revoked = {"agreement": "cra_child_benefits", "action": "revoke"}
    assert client.post(f"/{lang}/clients/{client_id}/consents", data=revoked).status_code == 303
    assert deliver(connect(settings.database_url)).withdrawn == 1
    page = _html(client.get(f"/{lang}/clients/{client_id}/consents"))
    assert _said(lang, "withdrawn") in page and _said(lang, "not_yet") not in page
