"""The volunteer's search on a weak mobile link, in Chromium: bytes on the wire and time to results.

    .venv/bin/python benchmarks/field.py [--runs 5]

The service runs under gunicorn (2 workers) on loopback, with the curated dataset and a synthetic BAN
index (made up, and labelled so). Chromium (Debian's, driven by Playwright) emulates a slow mobile link
through the DevTools protocol: 400 ms latency, 400 kbit/s down and up, a 360 × 740 touch screen. Map
tiles are left out (``CARTO_TILES=none``): they come from the tile server, not from us.

- **cold**: a first results page in a fresh browser (empty cache): the page and everything it loads;
- **next**: from there, the volunteer changes the needs and presses « Chercher » (warm cache).

Bytes are those on the wire (headers and compressed bodies, from the protocol's ``encodedDataLength``).
« Results visible » is when the results heading is painted (Element Timing, ``elementtiming``), from
the navigation's start. Each gunicorn worker has drawn a map before (a few warm-up requests): a
worker imports folium once in its life, which is not what a visit costs. Budgets (issue 12): first
results ≤ 70 KB and ≤ 2.5 s; next search ≤ 20 KB and ≤ 1.2 s. The median of the runs is printed,
with the worst.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import tempfile
from pathlib import Path

from devtools.measure import load_average
from devtools.services import CartoServer, synthetic_ban_index

SLOW_MOBILE = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
BUDGETS = {"cold": (70 * 1024, 2.5), "next": (20 * 1024, 1.2)}
FIRST_SEARCH = "/?lat=48.8583&lon=2.4412&besoin=emploi&age=30"
"""A point in Montreuil (the Croix-de-Chavaux square), as a tap or « Ma position » gives it."""
PAINTED = """() => new Promise(resolve => new PerformanceObserver(list => {
    const entry = list.getEntries().find(e => e.identifier === "resultats");
    if (entry) resolve(entry.renderTime || entry.loadTime);
}).observe({type: "element", buffered: true}))"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--runs", type=int, default=5, help="fresh browsers, one cold and one next search each"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    _describe_machine(chromium)
    figures: dict[str, list[tuple[int, float, int]]] = {"cold": [], "next": []}
    with tempfile.TemporaryDirectory(prefix="bench-field-") as folder, sync_playwright() as playwright:
        index = Path(folder) / "ban-index.sqlite"
        synthetic_ban_index(index, 60, 30, seed=11)
        with CartoServer(
            Path(folder) / "instance", index, GEOCODERS="local", TILES="none", SECURE_COOKIES="false"
        ) as served:
            _warm_up(served.url)
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for _ in range(args.runs):
                cold, warm = _one_visit(browser, served.url)
                figures["cold"].append(cold)
                figures["next"].append(warm)
            browser.close()
    print(f"{'':22} {'KB on the wire':>15} {'requests':>9} {'results visible':>16}   budget")
    for name, label in (("cold", "first results (cold)"), ("next", "next search (warm)")):
        sizes = [size for size, _, _ in figures[name]]
        times = [seconds for _, seconds, _ in figures[name]]
        requests = statistics.median(count for _, _, count in figures[name])
        max_bytes, max_seconds = BUDGETS[name]
        met = max(sizes) <= max_bytes and max(times) <= max_seconds
        print(
            f"{label:22} {statistics.median(sizes) / 1024:9.1f} (≤{max(sizes) / 1024:.1f}) {requests:9.0f} "
            f"{statistics.median(times):9.2f} s (≤{max(times):.2f})   ≤ {max_bytes // 1024} KB, "
            f"≤ {max_seconds} s: {'met' if met else 'NOT MET'}"
        )


def _one_visit(browser, base: str) -> tuple[tuple[int, float, int], tuple[int, float, int]]:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="fr-FR",
    )
    page = context.new_page()
    wire = context.new_cdp_session(page)
    wire.send("Network.enable")
    wire.send("Network.emulateNetworkConditions", SLOW_MOBILE)
    received: list[int] = []
    wire.on(
        "Network.loadingFinished",
        lambda event: event["encodedDataLength"] and received.append(int(event["encodedDataLength"])),
    )  # 0: from the browser's cache
    try:
        page.goto(base + FIRST_SEARCH, wait_until="load")
        cold = (sum(received), page.evaluate(PAINTED) / 1000, len(received))
        received.clear()
        page.locator("#modifier > summary").click()
        page.uncheck('input[name="besoin"][value="emploi"]')
        page.check('input[name="besoin"][value="formation"]')
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Chercher").click()
        warm = (sum(received), page.evaluate(PAINTED) / 1000, len(received))
        return cold, warm
    finally:
        context.close()


def _warm_up(base: str) -> None:
    """Each worker draws its first map once in its life (folium is imported then): not a visit's cost."""
    import urllib.request

    for _ in range(6):
        urllib.request.urlopen(base + FIRST_SEARCH).read()


def _describe_machine(chromium: str) -> None:
    import subprocess
    from importlib.metadata import version

    load = load_average()
    browser = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
    print(
        f"{dt.date.today()} · {platform.platform()} · {os.cpu_count()} CPU · load {load} · "
        f"Python {platform.python_version()} · gunicorn {version('gunicorn')} · {browser}"
    )
    print("Chromium 360 × 740 touch, link emulated at 400 ms latency and 400 kbit/s; tiles excluded\n")


if __name__ == "__main__":
    main()
    print(f"load average after: {load_average()}")
