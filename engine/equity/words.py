"""Every word of the equity report in English and French (the HTML report reads nothing else)."""

from __future__ import annotations

__all__ = ["LANGS", "WORDS", "attribute_label", "level_label"]

LANGS = ("en", "fr")

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Disparity checks by group", "fr": "Vérification des écarts entre groupes"},
    "population": {"en": "Population", "fr": "Population"},
    "persons": {"en": "persons sampled", "fr": "personnes échantillonnées"},
    "households": {"en": "households sampled", "fr": "ménages échantillonnés"},
    "weighted": {"en": "persons represented", "fr": "personnes représentées"},
    "on": {"en": "Evaluated on", "fr": "Évalué le"},
    "reform": {"en": "Reform", "fr": "Réforme"},
    "none": {"en": "none", "fr": "aucune"},
    "groups": {"en": "Groups", "fr": "Groupes"},
    "protection": {"en": "Protection", "fr": "Protection"},
    "protection_text": {
        "en": "Cells of fewer than {threshold} sampled units are suppressed, amounts behind "
        "fewer than {amount_threshold} recipients too, and further cells so that none can be "
        "worked out from the others.",
        "fr": "Les cellules de moins de {threshold} unités échantillonnées sont supprimées, les "
        "montants de moins de {amount_threshold} bénéficiaires aussi, et d'autres cellules "
        "pour qu'aucune ne puisse être déduite des autres.",
    },
    "rounding_text": {
        "en": "Counts are randomly rounded to a multiple of {base}.",
        "fr": "Les effectifs sont arrondis au hasard à un multiple de {base}.",
    },
    "method": {"en": "How to read it", "fr": "Comment lire"},
    "method_text": {
        "en": "A rate is the weighted share of eligible units among those whose answer is "
        "known (persons for a person program, households by their reference person for a "
        "household program), with its Wilson 95% interval. Each group is compared with the "
        "reference group of its table (the largest unless named): two-proportion tests with "
        "Holm's correction over every comparison of the report. Flagged: the lower rate is "
        "under four fifths of the higher.",
        "fr": "Un taux est la part pondérée des unités admissibles parmi celles dont la réponse "
        "est connue (personnes pour un programme individuel, ménages selon leur personne de "
        "référence pour un programme de ménage), avec son intervalle de Wilson à 95 %. Chaque "
        "groupe est comparé au groupe de référence de son tableau (le plus grand sauf choix "
        "contraire) : tests de deux proportions corrigés par Holm sur toutes les comparaisons "
        "du rapport. Signalé : le taux le plus bas est inférieur aux quatre cinquièmes du plus "
        "haut.",
    },
    "summary": {"en": "Findings", "fr": "Constats"},
    "summary_text": {
        "en": "{flagged} group comparisons fall under the four-fifths rule, {significant} "
        "differ significantly after Holm's correction, {suppressed} cells are suppressed.",
        "fr": "{flagged} comparaisons de groupes tombent sous la règle des quatre cinquièmes, "
        "{significant} diffèrent significativement après correction de Holm, {suppressed} "
        "cellules sont supprimées.",
    },
    "widened_text": {
        "en": "Under the reform, {widened} gaps widen and {narrowed} narrow.",
        "fr": "Avec la réforme, {widened} écarts se creusent et {narrowed} se resserrent.",
    },
    "programs": {"en": "Programs", "fr": "Programmes"},
    "rates": {"en": "Eligibility rate by group", "fr": "Taux d'admissibilité par groupe"},
    "gaps": {
        "en": "Change in each gap under the reform",
        "fr": "Variation de chaque écart avec la réforme",
    },
    "group": {"en": "Group", "fr": "Groupe"},
    "rate": {"en": "Rate", "fr": "Taux"},
    "interval": {"en": "95% interval", "fr": "Intervalle à 95 %"},
    "difference": {"en": "Difference", "fr": "Différence"},
    "ratio": {"en": "Ratio", "fr": "Rapport"},
    "p_holm": {"en": "p (Holm)", "fr": "p (Holm)"},
    "mean_amount": {"en": "Mean amount", "fr": "Montant moyen"},
    "total_amount": {"en": "Total", "fr": "Total"},
    "n": {"en": "n", "fr": "n"},
    "reference": {"en": "reference", "fr": "référence"},
    "suppressed": {"en": "suppressed", "fr": "supprimé"},
    "flagged": {"en": "under four fifths", "fr": "sous les quatre cinquièmes"},
    "widened": {"en": "widens", "fr": "se creuse"},
    "narrowed": {"en": "narrows", "fr": "se resserre"},
    "before": {"en": "before", "fr": "avant"},
    "after": {"en": "after", "fr": "après"},
    "intersections": {"en": "Intersections flagged", "fr": "Intersections signalées"},
    "nothing": {"en": "Nothing to show.", "fr": "Rien à montrer."},
    "person": {"en": "persons", "fr": "personnes"},
    "household": {"en": "households", "fr": "ménages"},
    "baseline": {"en": "baseline", "fr": "référence actuelle"},
    "other_lang": {"en": "Version française", "fr": "English version"},
    "all": {"en": "Everyone", "fr": "Ensemble"},
    "shown": {
        "en": "Programs with at least one eligible unit; every figure is in report.json and "
        "the CSV files.",
        "fr": "Programmes comptant au moins une unité admissible; tous les chiffres sont dans "
        "report.json et les fichiers CSV.",
    },
}

_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "gender": ("Gender", "Genre"),
    "indigenous_identity": ("Indigenous identity", "Identité autochtone"),
    "racialized": ("Racialized", "Racisé"),
    "newcomer": ("Newcomer", "Nouvel arrivant"),
    "official_language_minority": ("Official-language minority", "Minorité de langue officielle"),
    "rural_remote": ("Rural or remote", "Rural ou éloigné"),
    "age_band": ("Age", "Âge"),
    "disability": ("Disability", "Handicap"),
    "province": ("Province or territory", "Province ou territoire"),
}

_LEVELS: dict[str, tuple[str, str]] = {
    "True": ("yes", "oui"),
    "False": ("no", "non"),
    "not_stated": ("not stated", "non déclaré"),
    "man": ("men", "hommes"),
    "woman": ("women", "femmes"),
    "indigenous": ("Indigenous", "Autochtone"),
    "not_indigenous": ("not Indigenous", "non autochtone"),
}


def attribute_label(attribute: str, lang: str) -> str:
    """An attribute's name in ``lang`` (its id when not known).

    Examples:
        >>> attribute_label("newcomer", "fr")
        'Nouvel arrivant'
    """
    found = _ATTRIBUTES.get(attribute)
    return found[lang == "fr"] if found else attribute


def level_label(level: str, lang: str) -> str:
    """A level's words in ``lang`` (the level itself when not known: age bands, provinces).

    Examples:
        >>> level_label("True", "fr"), level_label("25-34", "en")
        ('oui', '25-34')
    """
    found = _LEVELS.get(level)
    return found[lang == "fr"] if found else level
