"""The fiche's catalogs: every phrase the code marks is translated in every language, and what is
served (the compiled ``.mo``) is what the ``.po`` says."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

from webmap.i18n import FICHE_LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "webmap" / "translations"
TRANSLATED = [code for code in FICHE_LANGUAGES if code != "fr"]  # French is the source


def marked_phrases() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "translatable": None}
    return {
        message
        for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
        if message
    }


def catalog(language: str):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as stream:
        return read_po(stream)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_phrase_is_translated(language):
    entries = {message.id: message for message in catalog(language) if message.id}
    missing = marked_phrases() - set(entries)
    assert not missing, f"{language}: untranslated {sorted(missing)} — update the catalogs (docs/i18n.md)"
    for message in entries.values():
        assert message.string and not message.fuzzy, f"{language}: {message.id!r} has no checked translation"
        assert sorted(_placeholders(message.id)) == sorted(_placeholders(message.string)), message.id


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_served_catalog_is_compiled_from_the_po(language):
    compiled = CATALOGS / language / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists(), "run ./dev (it compiles the catalogs: pybabel compile -d webmap/translations)"
    served = Translations.load(str(CATALOGS), [language])
    for message in catalog(language):
        if message.id:
            assert served.gettext(message.id) == message.string, (
                f"{compiled} is older than its .po: run ./dev, or pybabel compile -d webmap/translations"
            )


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\(\w+\)s", text)
