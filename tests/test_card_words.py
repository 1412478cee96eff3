"""The words of a result card that come from the data: an address as a person writes it, how to get in
said plainly, and nothing at all when no source says."""

from __future__ import annotations

import dataclasses

import pytest

from geo.actors.access import THROUGH_A_COUNSELLOR, WITH_A_COUNSELLOR, ways_in
from geo.actors.address import readable_street
from geo.actors.model import actor_from_feature
from tests.support import fictional_feature


@pytest.mark.parametrize(
    "source, shown",
    [
        ("31 Rue GASTON LAURIAU", "31 rue Gaston Lauriau"),
        ("PL SALVADOR ALLENDE", "place Salvador Allende"),
        ("61Rue Girardot", "61 rue Girardot"),
        ("4 BIS ALLEE ROMAIN ROLLAND", "4 bis allée Romain Rolland"),
        ("38-40 AVENUE SALVADOR ALLENDE", "38-40 avenue Salvador Allende"),
        ("1 Av. du Président Salvador Allende", "1 avenue du Président Salvador Allende"),
        ("12 RUE D'ESTIENNE D'ORVES", "12 rue d'Estienne d'Orves"),
        ("110 Route de Saint-Leu", "110 route de Saint-Leu"),
        ("5 allée Étienne Laurent", "5 allée Étienne Laurent"),
        ("15 AVENUE DE LA RESISTANCE", "15 avenue de la Resistance"),  # no accent the source lacks
        ("", ""),
    ],
)
def test_an_address_in_capitals_is_shown_as_a_person_writes_it(source, shown):
    assert readable_street(source) == shown


def _actor(**properties):
    return actor_from_feature(fictional_feature(**properties))


@pytest.mark.parametrize(
    "modes, who, said",
    [
        (["se-presenter"], ["usagers"], ("Y aller sans rendez-vous",)),
        (["telephoner"], [], ("Appeler d’abord",)),
        (
            ["utiliser-lien-mobilisation"],
            ["usagers", "professionnels"],
            ("Candidater auprès de la structure", WITH_A_COUNSELLOR),  # no link given: no dead instruction
        ),
        (["utiliser-lien-mobilisation"], ["professionnels"], (THROUGH_A_COUNSELLOR,)),
        ([], [], ()),  # no source says: nothing, never « non renseigné »
    ],
)
def test_how_to_get_in_is_said_plainly_or_not_at_all(modes, who, said):
    assert ways_in(_actor(modes_mobilisation=modes, mobilisable_par=who)) == said


def test_the_card_and_fiche_join_the_ways_in_as_a_sentence(app):
    from webmap.presenters import access_label

    with app.test_request_context():
        both = _actor(modes_mobilisation=["se-presenter", "telephoner"], mobilisable_par=["usagers"])
        assert access_label(both) == "Y aller sans rendez-vous ou appeler d’abord"
        online = _actor(
            modes_mobilisation=["utiliser-lien-mobilisation"], mobilisable_par=["usagers", "professionnels"]
        )
        assert access_label(online) == "Candidater auprès de la structure, seul ou avec un conseiller"
        linked = dataclasses.replace(online, lien_mobilisation="https://www.example.org/candidature-fictive")
        assert access_label(linked) == "Candidater en ligne, seul ou avec un conseiller"
        assert access_label(_actor()) == ""
