"""Opening hours as a volunteer reads them, in Europe/Paris, with French public holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from geo.search.hours import is_open_during, opening_status

FRIDAY = dt.datetime(2026, 11, 27)
WEEKDAYS_WITH_LUNCH = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"


def at(day: dt.datetime, hour: int, minute: int = 0) -> dt.datetime:
    return day.replace(hour=hour, minute=minute)


@pytest.mark.parametrize(
    "hours, moment, label, is_open",
    [
        (WEEKDAYS_WITH_LUNCH, at(FRIDAY, 10), "Ouvert jusqu’à 12:00", True),
        (WEEKDAYS_WITH_LUNCH, at(FRIDAY, 12, 30), "Fermé — ouvre à 14:00", False),
        (WEEKDAYS_WITH_LUNCH, at(FRIDAY, 18), "Fermé — ouvre lundi à 09:00", False),
        ("Mo-Sa 09:00-12:00", at(FRIDAY, 18), "Fermé — ouvre demain à 09:00", False),
        ("24/7", at(FRIDAY, 3), "Ouvert", True),
        ("off", at(FRIDAY, 10), "Fermé", False),
    ],
)
def test_open_now_and_next_change(hours, moment, label, is_open):
    status = opening_status(hours, moment)
    assert (status.label, status.open) == (label, is_open)


def test_public_holiday_closes_when_the_rule_says_ph_off():
    armistice = dt.datetime(2026, 11, 11, 10, 0)  # a Wednesday, French public holiday
    status = opening_status(WEEKDAYS_WITH_LUNCH, armistice)
    assert status.label == "Fermé — ouvre demain à 09:00"
    assert opening_status("Mo-Fr 09:00-12:00", armistice).open is True  # no PH rule: open


@pytest.mark.parametrize("hours", ["lundi 9h-12h", "Mo-Fr 25:00-26:00", "", "¯\\_(ツ)_/¯"])
def test_unreadable_hours_are_unknown_not_a_crash(hours):
    status = opening_status(hours, at(FRIDAY, 10))
    assert (status.open, status.label) == (None, "Horaires inconnus")


def test_times_in_other_zones_are_read_in_paris_time():
    utc_nine = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris
    assert opening_status("Mo-Fr 10:00-11:00", utc_nine).open is True
    summer = dt.datetime(2026, 7, 3, 8, 30, tzinfo=ZoneInfo("UTC"))  # 10:30 in Paris (CEST)
    assert opening_status("Mo-Fr 10:00-11:00", summer).open is True


@pytest.mark.parametrize(
    "weekday, part, expected",
    [
        (0, "matin", False),
        (0, "apres-midi", True),
        (5, "journee", False),
        (4, "journee", True),
    ],
)
def test_open_on_a_day_and_part_of_day(weekday, part, expected):
    assert is_open_during("Mo-Fr 14:00-18:00", weekday, part, at(FRIDAY, 10)) is expected


def test_open_on_with_unknown_hours_is_unknown():
    assert is_open_during("n'importe quoi", 0, "matin", at(FRIDAY, 10)) is None


def test_two_weeks_before_clocks_go_forward_the_status_is_still_told():
    """14 March 2027, 2:30: two weeks on is 28 March, 2:30 — an hour that does not exist in Paris."""
    moment = dt.datetime(2027, 3, 14, 2, 30)
    status = opening_status("Mo-Fr 09:00-17:00", moment)
    assert status.open is False and status.label == "Fermé — ouvre demain à 09:00"
