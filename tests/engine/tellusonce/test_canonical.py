"""The audit row's canonical JSON, split around its sequence number so that PostgreSQL can chain
rows whose numbers it assigns: the parts joined with the number are exactly the documented form
(every field, keys sorted, no spaces, UTF-8 kept, the instant in UTC to the microsecond)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from engine.tellusonce.audit import canonical_parts

TEXT = st.text(max_size=12)
DETAIL = st.dictionaries(
    TEXT, st.one_of(TEXT, st.integers(), st.lists(TEXT, max_size=3), st.none()), max_size=4
)
ROWS = st.fixed_dictionaries(
    {
        "seq": st.integers(min_value=1, max_value=10**12),
        "at": st.datetimes(
            min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1),
            timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5))]),
        ),
        "actor": TEXT, "role": TEXT, "purpose": TEXT, "action": TEXT, "subject": TEXT,
        "detail": DETAIL,
    }
)  # fmt: skip


@given(ROWS)
def test_the_parts_around_the_number_are_the_canonical_json(row: dict[str, Any]) -> None:
    at = row["at"].astimezone(dt.UTC).replace(tzinfo=None)
    documented = json.dumps(
        {**row, "at": at.isoformat(timespec="microseconds")},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    before, after = canonical_parts(row)
    assert before + str(row["seq"]) + after == documented
    assert json.loads(before + "0" + after)["subject"] == row["subject"]
