"""Typed values as intervals, dates as partial dates: compatibility, not equality.

A quantity or duration with a qualifier becomes an interval in a base unit:
"nearly two years" lies just below 2 years, "over two years" above it, "at least 128"
from 128 up, "about 130" in a band around 130, and a plain "two years" covers what a
writer would round to two years. Two values are compatible when their intervals
overlap. Dates keep their precision; a relative date ("Friday", "next January")
resolves against the article's publication date when known, and otherwise keeps only
the parts it states (a weekday, a month), which are compared with what the other side
states. Every verdict carries the rule that decided it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from enum import Enum

from .models import DatePrecision, Qualifier, Value, ValueKind

# Base unit per unit word: durations in days, everything else counted as given.
_DURATION_DAYS = {
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 30.44,
    "year": 365.25,
}
_UNIT_ALIASES = {
    "min": "minute",
    "mins": "minute",
    "hr": "hour",
    "hrs": "hour",
    "yr": "year",
    "yrs": "year",
}
NEARLY_BAND = 0.15  # "nearly x": within 15% below x
ABOUT_BAND = 0.10  # "about x": within 10% either side
_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
_MONTHS.update({name[:3]: num for name, num in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = {
    name: i
    for i, name in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())
}


class Verdict(str, Enum):
    COMPATIBLE = "compatible"
    CONFLICT = "conflict"
    POSSIBLE_CONFLICT = "possible_conflict"
    NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class Comparison:
    verdict: Verdict
    rule: str


@dataclass(frozen=True)
class Interval:
    """[lo, hi] in ``unit``; open ends say whether the bound itself is excluded."""

    lo: float
    hi: float
    unit: str
    lo_open: bool = False
    hi_open: bool = False

    def overlaps(self, other: Interval) -> bool:
        if self.unit != other.unit:
            return False
        lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open))
        hi, hi_open = min((self.hi, not self.hi_open), (other.hi, not other.hi_open))
        hi_open = not hi_open
        if lo < hi:
            return True
        return lo == hi and not lo_open and not hi_open

    def describe(self, factor: float = 1.0, unit: str | None = None) -> str:
        """Bounds divided by ``factor`` and labelled ``unit``: days shown as years."""
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open else "]"
        return (
            f"{left}{_fmt(self.lo / factor)}, {_fmt(self.hi / factor)}{right} {unit or self.unit}"
        )


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return f"{x:.4g}"


def unit_of(unit: str | None) -> tuple[str, float]:
    """The base unit and the factor to it: ("day", 365.25) for "years"."""
    if not unit:
        return "", 1.0
    word = unit.strip().lower().rstrip(".")
    word = _UNIT_ALIASES.get(word, word)
    singular = word[:-1] if word.endswith("s") and len(word) > 3 else word
    if singular in _DURATION_DAYS:
        return "day", _DURATION_DAYS[singular]
    return singular, 1.0


def to_interval(value: Value) -> Interval | None:
    """The interval a quantity, duration or rank denotes; None if it has no number."""
    if value.number is None:
        return None
    base, factor = unit_of(value.unit)
    if value.kind is ValueKind.RANK:
        base, factor = "rank", 1.0
    x = value.number * factor
    q = value.qualifier
    inf = math.inf
    if q is Qualifier.NEARLY:
        return Interval(x * (1 - NEARLY_BAND), x, base, hi_open=True)
    if q is Qualifier.MORE_THAN:
        return Interval(x, inf, base, lo_open=True)
    if q is Qualifier.AT_LEAST:
        return Interval(x, inf, base)
    if q is Qualifier.LESS_THAN:
        return Interval(-inf, x, base, hi_open=True)
    if q is Qualifier.AT_MOST:
        return Interval(-inf, x, base)
    if q is Qualifier.ABOUT:
        return Interval(x * (1 - ABOUT_BAND), x * (1 + ABOUT_BAND), base)
    if value.kind is ValueKind.DURATION and value.number == int(value.number):
        # "two years" is what a writer rounds to two years: half a unit either side.
        return Interval(x - factor / 2, x + factor / 2, base)
    return Interval(x, x, base)


# -- dates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """What a date value states: any of year, month, day, weekday; None = not stated."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    resolved_from: str | None = None

    def describe(self) -> str:
        parts = []
        if self.year or self.month or self.day:
            parts.append(
                "-".join(
                    f"{p:02d}" if i else f"{p:04d}"
                    for i, p in enumerate((self.year, self.month, self.day))
                    if p is not None
                )
                if self.year
                else f"month {self.month}" + (f" day {self.day}" if self.day else "")
            )
        if self.weekday is not None:
            parts.append(list(_WEEKDAYS)[self.weekday].capitalize())
        text = ", ".join(parts) or "unknown"
        return f"{text} (resolved from {self.resolved_from})" if self.resolved_from else text


