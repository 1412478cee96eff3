"""Settings: declared once, documented, and applied in the documented order."""

from __future__ import annotations

import re

import pytest

from tests.support import ROOT
from webmap import create_app
from webmap.settings import SETTINGS

_SETTING_NAME = re.compile(r"\bCARTO_[A-Z][A-Z0-9_]*\b")


def test_every_setting_is_documented_and_every_documented_one_exists():
    documented = set(_SETTING_NAME.findall((ROOT / "docs" / "settings.md").read_text("utf-8")))
    assert documented == {setting.env for setting in SETTINGS}


def test_code_reads_no_undeclared_setting():
    sources = [*ROOT.glob("geo/**/*.py"), *ROOT.glob("webmap/**/*.py"), ROOT / "dev", ROOT / ".ci" / "run"]
    used = {name for path in sources for name in _SETTING_NAME.findall(path.read_text("utf-8"))}
    assert used <= {setting.env for setting in SETTINGS}


def test_environment_overrides_defaults(monkeypatch, instance_path):
    monkeypatch.setenv("CARTO_COMMUNES", "93048, 93006")
    monkeypatch.setenv("CARTO_HTTP_TIMEOUT", "4.5")

    app = create_app({"INSTANCE_PATH": str(instance_path)})

    assert app.config["COMMUNES"] == ("93048", "93006")
    assert app.config["HTTP_TIMEOUT"] == 4.5


def test_instance_config_file_sits_between_defaults_and_environment(monkeypatch, instance_path):
    instance_path.mkdir()
    (instance_path / "config.py").write_text("HTTP_TIMEOUT = 7.0\nCOMMUNES = ('93079',)\n")
    monkeypatch.setenv("CARTO_HTTP_TIMEOUT", "9")

    app = create_app({"INSTANCE_PATH": str(instance_path)})

    assert app.config["COMMUNES"] == ("93079",)
    assert app.config["HTTP_TIMEOUT"] == 9.0


def test_instance_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CARTO_INSTANCE_PATH", str(tmp_path / "elsewhere"))

    app = create_app()

    assert app.instance_path == str(tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "secret_key").is_file()


def test_malformed_setting_is_named(monkeypatch, instance_path):
    monkeypatch.setenv("CARTO_HTTP_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="CARTO_HTTP_TIMEOUT"):
        create_app({"INSTANCE_PATH": str(instance_path)})


def test_secret_key_is_generated_once_and_kept_private(make_app, instance_path):
    first = make_app().config["SECRET_KEY"]
    second = make_app().config["SECRET_KEY"]

    assert first == second and len(first) == 64
    assert (instance_path / "secret_key").stat().st_mode & 0o077 == 0


def test_the_communes_served_are_those_configured(make_app):
    app = make_app(COMMUNES=("93006", "93079"))
    client = app.test_client()
    assert [c["code_insee"] for c in client.get("/api/v1/communes").get_json()] == ["93006", "93079"]
    page = client.get("/").get_data(as_text=True)
    assert '<option value="93079"' in page and '<option value="93048"' not in page
    builder = client.get("/embed").get_data(as_text=True)
    assert '<option value="93006"' in builder and '<option value="93014"' not in builder
    assert app.config["BAN_COMMUNES"] == ("93006", "93079")


def test_a_commune_that_is_not_an_insee_code_is_refused_at_start(make_app):
    """Any commune may be served (tests/test_territories.py), but a name or a typo stops the service."""
    from webmap.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="Paris"):
        make_app(COMMUNES=("93048", "Paris"))
