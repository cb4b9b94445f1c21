"""The app against its own OpenAPI document (schemathesis): generated requests to every
operation, anonymous and with a caseworker's token; never a server error, every status and
content type documented, every body conforming to its schema.

The engine checks more than a JSON Schema can say (one applicant, a municipality inside the
province, dates before ``as_of``…), so valid-looking data may be refused with a 422 problem:
``positive_data_acceptance`` is not among the checks.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from apikit import KEY
from hypothesis import HealthCheck, settings
from kit import ENGINE
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.auth import mint
from api.settings import Settings
from engine.tellusonce import connect, upgrade

STORE = Path(__file__).resolve().parent / ".fuzz" / "store.sqlite3"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CASES = 50  # per operation and token: 18 operations x 50 x 2, of which >= 1,000 are generated
SEEN = itertools.count()


def _app() -> Any:
    STORE.parent.mkdir(exist_ok=True)
    STORE.unlink(missing_ok=True)
    configured = Settings(database_url=f"sqlite:///{STORE}", signing_key=KEY)
    upgrade(connect(configured.database_url))
    return configured, create_app(configured, engine=ENGINE)


SETTINGS, APP = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
TOKENS = {
    "anonymous": {},
    "caseworker": {
        "Authorization": f"Bearer {mint(SETTINGS, 'fuzz', 'caseworker', agency='on_mccss')}"
    },
}


@pytest.fixture(params=sorted(TOKENS))
def token(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The headers of one caller."""
    yield TOKENS[request.param]


@schema.parametrize()
@settings(
    max_examples=CASES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_own_contract(case: Any, token: dict[str, str]) -> None:
    next(SEEN)
    case.call_and_validate(headers=token, checks=CHECKS)


def test_enough_cases_were_generated() -> None:
    """Runs after the fuzzing (file order): at least 1,000 requests were made."""
    made = next(SEEN)
    assert made >= 1000, made
