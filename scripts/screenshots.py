"""Screenshots of the volunteer's flow at 360 px (a phone) and 768 px (a tablet), for the docs and for
looking at side by side (docs/FIELD-UX.md): the empty search, the first screen of results and the whole
list, the fiche in French, English and Arabic, the printed fiche and cards (Chromium's PDF rendered by
pdftoppm at 100 dpi), the encounter form pre-filled from the fiche and its confirmation, a campaign's
dashboard.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

The service runs under gunicorn on a fresh instance with the curated dataset (data/actors.geojson), a
made-up manager account and a made-up campaign in Montreuil; the search starts from a point in Montreuil
(a tap on the map), for a resident of 24 looking for a job. Map tiles are left out (``CARTO_TILES=none``:
the machines that make these have no internet), so the maps show the pins and the commune outlines on
grey. Rerun after a change to the pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.services import CartoServer

ROOT = Path(__file__).resolve().parent.parent
SEARCH = "/?lat=48.8583&lon=2.4412&besoin=emploi&age=24"
WIDTHS = {360: 740, 768: 1024}
MANAGER = "gestion-fictive@example.org"
PASSWORD = "mot de passe fictif des captures"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder, sync_playwright() as playwright:
        instance = Path(folder) / "instance"
        campaign = _made_up_accounts(instance)
        with CartoServer(instance, TILES="none", SECURE_COOKIES="false") as served:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for width, height in WIDTHS.items():
                for name in _shoot(browser, served.url, width, height, args.out, campaign):
                    print(name)
            browser.close()


def _made_up_accounts(instance: Path) -> str:
    """A made-up manager and campaign, through the ``carto`` command as an administrator would."""
    env = {**os.environ, "CARTO_INSTANCE_PATH": str(instance)}
    carto = [str(Path(sys.executable).parent / "carto")]

    def run(*arguments: str, given: str | None = None) -> str:
        done = subprocess.run([*carto, *arguments], env=env, input=given, capture_output=True, text=True)
        done.check_returncode()
        return done.stdout

    run("db", "upgrade")
    run("users", "add", MANAGER, "--role", "manager", "--password-stdin", given=PASSWORD + "\n")
    made = run("campagnes", "add", "Campagne fictive des captures", "--commune", "93048", "--json")
    return made.split(":")[1].strip(" }\n")


def _shoot(browser, base: str, width: int, height: int, out: Path, campaign: str) -> list[Path]:
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR", has_touch=True, is_mobile=width < 500
    )
    page = context.new_page()
    shots: list[Path] = []

    def shot(name: str, whole: bool = True) -> None:
        shots.append(out / f"{name}-{width}.png")
        page.screenshot(path=shots[-1], full_page=whole)

    try:
        page.goto(base + "/connexion")
        page.fill("#email", MANAGER)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state("networkidle")
        page.goto(base + "/", wait_until="networkidle")
        shot("recherche", whole=False)
        page.goto(base + SEARCH, wait_until="networkidle")
        shot("resultats", whole=False)  # the first screen: what the volunteer reads at the door
        shot("resultats-complets")
        cards = page.locator("#liste-resultats > li")
        for n in (0, 1):
            cards.nth(n).get_by_text("Sur la fiche").tap()
        page.get_by_role("button", name="Fiche (2)").tap()
        page.wait_for_selector(".fiche-acteur")
        fiche = page.url
        for language in ("fr", "en", "ar"):
            page.goto(fiche + ("" if language == "fr" else f"&langue={language}"), wait_until="networkidle")
            shot("fiche" if language == "fr" else f"fiche-{language}")
        if width == max(WIDTHS):  # paper has one size
            page.goto(fiche, wait_until="networkidle")
            shots.append(_printed(page, out / "fiche-imprimee.png"))
            page.goto(fiche + "&format=carte", wait_until="networkidle")
            shots.append(_printed(page, out / "cartes-imprimees.png"))
        page.goto(fiche, wait_until="networkidle")
        page.get_by_role("link", name="Noter la rencontre").tap()
        page.wait_for_selector("#rencontre")
        shot("rencontre")
        page.locator('input[name="en_recherche"][value="oui"]').tap()
        page.locator('input[name="accompagne"][value="non"]').tap()
        page.locator('input[name="demo_mes_offres"][value="oui"]').tap()
        page.get_by_role("button", name="Enregistrer la rencontre").tap()
        page.get_by_text("Rencontre enregistrée").wait_for()
        shot("rencontre-enregistree", whole=False)
        page.goto(base + f"/gestion/campagnes/{campaign}", wait_until="networkidle")
        shot("tableau-de-bord")
        return shots
    finally:
        context.close()


def _printed(page, path: Path) -> Path:
    """The page as printed on A4 (its first page), at 100 dpi."""
    pdf = path.with_suffix(".pdf")
    page.pdf(path=str(pdf), format="A4")
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(path.with_suffix(""))], check=True
    )
    pdf.unlink()
    return path


if __name__ == "__main__":
    main()
