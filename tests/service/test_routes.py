"""Each route, each role: what it answers, what it refuses (as problems), and that a record is
reached only by whom it belongs to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from apikit import bearer
from fastapi.testclient import TestClient
from kit import ENGINE
from sqlalchemy import select

from api.settings import Settings, SettingsError
from engine.tellusonce import connect
from engine.tellusonce.schema import audit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOUSEHOLD = json.loads((EXAMPLES / "household.json").read_text())
BIRTH = json.loads((EXAMPLES / "birth.json").read_text())
TOLD = {"as_of": BIRTH["as_of"], "event": BIRTH["event"]}  # the birth, told by a client
PROBLEM = "application/problem+json"
AGENCY = "on_mccss"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:400]
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"]
    assert "Traceback" not in response.text
    return body


def _registered(client: TestClient, settings: Settings, agency: str = AGENCY) -> str:
    done = client.post("/v1/clients", json=HOUSEHOLD, headers=bearer(settings, "caseworker",
                                                                    agency=agency))  # fmt: skip
    assert done.status_code == 201, done.text
    assert done.headers["location"] == f"/v1/clients/{done.json()['id']}"
    return str(done.json()["id"])


def test_the_catalog_is_open_to_anyone(client: TestClient) -> None:
    programs = client.get("/v1/programs").json()
    assert programs["count"] == len(programs["data"]) >= 60
    federal = client.get("/v1/programs", params={"level": "federal"}).json()
    assert {p["jurisdiction"]["level"] for p in federal["data"]} == {"federal"}
    ccb = client.get("/v1/programs/ca_ccb").json()
    assert ccb["program"] == "ca_ccb" and ccb["rules"]["references"]
    _problem(client.get("/v1/programs/no_such_program"), 404)
    events = client.get("/v1/life-events").json()
    assert "birth" in {e["event"] for e in events["data"]}


def test_screening_is_anonymous_and_answers_as_the_cli(client: TestClient) -> None:
    answer = client.post("/v1/eligibility", json=HOUSEHOLD)
    assert answer.status_code == 200
    assert answer.json() == json.loads(ENGINE.check(HOUSEHOLD).model_dump_json())
    ccb = next(r for r in answer.json()["results"] if r["program"] == "ca_ccb")
    assert ccb["status"] == "eligible"
    event = client.post("/v1/events", json=BIRTH)
    assert event.status_code == 200
    assert event.json() == json.loads(ENGINE.event(BIRTH).model_dump_json())


@pytest.mark.parametrize(
    ("body", "status", "where"),
    [
        (b'{"as_of": ', 400, ""),
        (b"", 400, ""),
        (b'{"a": NaN}', 400, ""),
        (json.dumps({**HOUSEHOLD, "as_of": "soon"}).encode(), 422, "/as_of"),
        (json.dumps({"household": {"members": []}}).encode(), 422, "/household/members"),
        (
            json.dumps(
                {
                    "as_of": "2001-01-01",
                    "household": {"province": "ON", "members": [{"id": "a", "role": "applicant"}]},
                }
            ).encode(),
            422,
            "/as_of",
        ),  # before the figures
    ],
)
def test_bad_screening_input_is_a_problem_naming_the_field(
    client: TestClient, body: bytes, status: int, where: str
) -> None:
    found = _problem(client.post("/v1/eligibility", content=body), status)
    assert found["errors"] and found["errors"][0]["pointer"] == where, found


def test_a_body_past_the_limit_is_refused_before_it_is_read(
    client: TestClient, settings: Settings
) -> None:
    big = b"[" + b"0," * settings.max_body_bytes + b"0]"
    _problem(client.post("/v1/eligibility", content=big), 413)


def test_a_household_past_30_members_is_refused(client: TestClient) -> None:
    members = [{"id": f"m{i}", "role": "child"} for i in range(31)]
    members[0]["role"] = "applicant"
    body = {"as_of": "2026-01-15", "household": {"province": "ON", "members": members}}
    found = _problem(client.post("/v1/eligibility", json=body), 422)
    assert found["errors"][0]["pointer"] == "/household/members"


def test_a_caseworker_registers_reads_and_records_with_a_purpose(
    client: TestClient, settings: Settings
) -> None:
    client_id = _registered(client, settings)
    worker = bearer(settings, "caseworker", agency=AGENCY)
    no_purpose = _problem(client.get(f"/v1/clients/{client_id}", headers=worker), 422)
    assert no_purpose["errors"][0]["pointer"] == "purpose"
    read = client.get(f"/v1/clients/{client_id}", params={"purpose": "annual review"},
                      headers=worker)  # fmt: skip
    assert [m["id"] for m in read.json()["household"]["members"]] == ["maria", "leo"]
    granted = client.post(f"/v1/clients/{client_id}/consents",
                          json={"agreement_id": "cra_child_benefits"}, headers=worker)  # fmt: skip
    assert granted.status_code == 201 and granted.json()["data"][0]["sharing"] is True
    told = client.post(f"/v1/clients/{client_id}/events", json=TOLD, headers=worker)
    assert told.status_code == 200, told.text
    assert told.json()["shared_with"] == [{"agency": "cra", "agreement": "cra_child_benefits"}]
    assert told.json()["facts_recorded"] == 4
    facts = client.get(f"/v1/clients/{client_id}/facts", params={"purpose": "review"},
                       headers=worker).json()  # fmt: skip
    assert ("ana", "date_of_birth") in {(f["member"], f["name"]) for f in facts["data"]}
    now = client.get(f"/v1/clients/{client_id}/suggestions",
                     params={"purpose": "review", "on": "2026-03-02"}, headers=worker)  # fmt: skip
    assert now.status_code == 200 and now.json()["results"]
    revoked = client.delete(f"/v1/clients/{client_id}/consents/cra_child_benefits",
                            headers=worker)  # fmt: skip
    assert revoked.json()["data"][0]["sharing"] is False
    export = client.get(f"/v1/clients/{client_id}/export", params={"purpose": "client asked"},
                        headers=worker).json()  # fmt: skip
    purposes = {a["purpose"] for a in export["accesses"] if a["action"] == "profile.read"}
    assert "annual review" in purposes
    with connect(settings.database_url).connect() as connection:
        actors = set(connection.execute(select(audit.c.actor)).scalars())
    assert "test-caseworker" in actors


def test_a_citizen_reaches_their_own_record_only(client: TestClient, settings: Settings) -> None:
    mine, theirs = _registered(client, settings), _registered(client, settings)
    me = bearer(settings, "citizen", client=mine)
    assert client.get(f"/v1/clients/{mine}", headers=me).status_code == 200
    for path in ("", "/facts", "/export", "/suggestions", "/consents"):
        _problem(client.get(f"/v1/clients/{theirs}{path}", headers=me), 404)
    _problem(client.post(f"/v1/clients/{theirs}/events", json={"event": BIRTH["event"]},
                         headers=me), 404)  # fmt: skip
    _problem(client.post("/v1/clients", json=HOUSEHOLD, headers=me), 403)


def test_a_caseworker_reaches_only_the_clients_of_their_agency(
    client: TestClient, settings: Settings
) -> None:
    elsewhere = _registered(client, settings, agency="bc_sdpr")
    worker = bearer(settings, "caseworker", agency=AGENCY)
    _problem(client.get(f"/v1/clients/{elsewhere}", params={"purpose": "look"}, headers=worker),
             404)  # fmt: skip
    _problem(client.get("/v1/clients/no-such-client", params={"purpose": "look"},
                        headers=worker), 404)  # fmt: skip


def test_an_analyst_reads_no_person(client: TestClient, settings: Settings) -> None:
    someone = _registered(client, settings)
    analyst = bearer(settings, "analyst")
    for path in ("", "/facts", "/export", "/suggestions", "/consents"):
        _problem(client.get(f"/v1/clients/{someone}{path}", headers=analyst), 403)
    _problem(client.get("/v1/agencies/cra/inbox", headers=analyst), 403)
    assert client.get("/v1/programs", headers=analyst).status_code == 200  # aggregates: yes


def test_an_agency_reads_and_acknowledges_its_own_inbox_only(
    client: TestClient, settings: Settings
) -> None:
    from engine.tellusonce import deliver

    client_id = _registered(client, settings)
    worker = bearer(settings, "caseworker", agency=AGENCY)
    client.post(f"/v1/clients/{client_id}/consents", json={"agreement_id": "cra_child_benefits"},
                headers=worker)  # fmt: skip
    client.post(f"/v1/clients/{client_id}/events", json=TOLD, headers=worker)
    deliver(connect(settings.database_url))
    cra = bearer(settings, "agency", agency="cra")
    (message,) = client.get("/v1/agencies/cra/inbox", headers=cra).json()["data"]
    assert {f["name"] for f in message["fields"]} == {"custody", "date_of_birth"}
    acked = client.post(f"/v1/agencies/cra/inbox/{message['id']}/ack", headers=cra)
    assert acked.status_code == 200 and acked.json()["acked_at"]
    assert client.get("/v1/agencies/cra/inbox", headers=cra).json()["count"] == 0
    _problem(client.post("/v1/agencies/cra/inbox/999/ack", headers=cra), 404)
    esdc = bearer(settings, "agency", agency="esdc")
    _problem(client.get("/v1/agencies/cra/inbox", headers=esdc), 403)
    _problem(client.post(f"/v1/agencies/cra/inbox/{message['id']}/ack", headers=esdc), 403)


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Basic abc", "Bearer ", "bearer eyJhbGciOiJub25lIn0.e30."],
)
def test_a_bad_token_is_a_401_never_anonymous(client: TestClient, header: str) -> None:
    found = _problem(client.get("/v1/programs", headers={"Authorization": header}), 401)
    assert found["detail"]


def test_a_token_signed_with_another_key_or_expired_is_refused(
    client: TestClient, settings: Settings
) -> None:
    other = Settings(database_url=settings.database_url, signing_key="another-key-" + "y" * 32)
    _problem(client.get("/v1/programs", headers=bearer(other, "analyst")), 401)
    from api.auth import mint

    expired = mint(settings, "x", "analyst", hours=-1)
    found = _problem(client.get("/v1/programs", headers={"Authorization": f"Bearer {expired}"}),
                     401)  # fmt: skip
    assert "expired" in found["detail"]


def test_no_signing_key_outside_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIFEEVENTS_JWT_KEY", raising=False)
    with pytest.raises(SettingsError, match="LIFEEVENTS_JWT_KEY"):
        Settings.from_env()
    assert len(Settings.from_env(demo=True).signing_key) >= 32
    monkeypatch.setenv("LIFEEVENTS_JWT_KEY", "short")
    with pytest.raises(SettingsError, match="at least"):
        Settings.from_env()


def test_health_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    client.post("/v1/eligibility", json=HOUSEHOLD)
    text = client.get("/metrics").text
    assert 'lifeevents_requests_total{method="POST",route="/v1/eligibility",status="200"}' in text
    assert "lifeevents_checks_total 1.0" in text
    assert "lifeevents_request_seconds_bucket" in text


def test_metrics_count_errors_under_the_route_template_never_the_raw_path(
    client: TestClient,
) -> None:
    assert client.get("/v1/programs/not_a_program_xyz").status_code == 404
    assert client.post("/v1/eligibility", content=b"{").status_code == 400
    text = client.get("/metrics").text
    assert 'route="/v1/programs/{program_id}",status="404"' in text
    assert 'route="/v1/eligibility",status="400"' in text
    assert "not_a_program_xyz" not in text


def test_the_openapi_document_has_an_example_for_every_body(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                schema = media.get("schema", {})
                ref = schema.get("$ref", "").rsplit("/", 1)[-1]
                has = "example" in media or "examples" in document["components"]["schemas"].get(
                    ref, {}
                ) or any("examples" in f for f in document["components"]["schemas"].get(
                    ref, {}).get("properties", {}).values())  # fmt: skip
                assert has, (method, path)
    assert {"Profile", "LifeEvent", "RecordedEvent"} <= set(document["components"]["schemas"])


class _Refusing:
    """An engine whose rules the examples do not fit (or that is broken)."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.asked: list[str] = []

    def check(self, data: Any) -> None:
        self.asked.append("check")
        raise self.error

    def event(self, data: Any) -> None:
        self.asked.append("event")
        raise self.error


def test_warming_up_answers_the_examples_and_skips_rules_they_do_not_fit() -> None:
    from api.app import warm_up
    from engine.errors import InputError, ParameterValueMissing

    warm_up(ENGINE)  # the bundled catalog: both examples answer
    for error in (InputError("household", "no"), ParameterValueMissing("rules", 0, "none")):
        refusing = _Refusing(error)
        warm_up(refusing)  # type: ignore[arg-type]
        assert refusing.asked == ["check", "event"]
    with pytest.raises(RuntimeError):  # a bug is not hidden by the warm-up
        warm_up(_Refusing(RuntimeError("bug")))  # type: ignore[arg-type]
