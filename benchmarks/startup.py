"""How fast a ``carto`` command starts, against a bare ``import flask`` on the same machine.

    .venv/bin/python benchmarks/startup.py [--runs 5]

Each command runs ``--runs`` times in a fresh process, in a fresh instance folder that holds a small
synthetic BAN index (made up, and named so), with no network geocoder: what is timed is the start-up
and one answer from the local index. Prints the median wall time, the peak memory (max RSS) and the
ratio to ``python -c 'import flask'``; the target is a ratio of 3 or less for commands that draw no map.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARTO = str(Path(sys.executable).with_name("carto"))
TARGET_RATIO = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median reported)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="carto-startup-") as folder:
        instance = Path(folder) / "instance"
        _synthetic_index(instance / "ban" / "index.sqlite", Path(folder))
        env = {**os.environ, "CARTO_INSTANCE_PATH": str(instance), "CARTO_GEOCODERS": "local"}
        subprocess.run([CARTO, "db", "upgrade"], env=env, check=True, capture_output=True)
        _describe_machine()
        baseline = _measure([sys.executable, "-c", "import flask"], env, args.runs)
        _row("python -c 'import flask'", baseline, baseline)
        for label, command in [
            ("carto geocode (local index)", [CARTO, "geocode", "3 rue de la republique montreuil"]),
            ("carto actors list", [CARTO, "actors", "list", "--commune", "93048"]),
            ("carto nearest --lat --lon", [CARTO, "nearest", "--lat", "48.86", "--lon", "2.44"]),
            ("carto --help", [CARTO, "--help"]),
        ]:
            _row(label, _measure(command, env, args.runs), baseline)
    print(f"\ntarget: commands that draw no map start within {TARGET_RATIO:.0f}× `import flask`")


def _synthetic_index(target: Path, folder: Path) -> None:
    from geo.geocoding.ban_index import build_index
    from geo.geocoding.synthetic import generate, write_ban_csv

    csv = write_ban_csv(folder / "adresses-synthetique.csv", generate(20, 20, seed=5))
    build_index([csv], ["93"], target)


def _measure(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """(median seconds, max RSS in MB over the runs)."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak memory
        times.append(time.perf_counter() - start)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
        process.stderr.close()
        peaks.append(usage.ru_maxrss)
    return statistics.median(times), max(peaks) / 1024


def _row(label: str, figures: tuple[float, float], baseline: tuple[float, float]) -> None:
    seconds, megabytes = figures
    ratio = seconds / baseline[0]
    flag = "" if ratio <= TARGET_RATIO or "import flask" in label else "  ← above target"
    print(f"{label:32} {seconds * 1000:7.0f} ms  {megabytes:6.0f} MB  {ratio:4.1f}×{flag}")


def _describe_machine() -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    from importlib.metadata import version

    print(
        f"{platform.platform()} · Python {platform.python_version()} · flask {version('flask')} · "
        f"{os.cpu_count()} CPU · load {load}"
    )
    print(f"{'command':32} {'median':>10}  {'max RSS':>9}  ratio")


if __name__ == "__main__":
    main()
