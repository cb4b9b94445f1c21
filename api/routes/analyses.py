"""``POST /v1/analyses/equity``: disparity checks by group, for the analyst role only.

The body names no file: the server draws a synthetic population from one of its bundled specs
(``scenarios/populations/<spec>.yaml``) at a capped size and seed, and applies, if asked, one of
its bundled reforms (``scenarios/reforms/<reform>.yaml``). A caller can therefore neither read a
file of the server nor make it work past the cap. The answer holds aggregates only, every small
cell suppressed (with its complements) as the preset says.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Principal, require
from api.routes.common import ERRORS, off_loop
from api.services import Services, services
from engine.engine import Engine
from engine.equity.inmemory import equity_document
from engine.equity.suppress import Policy
from engine.errors import InputError
from engine.scenarios.generate import generate
from engine.scenarios.reforms import reformed
from engine.scenarios.spec import PopulationSpec, load_spec

__all__ = ["MAX_PERSONS", "router"]

router = APIRouter(
    prefix="/v1/analyses",
    tags=["analyses"],
    responses={k: ERRORS[k] for k in (400, 401, 403, 422)},
)
Svc = Annotated[Services, Depends(services)]
Analyst = Annotated[Principal, Depends(require("analyst"))]

#: the largest population a request may have drawn
MAX_PERSONS = 20_000
_BUNDLED = Path(__file__).resolve().parents[2] / "scenarios"
_NAME = re.compile(r"^[a-z0-9_]{1,64}$")
Group = Literal[
    "gender", "indigenous_identity", "racialized", "newcomer", "official_language_minority",
    "rural_remote", "age_band", "disability", "province",
]  # fmt: skip

EXAMPLE: dict[str, Any] = {
    "spec": "canada",
    "size": 5000,
    "seed": 1,
    "reform": "ccb_maxima_plus_10",
    "by": ["gender", "indigenous_identity"],
    "intersections": 2,
    "preset": "default",
    "programs": ["ca_ccb", "ca_gst_credit"],
}


def _default_groups() -> list[Group]:
    return ["gender", "indigenous_identity"]


class EquityIn(BaseModel):
    """What to check: a bundled spec drawn at a size, the groups, the protection."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    spec: str = Field("canada", description="A bundled population spec.", max_length=64)
    size: int = Field(5000, ge=100, le=MAX_PERSONS, description="Persons to draw.")
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="Seed (default: the spec's).")
    reform: str | None = Field(None, description="A bundled reform.", max_length=64)
    by: list[Group] = Field(default_factory=_default_groups, min_length=1, max_length=4)
    intersections: int = Field(1, ge=1, le=2, description="Cross up to two groups.")
    preset: Literal["default", "statcan"] = "default"
    reference: dict[str, str] = Field(default_factory=dict, max_length=4)
    programs: list[str] | None = Field(
        None, max_length=100, description="Only these programs' rows (default: every program)."
    )


class EquityOut(BaseModel):
    """The report: what was checked, the programs, the published rows, the gap changes."""

    about: dict[str, Any]
    programs: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    gaps: list[dict[str, Any]]


def _bundled(kind: str, name: str, field: str) -> Path:
    folder = _BUNDLED / kind
    known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    if not _NAME.match(name) or name not in known:
        raise InputError(
            field, f"no bundled {field} '{name}' (known: {', '.join(known) or 'none'})"
        )
    return folder / f"{name}.yaml"


@functools.lru_cache(maxsize=8)
def _spec(engine: Engine, path: Path) -> PopulationSpec:
    return load_spec(path, engine.catalog.facts)


@functools.lru_cache(maxsize=8)
def _reform(engine: Engine, path: Path) -> Engine:
    return reformed(engine, path)[1]


def analyse_body(engine: Engine, body: EquityIn) -> dict[str, Any]:
    """The report a body asks for (framework-free: the route runs it off the event loop)."""
    spec = _spec(engine, _bundled("populations", body.spec, "spec"))
    reform = _reform(engine, _bundled("reforms", body.reform, "reform")) if body.reform else None
    population = generate(spec, engine.catalog.facts, size=body.size, seed=body.seed)
    return equity_document(
        engine,
        population,
        tuple(body.by),
        policy=Policy.named(body.preset),
        reform=reform,
        about={
            "population": body.spec,
            "size": body.size,
            "seed": body.seed,
            "on": population.as_of.isoformat(),
            "reform": body.reform,
        },
        intersections=body.intersections,
        reference=body.reference,
        programs=body.programs,
    )


@router.post("/equity", summary="Disparity checks by group (analysts)")
async def equity(body: EquityIn, caller: Analyst, svc: Svc) -> EquityOut:
    """Eligibility rates with Wilson intervals, gaps to a reference group with Holm-corrected
    tests and the four-fifths flag, amounts by group and, with a reform, the change of each
    gap; small cells suppressed. Aggregates only, over a synthetic population drawn from a
    bundled spec (at most 20,000 persons)."""
    del caller
    doc = await off_loop(lambda: analyse_body(svc.engine, body))
    return EquityOut(**doc)
