"""The fiche the resident keeps: chosen actors, a QR code of the fiche itself, an SMS text.

Nothing about the resident goes in: the fiche's URL, its QR code and its page name actors only.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from geo.actors.model import Actor
from webmap.presenters import address_line, phone_label

MAX_ACTORS = 3
SMS_LIMIT = 300


def qr_svg(url: str) -> Markup:
    """The fiche's own URL as an inline SVG QR code (segno), readable from a printed page."""
    import segno

    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=4, border=2, title="Adresse de cette fiche", omitsize=False))


def sms_text(actors: Sequence[Actor]) -> str:
    """A short text to send from the tablet: each actor's name, address and phone, under 300 characters.
    Addresses give way first when the text would be too long."""
    def lines(with_address: bool) -> str:
        parts = []
        for actor in actors:
            bits = [actor.nom]
            if with_address and address_line(actor):
                bits.append(address_line(actor))
            if actor.telephone:
                bits.append(phone_label(actor.telephone))
            parts.append(" – ".join(bits))
        return "Pour votre recherche d’emploi :\n" + "\n".join(parts)

    text = lines(with_address=True)
    if len(text) >= SMS_LIMIT:
        text = lines(with_address=False)
    return text if len(text) < SMS_LIMIT else text[:SMS_LIMIT - 2] + "…"


def directions(actor: Actor) -> dict[str, str] | None:
    """A ``geo:`` URI (the phone's own maps) and OpenStreetMap walking directions to the actor."""
    if actor.location is None:
        return None
    lat, lon = actor.location.lat, actor.location.lon
    return {"geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}",
            "osm": f"https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=%3B{lat:.6f}"
                   f"%2C{lon:.6f}"}
