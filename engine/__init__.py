"""lifeevents: the domain core. Rule catalog, eligibility evaluation, and (later) life events,
tell-us-once, scenarios and equity. Imports nothing from ``api``."""
