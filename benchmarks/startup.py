"""How fast a ``carto`` command starts, against a bare ``import flask`` on the same machine.

    .venv/bin/python benchmarks/startup.py [--runs 11]

Each command runs in a fresh process, in a fresh instance folder that holds a small synthetic BAN
index (made up, and named so), with no network geocoder: what is timed is the start-up and one answer
from the local index. The baseline is the virtualenv's python running ``import flask``. The commands
and the baseline take turns (A B C … A B C …, ``--runs`` rounds), so that a change of load touches
them all alike; each command's ratio is reckoned against the baseline of its own round. Prints the
median wall time, min–median–max of the ratio, and the peak memory (max RSS); the target is a ratio
of 3 or less for commands that draw no map.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devtools.measure import spread, stated_load
from devtools.services import synthetic_ban_index

ROOT = Path(__file__).resolve().parent.parent
CARTO = str(Path(sys.executable).with_name("carto"))
TARGET_RATIO = 3.0
BASELINE = "python -c 'import flask'"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="rounds (each command once per round)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="carto-startup-") as folder:
        instance = Path(folder) / "instance"
        synthetic_ban_index(instance / "ban" / "index.sqlite", 20, 20, seed=5)
        env = {**os.environ, "CARTO_INSTANCE_PATH": str(instance), "CARTO_GEOCODERS": "local"}
        subprocess.run([CARTO, "db", "upgrade"], env=env, check=True, capture_output=True)
        commands = {
            BASELINE: [sys.executable, "-c", "import flask"],
            "carto geocode (local index)": [CARTO, "geocode", "3 rue de la republique montreuil"],
            "carto actors list": [CARTO, "actors", "list", "--commune", "93048"],
            "carto nearest --lat --lon": [CARTO, "nearest", "--lat", "48.86", "--lon", "2.44"],
            "carto nearest --address": [CARTO, "nearest", "--address", "3 rue de la republique montreuil"],
            "carto --help": [CARTO, "--help"],
        }
        with stated_load("start-up of carto commands, alternated"):
            from importlib.metadata import version

            print(f"flask {version('flask')} · {args.runs} rounds")
            seconds: dict[str, list[float]] = {label: [] for label in commands}
            peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
            for _ in range(args.runs):
                for label, command in commands.items():
                    took, peak = _run(command, env)
                    seconds[label].append(took)
                    peaks[label] = max(peaks[label], peak)
            print(f"{'command':32} {'median':>8}  {'ratio min–median–max':>22}  {'max RSS':>8}")
            for label in commands:
                ratios = [a / b for a, b in zip(seconds[label], seconds[BASELINE], strict=True)]
                flag = "" if statistics.median(ratios) <= TARGET_RATIO else "  ← above target"
                print(
                    f"{label:32} {statistics.median(seconds[label]) * 1000:6.0f} ms  "
                    f"{spread(ratios):>22}  {peaks[label]:5.0f} MB{flag}"
                )
    print(f"\ntarget: commands that draw no map start within {TARGET_RATIO:.0f}× `import flask`")


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak memory in MB) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak memory
    took = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
    process.stderr.close()
    return took, usage.ru_maxrss / 1024


if __name__ == "__main__":
    main()
