"""The words of the caseworker page, in English and French: every piece of text the templates
show comes from here (or from the rule files: program names, explanations, questions, fact
labels). The key set is the same in both languages (tests/web/test_words.py checks it).

Plain text; Jinja escapes it. ``{name}`` fields are filled by :func:`api.web.pages.Words`.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LANGS", "WORDS"]

LANGS = ("en", "fr")

WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "lang_name": "English",
        "labelled": "{label}: {text}",
        "other_lang": "Français",
        "other_lang_label": "Afficher cette page en français",
        "app": "Life events: caseworker",
        "skip": "Skip to main content",
        "nav": "Main",
        "nav_clients": "Clients",
        "nav_results": "Results",
        "nav_household": "Household",
        "nav_event": "Life event",
        "nav_consents": "Consents",
        "nav_summary": "Summary for the client",
        "client_nav": "Client",
        "sign_out": "Sign out",
        "signed_in_as": "Signed in as {who} ({agency})",
        # sign in
        "sign_in_title": "Sign in",
        "sign_in_intro": (
            "Paste your caseworker token. It is kept in a cookie for this browser session only "
            "and checked on every page."
        ),
        "token": "Caseworker token",
        "token_hint": "A signed token (JWT) issued to you by your agency.",
        "sign_in": "Sign in",
        "demo_sign_in": "Use the demo caseworker token",
        "demo_intro": "Demo mode: sign in as a caseworker of the demo agency without a token.",
        "error_token_missing": "Enter a token to sign in.",
        "error_token_invalid": (
            "This token is not valid (malformed, wrongly signed, or not issued by this service). "
            "Check it and sign in again."
        ),
        "error_token_expired": "Your token has expired. Sign in again with a new one.",
        "error_not_caseworker": (
            "This token is for the {role} role; this page is for caseworkers only."
        ),
        "error_signed_out": "Sign in to continue.",
        "signed_out": "You are signed out.",
        # clients
        "clients_title": "Clients of your agency",
        "search": "Find a client",
        "search_hint": "A member's name or id, or the start of the client number.",
        "search_button": "Search",
        "new_client": "Register a new client",
        "client_number": "Client number",
        "members": "Members",
        "registered": "Registered",
        "open": "Open {who}",
        "no_clients": "No client matches.",
        "clients_count": "{n} clients",
        # household
        "household_new_title": "Register a new client",
        "household_edit_title": "Household",
        "household_intro": (
            "Leave a fact blank when it is not known: an unknown fact is never taken as zero or "
            "no. Incomes are in dollars per tax year."
        ),
        "where": "Where the household lives",
        "member_n": "Member {n}",
        "new_member": "Add a member (leave blank for none)",
        "member_id": "Name or id",
        "member_id_hint": "Letters, digits and _ only; unique in the household.",
        "remove_member": "Remove this member from the household",
        "choose": "Choose…",
        "not_known": "Not known",
        "yes": "Yes",
        "no": "No",
        "save_household": "Save the household",
        "register": "Register and see the results",
        "errors_title": "There is a problem",
        "error_in": "{field}: {reason}",
        "saved": "Saved: {n} facts recorded.",
        "income_years_hint": "An amount, or amounts by tax year as 2024: 31000; 2025: 36000.",
        # results
        "results_title": "Results on {date}",
        "results_intro": (
            "Every program of the catalog for this household, by level of government. Open a "
            "program to see each criterion and its references."
        ),
        "level_federal": "Federal",
        "level_provincial_territorial": "Provincial and territorial",
        "level_municipal": "Municipal",
        "status_eligible": "Eligible",
        "status_ineligible": "Not eligible",
        "status_undetermined": "To be determined",
        "criterion_true": "Met",
        "criterion_false": "Not met",
        "criterion_unknown": "Not known yet",
        "per_year": "{amount} a year",
        "per_month": "{amount} a month",
        "at_least": "at least {amount} a year",
        "estimate": "estimate",
        "in_kind": "In kind",
        "no_amount": "No amount",
        "agency": "Agency",
        "why": "Why: criterion by criterion",
        "criteria": "Criteria",
        "still_to_ask": "Still to ask",
        "references": "References",
        "how_to_get": "How to get it",
        "deadline": "Deadline",
        "by_member": "For each member",
        "member": "Member",
        "counts": "{eligible} eligible, {undetermined} to be determined, {ineligible} not eligible",
        "next_question": "Next question",
        "next_question_intro": "Answering this decides: {programs}.",
        "answer": "Save the answer",
        "answered": "Answer saved; the results below are updated.",
        "nothing_to_ask": "Nothing more to ask: every program is decided.",
        "not_assessed": "Not assessed yet (not in the catalog)",
        "program_count": "{n} programs",
        # life event
        "event_title": "Record a life event",
        "event_intro": (
            "Tell us once: the event updates the household, the engine reviews every program, "
            "and the agencies the client consented to are told only what they may receive."
        ),
        "event_type": "What happened",
        "event_choose": "Show the questions for this event",
        "event_date": "Date of the event",
        "event_details": "About the event",
        "record_event": "Record the event",
        "new_member_id": "{what}: name or id",
        "new_member_dob": "{what}: date of birth (if known)",
        "event_recorded": "Recorded: {event} on {date}. {n} facts recorded.",
        "suggestions": "What to do, most urgent first",
        "no_suggestions": "The event changes no program for this household.",
        "change_newly_eligible": "Newly eligible",
        "change_amount_changed": "Amount changed",
        "change_no_longer_eligible": "No longer eligible",
        "change_review": "To review",
        "before": "before: {amount}",
        "follow_ups": "Follow-ups",
        "no_follow_ups": "No follow-up.",
        "due": "By {date}",
        "alerts": "Patterns in the client's history",
        "told": "Agencies told (with the client's consent)",
        "told_none": (
            "No agency was told: the client consents to no agreement that covers this change."
        ),
        "would_tell": "Agencies that may be told with consent",
        "fields": "Facts",
        "agreement": "Agreement",
        "see_results": "See all the results",
        # consents
        "consents_title": "Consents and sharing",
        "consents_intro": (
            "The client decides which agencies are told of changes. Each agreement allows "
            "only the facts it lists, for its purpose."
        ),
        "agreements": "Agreements",
        "recipient": "Recipient",
        "purpose": "Purpose",
        "consent_status": "Consent",
        "consent_on": "Consents since {date}",
        "consent_revoked": "Revoked on {date}",
        "consent_none": "No consent",
        "grant": "Give consent: {agreement}",
        "revoke": "Revoke consent: {agreement}",
        "granted": "Consent given: {agreement}.",
        "revoked": "Consent revoked: {agreement}.",
        "shared_title": "What was shared, with whom",
        "shared_none": "Nothing has been shared about this client.",
        "queued": "Queued",
        "delivered": "Delivered",
        "acknowledged": "Acknowledged",
        "not_yet": "not yet",
        "withdrawn": "withdrawn: consent revoked before it was sent",
        "not_sent": "not sent",
        # summary
        "summary_title": "Your benefits summary",
        "summary_intro": (
            "Prepared on {date} with your caseworker. It says which benefits you may receive, "
            "how much, and what to do next. It is not a decision: each agency decides when you "
            "apply."
        ),
        "summary_eligible": "Benefits you may receive",
        "summary_none_eligible": "No benefit is certain yet.",
        "summary_undetermined": "Benefits we could not decide yet",
        "summary_questions": "Questions still to answer",
        "summary_total": "Total of the annual amounts: {amount}",
        "print": "Print this summary",
        "what_to_do": "What to do",
        # errors
        "not_found_title": "Not found",
        "not_found": "There is no such client, or it is not one of your agency's.",
        "bad_request": "The form could not be read: {reason}",
        "error_title": "Something went wrong",
    },
    "fr": {
        "lang_name": "Français",
        "labelled": "{label} : {text}",
        "other_lang": "English",
        "other_lang_label": "Show this page in English",
        "app": "Événements de vie : agent",
        "skip": "Passer au contenu principal",
        "nav": "Navigation principale",
        "nav_clients": "Clients",
        "nav_results": "Résultats",
        "nav_household": "Ménage",
        "nav_event": "Événement de vie",
        "nav_consents": "Consentements",
        "nav_summary": "Résumé pour le client",
        "client_nav": "Client",
        "sign_out": "Se déconnecter",
        "signed_in_as": "Connecté : {who} ({agency})",
        "sign_in_title": "Connexion",
        "sign_in_intro": (
            "Collez votre jeton d'agent. Il est gardé dans un témoin pour cette session du "
            "navigateur seulement et vérifié à chaque page."
        ),
        "token": "Jeton d'agent",
        "token_hint": "Un jeton signé (JWT) que votre organisme vous a remis.",
        "sign_in": "Se connecter",
        "demo_sign_in": "Utiliser le jeton d'agent de démonstration",
        "demo_intro": (
            "Mode démonstration : se connecter comme agent de l'organisme de démonstration "
            "sans jeton."
        ),
        "error_token_missing": "Entrez un jeton pour vous connecter.",
        "error_token_invalid": (
            "Ce jeton n'est pas valide (mal formé, mal signé ou non émis par ce service). "
            "Vérifiez-le et connectez-vous de nouveau."
        ),
        "error_token_expired": (
            "Votre jeton est expiré. Connectez-vous de nouveau avec un nouveau jeton."
        ),
        "error_not_caseworker": (
            "Ce jeton est celui du rôle {role}; cette page est réservée aux agents."
        ),
        "error_signed_out": "Connectez-vous pour continuer.",
        "signed_out": "Vous êtes déconnecté.",
        "clients_title": "Clients de votre organisme",
        "search": "Trouver un client",
        "search_hint": "Le nom ou l'identifiant d'un membre, ou le début du numéro de client.",
        "search_button": "Chercher",
        "new_client": "Inscrire un nouveau client",
        "client_number": "Numéro de client",
        "members": "Membres",
        "registered": "Inscrit le",
        "open": "Ouvrir {who}",
        "no_clients": "Aucun client ne correspond.",
        "clients_count": "{n} clients",
        "household_new_title": "Inscrire un nouveau client",
        "household_edit_title": "Ménage",
        "household_intro": (
            "Laissez un fait vide lorsqu'il n'est pas connu : un fait inconnu n'est jamais "
            "considéré comme zéro ou non. Les revenus sont en dollars par année d'imposition."
        ),
        "where": "Lieu de résidence du ménage",
        "member_n": "Membre {n}",
        "new_member": "Ajouter un membre (laisser vide pour aucun)",
        "member_id": "Nom ou identifiant",
        "member_id_hint": "Lettres, chiffres et _ seulement; unique dans le ménage.",
        "remove_member": "Retirer ce membre du ménage",
        "choose": "Choisir…",
        "not_known": "Inconnu",
        "yes": "Oui",
        "no": "Non",
        "save_household": "Enregistrer le ménage",
        "register": "Inscrire et voir les résultats",
        "errors_title": "Il y a un problème",
        "error_in": "{field} : {reason}",
        "saved": "Enregistré : {n} faits consignés.",
        "income_years_hint": (
            "Un montant, ou des montants par année d'imposition : 2024: 31000; 2025: 36000."
        ),
        "results_title": "Résultats au {date}",
        "results_intro": (
            "Chaque programme du catalogue pour ce ménage, par ordre de gouvernement. Ouvrez un "
            "programme pour voir chaque critère et ses références."
        ),
        "level_federal": "Fédéral",
        "level_provincial_territorial": "Provincial et territorial",
        "level_municipal": "Municipal",
        "status_eligible": "Admissible",
        "status_ineligible": "Non admissible",
        "status_undetermined": "À déterminer",
        "criterion_true": "Rempli",
        "criterion_false": "Non rempli",
        "criterion_unknown": "Pas encore connu",
        "per_year": "{amount} par an",
        "per_month": "{amount} par mois",
        "at_least": "au moins {amount} par an",
        "estimate": "estimation",
        "in_kind": "En nature",
        "no_amount": "Aucun montant",
        "agency": "Organisme",
        "why": "Pourquoi : critère par critère",
        "criteria": "Critères",
        "still_to_ask": "À demander",
        "references": "Références",
        "how_to_get": "Comment l'obtenir",
        "deadline": "Délai",
        "by_member": "Pour chaque membre",
        "member": "Membre",
        "counts": (
            "{eligible} admissibles, {undetermined} à déterminer, {ineligible} non admissibles"
        ),
        "next_question": "Prochaine question",
        "next_question_intro": "La réponse permet de trancher : {programs}.",
        "answer": "Enregistrer la réponse",
        "answered": "Réponse enregistrée; les résultats ci-dessous sont à jour.",
        "nothing_to_ask": "Plus rien à demander : chaque programme est tranché.",
        "not_assessed": "Pas encore évalués (absents du catalogue)",
        "program_count": "{n} programmes",
        "event_title": "Consigner un événement de vie",
        "event_intro": (
            "Dites-le-nous une fois : l'événement met à jour le ménage, le moteur revoit chaque "
            "programme, et les organismes auxquels le client a consenti ne reçoivent que ce "
            "qu'ils peuvent recevoir."
        ),
        "event_type": "Ce qui s'est passé",
        "event_choose": "Afficher les questions de cet événement",
        "event_date": "Date de l'événement",
        "event_details": "Au sujet de l'événement",
        "record_event": "Consigner l'événement",
        "new_member_id": "{what} : nom ou identifiant",
        "new_member_dob": "{what} : date de naissance (si connue)",
        "event_recorded": "Consigné : {event} le {date}. {n} faits consignés.",
        "suggestions": "Quoi faire, le plus urgent d'abord",
        "no_suggestions": "L'événement ne change aucun programme pour ce ménage.",
        "change_newly_eligible": "Nouvellement admissible",
        "change_amount_changed": "Montant modifié",
        "change_no_longer_eligible": "N'est plus admissible",
        "change_review": "À revoir",
        "before": "avant : {amount}",
        "follow_ups": "Suivis",
        "no_follow_ups": "Aucun suivi.",
        "due": "D'ici le {date}",
        "alerts": "Constats dans l'historique du client",
        "told": "Organismes avisés (avec le consentement du client)",
        "told_none": (
            "Aucun organisme n'a été avisé : le client ne consent à aucune entente qui couvre ce "
            "changement."
        ),
        "would_tell": "Organismes qui peuvent être avisés avec consentement",
        "fields": "Faits",
        "agreement": "Entente",
        "see_results": "Voir tous les résultats",
        "consents_title": "Consentements et partage",
        "consents_intro": (
            "Le client décide quels organismes sont avisés des changements. Chaque entente ne "
            "permet que les faits qu'elle énumère, pour sa fin."
        ),
        "agreements": "Ententes",
        "recipient": "Destinataire",
        "purpose": "Fin",
        "consent_status": "Consentement",
        "consent_on": "Consent depuis le {date}",
        "consent_revoked": "Révoqué le {date}",
        "consent_none": "Aucun consentement",
        "grant": "Donner son consentement : {agreement}",
        "revoke": "Révoquer le consentement : {agreement}",
        "granted": "Consentement donné : {agreement}.",
        "revoked": "Consentement révoqué : {agreement}.",
        "shared_title": "Ce qui a été partagé, et avec qui",
        "shared_none": "Rien n'a été partagé au sujet de ce client.",
        "queued": "Mis en file",
        "delivered": "Livré",
        "acknowledged": "Accusé de réception",
        "not_yet": "pas encore",
        "withdrawn": "retiré : consentement révoqué avant l'envoi",
        "not_sent": "non envoyé",
        "summary_title": "Résumé de vos prestations",
        "summary_intro": (
            "Préparé le {date} avec votre agent. Il indique les prestations que vous pourriez "
            "recevoir, leur montant et quoi faire ensuite. Ce n'est pas une décision : chaque "
            "organisme décide lorsque vous présentez une demande."
        ),
        "summary_eligible": "Prestations que vous pourriez recevoir",
        "summary_none_eligible": "Aucune prestation n'est encore certaine.",
        "summary_undetermined": "Prestations que nous n'avons pas encore pu trancher",
        "summary_questions": "Questions auxquelles il reste à répondre",
        "summary_total": "Total des montants annuels : {amount}",
        "print": "Imprimer ce résumé",
        "what_to_do": "Quoi faire",
        "not_found_title": "Introuvable",
        "not_found": "Ce client n'existe pas, ou il n'est pas servi par votre organisme.",
        "bad_request": "Le formulaire n'a pas pu être lu : {reason}",
        "error_title": "Une erreur s'est produite",
    },
}
