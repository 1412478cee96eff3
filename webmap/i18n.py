"""Languages of the fiche the resident keeps (Flask-Babel). The volunteer's pages speak French.

The phrases we write are translated from the catalogs in ``webmap/translations`` (compiled by
``./dev``, see docs/i18n.md); what managers typed — names, addresses, descriptions — stays as typed.
Day names, dates and times come from Babel's locale data.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, has_request_context, request

FICHE_LANGUAGES = {"fr": "Français", "en": "English", "ar": "العربية"}
FICHE_ENDPOINTS = frozenset({"volunteer.fiche", "offline.fiche_shell"})
"""The pages that speak the fiche's language: the fiche, and its offline shell (one per language)."""
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})
DEFAULT = "fr"


def register_translations(app: Flask) -> None:
    from flask_babel import Babel

    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")
    Babel(app, locale_selector=page_language)
    app.context_processor(
        lambda: {"page_language": page_language(), "page_direction": direction(page_language())}
    )


def page_language() -> str:
    """The fiche's ``langue`` when it is one we have; French everywhere else."""
    if has_request_context() and request.endpoint in FICHE_ENDPOINTS:
        wanted = request.args.get("langue", DEFAULT)
        if wanted in FICHE_LANGUAGES:
            return wanted
    return DEFAULT


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def clock(moment: dt.datetime | dt.time) -> str:
    """« 9 h 30 » in French, as the volunteers write it; the locale's short time elsewhere."""
    from flask_babel import format_time, get_locale

    if str(get_locale()) == "fr":
        return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")
    return format_time(moment, "short")


def day_name(day: dt.date) -> str:
    """« lundi 30 novembre », « Monday 30 November », « الاثنين 30 نوفمبر »."""
    from flask_babel import format_date

    return format_date(day, "EEEE d MMMM")


def calendar_words() -> dict[str, object]:
    """What a script needs to write days and times as ``day_name`` and ``clock`` do, in the current
    language: the week's day names (Monday first), the months', and the short time's pattern with its
    morning and afternoon marks (None in French, written « 9 h 30 »)."""
    from babel.dates import get_day_names, get_month_names
    from flask_babel import format_time, get_locale

    locale = get_locale()
    french = str(locale) == "fr"
    return {
        "jours": [get_day_names("wide", locale=locale)[day] for day in range(7)],
        "mois": [get_month_names("wide", locale=locale)[month] for month in range(1, 13)],
        "heure": None
        if french
        else {
            "motif": locale.time_formats["short"].pattern,
            "matin": format_time(dt.time(9, 0), "a"),
            "apres_midi": format_time(dt.time(15, 0), "a"),
        },
    }