def parse_date(value: Value, published: dt.date | None = None) -> PartialDate | None:
    """Partial date of a date value; relative dates resolve against ``published``."""
    if value.kind is not ValueKind.DATE:
        return None
    stated = _from_iso(value.date) if value.date else PartialDate()
    words = _from_words(value.text)
    merged = PartialDate(
        year=stated.year or words.year,
        month=stated.month or words.month,
        day=stated.day or words.day,
        weekday=words.weekday,
    )
    if value.relative and published is not None:
        resolved = _resolve(value.text, merged, published)
        if resolved is not None:
            return resolved
    if merged.year and merged.month and merged.day and merged.weekday is None:
        weekday = dt.date(merged.year, merged.month, merged.day).weekday()
        merged = PartialDate(merged.year, merged.month, merged.day, weekday)
    if value.precision is DatePrecision.WEEKDAY and merged.weekday is None:
        return merged
    return merged


def _from_iso(text: str) -> PartialDate:
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", text)
    if not m:
        return PartialDate()
    year, month, day = (int(g) if g else None for g in m.groups())
    return PartialDate(year, month, day)


def _from_words(text: str) -> PartialDate:
    low = text.lower()
    month = next((num for name, num in _MONTHS.items() if re.search(rf"\b{name}\b\.?", low)), None)
    weekday = next((i for name, i in _WEEKDAYS.items() if name in low), None)
    year_match = re.search(r"\b(19|20)\d{2}\b", low)
    day = None
    if month is not None:
        day_match = re.search(
            r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", re.sub(r"\b(19|20)\d{2}\b", "", low)
        )
        day = int(day_match.group(1)) if day_match and 1 <= int(day_match.group(1)) <= 31 else None
    return PartialDate(int(year_match.group(0)) if year_match else None, month, day, weekday)


def _resolve(text: str, stated: PartialDate, published: dt.date) -> PartialDate | None:
    low = text.lower()
    source = f"'{text}' and publication date {published.isoformat()}"
    if stated.weekday is not None and stated.month is None:
        # "Friday" in a news story: the most recent such day on or before publication.
        delta = (published.weekday() - stated.weekday) % 7
        day = published - dt.timedelta(days=delta)
        return PartialDate(day.year, day.month, day.day, day.weekday(), source)
    if stated.month is not None and stated.year is None:
        year = published.year
        if "next" in low and stated.month <= published.month:
            year += 1
        elif "last" in low and stated.month >= published.month:
            year -= 1
        elif "next" not in low and "last" not in low:
            # A bare "Feb. 23" in a November story is the coming February: take the year
            # that puts the date nearest the publication date.
            year = min(
                (published.year - 1, published.year, published.year + 1),
                key=lambda y: abs(
                    (dt.date(y, stated.month or 1, min(stated.day or 1, 28)) - published).days
                ),
            )
        weekday = None
        if stated.day is not None:
            try:
                weekday = dt.date(year, stated.month, stated.day).weekday()
            except ValueError:
                weekday = None
        return PartialDate(year, stated.month, stated.day, weekday, source)
    if "this month" in low:
        return PartialDate(published.year, published.month, None, None, source)
    if "this year" in low or "earlier this year" in low:
        return PartialDate(published.year, None, None, None, source)
    if "next year" in low:
        return PartialDate(published.year + 1, None, None, None, source)
    return None


def compare_dates(a: PartialDate, b: PartialDate) -> Comparison:
    """Compare on the parts both state; a weekday checks a full date's weekday."""
    shared = False
    for part in ("year", "month", "day"):
        x, y = getattr(a, part), getattr(b, part)
        if x is not None and y is not None:
            shared = True
            if x != y:
                return Comparison(Verdict.CONFLICT, f"date: {part} differs")
    if a.weekday is not None and b.weekday is not None:
        if a.weekday != b.weekday:
            return Comparison(Verdict.CONFLICT, "date: weekday differs")
        return Comparison(Verdict.COMPATIBLE, "date: same weekday")
    if shared:
        return Comparison(Verdict.COMPATIBLE, "date: stated parts agree")
    return Comparison(Verdict.NOT_COMPARABLE, "date: no part stated by both")


