"""The hours grid: what a manager ticks is written as OSM ``opening_hours`` and read back the same,
through the opening-hours library; what the grid cannot say is left to the expert field."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.actors.week_grid import Week, to_opening_hours, week_of, week_problems
from geo.search.hours import opening_status

TODAY = dt.date(2026, 12, 2)
NINE, NOON, TWO, FIVE = dt.time(9), dt.time(12), dt.time(14), dt.time(17)
WEEKDAYS = (((NINE, NOON), (TWO, FIVE)),) * 5 + ((), ())


def test_a_week_is_written_with_days_of_the_same_hours_together():
    week = Week(WEEKDAYS[:5] + (((NINE, NOON),), ()), holidays_closed=True)
    assert to_opening_hours(week) == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"


def test_appointments_and_a_closed_period_are_written_the_osm_way():
    week = Week(
        (((NINE, NOON),), (), (), ((NINE, NOON),), (), (), ()),
        by_appointment=True,
        closed_from=dt.date(2026, 12, 24),
        closed_until=dt.date(2027, 1, 1),
    )
    assert to_opening_hours(week) == ('Mo,Th 09:00-12:00 "sur rendez-vous"; 2026 Dec 24-2027 Jan 01 off')


def test_no_hours_ticked_means_hours_unknown():
    assert to_opening_hours(Week()) == "" and week_of("", TODAY) == Week()


@pytest.mark.parametrize(
    "hours",
    [
        "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off",
        'Mo-Fr 09:00-12:00 "sur rendez-vous"; PH off',
        "Mo,Th 09:00-12:00; PH off; 2026 Dec 24-2027 Jan 01 off",
        "Tu 14:00-17:00; We 09:00-12:00",
    ],
)
def test_what_the_grid_writes_it_reads_back(hours):
    week = week_of(hours, TODAY)
    assert week is not None and to_opening_hours(week) == hours


@pytest.mark.parametrize(
    "hours, why",
    [
        ("Mo-Fr 09:00-12:00,13:00-15:00,16:00-18:00", "three ranges a day"),
        ("Mo-Fr 22:00-02:00", "past midnight"),
        ("24/7", "all day long"),
        ('Mo 09:00-12:00 "fermé en août"', "another comment"),
        ("Mo-Fr 09:00-12:00; Aug off", "a closure every year"),
        ("Mo-Fr 09:00-12:00; 2026Dec24-2026Dec26 off; 2027Feb01-2027Feb03 off", "two closed periods"),
        ("Mo-Fr 09:00-12:00; PH 10:00-11:00", "other hours on holidays"),
        ("Mo-Fr 09:00-12:00 unknown", "unknown"),
        ("du lundi au vendredi", "not OSM"),
    ],
)
def test_what_the_grid_cannot_say_is_left_to_the_expert_field(hours, why):
    assert week_of(hours, TODAY) is None, why


def test_a_closure_in_the_past_no_longer_matters():
    week = week_of("Mo-Fr 09:00-17:00; 2025Jan01-2025Jan05 off", TODAY)
    assert week is not None and to_opening_hours(week) == "Mo-Fr 09:00-17:00"


@pytest.mark.parametrize(
    "week, message",
    [
        (Week((((NOON, NINE),),) + ((),) * 6), "la fin doit suivre le début"),
        (Week((((NINE, TWO), (NOON, FIVE)),) + ((),) * 6), "se chevauchent"),
        (Week(WEEKDAYS, closed_from=TODAY), "une date de début et une date de fin"),
        (Week(WEEKDAYS, closed_from=TODAY, closed_until=TODAY - dt.timedelta(days=1)), "finit avant"),
    ],
)
def test_a_grid_that_makes_no_sense_is_refused_in_words(week, message):
    assert any(message in said for _, said in week_problems(week))


times = st.sampled_from([dt.time(h, m) for h in range(7, 20) for m in (0, 30)])


@st.composite
def grids(draw):
    days = []
    for _ in range(7):
        bounds = sorted(set(draw(st.lists(times, max_size=4))))
        bounds = bounds[: len(bounds) // 2 * 2]
        days.append(tuple(zip(bounds[::2], bounds[1::2], strict=True)))
    start = draw(st.none() | st.dates(TODAY, TODAY + dt.timedelta(days=300)))
    length = draw(st.integers(0, 20))
    return Week(
        tuple(days),
        by_appointment=draw(st.booleans()),
        holidays_closed=draw(st.booleans()),
        closed_from=start,
        closed_until=start + dt.timedelta(days=length) if start else None,
    )


@settings(max_examples=100, deadline=None)
@given(grids())
def test_any_grid_reads_back_as_a_grid_that_opens_at_the_same_moments(week):
    written = to_opening_hours(week)
    read = week_of(written, TODAY)
    assert read is not None
    again = to_opening_hours(read)
    moments = [
        dt.datetime.combine(TODAY + dt.timedelta(days=d), dt.time(h, 15))
        for d in range(0, 400, 3)
        for h in (8, 10, 15)
    ]
    assert [opening_status(again, m).open for m in moments] == [
        opening_status(written, m).open for m in moments
    ]
