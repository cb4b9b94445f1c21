"""Rule files, pure: the fact registry, shared definitions, programs, the expression language,
the profile contract, the tell-us-once sharing rules. Nothing here runs a household; see
:mod:`engine.evaluation`."""

from engine.catalog.agreements import Agency, Agreement, SharingRules
from engine.catalog.expressions import Expr, Namespace, check_expression
from engine.catalog.facts import Fact, FactRegistry, Kind
from engine.catalog.loader import load_catalog, load_facts, validate_catalog
from engine.catalog.paths import default_rules_dir
from engine.catalog.profile import Profile, parse_profile, profile_model
from engine.catalog.program import Catalog, Definition, Part, ProgramRules
from engine.catalog.schema import Program

__all__ = [
    "Agency",
    "Agreement",
    "Catalog",
    "Definition",
    "Expr",
    "Fact",
    "FactRegistry",
    "Kind",
    "Namespace",
    "Part",
    "Profile",
    "Program",
    "ProgramRules",
    "SharingRules",
    "check_expression",
    "default_rules_dir",
    "load_catalog",
    "load_facts",
    "parse_profile",
    "profile_model",
    "validate_catalog",
]
