"""The fiche's QR code read as a phone reads it: from a screenshot of the page at 360 and 768 px, and
from the printed page (Chromium's PDF, rendered at 150 dpi by poppler's pdftoppm) — for 1 to 3 actors,
in every language of the fiche, and as cards; each on one printed A4 page."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

ACTORS = (
    "mission-locale-fictive-montreuil",
    "france-services-fictive-villetaneuse",
    "insertion-fictive-montreuil",
)
VARIANTS = [
    *((count, language, None) for count in (1, 2, 3) for language in ("fr", "en", "ar")),
    (2, "fr", "carte"),
    (3, "ar", "carte"),
]


def fiche_path(count: int, language: str, card: str | None) -> str:
    query = "&".join(f"acteurs={actor}" for actor in ACTORS[:count])
    query += "" if language == "fr" else f"&langue={language}"
    return "/fiche?" + query + (f"&format={card}" if card else "")


def decoded(png: bytes) -> list[str]:
    from PIL import Image
    from pyzbar.pyzbar import decode

    return [symbol.data.decode() for symbol in decode(Image.open(io.BytesIO(png)))]


@pytest.mark.parametrize("width", [360, 768])
def test_the_qr_code_on_screen_decodes_to_the_fiche_s_address(browser, live, width):
    context = browser.new_context(viewport={"width": width, "height": 740}, locale="fr-FR")
    page = context.new_page()
    try:
        for count, language, card in VARIANTS:
            page.goto(live + fiche_path(count, language, card))
            own = page.locator(".qr .url").inner_text()
            assert decoded(page.screenshot(full_page=True)) == [own], (count, language, card, width)
    finally:
        context.close()


def test_the_printed_qr_code_decodes_at_150_dpi(browser, live, tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (Debian's poppler-utils) is missing; ./dev test installs it")
    page = browser.new_page()
    try:
        for count, language, card in VARIANTS:
            page.goto(live + fiche_path(count, language, card))
            own = page.locator(".qr .url").inner_text()
            pdf = tmp_path / "fiche.pdf"
            page.pdf(path=str(pdf), format="A4")
            subprocess.run(
                [pdftoppm, "-r", "150", "-png", str(pdf), str(tmp_path / "p")],
                check=True,
            )
            pages = sorted(tmp_path.glob("p*.png"))
            assert len(pages) == 1, (count, language, card, f"prints on {len(pages)} A4 pages")
            assert [code for printed in pages for code in decoded(printed.read_bytes())] == [own], (
                count,
                language,
                card,
                len(pages),
            )
            for printed in pages:
                printed.unlink()
    finally:
        page.close()
