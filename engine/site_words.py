"""The words of the browsable catalog (``lifeevents rules docs``), in English and French.

Plain text; :mod:`engine.catalog_site` escapes it into HTML. French follows French typography
(non-breaking spaces before ``:`` and inside amounts) through :func:`engine.wording.say`.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["SITE", "UNITS"]

SITE: Mapping[str, Mapping[str, str]] = {
    "en": {
        "catalog": "Benefit programs catalog",
        "intro": (
            "Every program the engine evaluates, as its rule file declares it: who is eligible, "
            "how much, the dated figures and their sources, and what each file does not model. "
            "Figures in force on {date}."
        ),
        "other_lang": "Français",
        "back": "All programs",
        "count": "{n} programs",
        "agency": "Agency",
        "level": "Level of government",
        "life_events": "Life events",
        "status": "Status",
        "unverified_now": "Unverified figures in force",
        "paid_to": "Evaluated for",
        "household": "the household (one answer per family)",
        "person": "each member (one answer per person)",
        "delivery": "How to get it",
        "apply": "Apply",
        "automatic": "No separate application",
        "deadline": "Deadline",
        "retroactivity": "Can be paid up to {n} months back",
        "income_year": "Income year",
        "income_year_text": (
            "The benefit year starts on {starts}; it reads the income of the tax year {lag} "
            "year(s) before the calendar year in which the benefit year started."
        ),
        "income_year_same": "It reads the income of the current tax year.",
        "in_force": "In force",
        "in_force_from": "From {starts}",
        "in_force_between": "From {starts} to {ends}",
        "valid_through": "Figures reviewed through",
        "file": "Rule file",
        "criteria": "Who is eligible",
        "criteria_intro": (
            "Every criterion must be met. A name in angle brackets is a value computed for the "
            "household; the test is the rule as the engine evaluates it."
        ),
        "test": "Test",
        "when_false": "When not met",
        "amount": "How much",
        "amount_expr": "Annual amount",
        "in_kind": "In kind (a service, no amount)",
        "weekly": "Weekly amount",
        "weeks": "Weeks payable",
        "variables": "Intermediate values",
        "name": "Name",
        "rule": "Rule",
        "parameters": "Figures",
        "effective": "In force from",
        "value": "Value",
        "source": "Source",
        "note": "Note",
        "unverified": "unverified",
        "verified": "verified",
        "coverage": "Coverage",
        "scope": "What this file models",
        "no_scope": "The file declares no limit of scope: it answers for every household.",
        "limitations": "Known simplifications",
        "exclusions": "Received instead of",
        "unverified_list": "Figures in force on {date} not yet confirmed on an official page",
        "none_unverified": "Every figure in force on {date} is confirmed on an official page.",
        "references": "References",
        "not_assessed": "Not assessed yet",
        "not_assessed_intro": (
            "Programs a family there would meet that no rule file models yet; a check lists "
            "them so an answer never implies that nothing else applies."
        ),
        "program": "Program",
        "place": "Where",
        "federal": "Federal",
        "provincial": "Provincial",
        "territorial": "Territorial",
        "municipal": "Municipal",
        "program_status_unverified": "some figures unverified",
        "program_status_verified": "verified",
        "choose": "Choose a language",
    },
    "fr": {
        "catalog": "Catalogue des programmes de prestations",
        "intro": (
            "Chaque programme que le moteur évalue, tel que son fichier de règles le déclare : "
            "qui est admissible, combien, les montants datés et leurs sources, et ce que chaque "
            "fichier ne modélise pas. Montants en vigueur le {date}."
        ),
        "other_lang": "English",
        "back": "Tous les programmes",
        "count": "{n} programmes",
        "agency": "Organisme",
        "level": "Ordre de gouvernement",
        "life_events": "Événements de vie",
        "status": "Statut",
        "unverified_now": "Montants en vigueur non vérifiés",
        "paid_to": "Évalué pour",
        "household": "le ménage (une réponse par famille)",
        "person": "chaque membre (une réponse par personne)",
        "delivery": "Comment l'obtenir",
        "apply": "Présenter une demande",
        "automatic": "Aucune demande distincte",
        "deadline": "Délai",
        "retroactivity": "Peut être versé jusqu'à {n} mois en arrière",
        "income_year": "Année de revenu",
        "income_year_text": (
            "L'année de prestations commence le {starts}; elle se fonde sur le revenu de "
            "l'année d'imposition précédant de {lag} an(s) l'année civile où elle commence."
        ),
        "income_year_same": "Elle se fonde sur le revenu de l'année d'imposition en cours.",
        "in_force": "En vigueur",
        "in_force_from": "À compter du {starts}",
        "in_force_between": "Du {starts} au {ends}",
        "valid_through": "Montants révisés jusqu'au",
        "file": "Fichier de règles",
        "criteria": "Qui est admissible",
        "criteria_intro": (
            "Chaque critère doit être rempli. Un nom entre chevrons est une valeur calculée "
            "pour le ménage; le test est la règle telle que le moteur l'évalue."
        ),
        "test": "Test",
        "when_false": "Lorsqu'il n'est pas rempli",
        "amount": "Combien",
        "amount_expr": "Montant annuel",
        "in_kind": "En nature (un service, sans montant)",
        "weekly": "Montant hebdomadaire",
        "weeks": "Semaines payables",
        "variables": "Valeurs intermédiaires",
        "name": "Nom",
        "rule": "Règle",
        "parameters": "Montants et taux",
        "effective": "En vigueur à compter du",
        "value": "Valeur",
        "source": "Source",
        "note": "Note",
        "unverified": "non vérifié",
        "verified": "vérifié",
        "coverage": "Portée",
        "scope": "Ce que ce fichier modélise",
        "no_scope": (
            "Le fichier ne déclare aucune limite de portée : il répond pour tous les ménages."
        ),
        "limitations": "Simplifications connues",
        "exclusions": "Reçu au lieu de",
        "unverified_list": (
            "Montants en vigueur le {date} pas encore confirmés sur une page officielle"
        ),
        "none_unverified": (
            "Chaque montant en vigueur le {date} est confirmé sur une page officielle."
        ),
        "references": "Références",
        "not_assessed": "Pas encore évalués",
        "not_assessed_intro": (
            "Programmes qu'une famille y rencontrerait et qu'aucun fichier de règles ne "
            "modélise encore; une vérification les énumère pour qu'une réponse ne laisse "
            "jamais croire que rien d'autre ne s'applique."
        ),
        "program": "Programme",
        "place": "Lieu",
        "federal": "Fédéral",
        "provincial": "Provincial",
        "territorial": "Territorial",
        "municipal": "Municipal",
        "program_status_unverified": "certains montants non vérifiés",
        "program_status_verified": "vérifié",
        "choose": "Choisissez une langue",
    },
}

UNITS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "currency": "dollars",
        "rate": "rate",
        "count": "count",
        "year": "years",
        "month": "months",
        "day": "days",
        "hour": "hours",
    },
    "fr": {
        "currency": "dollars",
        "rate": "taux",
        "count": "nombre",
        "year": "années",
        "month": "mois",
        "day": "jours",
        "hour": "heures",
    },
}
