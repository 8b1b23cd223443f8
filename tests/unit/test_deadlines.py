"""Reply deadlines in working hours, and the England and Wales bank holidays they skip."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.enquiries.bank_holidays import (
    ENGLAND_AND_WALES,
    HolidayCalendar,
    easter_sunday,
    england_and_wales,
    england_and_wales_by_rule,
)
from chalicelib.enquiries.deadlines import UK_TIME, deadline, reminder_at, working_hours_between

NO_HOLIDAYS = HolidayCalendar("weekends only", lambda year: {})


def uk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UK_TIME)


# --- bank holidays -------------------------------------------------------------------------

# As published on gov.uk/bank-holidays (England and Wales).
PUBLISHED = {
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_given_a_published_year_then_the_computed_holidays_match_gov_uk(year: int) -> None:
    expected = [date.fromisoformat(f"{year}-{month_day}") for month_day in PUBLISHED[year]]

    assert list(england_and_wales(year)) == expected


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28))],
)
def test_given_a_year_then_easter_sunday_is_the_known_date(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_given_the_earliest_and_latest_possible_easters_then_the_computus_finds_them() -> None:
    assert easter_sunday(2285) == date(2285, 3, 22)
    assert easter_sunday(2038) == date(2038, 4, 25)


def test_given_christmas_on_a_saturday_then_monday_and_tuesday_are_the_substitute_days() -> None:
    for year in (2027, 2032):
        holidays = england_and_wales(year)

        assert date(year, 12, 25) not in holidays
        assert date(year, 12, 26) not in holidays
        assert holidays[date(year, 12, 27)] == "Christmas Day (substitute day)"
        assert holidays[date(year, 12, 28)] == "Boxing Day (substitute day)"


def test_given_christmas_on_a_sunday_then_boxing_day_keeps_monday_and_christmas_takes_tuesday() -> None:
    holidays = england_and_wales(2022)

    assert holidays[date(2022, 12, 26)] == "Boxing Day"
    assert holidays[date(2022, 12, 27)] == "Christmas Day (substitute day)"


def test_given_boxing_day_on_a_saturday_then_monday_is_its_substitute() -> None:
    holidays = england_and_wales(2026)

    assert holidays[date(2026, 12, 25)] == "Christmas Day"
    assert holidays[date(2026, 12, 28)] == "Boxing Day (substitute day)"


def test_given_new_years_day_on_a_weekend_then_the_monday_after_is_the_holiday() -> None:
    assert ENGLAND_AND_WALES.is_holiday(date(2022, 1, 3))  # a Saturday
    assert ENGLAND_AND_WALES.is_holiday(date(2023, 1, 2))  # a Sunday
    assert not ENGLAND_AND_WALES.is_holiday(date(2023, 1, 3))


def test_given_the_one_off_years_then_the_moved_and_extra_days_are_holidays() -> None:
    assert ENGLAND_AND_WALES.is_holiday(date(2020, 5, 8))  # VE day 75, instead of Mon 4 May
    assert not ENGLAND_AND_WALES.is_holiday(date(2020, 5, 4))
    assert ENGLAND_AND_WALES.is_holiday(date(2022, 6, 2))  # spring, instead of Mon 30 May
    assert ENGLAND_AND_WALES.is_holiday(date(2022, 6, 3))  # Platinum Jubilee
    assert not ENGLAND_AND_WALES.is_holiday(date(2022, 5, 30))
    assert ENGLAND_AND_WALES.is_holiday(date(2022, 9, 19))  # state funeral
    assert ENGLAND_AND_WALES.is_holiday(date(2023, 5, 8))  # coronation
    assert ENGLAND_AND_WALES.is_holiday(date(2023, 5, 1))  # the early May one as well


def test_given_a_year_without_one_offs_then_the_calendar_is_the_rule() -> None:
    for year in (2019, 2021, 2024, 2028, 2030, 2031, 2100):
        assert dict(england_and_wales(year)) == dict(sorted(england_and_wales_by_rule(year).items()))


@given(st.integers(min_value=1900, max_value=2200))
def test_given_any_year_then_there_are_eight_holidays_all_on_weekdays(year: int) -> None:
    holidays = england_and_wales_by_rule(year)

    assert len(holidays) == 8
    assert all(day.weekday() < 5 and day.year == year for day in holidays)
    assert easter_sunday(year).weekday() == 6


def test_given_a_hospital_override_then_its_days_are_added_and_removed() -> None:
    hospital = ENGLAND_AND_WALES.with_changes(
        "Example hospital", added={date(2026, 12, 24): "Christmas Eve"}, removed=frozenset({date(2026, 8, 31)})
    )

    assert hospital.is_holiday(date(2026, 12, 24))
    assert not hospital.is_holiday(date(2026, 8, 31))
    assert hospital.is_working_day(date(2026, 8, 31))
    assert list(hospital.holidays(2026))[-3:] == [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 28)]
    assert ENGLAND_AND_WALES.is_holiday(date(2026, 8, 31))


# --- deadlines -----------------------------------------------------------------------------


def test_given_friday_afternoon_then_36_working_hours_end_on_tuesday_at_four() -> None:
    received = uk(2026, 11, 27, 16)

    assert deadline(received, 36) == uk(2026, 12, 1, 4)
    assert deadline(received) == uk(2026, 12, 1, 4)  # 36 is the default


def test_given_hours_ending_with_friday_then_the_deadline_is_friday_midnight_not_monday() -> None:
    received = uk(2026, 11, 27, 16)

    assert deadline(received, 8) == uk(2026, 11, 28, 0)
    assert deadline(received, 8.5) == uk(2026, 11, 30, 0, 30)


def test_given_a_deadline_then_it_is_aware_and_in_utc() -> None:
    answer = deadline(uk(2026, 7, 3, 16), 36)  # BST: Tuesday 04:00 is 03:00 UTC

    assert answer.tzinfo is UTC
    assert answer == datetime(2026, 7, 7, 3, tzinfo=UTC)


def test_given_a_bank_holiday_monday_then_the_deadline_moves_to_wednesday() -> None:
    received = uk(2026, 8, 28, 16)  # Friday before the summer bank holiday

    assert deadline(received, 36) == uk(2026, 9, 2, 4)


def test_given_good_friday_and_easter_monday_then_both_are_skipped() -> None:
    received = uk(2026, 4, 2, 12)  # Thursday before Easter

    assert deadline(received, 36) == uk(2026, 4, 8, 0)  # 12 h Thursday, 24 h Tuesday 7 April


@pytest.mark.parametrize("received", [uk(2026, 11, 28, 9, 30), uk(2026, 11, 29, 23, 59)])
def test_given_a_weekend_enquiry_then_counting_starts_at_monday_midnight(received: datetime) -> None:
    assert deadline(received, 36) == uk(2026, 12, 1, 12)
    assert working_hours_between(received, uk(2026, 11, 30, 0)) == 0


def test_given_christmas_on_a_saturday_then_a_christmas_eve_deadline_skips_to_wednesday() -> None:
    received = uk(2027, 12, 24, 16)  # Friday; Monday 27 and Tuesday 28 are substitute days

    assert deadline(received, 36) == uk(2027, 12, 30, 4)


def test_given_the_coronation_monday_then_the_deadline_skips_it() -> None:
    assert deadline(uk(2023, 5, 5, 16), 36) == uk(2023, 5, 10, 4)


def test_given_the_platinum_jubilee_then_thursday_and_friday_are_skipped() -> None:
    assert deadline(uk(2022, 6, 1, 12), 24) == uk(2022, 6, 6, 12)


def test_given_a_span_over_the_october_clock_change_then_hours_are_real_elapsed_hours() -> None:
    received = uk(2026, 10, 23, 16)  # Friday, BST; the clocks go back on Sunday 25 October

    answer = deadline(received, 36)

    assert answer == uk(2026, 10, 27, 4)  # Tuesday 04:00 GMT
    assert answer == datetime(2026, 10, 27, 4, tzinfo=UTC)
    assert answer - received == timedelta(hours=8 + 49 + 28)  # the weekend was 49 hours long
    assert working_hours_between(received, answer) == 36


def test_given_a_span_over_the_march_clock_change_then_hours_are_real_elapsed_hours() -> None:
    friday = uk(2026, 3, 27, 16)  # GMT; the clocks go forward on Sunday 29 March

    assert deadline(friday, 36) == uk(2026, 3, 31, 4)  # Tuesday 04:00 BST
    assert deadline(friday, 36) - friday == timedelta(hours=8 + 47 + 28)  # the weekend was 47 hours long

    received = uk(2027, 3, 26, 16)  # Good Friday 2027 (a holiday), the clocks go forward on Sunday 28 March

    answer = deadline(received, 36)

    assert answer == uk(2027, 3, 31, 12)  # Monday 29 is Easter Monday: 24 h Tuesday, 12 h Wednesday (BST)
    assert answer == datetime(2027, 3, 31, 11, tzinfo=UTC)
    assert answer - received == timedelta(hours=115)  # 116 on the wall clock
    assert working_hours_between(uk(2027, 3, 25, 12), uk(2027, 3, 30, 12)) == 12 + 12


def test_given_a_deadline_falling_inside_the_clock_change_night_then_it_counts_real_hours() -> None:
    # A calendar where the change Sunday is a working day: 01:00 BST does not exist there.
    seven_days = _SevenDayCalendar()
    received = uk(2026, 3, 29, 0)  # 00:00 GMT

    assert deadline(received, 2, seven_days) == datetime(2026, 3, 29, 2, tzinfo=UTC)  # 03:00 BST
    assert deadline(received, 24, seven_days) == uk(2026, 3, 30, 1)  # the day was 23 hours long
    assert deadline(received, 2, NO_HOLIDAYS) == uk(2026, 3, 30, 2)  # a Sunday does not count normally


class _SevenDayCalendar(HolidayCalendar):
    def __init__(self) -> None:
        super().__init__("seven days a week", lambda year: {})

    def is_working_day(self, day: date) -> bool:
        return True


def test_given_any_time_zone_in_then_the_same_instant_gives_the_same_deadline() -> None:
    received = uk(2026, 11, 27, 16)
    in_new_york = received.astimezone(timezone(timedelta(hours=-5)))

    assert deadline(in_new_york, 36) == deadline(received, 36)


def test_given_a_deadline_then_the_reminder_is_at_half_its_working_hours() -> None:
    received = uk(2026, 11, 27, 16)

    assert reminder_at(received, 36) == uk(2026, 11, 30, 10)  # 8 h Friday, 10 h Monday
    assert reminder_at(received) == reminder_at(received, 36)
    assert working_hours_between(received, reminder_at(received)) == 18


def test_given_zero_hours_then_the_deadline_is_the_receipt() -> None:
    received = uk(2026, 11, 28, 12)

    assert deadline(received, 0) == received


@pytest.mark.parametrize("hours", [-1.0, math.nan, math.inf])
def test_given_nonsense_hours_then_deadline_refuses_them(hours: float) -> None:
    with pytest.raises(ValueError, match="working_hours"):
        deadline(uk(2026, 11, 27, 16), hours)


def test_given_naive_datetimes_then_they_are_refused() -> None:
    naive, aware = datetime(2026, 11, 27, 16), uk(2026, 11, 27, 16)

    with pytest.raises(ValueError, match="received_at"):
        deadline(naive, 36)
    with pytest.raises(ValueError, match="received_at"):
        reminder_at(naive, 36)
    with pytest.raises(ValueError, match="start"):
        working_hours_between(naive, aware)
    with pytest.raises(ValueError, match="end"):
        working_hours_between(aware, naive)


def test_given_end_before_start_then_working_hours_between_is_negative() -> None:
    assert working_hours_between(uk(2026, 12, 1, 4), uk(2026, 11, 27, 16)) == -36


def test_given_an_acknowledgement_then_time_to_acknowledge_skips_the_weekend() -> None:
    assert working_hours_between(uk(2026, 11, 27, 22, 30), uk(2026, 11, 30, 9, 15)) == 1.5 + 9.25


# --- properties ----------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2019, 1, 1),
    max_value=datetime(2032, 12, 31),
    timezones=st.sampled_from([UTC, UK_TIME]),
    allow_imaginary=False,
)
whole_minutes = st.integers(min_value=1, max_value=200 * 60).map(lambda minutes: minutes / 60)


@settings(max_examples=300, deadline=None)
@given(instants, whole_minutes)
def test_given_any_receipt_then_working_hours_between_inverts_deadline(received: datetime, hours: float) -> None:
    assert working_hours_between(received, deadline(received, hours)) == hours


@settings(max_examples=200, deadline=None)
@given(instants, st.floats(min_value=1e-3, max_value=500, allow_nan=False))
def test_given_any_fractional_hours_then_the_inverse_holds_to_the_microsecond(received: datetime, hours: float) -> None:
    assert math.isclose(working_hours_between(received, deadline(received, hours)), hours, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(instants, whole_minutes)
def test_given_any_deadline_then_it_is_in_working_time_or_at_the_start_of_a_closed_day(
    received: datetime, hours: float
) -> None:
    answer = deadline(received, hours)
    local = answer.astimezone(UK_TIME)

    if not ENGLAND_AND_WALES.is_working_day(local.date()):
        assert local.time() == datetime.min.time()
        assert ENGLAND_AND_WALES.is_working_day(local.date() - timedelta(days=1))
    assert answer > received
    # No earlier instant would do: just before it, less than the hours had elapsed.
    assert working_hours_between(received, answer - timedelta(seconds=1)) < hours


@settings(max_examples=200, deadline=None)
@given(instants, whole_minutes, whole_minutes)
def test_given_more_hours_then_the_deadline_is_never_earlier(received: datetime, first: float, second: float) -> None:
    assert (deadline(received, first) < deadline(received, second)) == (first < second)
    assert working_hours_between(received, deadline(received, first + second)) == pytest.approx(first + second)