def compare_values(
    a: Value, b: Value, published_a: dt.date | None = None, published_b: dt.date | None = None
) -> Comparison:
    """Whether two values of aligned claims can both be true."""
    if a.kind is ValueKind.DATE and b.kind is ValueKind.DATE:
        da, db = parse_date(a, published_a), parse_date(b, published_b)
        if da is None or db is None:
            return Comparison(Verdict.NOT_COMPARABLE, "date: unparsed")
        return compare_dates(da, db)
    if a.kind is not b.kind:
        return Comparison(Verdict.NOT_COMPARABLE, f"kinds differ ({a.kind.value}, {b.kind.value})")
    ia, ib = to_interval(a), to_interval(b)
    if ia is None or ib is None:
        return Comparison(Verdict.NOT_COMPARABLE, f"{a.kind.value}: no number")
    if ia.unit != ib.unit:
        return Comparison(Verdict.NOT_COMPARABLE, f"units differ ({ia.unit}, {ib.unit})")
    factor, label = _display_unit(a)
    shown = f"{ia.describe(factor, label)} and {ib.describe(factor, label)}"
    if ia.overlaps(ib):
        return Comparison(Verdict.COMPATIBLE, f"{a.kind.value}: intervals overlap ({shown})")
    rule = f"{a.kind.value}: intervals disjoint ({shown.replace(' and ', ' vs ')})"
    if a.kind is ValueKind.RANK and hedged_rank(a.text, b.text):
        return Comparison(Verdict.POSSIBLE_CONFLICT, rule + "; ranking wording is ambiguous")
    return Comparison(Verdict.CONFLICT, rule)


def hedged_rank(*texts: str) -> bool:
    # "largest ... after the United States" ranks within a set that excludes the US.
    return any(re.search(r"\bafter\b|\bexcept\b|\bbehind\b|\boutside\b", t.lower()) for t in texts)


def describe_value(value: Value, published: dt.date | None = None) -> str:
    if value.kind is ValueKind.DATE:
        parsed = parse_date(value, published)
        return parsed.describe() if parsed else value.text
    interval = to_interval(value)
    return interval.describe(*_display_unit(value)) if interval else value.text


def _display_unit(value: Value) -> tuple[float, str | None]:
    """Show a duration in the unit the article used, not in days."""
    base, factor = unit_of(value.unit)
    if base == "day" and value.unit:
        word = value.unit.lower().rstrip(".")
        word = _UNIT_ALIASES.get(word, word)
        return factor, word if word.endswith("s") else word + "s"
    return 1.0, None


# -- values read from the quote itself ---------------------------------------------------

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
_QUALIFIER_WORDS = {
    "nearly": Qualifier.NEARLY,
    "almost": Qualifier.NEARLY,
    "over": Qualifier.MORE_THAN,
    "more than": Qualifier.MORE_THAN,
    "about": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "some": Qualifier.ABOUT,
    "at least": Qualifier.AT_LEAST,
    "at most": Qualifier.AT_MOST,
    "within": Qualifier.AT_MOST,
    "less than": Qualifier.LESS_THAN,
    "under": Qualifier.LESS_THAN,
}
_DURATION_PHRASE = re.compile(
    r"\b(?:(?P<q>nearly|almost|over|more than|about|around|roughly|some|at least|at most|"
    r"within|less than|under)\s+)?(?P<n>\d+(?:\.\d+)?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")[\s-]+(?P<u>minutes?|hours?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


def duration_from_text(text: str) -> Value | None:
    """The one duration a sentence states ("nearly two years", "one-hour"), if exactly one.

    Used when the model left ``value`` empty: the article's own words decide, so a weak
    model's omission does not hide a conflict.
    """
    matches = list(_DURATION_PHRASE.finditer(text))
    if len(matches) != 1:
        return None
    m = matches[0]
    raw = m.group("n").lower()
    number = float(raw) if raw[0].isdigit() else float(_NUMBER_WORDS[raw])
    qualifier = _QUALIFIER_WORDS.get((m.group("q") or "").lower(), Qualifier.EXACT)
    return Value(
        text=m.group(0),
        kind=ValueKind.DURATION,
        number=number,
        unit=m.group("u").lower(),
        qualifier=qualifier,
        date=None,
        precision=None,
        relative=False,
    )
