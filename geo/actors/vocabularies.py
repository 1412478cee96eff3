"""Controlled vocabularies of the data·inclusion v1 schema, restricted to what our actors need.

Slugs and labels are those of the national schema (gip-inclusion/data-inclusion-schema, ``v1``), so that
records flow to and from data·inclusion unchanged. We keep the subset relevant to employment, training,
French language, digital skills, mobility, business creation and childcare, plus the few neighbouring
themes (administrative help, social link) that our actors declare.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _frozen(pairs: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(pairs)


THEMATIQUES: Mapping[str, str] = _frozen({
    # Choisir un métier
    "choisir-un-metier--confirmer-son-choix-de-metier": "Confirmer son choix de métier",
    "choisir-un-metier--connaitre-les-opportunites-demploi": "Connaître les opportunités d’emploi",
    "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite":
        "Découvrir un métier ou un secteur d’activité",
    "choisir-un-metier--identifier-ses-points-forts-et-ses-competences":
        "Identifier ses points forts et ses compétences",
    # Créer une entreprise
    "creer-une-entreprise--definir-son-projet-de-creation-dentreprise":
        "Définir son projet de création d’entreprise",
    "creer-une-entreprise--developper-son-entreprise": "Développer son entreprise",
    "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise":
        "Structurer son projet de création d’entreprise",
    # Difficultés administratives ou juridiques
    "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives":
        "Accompagnement aux démarches administratives",
    "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits":
        "Accompagnement pour l’accès aux droits",
    # Famille
    "famille--garde-denfants": "Garde d’enfants",
    # Lecture, écriture, calcul
    "lecture-ecriture-calcul--maitriser-le-francais": "Maîtriser le français",
    "lecture-ecriture-calcul--maitriser-le-calcul": "Maîtriser le calcul",
    # Mobilité
    "mobilite--acceder-a-un-vehicule": "Accéder à un véhicule",
    "mobilite--etre-accompagne-dans-son-parcours-mobilite": "Être accompagné dans son parcours mobilité",
    "mobilite--financer-ma-mobilite": "Financer ma mobilité",
    "mobilite--preparer-un-permis": "Préparer un permis",
    "mobilite--mobilite-douce-partagee-collective":
        "Utiliser des services de mobilité douce, partagée ou collective",
    # Numérique
    "numerique--acceder-a-des-services-en-ligne": "Accéder à des services en ligne",
    "numerique--acceder-a-une-connexion-internet": "Accéder à une connexion Internet",
    "numerique--acquerir-un-equipement": "Acquérir un équipement",
    "numerique--maitriser-les-fondamentaux-du-numerique": "Maîtriser les fondamentaux du numérique",
    # Préparer sa candidature
    "preparer-sa-candidature--developper-son-reseau": "Développer son réseau",
    "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi":
        "Organiser ses démarches de recherche d’emploi",
    "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation":
        "Réaliser un CV et/ou une lettre de motivation",
    "preparer-sa-candidature--valoriser-ses-competences": "Valoriser ses compétences",
    # Remobilisation
    "remobilisation--bien-etre-confiance-en-soi": "Bien-être et confiance en soi",
    "remobilisation--lien-social": "Lien social",
    # Se former
    "se-former--monter-son-dossier-de-formation": "Monter son dossier de formation",
    "se-former--trouver-sa-formation": "Trouver sa formation",
    # Trouver un emploi
    "trouver-un-emploi--convaincre-un-recruteur-en-entretien": "Convaincre un recruteur en entretien",
    "trouver-un-emploi--faire-des-candidatures-spontanees": "Faire des candidatures spontanées",
    "trouver-un-emploi--maintien-dans-lemploi": "Maintien dans l’emploi",
    "trouver-un-emploi--repondre-a-des-offres-demploi": "Répondre à des offres d’emploi",
    "trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs":
        "Suivre ses candidatures et relancer les employeurs",
})

PUBLICS: Mapping[str, str] = _frozen({
    "actifs": "Actifs",
    "beneficiaires-des-minimas-sociaux": "Bénéficiaires des minimas sociaux",
    "demandeurs-emploi": "Demandeurs d’emploi",
    "etudiants": "Étudiants",
    "familles": "Familles",
    "femmes": "Femmes",
    "jeunes": "Jeunes",
    "personnes-en-situation-de-handicap": "Personnes en situation de handicap",
    "personnes-en-situation-durgence": "Personnes en situation d’urgence",
    "personnes-en-situation-juridique-specifique": "Personnes en situation juridique spécifique",
    "personnes-exilees": "Personnes exilées",
    "residents-qpv-frr": "Résidents en QPV ou FRR",
    "seniors": "Séniors",
})

RESEAUX_PORTEURS: Mapping[str, str] = _frozen({
    "cap-emploi-reseau-cheops": "CAP Emploi - Réseau CHEOPS",
    "ccas-cias": "Les Centres Communaux d’Action Sociale et les Centres Intercommunaux d’Action Sociale",
    "communes": "Communes, mairies, communautés de communes, etc.",
    "conseillers-numeriques": "Conseillers Numériques",
    "duo-for-a-job": "DUO for a JOB",
    "ecoles-de-la-deuxieme-chance": "Écoles de la 2ᵉ Chance",
    "emmaus": "Emmaüs",
    "epide": "EPIDE",
    "fcsf": "Fédération des Centres Sociaux et Socioculturels de France",
    "france-service": "France Service",
    "france-travail": "France Travail",
    "geiq": "GEIQ",
    "grandes-ecoles-du-numerique": "Grandes Écoles du Numérique",
    "maisons-de-l-emploi": "Maisons de l’Emploi",
    "mission-locale": "Mission Locale",
    "plie": "Plans Locaux pour l’Insertion et l’Emploi",
    "reseau-information-jeunesse": "Réseau Information Jeunesse",
    "siae": "Structures d’Insertion par l’Activité Économique",
    "simplon": "Simplon",
    "snc": "Solidarité Nouvelle Face au Chômage",
    "unea": "Union Nationale des Entreprises Adaptées",
})

MODES_ACCUEIL: Mapping[str, str] = _frozen({
    "a-distance": "À distance",
    "en-presentiel": "En présentiel",
})

FRAIS: Mapping[str, str] = _frozen({
    "gratuit": "Gratuit",
    "payant": "Payant",
})

STATUTS: Mapping[str, str] = _frozen({
    "actif": "Actif",
    "a_verifier": "À vérifier",
    "ferme": "Fermé",
})

LOCATION_SOURCES: Mapping[str, str] = _frozen({
    "source": "Coordonnées données par la source",
    "geocoded": "Adresse géocodée",
    "manager": "Placé sur la carte par un gestionnaire",
})
