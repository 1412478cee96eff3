"""The configured way of timing walks: the street network when imported, else the estimate."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from geo.search.network import NetworkWalk, StreetNetwork
from geo.search.travel import TravelTimes, WalkingEstimate

_KEY = "carto.travel"


def network_path(app: Flask) -> Path:
    return Path(app.instance_path) / "network" / "streets.npz"


def current_travel() -> TravelTimes:
    """Reloaded when a new network is imported."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    path = network_path(app)
    version = path.stat().st_mtime_ns if path.exists() else None
    cached = app.extensions.get(_KEY)
    if cached is None or cached[0] != version:
        estimate = WalkingEstimate(app.config["WALK_DETOUR_FACTOR"], app.config["WALK_SPEED_KMH"])
        travel: TravelTimes = estimate
        if version is not None:
            travel = NetworkWalk(StreetNetwork.load(path), app.config["WALK_SPEED_KMH"], estimate)
        cached = (version, travel)
        app.extensions[_KEY] = cached
    return cached[1]
