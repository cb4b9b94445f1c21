"""The worked life event cases in rules/event_tests, through the same runner as `events test`."""

from __future__ import annotations

from pathlib import Path

from kit import ENGINE

RULES = Path(__file__).resolve().parents[3] / "rules"


def test_every_event_case_passes() -> None:
    outcomes = ENGINE.run_event_tests(RULES / "event_tests")
    assert len(outcomes) >= 5
    failed = [f"{o.location} {o.name}: {o.detail}" for o in outcomes if not o.passed]
    assert not failed, "\n".join(failed)


def test_the_issue_s_events_have_cases() -> None:
    covered = {o.program for o in ENGINE.run_event_tests(RULES / "event_tests")}
    assert {"birth", "death_of_spouse", "job_loss", "move"} <= covered


def test_a_wrong_expectation_fails_with_the_reason(tmp_path: Path) -> None:
    text = (RULES / "event_tests" / "job_loss.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "job_loss.yaml"
    wrong.write_text(
        text.replace("change: newly_eligible", "change: amount_changed"), encoding="utf-8"
    )
    (outcome,) = ENGINE.run_event_tests(wrong)
    assert not outcome.passed and not outcome.broken
    assert "expected amount_changed, got newly_eligible" in outcome.detail
