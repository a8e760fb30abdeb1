"""Typed values: qualifier intervals, unit conversion, ranks and partial/relative dates."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from summarizer.models import DatePrecision, Qualifier, Value, ValueKind
from summarizer.values import (
    ABOUT_BAND,
    NEARLY_BAND,
    Interval,
    PartialDate,
    Verdict,
    compare_dates,
    compare_values,
    describe_value,
    duration_from_text,
    parse_date,
    to_interval,
    unit_of,
)

YEAR = 365.25
HOUR = 1 / 24
PUBLISHED = dt.date(2024, 11, 15)  # a Friday
SATURDAY = dt.date(2024, 11, 16)


# ---------------------------------------------------------------------------
# builders (hand-written values: fixtures, not model output)


def amount(
    text: str,
    number: float | None,
    unit: str | None = None,
    qualifier: Qualifier = Qualifier.EXACT,
    kind: ValueKind = ValueKind.QUANTITY,
) -> Value:
    return Value(
        text=text,
        kind=kind,
        number=number,
        unit=unit,
        qualifier=qualifier,
        date=None,
        precision=None,
        relative=False,
    )


def duration(
    text: str, number: float, unit: str = "years", qualifier: Qualifier = Qualifier.EXACT
) -> Value:
    return amount(text, number, unit, qualifier, ValueKind.DURATION)


def rank(text: str, number: float) -> Value:
    return amount(text, number, None, Qualifier.EXACT, ValueKind.RANK)


def date(
    text: str,
    iso: str | None = None,
    precision: DatePrecision = DatePrecision.DAY,
    *,
    relative: bool = False,
) -> Value:
    return Value(
        text=text,
        kind=ValueKind.DATE,
        number=None,
        unit=None,
        qualifier=Qualifier.EXACT,
        date=iso,
        precision=precision,
        relative=relative,
    )


def weekday(text: str) -> Value:
    return date(text, None, DatePrecision.WEEKDAY, relative=True)


NEARLY_TWO_YEARS = duration("nearly two years", 2, "years", Qualifier.NEARLY)
ALMOST_TWO_YEARS = duration("almost two years", 2, "years", Qualifier.NEARLY)
OVER_TWO_YEARS = duration("over two years", 2, "years", Qualifier.MORE_THAN)
TWO_YEARS = duration("two years", 2, "years")
NEXT_JANUARY = date("next January", None, DatePrecision.MONTH, relative=True)
FEB_23 = date("Feb. 23", None, DatePrecision.DAY, relative=True)


# ---------------------------------------------------------------------------
# intervals


QUALIFIER_TABLE: list[tuple[Qualifier, float, float, bool, bool]] = [
    (Qualifier.EXACT, 100.0, 100.0, False, False),
    (Qualifier.ABOUT, 100 * (1 - ABOUT_BAND), 100 * (1 + ABOUT_BAND), False, False),
    (Qualifier.AT_LEAST, 100.0, math.inf, False, False),
    (Qualifier.MORE_THAN, 100.0, math.inf, True, False),
    (Qualifier.AT_MOST, -math.inf, 100.0, False, False),
    (Qualifier.LESS_THAN, -math.inf, 100.0, False, True),
    (Qualifier.NEARLY, 100 * (1 - NEARLY_BAND), 100.0, False, True),
]


@pytest.mark.parametrize(("qualifier", "lo", "hi", "lo_open", "hi_open"), QUALIFIER_TABLE)
def test_to_interval_for_every_qualifier(
    qualifier: Qualifier, lo: float, hi: float, lo_open: bool, hi_open: bool
) -> None:
    interval = to_interval(amount("x", 100, "troops", qualifier))
    assert interval == Interval(pytest.approx(lo), pytest.approx(hi), "troop", lo_open, hi_open)


def test_every_qualifier_is_covered_by_the_interval_table() -> None:
    # A new Qualifier member must get a row in the table above.
    assert [row[0] for row in QUALIFIER_TABLE] == list(Qualifier)


def test_exact_whole_duration_covers_half_a_unit_either_side() -> None:
    interval = to_interval(TWO_YEARS)
    assert interval == Interval(pytest.approx(1.5 * YEAR), pytest.approx(2.5 * YEAR), "day")
    assert not interval.lo_open
    assert not interval.hi_open


def test_exact_fractional_duration_is_a_point() -> None:
    interval = to_interval(duration("1.5 years", 1.5))
    assert interval is not None
    assert interval.lo == interval.hi == pytest.approx(1.5 * YEAR)


def test_exact_quantity_is_a_point_not_a_rounding_band() -> None:
    assert to_interval(amount("128", 128, "people")) == Interval(128.0, 128.0, "people")


def test_qualified_durations_are_converted_to_days() -> None:
    nearly = to_interval(NEARLY_TWO_YEARS)
    assert nearly is not None
    assert nearly.unit == "day"
    assert nearly.hi == pytest.approx(2 * YEAR)
    assert nearly.hi_open
    over = to_interval(OVER_TWO_YEARS)
    assert over == Interval(pytest.approx(2 * YEAR), math.inf, "day", lo_open=True)


def test_value_without_a_number_has_no_interval() -> None:
    assert to_interval(amount("several", None, "troops")) is None


def test_rank_interval_uses_the_rank_unit() -> None:
    assert to_interval(rank("second-biggest", 2)) == Interval(2.0, 2.0, "rank")


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (Interval(0, 1, "x"), Interval(1, 2, "x"), True),  # touching closed ends
        (Interval(0, 1, "x", hi_open=True), Interval(1, 2, "x"), False),
        (Interval(0, 1, "x"), Interval(1, 2, "x", lo_open=True), False),
        (Interval(0, 1, "x", hi_open=True), Interval(1, 2, "x", lo_open=True), False),
        (Interval(0, 2, "x", hi_open=True), Interval(1, 3, "x", lo_open=True), True),
        (Interval(0, 5, "x"), Interval(1, 2, "x"), True),  # containment
        (Interval(0, 1, "x"), Interval(2, 3, "x"), False),
        (Interval(1, 1, "x"), Interval(1, 1, "x"), True),  # same point
        (Interval(0, 5, "x"), Interval(0, 5, "y"), False),  # different units
    ],
)
def test_interval_overlap_respects_open_ends(a: Interval, b: Interval, overlap: bool) -> None:
    assert a.overlaps(b) is overlap
    assert b.overlaps(a) is overlap


def test_interval_describe_shows_brackets_and_infinity() -> None:
    assert Interval(1, math.inf, "day", lo_open=True).describe() == "(1, inf] day"
    assert Interval(-math.inf, 2, "rank", hi_open=True).describe() == "[-inf, 2) rank"


# ---------------------------------------------------------------------------
# durations and quantities


def test_nearly_two_years_and_over_two_years_are_disjoint() -> None:
    result = compare_values(NEARLY_TWO_YEARS, OVER_TWO_YEARS)
    assert result.verdict is Verdict.CONFLICT
    assert result.rule.startswith("duration: intervals disjoint")


def test_conflict_is_symmetric() -> None:
    assert compare_values(OVER_TWO_YEARS, NEARLY_TWO_YEARS).verdict is Verdict.CONFLICT


def test_nearly_and_almost_two_years_are_compatible() -> None:
    result = compare_values(NEARLY_TWO_YEARS, ALMOST_TWO_YEARS)
    assert result.verdict is Verdict.COMPATIBLE
    assert "intervals overlap" in result.rule


@pytest.mark.parametrize("qualified", [NEARLY_TWO_YEARS, OVER_TWO_YEARS])
def test_plain_two_years_is_compatible_with_nearly_and_over(qualified: Value) -> None:
    assert compare_values(TWO_YEARS, qualified).verdict is Verdict.COMPATIBLE
    assert compare_values(qualified, TWO_YEARS).verdict is Verdict.COMPATIBLE


def test_plain_two_days_is_compatible_with_over_two_days() -> None:
    # Was a bug: to_interval widens an exact whole duration only when its factor != 1.0, so
    # "two years"/"two weeks" get half a unit either side but "two days" (factor 1.0)
    # stays the point [2, 2]: "two days" vs "over two days" (or "nearly two days") is
    # reported as a CONFLICT although "two years" vs "over two years" is COMPATIBLE.
    two_days = duration("two days", 2, "days")
    over = duration("over two days", 2, "days", Qualifier.MORE_THAN)
    nearly = duration("nearly two days", 2, "days", Qualifier.NEARLY)
    assert compare_values(two_days, over).verdict is Verdict.COMPATIBLE
    assert compare_values(two_days, nearly).verdict is Verdict.COMPATIBLE


def test_plain_two_weeks_is_compatible_with_over_two_weeks() -> None:
    two = duration("two weeks", 2, "weeks")
    over = duration("over two weeks", 2, "weeks", Qualifier.MORE_THAN)
    assert compare_values(two, over).verdict is Verdict.COMPATIBLE


def test_at_least_128_and_about_130_are_compatible() -> None:
    result = compare_values(
        amount("at least 128", 128, "people", Qualifier.AT_LEAST),
        amount("about 130", 130, "people", Qualifier.ABOUT),
    )
    assert result.verdict is Verdict.COMPATIBLE
    assert result.rule.startswith("quantity: intervals overlap")


def test_at_least_128_and_about_100_conflict() -> None:
    result = compare_values(
        amount("at least 128", 128, "people", Qualifier.AT_LEAST),
        amount("about 100", 100, "people", Qualifier.ABOUT),
    )
    assert result.verdict is Verdict.CONFLICT
    assert "[128, inf] people" in result.rule
    assert "[90, 110] people" in result.rule


def test_at_most_and_more_than_the_same_number_conflict() -> None:
    result = compare_values(
        amount("at most 10", 10, "troops", Qualifier.AT_MOST),
        amount("more than 10", 10, "troops", Qualifier.MORE_THAN),
    )
    assert result.verdict is Verdict.CONFLICT


def test_at_most_and_at_least_the_same_number_meet_in_one_point() -> None:
    result = compare_values(
        amount("at most 10", 10, "troops", Qualifier.AT_MOST),
        amount("at least 10", 10, "troops", Qualifier.AT_LEAST),
    )
    assert result.verdict is Verdict.COMPATIBLE


def test_one_hour_and_an_hour_are_compatible() -> None:
    one_hour = duration("one-hour", 1, "hour")
    an_hour = duration("an hour", 1, "hours")
    result = compare_values(one_hour, an_hour)
    assert result.verdict is Verdict.COMPATIBLE
    assert to_interval(one_hour) == to_interval(an_hour)


def test_hours_and_years_share_the_day_unit_and_are_compared() -> None:
    # Both are durations, so both become days: comparable, and far apart.
    result = compare_values(duration("one hour", 1, "hour"), TWO_YEARS)
    assert result.verdict is Verdict.CONFLICT
    assert "hours" in result.rule  # shown in the first value's own unit


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("years", ("day", YEAR)),
        ("year", ("day", YEAR)),
        ("Years.", ("day", YEAR)),
        ("yr", ("day", YEAR)),
        ("hours", ("day", HOUR)),
        ("hour", ("day", HOUR)),
        ("hrs", ("day", HOUR)),
        ("hr", ("day", HOUR)),
        ("days", ("day", 1.0)),
        ("day", ("day", 1.0)),
        ("weeks", ("day", 7.0)),
        ("months", ("day", 30.44)),
        ("minutes", ("day", 1 / 1440)),
        ("mins", ("day", 1 / 1440)),
        ("troops", ("troop", 1.0)),
        (None, ("", 1.0)),
        ("", ("", 1.0)),
    ],
)
def test_unit_of_converts_durations_to_days(unit: str | None, expected: tuple[str, float]) -> None:
    base, factor = unit_of(unit)
    assert base == expected[0]
    assert factor == pytest.approx(expected[1])


def test_unit_of_knows_yrs() -> None:
    # Was a bug: _UNIT_ALIASES maps "yr", "hr", "hrs", "min", "mins" but not "yrs", so
    # "2 yrs" becomes the unit "yrs" and is NOT_COMPARABLE with "two years".
    assert unit_of("yrs") == ("day", YEAR)


def test_unit_of_folds_plural_quantity_units() -> None:
    # Was a bug: only duration units are singularised, so "1 euro" and "2 euros" have the
    # units "euro" and "euros" and compare as NOT_COMPARABLE instead of CONFLICT
    # (alignment.value_class documents the class as "quantity:euro").
    assert unit_of("euros") == unit_of("euro")
    result = compare_values(amount("one euro", 1, "euro"), amount("two euros", 2, "euros"))
    assert result.verdict is Verdict.CONFLICT


def test_quantities_with_different_units_are_not_comparable() -> None:
    result = compare_values(amount("5 billion euros", 5, "euros"), amount("5", 5, "troops"))
    assert result.verdict is Verdict.NOT_COMPARABLE
    assert result.rule == "units differ (euro, troop)"


def test_quantity_with_and_without_unit_is_not_comparable() -> None:
    result = compare_values(amount("5", 5, None), amount("5 tanks", 5, "tanks"))
    assert result.verdict is Verdict.NOT_COMPARABLE
    assert "units differ" in result.rule


def test_values_of_different_kinds_are_not_comparable() -> None:
    result = compare_values(TWO_YEARS, amount("2", 2, "years"))
    assert result.verdict is Verdict.NOT_COMPARABLE
    assert result.rule == "kinds differ (duration, quantity)"


def test_value_without_number_is_not_comparable() -> None:
    result = compare_values(amount("many", None, "troops"), amount("5", 5, "troops"))
    assert result.verdict is Verdict.NOT_COMPARABLE
    assert result.rule == "quantity: no number"


# ---------------------------------------------------------------------------
# ranks


def test_rank_two_and_rank_one_conflict() -> None:
    result = compare_values(rank("second-biggest", 2), rank("biggest", 1))
    assert result.verdict is Verdict.CONFLICT
    assert result.rule.startswith("rank: intervals disjoint")


@pytest.mark.parametrize("hedged_first", [True, False])
def test_rank_after_the_united_states_is_only_a_possible_conflict(hedged_first: bool) -> None:
    hedged = rank("second-largest supporter after the United States", 2)
    plain = rank("largest supporter", 1)
    a, b = (hedged, plain) if hedged_first else (plain, hedged)
    result = compare_values(a, b)
    assert result.verdict is Verdict.POSSIBLE_CONFLICT
    assert result.rule.endswith("ranking wording is ambiguous")


def test_same_rank_is_compatible() -> None:
    assert compare_values(rank("second", 2), rank("No. 2", 2)).verdict is Verdict.COMPATIBLE


# ---------------------------------------------------------------------------
# dates


def test_parse_date_iso_year_and_month() -> None:
    assert parse_date(date("December 2022", "2022-12", DatePrecision.MONTH)) == PartialDate(
        2022, 12
    )


def test_parse_date_full_iso_fills_in_the_weekday() -> None:
    parsed = parse_date(date("November 15, 2024", "2024-11-15"))
    assert parsed == PartialDate(2024, 11, 15, weekday=4)  # a Friday


def test_parse_date_words_without_iso() -> None:
    assert parse_date(date("Feb. 23", None)) == PartialDate(None, 2, 23)
    assert parse_date(date("December 2022", None, DatePrecision.MONTH)) == PartialDate(2022, 12)


def test_parse_date_ignores_non_dates() -> None:
    assert parse_date(TWO_YEARS) is None


def test_friday_resolves_against_the_publication_date() -> None:
    parsed = parse_date(weekday("Friday"), SATURDAY)
    assert parsed is not None
    assert (parsed.year, parsed.month, parsed.day, parsed.weekday) == (2024, 11, 15, 4)
    assert parsed.resolved_from == "'Friday' and publication date 2024-11-16"


def test_friday_on_a_friday_publication_is_that_day() -> None:
    parsed = parse_date(weekday("Friday"), PUBLISHED)
    assert parsed is not None
    assert (parsed.year, parsed.month, parsed.day) == (2024, 11, 15)


def test_friday_without_publication_date_stays_a_weekday() -> None:
    assert parse_date(weekday("Friday"), None) == PartialDate(weekday=4)


def test_friday_and_the_full_date_of_a_friday_are_compatible() -> None:
    result = compare_values(weekday("Friday"), date("Nov. 15, 2024", "2024-11-15"))
    assert result.verdict is Verdict.COMPATIBLE
    assert result.rule == "date: same weekday"


def test_thursday_and_the_full_date_of_a_friday_conflict() -> None:
    result = compare_values(weekday("Thursday"), date("Nov. 15, 2024", "2024-11-15"))
    assert result.verdict is Verdict.CONFLICT
    assert result.rule == "date: weekday differs"


def test_november_15_without_year_and_friday_are_not_a_conflict() -> None:
    nov15 = date("November 15", None, DatePrecision.DAY, relative=True)
    assert parse_date(nov15) == PartialDate(None, 11, 15)
    result = compare_values(nov15, weekday("Friday"))
    assert result.verdict is Verdict.NOT_COMPARABLE
    assert result.rule == "date: no part stated by both"


def test_november_15_and_friday_resolved_against_the_same_day_agree() -> None:
    nov15 = date("November 15", None, DatePrecision.DAY, relative=True)
    result = compare_values(nov15, weekday("Friday"), SATURDAY, SATURDAY)
    assert result.verdict is Verdict.COMPATIBLE


def test_november_15_and_thursday_resolved_against_the_same_day_conflict() -> None:
    nov15 = date("November 15", None, DatePrecision.DAY, relative=True)
    result = compare_values(nov15, weekday("Thursday"), SATURDAY, SATURDAY)
    assert result.verdict is Verdict.CONFLICT
    assert result.rule == "date: day differs"


def test_resolved_november_15_checks_a_weekday_only_date() -> None:
    # Was a bug: _resolve returns PartialDate(year, month, day, None) for "November 15" with a
    # publication date, so the weekday is never filled in: against "Thursday" (no
    # publication date) the result is NOT_COMPARABLE, while the same date written
    # "November 15, 2024" gives CONFLICT ("weekday differs").
    nov15 = date("November 15", None, DatePrecision.DAY, relative=True)
    assert (
        compare_values(date("November 15, 2024", None), weekday("Thursday")).verdict
        is Verdict.CONFLICT
    )
    result = compare_values(nov15, weekday("Thursday"), SATURDAY, None)
    assert result.verdict is Verdict.CONFLICT


def test_next_january_and_feb_23_conflict_without_publication_date() -> None:
    result = compare_values(NEXT_JANUARY, FEB_23)
    assert result.verdict is Verdict.CONFLICT
    assert result.rule == "date: month differs"


def test_next_january_and_feb_23_conflict_with_publication_date() -> None:
    result = compare_values(NEXT_JANUARY, FEB_23, PUBLISHED, PUBLISHED)
    assert result.verdict is Verdict.CONFLICT
    assert result.rule.startswith("date: ")
    assert "differs" in result.rule


def test_feb_23_in_a_november_article_resolves_to_the_coming_february() -> None:
    # Was a bug: a relative month-day without "next"/"last" takes the publication year, so
    # "Feb. 23" (the snap election) in an article of 2024-11-15 becomes 2024-02-23, nine
    # months in the past; the finding then says "year differs" against "next January"
    # (2025-01) instead of "month differs", and the report prints 2024-02-23.
    parsed = parse_date(FEB_23, PUBLISHED)
    assert parsed is not None
    assert (parsed.year, parsed.month, parsed.day) == (2025, 2, 23)
    assert compare_values(NEXT_JANUARY, FEB_23, PUBLISHED, PUBLISHED).rule == (
        "date: month differs"
    )


def test_next_january_resolves_to_the_following_year() -> None:
    parsed = parse_date(NEXT_JANUARY, PUBLISHED)
    assert parsed is not None
    assert (parsed.year, parsed.month, parsed.day) == (2025, 1, None)
    assert parsed.resolved_from == "'next January' and publication date 2024-11-15"


def test_last_march_resolves_to_the_current_year_when_march_has_passed() -> None:
    parsed = parse_date(date("last March", None, DatePrecision.MONTH, relative=True), PUBLISHED)
    assert parsed is not None
    assert (parsed.year, parsed.month) == (2024, 3)


@pytest.mark.parametrize(
    ("text", "year", "month"),
    [
        ("this month", 2024, 11),
        ("earlier this year", 2024, None),
        ("this year", 2024, None),
        ("next year", 2025, None),
    ],
)
def test_relative_periods_resolve_against_publication_date(
    text: str, year: int, month: int | None
) -> None:
    parsed = parse_date(date(text, None, DatePrecision.OTHER, relative=True), PUBLISHED)
    assert parsed == PartialDate(
        year, month, None, None, f"'{text}' and publication date 2024-11-15"
    )


def test_relative_period_without_publication_date_states_nothing() -> None:
    assert parse_date(date("this month", None, DatePrecision.OTHER, relative=True)) == (
        PartialDate()
    )


def test_relative_dates_are_not_resolved_when_relative_is_false() -> None:
    assert parse_date(date("Friday", None, DatePrecision.WEEKDAY), SATURDAY) == PartialDate(
        weekday=4
    )


def test_december_2022_and_2022_12_are_compatible() -> None:
    result = compare_values(
        date("December 2022", None, DatePrecision.MONTH),
        date("2022-12", "2022-12", DatePrecision.MONTH),
    )
    assert result.verdict is Verdict.COMPATIBLE
    assert result.rule == "date: stated parts agree"


def test_december_2022_and_december_2023_conflict_on_the_year() -> None:
    result = compare_values(
        date("December 2022", "2022-12", DatePrecision.MONTH),
        date("December 2023", "2023-12", DatePrecision.MONTH),
    )
    assert result.verdict is Verdict.CONFLICT
    assert result.rule == "date: year differs"


def test_this_month_with_publication_dates_in_different_months_conflict() -> None:
    this_month = date("this month", None, DatePrecision.OTHER, relative=True)
    result = compare_values(this_month, this_month, PUBLISHED, dt.date(2024, 12, 2))
    assert result.verdict is Verdict.CONFLICT
    assert result.rule == "date: month differs"


def test_dates_stating_nothing_in_common_are_not_comparable() -> None:
    assert compare_dates(PartialDate(year=2024), PartialDate(weekday=4)).verdict is (
        Verdict.NOT_COMPARABLE
    )


def test_date_against_quantity_is_not_comparable() -> None:
    result = compare_values(date("Nov. 15, 2024", "2024-11-15"), amount("3", 3, "troops"))
    assert result.verdict is Verdict.NOT_COMPARABLE
    assert result.rule == "kinds differ (date, quantity)"


# ---------------------------------------------------------------------------
# rules and descriptions


@pytest.mark.parametrize(
    ("a", "b", "rule_part"),
    [
        (NEARLY_TWO_YEARS, OVER_TWO_YEARS, "intervals disjoint"),
        (NEARLY_TWO_YEARS, TWO_YEARS, "intervals overlap"),
        (rank("second", 2), rank("first", 1), "rank: intervals"),
        (weekday("Friday"), weekday("Saturday"), "weekday differs"),
        (NEXT_JANUARY, FEB_23, "month differs"),
        (amount("5", 5, "euros"), amount("5", 5, "tanks"), "units differ"),
    ],
)
def test_compare_values_names_the_rule_that_fired(a: Value, b: Value, rule_part: str) -> None:
    assert rule_part in compare_values(a, b).rule


def test_describe_value_shows_interval_or_resolved_date() -> None:
    assert describe_value(OVER_TWO_YEARS) == "(2, inf] years"
    assert describe_value(weekday("Friday"), SATURDAY) == (
        "2024-11-15, Friday (resolved from 'Friday' and publication date 2024-11-16)"
    )
    assert describe_value(weekday("Friday")) == "Friday"
    assert describe_value(amount("several", None, "troops")) == "several"


@pytest.mark.parametrize(
    ("text", "number", "unit", "qualifier"),
    [
        ("their first direct communication in over two years", 2, "years", Qualifier.MORE_THAN),
        ("in nearly two years", 2, "years", Qualifier.NEARLY),
        ("the first call in almost two years", 2, "years", Qualifier.NEARLY),
        ("During the one-hour call", 1, "hour", Qualifier.EXACT),
        ("must be held within 21 days", 21, "days", Qualifier.AT_MOST),
        ("ten months following the invasion", 10, "months", Qualifier.EXACT),
    ],
)
def test_duration_from_text_reads_the_article_words(
    text: str, number: float, unit: str, qualifier: Qualifier
) -> None:
    value = duration_from_text(text)
    assert value is not None
    assert (value.number, value.unit, value.qualifier) == (number, unit, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "no duration here",
        "two years ago and three months later",  # two durations: ambiguous, none taken
        "the two-and-a-half-year war",  # not a simple number
    ],
)
def test_duration_from_text_declines_when_unsure(text: str) -> None:
    assert duration_from_text(text) is None
