"""The fiche the resident keeps: chosen actors, directions, hours in words, a QR code, an SMS text,
a print layout — and nothing about the resident."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

FICHE = "/fiche?acteurs=mission-locale-fictive-montreuil&acteurs=france-services-fictive-villetaneuse"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_fiche_gives_each_actor_with_directions_phone_hours_and_how_to_get_in(client):
    page = text(client.get(FICHE))
    sections = re.findall(r'<section class="fiche-acteur" data-actor-id="([a-z0-9-]+)">', page)
    assert sections == ["mission-locale-fictive-montreuil", "france-services-fictive-villetaneuse"]
    assert 'href="geo:48.859000,2.442000?q=48.859000,2.442000"' in page
    assert "openstreetmap.org/directions" in page
    assert 'href="tel:+33199000102"' in page and "01 99 00 01 02" in page
    assert re.search(
        r"<th scope=\"row\">(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+ \w+</th>"
        r"<td>(9 h – 17 h|fermé)</td>",
        page,
    )
    assert "Aide pour : trouver un emploi" in page
    assert "<p>Y aller sans rendez-vous</p>" in page  # France services
    assert "jamais vérifiées : appeler avant d’y aller" in page


def test_the_actor_page_words_the_week_as_the_fiche_does(client):
    """One phrasing of the hours for the volunteer and the resident: the same seven rows."""
    rows = r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>'
    fiche = re.findall(rows, text(client.get("/fiche?acteurs=mission-locale-fictive-montreuil")))
    actor_page = re.findall(rows, text(client.get("/acteurs/mission-locale-fictive-montreuil")))
    assert len(fiche) == 7 and actor_page == fiche


def test_the_fiche_holds_a_qr_code_and_a_short_sms_text(client):
    page = text(client.get(FICHE))
    assert "<svg" in page and "Adresse de cette fiche" in page
    body = unquote(re.search(r'href="sms:\?body=([^"]+)"', page).group(1))
    assert len(body) < 300 and "Mission locale fictive de Montreuil" in body and "01 99 00 01 02" in body


def test_the_fiche_says_nothing_about_the_resident(client):
    page = text(client.get(FICHE + "&adresse=12+rue+fictive&age=22&lat=48.86&lon=2.44"))
    assert "12 rue fictive" not in page and "48.86&" not in page and "age=" not in page
    own = re.search(r'<span class="url" dir="ltr">([^<]+)</span>', page).group(1)
    assert (
        own == "http://localhost/fiche?acteurs=mission-locale-fictive-montreuil&amp;acteurs="
        "france-services-fictive-villetaneuse"
    )


def test_a_fiche_with_no_actor_ticked_says_how_to_tick_them(client):
    page = client.get("/fiche")
    assert page.status_code == 200 and "Cochez « Sur la fiche » pour 1 à 3 acteurs" in text(page)


def test_a_fiche_with_four_actors_ticked_keeps_the_first_three_and_says_so(client):
    ticked = [
        "mission-locale-fictive-montreuil",
        "france-services-fictive-villetaneuse",
        "insertion-fictive-montreuil",
        "chantier-fictif-montreuil",
    ]
    page = client.get("/fiche?" + "&".join(f"acteurs={a}" for a in ticked))
    assert page.status_code == 200
    assert re.findall(r'data-actor-id="([^"]+)"', page.get_data(as_text=True)) == ticked[:3]
    assert "La fiche reprend les 3 premiers acteurs cochés : 1 autre n’y est pas" in text(page)


def test_a_fiche_of_an_unknown_actor_is_a_404(client):
    assert client.get("/fiche?acteurs=inconnu-fictif").status_code == 404


def test_results_and_actor_pages_lead_to_the_fiche(client):
    page = text(client.get("/?lat=48.8600&lon=2.4400&besoin=emploi"))
    assert 'form="choix-fiche"' in page and 'action="/fiche"' in page
    assert 'href="/fiche?acteurs=insertion-fictive-montreuil"' in page
    actor_page = text(client.get("/acteurs/chantier-fictif-montreuil"))
    assert 'href="/fiche?acteurs=chantier-fictif-montreuil"' in actor_page


def test_the_print_layout_hides_navigation_forms_and_buttons(client):
    response = client.get("/static/carto.css")
    css = text(response)
    response.close()
    rules = css.split("@media print", 1)[1]
    assert "@page { size: A4" in rules and "form, button, .no-print" in rules


@pytest.mark.parametrize(
    "language, direction, words",
    [
        (
            "en",
            "ltr",
            [
                "Who can help you",
                "Opening hours for the next 7 days",
                "Go there, no appointment needed",
                "Send by text message",
                "Monday",
                "never checked: call before going",
            ],
        ),
        (
            "ar",
            "rtl",
            [
                "من يمكنه مساعدتك",
                "مواعيد الاستقبال في الأيام السبعة القادمة",
                "اذهب مباشرة دون موعد",
                "إرسال برسالة نصية",
                "الاثنين",
            ],
        ),
    ],
)
def test_the_fiche_speaks_english_and_arabic_and_keeps_what_managers_typed(
    client, language, direction, words
):
    page = text(client.get(FICHE + f"&langue={language}"))
    assert f'<html lang="{language}" dir="{direction}">' in page
    for word in words:
        assert word in page, word
    assert "Mission locale fictive de Montreuil" in page  # names stay as typed
    assert "Qui peut vous accompagner" not in page and "Horaires des 7 prochains jours" not in page
    assert '<header class="site" lang="fr" dir="ltr">' in page  # the volunteer's own menu stays French
    own = re.search(r'<span class="url" dir="ltr">([^<]+)</span>', page).group(1)
    assert own.endswith(f"&amp;langue={language}")  # the QR code opens the fiche in the same language
    body = unquote(re.search(r'href="sms:\?body=([^"]+)"', page).group(1))
    assert len(body) < 300 and "Qui peut" not in body


def test_an_unknown_language_gives_the_french_fiche(client):
    page = text(client.get(FICHE + "&langue=xx"))
    assert '<html lang="fr" dir="ltr">' in page and "Qui peut vous accompagner" in page


def test_the_fiche_offers_its_other_languages(client):
    page = text(client.get(FICHE))
    assert 'hreflang="en"' in page and 'hreflang="ar"' in page and 'lang="ar">العربية</a>' in page


def test_the_fiche_passes_the_search_s_needs_and_age_band_to_the_encounter_but_not_to_its_qr_code(client):
    page = text(client.get(FICHE + "&besoin=emploi&besoin=inconnu&tranche_age=moins-de-26&age=22"))
    encounter = (
        re.search(r'href="(/rencontre\?[^"]+)">Noter la rencontre', page).group(1).replace("&amp;", "&")
    )
    assert encounter == (
        "/rencontre?acteurs=mission-locale-fictive-montreuil&acteurs=france-services-fictive-villetaneuse"
        "&besoin=emploi&tranche_age=moins-de-26"
    )  # an unknown need dropped, the age itself never passed on
    own = re.search(r'<span class="url" dir="ltr">([^<]+)</span>', page).group(1)
    assert "besoin" not in own and "tranche_age" not in own
    assert 'href="/fiche?acteurs=' in page and "format=carte" in page  # the cards, one tap away


def test_the_encounter_is_pre_filled_only_with_what_it_knows():
    from werkzeug.datastructures import MultiDict

    from webmap.volunteer.encounter import prefill_of

    asked = MultiDict([("besoin", "emploi"), ("besoin", "emploi"), ("besoin", "x"), ("tranche_age", "12-15")])
    assert prefill_of(asked) == {"besoin": ["emploi"], "tranche_age": None}
