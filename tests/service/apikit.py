"""Helpers of the API tests: the test signing key and a role's Authorization header."""

from __future__ import annotations

from api.auth import Role, mint
from api.settings import Settings

KEY = "test-signing-key-" + "x" * 32


def bearer(settings: Settings, role: Role, **claims: str) -> dict[str, str]:
    """The Authorization header of a token for ``role``."""
    return {"Authorization": f"Bearer {mint(settings, f'test-{role}', role, **claims)}"}
