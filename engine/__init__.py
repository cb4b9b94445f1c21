"""lifeevents: the domain core. Rule catalog, eligibility evaluation, and (later) life events,
tell-us-once, scenarios and equity. Imports nothing from ``api``.

:class:`Engine` is the one handle: ``Engine.load(rules_dir)`` then ``check``, ``check_dates``,
``evaluate``, ``reformed``.
"""

from engine.engine import Engine

__all__ = ["Engine"]
