"""The year of publication: from biblatex's `date` field, else from BibTeX's `year`.

biblatex's `date` holds an ISO 8601-2 date, read here as biblatex's manual (section "Date and Time
Specifications") and biber's parser (Biber::Date::Format, Biber::Utils::parse_date_range) define
it: 1850, 1967-02, 2009-01-31, 2004-04-05T14:34:00 (with Z or +hh:mm), a range 1988/1992 or
1995-03-30/1995-04-05, an open range 1997/ or 1997/.. (and /1997, ../1997, which have no start
year), a year division 2004-22 (21 to 41: seasons, quarters, quadrimesters, semesters), the
markers ? (uncertain), ~ (approximate) and % (both) after a date, negative years (-0876), and
unspecified digits (199X, 19XX, 1999-XX, 1999-01-XX, 1999-XX-XX). A range's year is its start's.

Two readings differ from biblatex's on purpose: 199X and 19XX give no year (biblatex expands them to
1990/1999 and 1900/1999, whose start is not the year of publication, only a bound); and a `date`
that is not an ISO 8601-2 date (an export's "May 2001", ADS's "1993-00-00") gives its only
four-digit number when there is no `year` field, as `year` itself does ("January 1978").
"""

import datetime
import re

# One date of a range, markers and time zone removed (as biber's _pre does).
_DATE = re.compile(r"""(?x)
    (?P<year>-?\d{4}) (?: - (?P<month>\d\d) (?: - (?P<day>\d\d) (?: T \d\d:\d\d:\d\d (?:\.\d\d\d)? )? )? )?
  | Y (?P<long_year>-?\d{5,})
""")
_MARKERS = re.compile(r"\s*[?~%]\s*$")
_TIME_ZONE = re.compile(r"(?:Z|[+-]\d\d:\d\d)$")
_UNSPECIFIED = re.compile(r"(?P<year>\d{4})-XX(?:-XX)?|(?P<year_of_month>\d{4})-\d\d-XX|\d{3}X|\d{2}XX")
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
OPEN = object()  # a range's missing start: a date, but no year


def publication_year(fields: dict) -> int | None:
    """The start year of a biblatex `date`, else the year in `year`, else (when `date` is not an
    ISO 8601-2 date) the one four-digit number in `date`."""
    date = fields.get("date")
    start = date_start_year(date) if date is not None else None
    if start is not None and start is not OPEN:
        return start
    if "year" in fields:
        return single_year(fields["year"])
    return None if start is OPEN else single_year(date or "")


def single_year(text: str) -> int | None:
    """The one four-digit number in free text ("2019", "January 1978"); None unless exactly one."""
    years = _FOUR_DIGITS.findall(text)
    return int(years[0]) if len(years) == 1 else None


def date_start_year(text: str):
    """The start year of an ISO 8601-2 date or range; OPEN when the range has no start (or its
    digits are unspecified); None when the text is not such a date."""
    start, slash, _end = text.strip().partition("/")
    if "/" in _end:
        return None  # 2006/05/04
    if start in ("", ".."):
        return OPEN if slash else None
    return _year(start)


def _year(text: str):
    text = _time_zone_removed(_markers_removed(text))
    unspecified = _UNSPECIFIED.fullmatch(text)
    if unspecified:
        year = unspecified["year"] or unspecified["year_of_month"]
        return int(year) if year else OPEN
    division = re.fullmatch(r"(-?\d{4})-(2[1-9]|3\d|4[01])", text)  # a season, quarter, ...
    if division:
        return int(division.group(1))
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    if match["long_year"]:
        return int(match["long_year"])
    year = int(match["year"])
    if match["month"] and not _valid(year, int(match["month"]), int(match["day"] or 1)):
        return None
    return year


def _markers_removed(text: str) -> str:
    for _ in range(3):  # ?, ~ and %, each at most once
        text = _MARKERS.sub("", text)
    return text


def _time_zone_removed(text: str) -> str:
    return _TIME_ZONE.sub("", text) if "T" in text else text


def _valid(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    if 1 <= year <= 9999:
        try:
            datetime.date(year, month, day)
        except ValueError:
            return False
        return True
    return 1 <= day <= 31
