"""Screenshots of the results and the fiche at 360 px (a phone) and 768 px (a tablet), for the docs.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

The service runs under gunicorn on a fresh instance with the curated dataset (data/actors.geojson);
the search starts from a point in Montreuil (a tap on the map), for a resident of 30 looking for a job.
Map tiles are left out (``CARTO_TILES=none``: the machines that make these have no internet), so the
maps show the pins and the commune outlines on grey. Rerun after a change to the pages.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from devtools.services import CartoServer

ROOT = Path(__file__).resolve().parent.parent
SEARCH = "/?lat=48.8583&lon=2.4412&besoin=emploi&age=30"
WIDTHS = {360: 800, 768: 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder, sync_playwright() as playwright:
        with CartoServer(Path(folder) / "instance", TILES="none", SECURE_COOKIES="false") as served:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for width, height in WIDTHS.items():
                for name in _shoot(browser, served.url, width, height, args.out):
                    print(name)
            browser.close()


def _shoot(browser, base: str, width: int, height: int, out: Path) -> list[Path]:
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR", has_touch=True, is_mobile=width < 500
    )
    page = context.new_page()
    try:
        page.goto(base + SEARCH, wait_until="networkidle")
        results = out / f"resultats-{width}.png"
        page.screenshot(path=results, full_page=True)
        chosen = page.locator("#liste-resultats li[data-actor-id]").evaluate_all(
            "items => items.slice(0, 2).map(item => item.dataset.actorId)"
        )
        fiche = "/fiche?" + "&".join(f"acteurs={actor_id}" for actor_id in chosen)
        shots = [results]
        for language in ("fr", "ar"):
            page.goto(
                base + fiche + ("" if language == "fr" else f"&langue={language}"), wait_until="networkidle"
            )
            shots.append(out / f"fiche{'' if language == 'fr' else '-' + language}-{width}.png")
            page.screenshot(path=shots[-1], full_page=True)
        return shots
    finally:
        context.close()


if __name__ == "__main__":
    main()
