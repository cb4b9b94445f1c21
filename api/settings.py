"""The service's settings, from the environment (or given by tests and ``lifeevents serve``).

``LIFEEVENTS_JWT_KEY`` signs and checks bearer tokens; outside the demo mode there is no default
key and the service refuses to start without one. ``DATABASE_URL`` names the store (default:
the SQLite file).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from engine.catalog.json_input import MAX_INPUT_BYTES
from engine.tellusonce import database_url

__all__ = ["MIN_KEY_LENGTH", "Settings", "SettingsError"]

MIN_KEY_LENGTH = 32
"""The shortest signing key accepted (HS256 wants at least 256 bits)."""


class SettingsError(ValueError):
    """The service cannot start with these settings (the message says which and why)."""


@dataclass(frozen=True)
class Settings:
    """How the service runs."""

    database_url: str
    signing_key: str
    demo: bool = False
    rules: Path | None = None
    max_body_bytes: int = MAX_INPUT_BYTES
    issuer: str = "lifeevents"

    def __post_init__(self) -> None:
        if len(self.signing_key) < MIN_KEY_LENGTH:
            raise SettingsError(
                f"LIFEEVENTS_JWT_KEY: at least {MIN_KEY_LENGTH} characters are needed"
            )

    @classmethod
    def from_env(cls, *, demo: bool = False, database: str | None = None) -> Settings:
        """The settings of the environment; in demo mode a missing key is made up for the run.

        Raises:
            SettingsError: no signing key outside the demo mode, or one too short.
        """
        key = os.environ.get("LIFEEVENTS_JWT_KEY")
        if key is None:
            if not demo:
                raise SettingsError(
                    "LIFEEVENTS_JWT_KEY is not set: the service needs a signing key for its "
                    "tokens (only the demo mode makes one up)"
                )
            key = secrets.token_urlsafe(48)
        rules = os.environ.get("LIFEEVENTS_RULES")
        return cls(
            database_url=database or database_url(),
            signing_key=key,
            demo=demo,
            rules=Path(rules) if rules else None,
        )
