"""``POST /v1/analyses/equity``: an analyst gets aggregates with small cells suppressed; any
other caller is refused; bad bodies are problems naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from apikit import bearer
from fastapi.testclient import TestClient

from api.routes.analyses import EXAMPLE
from api.settings import Settings

SMALL = {
    "spec": "canada",
    "size": 1500,
    "seed": 3,
    "by": ["gender", "age_band"],
    "intersections": 2,
}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def test_an_analyst_gets_aggregates_with_small_cells_suppressed(
    client: TestClient, settings: Settings
) -> None:
    answer = client.post("/v1/analyses/equity", json=SMALL, headers=bearer(settings, "analyst"))
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    assert doc["about"]["persons"] >= 1500 and doc["about"]["protection"]["threshold"] == 10
    assert {r["table"] for r in doc["rows"]} == {"all", "gender", "age_band", "gender*age_band"}
    hidden = [r for r in doc["rows"] if r["suppressed"]]
    assert hidden, "1,500 persons by gender and age: some cells are small"
    assert all(
        set(r) <= {"table", "group", "program", "entity", "run", "reference", "suppressed"}
        for r in hidden
    )
    assert all(r["n"] >= 10 for r in doc["rows"] if not r["suppressed"])
    # no person anywhere: no identifier, no member, only counts and rates
    assert "member" not in answer.text and "#0" not in answer.text


def test_the_documented_example_runs_with_a_reform(client: TestClient, settings: Settings) -> None:
    answer = client.post("/v1/analyses/equity", json=EXAMPLE, headers=bearer(settings, "analyst"))
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    assert {p["id"] for p in doc["programs"]} == {"ca_ccb", "ca_gst_credit"}
    assert {r["program"] for r in doc["rows"]} == {"ca_ccb", "ca_gst_credit"}
    assert any(g["program"] == "ca_ccb" for g in doc["gaps"])
    assert doc["about"]["reform"] == "ccb_maxima_plus_10"


@pytest.mark.parametrize("role", ["citizen", "caseworker", "agency"])
def test_only_analysts_may_ask(client: TestClient, settings: Settings, role: str) -> None:
    claims = {"client": "x"} if role == "citizen" else {"agency": "cra"}
    if role == "citizen":
        headers = bearer(settings, "citizen", client="x")
    else:
        headers = bearer(settings, role, **claims)  # type: ignore[arg-type]
    _problem(client.post("/v1/analyses/equity", json=SMALL, headers=headers), 403)
    _problem(client.post("/v1/analyses/equity", json=SMALL), 401)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"spec": "../../etc/passwd"}, "/spec"),
        ({"spec": "nowhere"}, "/spec"),
        ({"reform": "double_everything"}, "/reform"),
        ({"size": 10_000_000}, "/size"),
        ({"by": ["eye_colour"]}, "/by/0"),
        ({"intersections": 3}, "/intersections"),
        ({"reference": {"gender": "robot"}}, "/reference/gender"),
        ({"programs": ["ca_nothing"]}, "/programs/0"),
        ({"file": "/tmp/pop.parquet"}, "/file"),
    ],
)
def test_bad_bodies_are_problems_naming_the_field(
    client: TestClient, settings: Settings, change: dict[str, Any], pointer: str
) -> None:
    body = _problem(
        client.post(
            "/v1/analyses/equity", json={**SMALL, **change}, headers=bearer(settings, "analyst")
        ),
        422,
    )
    assert any(e["pointer"].startswith(pointer) for e in body["errors"]), body
