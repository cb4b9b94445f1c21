"""The engine object: each bug the engine-shape review found has a test that failed before."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from kit import ENGINE, maria_and_leo

from engine import Engine
from engine.catalog.program import BENEFIT, STATUS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"


def _household(**changes: Any) -> dict[str, Any]:
    """The example family, with no province unless ``changes`` give one."""
    return maria_and_leo(**{"province": None, **changes})


def _result(data: dict[str, Any], program: str, engine: Engine = ENGINE) -> Any:
    return {r.program: r for r in engine.check(data).results}.get(program)


def test_a_provincial_program_is_undetermined_not_eligible_when_the_province_is_unknown() -> None:
    # on_ocb has no province criterion of its own: the engine compiles it from `jurisdiction`
    ocb = _result(_household(), "on_ocb")
    assert ocb.status == "undetermined"
    assert "household/province" in ocb.missing_facts
    assert _result(_household(province="ON"), "on_ocb").status == "eligible"


def test_a_provincial_program_is_not_eligible_elsewhere_in_checks_populations_and_is_eligible() -> (
    None
):
    assert _result(_household(province="BC"), "on_ocb") is None  # not listed: does not apply
    population = ENGINE.population([ENGINE.parse(_household(province="BC"))])
    run = ENGINE.simulate(population)
    assert run.calculate("on_ocb", STATUS)[0] == 0.0  # what is_eligible("on_ocb") reads
    result = ENGINE.evaluate(population)
    assert (result.status["on_ocb"][0], result.benefit["on_ocb"][0]) == (0.0, 0.0)


def test_one_run_on_two_dates_gives_each_dates_own_answer() -> None:
    days = [dt.date(2026, 1, 15), dt.date(2041, 6, 1)]
    both = ENGINE.check_dates(_household(province="ON"), days)
    alone = [ENGINE.check({**_household(province="ON"), "as_of": d.isoformat()}) for d in days]
    assert [r.model_dump_json() for r in both] == [r.model_dump_json() for r in alone]
    ccb = [{r.program: r for r in result.results}["ca_ccb"] for result in both]
    # leo is 2 in January 2026 (under-6 rate) and 17 in June 2041 (6-to-17 rate)
    assert ccb[0].amount is not None and ccb[1].amount is not None
    assert ccb[0].amount.annual == 7997.0 and ccb[1].amount.annual != ccb[0].amount.annual


def test_a_dated_table_value_replaces_the_whole_table() -> None:
    engine = Engine.load(FIXTURES / "table_replaced")
    data = {
        "household": {
            "members": [{"id": "a", "role": "applicant"}]
            + [{"id": f"c{i}", "role": "child"} for i in range(3)]
        }
    }
    before = _result({**data, "as_of": "2024-06-01"}, "xx_table", engine)
    after = _result({**data, "as_of": "2025-06-01"}, "xx_table", engine)
    assert before.amount.annual == 300.0  # row 3 in 2024
    assert after.amount.annual == 200.0  # row 3 is gone in 2025: the highest row left is 2


def _pensioners() -> dict[str, Any]:
    person = {
        "date_of_birth": "1950-03-01",
        "residency_status": "citizen",
        "years_in_canada_since_18": 50,
        "net_income": 30000,
    }
    return {
        "as_of": "2026-01-15",
        "household": {
            "province": "ON",
            "members": [
                {"id": "ruth", "role": "applicant", **person},
                {"id": "sam", "role": "spouse", **person},
            ],
        },
    }


def test_a_couples_two_pensions_count_twice_in_a_population_and_each_member_is_answered() -> None:
    oas = _result(_pensioners(), "ca_oas")
    assert [m.member for m in oas.by_member] == ["ruth", "sam"]
    assert all(m.status == "eligible" for m in oas.by_member)
    one = oas.by_member[0].amount.annual
    result = ENGINE.evaluate(ENGINE.population([ENGINE.parse(_pensioners())]))
    assert round(float(result.benefit["ca_oas"][0]), 2) == round(2 * one, 2)
    assert result.person_benefit["ca_oas"].tolist() == pytest.approx([one, one])


def test_a_population_sliced_into_chunks_gives_the_same_results() -> None:
    profiles = [ENGINE.parse(_household(province=p)) for p in ("ON", "BC", "QC")]
    profiles.append(ENGINE.parse(_pensioners()))
    population = ENGINE.population(profiles)
    whole = ENGINE.evaluate(population)
    parts = [ENGINE.evaluate(chunk) for chunk in population.chunks(3)]
    for program in whole.status:
        joined = np.concatenate([p.benefit[program] for p in parts])
        np.testing.assert_array_equal(joined, whole.benefit[program])
    assert [c.n_households for c in population.chunks(3)] == [3, 1]


def test_group_columns_travel_with_the_population_and_the_rules_cannot_read_them() -> None:
    data = copy.deepcopy(_household(province="ON"))
    data["household"]["members"][0]["demographics"] = {"gender": "woman", "rural_remote": True}
    population = ENGINE.population([ENGINE.parse(data)])
    assert population.groups["gender"].tolist() == ["woman", ""]
    assert population.groups["gender"].dtype.kind == "U"  # no Python object per person
    assert "gender" not in ENGINE.catalog.facts


def test_engines_hold_their_own_catalogs(tmp_path: Path) -> None:
    only_table = Engine.load(FIXTURES / "table_replaced")
    assert list(only_table.catalog.programs) == ["xx_table"]
    assert "xx_table" not in ENGINE.catalog.programs
    assert ENGINE.compiled.explain_fn is not only_table.compiled.explain_fn


def test_a_profile_without_a_date_is_asked_on_the_engines_clock() -> None:
    engine = Engine(ENGINE.catalog, clock=lambda: dt.date(2025, 3, 3))
    data = _household(province="ON")
    del data["as_of"]
    assert engine.check(data).as_of == dt.date(2025, 3, 3)


def test_benefit_equals_amount_when_eligible_per_person() -> None:
    run = ENGINE.simulate(ENGINE.population([ENGINE.parse(_pensioners())]))
    assert (run.calculate("ca_oas", STATUS) == 1.0).all()
    assert (run.calculate("ca_oas", BENEFIT) > 0).all()


@pytest.mark.parametrize("copies", [1, 9])  # the one-household code, and vectorized runs
def test_evaluating_some_programs_gives_their_answers_in_the_whole_catalog(copies: int) -> None:
    profiles = [ENGINE.parse(_household(province=p)) for p in ("ON", "BC", "QC")] * copies
    population = ENGINE.population(profiles)
    whole = ENGINE.evaluate(population)
    some = ENGINE.evaluate(population, programs={"ca_ccb", "ca_oas", "on_ocb"})
    assert set(some.status) == {"ca_ccb", "ca_oas", "on_ocb"}
    for program in some.status:
        np.testing.assert_array_equal(whole.status[program], some.status[program])
        np.testing.assert_array_equal(whole.benefit[program], some.benefit[program])
    np.testing.assert_array_equal(whole.person_benefit["ca_oas"], some.person_benefit["ca_oas"])
    assert (some.status["ca_ccb"] == 1.0).any()


def test_a_population_evaluated_in_chunks_gives_what_one_run_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from engine.eligibility import populations

    profiles = [ENGINE.parse(_household(province=p)) for p in ("ON", "BC", "QC", "ON", "AB")]
    whole = ENGINE.evaluate(ENGINE.population(profiles))
    monkeypatch.setattr(populations, "CHUNK_HOUSEHOLDS", 2)
    chunked = ENGINE.evaluate(ENGINE.population(profiles))
    for program in ENGINE.catalog.programs:
        np.testing.assert_array_equal(whole.status[program], chunked.status[program])
        np.testing.assert_array_equal(whole.benefit[program], chunked.benefit[program])
    for program in whole.person_status:
        np.testing.assert_array_equal(whole.person_status[program], chunked.person_status[program])
