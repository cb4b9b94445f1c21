"""Engine.event end to end: the contract's shape, every member counted, ranking, bad input."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from kit import ENGINE
from typer.testing import CliRunner

from engine.cli import app
from engine.errors import InputError
from engine.events.result import Suggestion
from engine.events.suggestions import rank


def _event(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "as_of": "2026-10-01",
        "household": {
            "province": "ON",
            "members": [
                {
                    "id": "ruth",
                    "role": "applicant",
                    "date_of_birth": "1958-02-10",
                    "marital_status": "married",
                    "residency_status": "citizen",
                    "years_in_canada_since_18": 50,
                    "net_income": 12000,
                    "employment_income": 0,
                    "self_employment_income": 0,
                    "oas_benefits_income": 0,
                },
                {
                    "id": "tom",
                    "role": "spouse",
                    "date_of_birth": "1956-06-01",
                    "marital_status": "married",
                    "residency_status": "citizen",
                    "years_in_canada_since_18": 50,
                    "net_income": 20000,
                },
            ],
        },
        "event": {"type": "death_of_spouse", "date": "2026-09-15", "data": {"deceased": "tom"}},
    }
    body.update(over)
    return body


def test_a_death_in_a_couple_stops_the_deceased_s_pension_and_names_the_member() -> None:
    result = ENGINE.event(_event())
    stopped = [s for s in result.suggestions if s.member == "tom"]
    assert stopped and {s.change for s in stopped} == {"no_longer_eligible"}
    assert any(s.program == "ca_oas" for s in stopped)
    assert all(s.status == "ineligible" and s.amount is None for s in stopped)
    assert [m["id"] for m in result.household["members"]] == ["ruth"]
    assert result.after.as_of == dt.date(2026, 10, 1)


def test_the_json_answer_has_the_contract_s_fields() -> None:
    body = json.loads(ENGINE.event(_event()).model_dump_json())
    assert {"household", "suggestions", "follow_ups", "notifications"} <= set(body)
    first = body["suggestions"][0]
    assert {"program", "change", "status", "amount", "action", "deadline", "jurisdiction"} <= set(
        first
    )
    assert set(first["action"]) == {"en", "fr"}
    assert body["notifications"][0]["requires_consent"] is True


def _suggestion(program: str, deadline: dt.date | None, annual: float | None) -> Suggestion:
    text = {"en": "x", "fr": "x"}
    return Suggestion.model_validate(
        {
            "program": program,
            "change": "newly_eligible",
            "status": "eligible",
            "amount": {"annual": annual} if annual is not None else None,
            "action": text,
            "deadline": deadline,
            "jurisdiction": {"level": "federal", "code": "CA"},
            "name": text,
            "agency_name": text,
        }
    )


def test_suggestions_rank_deadlines_first_then_the_amount() -> None:
    ranked = rank(
        [
            _suggestion("a", None, 9000.0),
            _suggestion("b", dt.date(2027, 1, 1), 100.0),
            _suggestion("c", dt.date(2026, 11, 1), 50.0),
            _suggestion("d", None, 12000.0),
        ]
    )
    assert [s.program for s in ranked] == ["c", "b", "d", "a"]


@pytest.mark.parametrize(
    ("change", "path", "reason"),
    [
        (
            {"event": {"type": "wedding", "date": "2026-09-15", "data": {}}},
            "event/type",
            "unknown life event",
        ),
        (
            {
                "event": {
                    "type": "death_of_spouse",
                    "date": "2026-12-01",
                    "data": {"deceased": "tom"},
                }
            },
            "event/date",
            "after as_of",
        ),
    ],
)
def test_bad_events_raise_naming_the_field(change: dict[str, Any], path: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        ENGINE.event(_event(**change))
    assert caught.value.path == path and reason in caught.value.reason


def test_the_cli_answers_in_french_and_exits_2_on_bad_input(tmp_path: Any) -> None:
    good = tmp_path / "event.json"
    good.write_text(json.dumps(_event()), encoding="utf-8")
    done = CliRunner().invoke(app, ["event", str(good), "--lang", "fr"])
    assert done.exit_code == 0, done.output
    assert "Décès de l'époux ou du conjoint de fait le 15 septembre 2026" in done.output
    assert "n'est plus admissible" in done.output
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(_event(event={"type": "birth", "date": "2026-09-01", "data": {}})),
        encoding="utf-8",
    )
    done = CliRunner().invoke(app, ["event", str(bad)])
    assert done.exit_code == 2
    assert "event/data/child: required for this event" in done.output


def test_events_list_names_every_event_with_its_programs() -> None:
    done = CliRunner().invoke(app, ["events", "list", "--json"])
    assert done.exit_code == 0, done.output
    rows = {row["event"]: row for row in json.loads(done.output)["data"]}
    expected = {
        "birth",
        "adoption",
        "death_of_spouse",
        "death_of_child_or_parent",
        "union",
        "separation",
        "job_loss",
        "new_job",
        "income_change",
        "retirement",
        "approaching_pension_age",
        "disability_onset",
        "becoming_caregiver",
        "arrival",
        "move",
        "start_studies",
        "birth_registration",
    }
    assert set(rows) == expected
    assert "ca_ccb" in rows["birth"]["programs"] and "ca_ei_regular" in rows["job_loss"]["programs"]
