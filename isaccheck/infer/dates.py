"""Dates as secretaries write them: in the body, in headings, in file names and folders.

Every form the issue names is read: ISO (with or without time and offset), ``YYYYMMDD``,
unpadded ``2019-5-29``, Dutch ``12-03-2025`` and ``12 maart 2025``, English ``March 12, 2025``
and ``April 24 2019``, quarters ``2025-Q1`` (a period) and a bare year folder (a period).

Numeric day-month-year (``12-03-2025``, ``12/03/2025``) is read day first: these are Dutch
archives, and the American month-first order is not used by Dutch ISACs (docs/adopt.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    ("januari", "january", "jan"), ("februari", "february", "feb"), ("maart", "march", "mrt", "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("augustus", "august", "aug"), ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
    ("november", "nov"), ("december", "dec"),
), start=1):
    for _name in _names:
        MONTHS[_name] = _number

_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = (r"(?:(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|"
            r"thursday|friday|saturday|sunday|ma|di|wo|do|vr|za|zo|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+)?")

# Order matters: the first pattern that yields a real date at the earliest position wins.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("quarter", re.compile(r"(?<![\dA-Za-z])(?P<year>(?:19|20)\d{2})[-_ ]?Q(?P<q>[1-4])(?![\dA-Za-z])", re.I)),
    ("quarter", re.compile(r"(?<![\dA-Za-z])Q(?P<q>[1-4])[-_ ](?P<year>(?:19|20)\d{2})(?!\d)", re.I)),
    ("iso", re.compile(
        r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
        r"(?:[T ](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?(?!\d)")),
    ("compact", re.compile(
        r"(?<!\d)(?P<year>(?:19|20)\d{2})(?P<month>0[1-9]|1[0-2])(?P<day>0[1-9]|[12]\d|3[01])(?!\d)")),
    ("dmy", re.compile(r"(?<!\d)(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})(?!\d)")),
    ("day-month-name", re.compile(_WEEKDAY + r"(?<![\dA-Za-z])(?P<day>\d{1,2})(?:e|de|ste|st|nd|rd|th)?\s+"
                                  + _MONTH + r",?\s+(?P<year>\d{4})(?!\d)", re.I)),
    ("month-name-day", re.compile(r"(?<![A-Za-z])" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+"
                                  r"(?P<year>\d{4})(?!\d)", re.I)),
)
_YEAR_FOLDER = re.compile(r"(?:19|20)\d{2}")


@dataclass(frozen=True)
class FoundDate:
    """A date read from text: the day it stands for, the text it was read from, and a period if any."""

    date: dt.date
    raw: str
    period: str | None = None  # "2025-Q1" or "2025": the date is the period's last day


def _month(value: str) -> int | None:
    if value.isdigit():
        return int(value)
    return MONTHS.get(value.lower().rstrip("."))


def _quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    return next_first - dt.timedelta(days=1)


def find_dates(text: str) -> list[FoundDate]:
    """Every date in ``text`` in reading order; impossible dates (2025-02-30) are not dates."""
    found: list[tuple[int, int, FoundDate]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            groups = match.groupdict()
            try:
                year = int(groups["year"])
                if kind == "quarter":
                    quarter = int(groups["q"])
                    value = FoundDate(_quarter_end(year, quarter), match.group(0), f"{year}-Q{quarter}")
                else:
                    month = _month(groups["month"])
                    if month is None:
                        continue
                    value = FoundDate(dt.date(year, month, int(groups["day"])), match.group(0).strip())
            except ValueError:
                continue
            if not 1900 <= value.date.year <= 2199:
                continue  # "0001-01-01" or a number that only looks like a date
            taken.append((match.start(), match.end()))
            found.append((match.start(), match.end(), value))
    return [f for _, _, f in sorted(found, key=lambda t: t[0])]


def first_date(text: str) -> FoundDate | None:
    dates = find_dates(text)
    return dates[0] if dates else None


def is_date_text(text: str) -> FoundDate | None:
    """The date when ``text`` is essentially just a date ("2024-12-10", "Dinsdag 12 maart 2025 (geannuleerd)").

    A heading such as "Plans for 2025-03-12 and after" is not a date heading: at most a few
    words besides the date.
    """
    found = find_dates(text)
    if len(found) != 1:
        return None
    rest = text.replace(found[0].raw, " ")
    words = re.findall(r"[^\W\d_]{2,}", rest)
    return found[0] if len(words) <= 4 else None


def date_from_path(path: str) -> FoundDate | None:
    """The last date in the file name (not the folders), e.g. notulen-20161116.pdf, 2025-Q1-report.md."""
    name = path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    found = find_dates(stem.replace("_", " "))
    if found:
        return found[-1]
    folders = path.split("/")[:-1]
    # meetings/2025-03-12/minutes.md: a dated folder is the meeting's folder.
    for folder in reversed(folders):
        dated = find_dates(folder)
        if dated and dated[-1].period is None:
            return dated[-1]
    return None


def year_from_folder(path: str) -> FoundDate | None:
    """A year folder (archief/2019/notulen.pdf): the period of that year, dated its last day."""
    for folder in reversed(path.split("/")[:-1]):
        if _YEAR_FOLDER.fullmatch(folder):
            year = int(folder)
            return FoundDate(dt.date(year, 12, 31), folder, str(year))
    return None


def year_from_name(path: str) -> FoundDate | None:
    """A bare year in the file name ("jaarverslag 2024.pdf"): that year as a period, dated its last day."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    years = set(_YEAR_IN_NAME.findall(stem))
    if len(years) != 1:
        return None
    year = int(years.pop())
    return FoundDate(dt.date(year, 12, 31), str(year), str(year))


_YEAR_IN_NAME = re.compile(r"(?<![\dA-Za-z])((?:19|20)\d{2})(?![\dA-Za-z])")
