"""Visiting windows: when an employer (or the person there who hires) can be visited.

Specialists learn on the first visit when to come back: a restaurant manager between the
lunch and dinner rush, a warehouse supervisor before the first shift. A
:class:`VisitingWindows` keeps that with the employer (and with the people there) as weekly
recurring **slots**, **blackout** times and a **note**, written in one short syntax that the
CSV column, the command line and the Python API all accept::

    Tue-Thu 14:00-16:00; not 11:30-13:30; note: ask for Dana before the 6 am shift

- A slot is ``[DAYS] START-END``: ``Tue-Thu 14:00-16:00``, ``Mon,Wed 9-11``,
  ``weekdays 2pm-4pm``, ``Fri 9:00-11:00, 14:00-15:30`` (two slots that day). Days alone
  (``Sat``) is the whole day; times alone (``14:00-16:00``) is every day.
- A blackout starts with ``not``: ``not 11:30-13:30`` (every day), ``not Fri``,
  ``not Mon 7:00-9:00``.
- ``note:`` takes the rest of the text, semicolons included.

With slots recorded, a visit belongs inside one of them; with blackouts only, any time but
those. Times are the employer's wall-clock times (the specialist's time zone). A window is
advice to the planner: a visit logged at another time is still recorded.

>>> windows = VisitingWindows.parse("tue - thu 2pm-4pm; NOT 11:30-1:30pm; note: ask for Dana")
>>> str(windows)
'Tue-Thu 14:00-16:00; not 11:30-13:30; note: ask for Dana'
>>> windows.open_on(1)  # Tuesday: 14:00-16:00, in minutes from midnight
[(840, 960)]
>>> windows.open_on(0)  # Monday: closed
[]
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ips_jobdev.errors import ValidationError

__all__ = [
    "DAY_NAMES",
    "Opening",
    "VisitingWindows",
    "WeeklySpan",
    "format_minutes",
    "parse_weekdays",
    "to_windows",
]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Short weekday names, Monday first (Python's ``date.weekday()`` order)."""

_ALL_DAYS = frozenset(range(7))
_DAY_WORDS = {
    "mon": 0, "monday": 0, "mo": 0,
    "tue": 1, "tues": 1, "tuesday": 1, "tu": 1,
    "wed": 2, "weds": 2, "wednesday": 2, "we": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "th": 3,
    "fri": 4, "friday": 4, "fr": 4,
    "sat": 5, "saturday": 5, "sa": 5,
    "sun": 6, "sunday": 6, "su": 6,
}  # fmt: skip
_DAY_GROUPS = {
    "weekdays": frozenset(range(5)),
    "weekday": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
    "daily": _ALL_DAYS,
    "every day": _ALL_DAYS,
    "everyday": _ALL_DAYS,
}
_DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash: people type all three
_TIME = r"(?:noon|midnight|\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?)"
_RANGE_RE = re.compile(
    rf"(?P<start>{_TIME})\s*(?:[{_DASHES}]|\bto\b|\buntil\b)\s*(?P<end>{_TIME})",
    re.IGNORECASE,
)
_TIME_RE = re.compile(
    r"^(?:(?P<word>noon|midnight)|(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*"
    r"(?P<half>[ap])?\.?(?:m\.?)?)$",
    re.IGNORECASE,
)
_NOTE_RE = re.compile(r"(?:^|;|\n)\s*notes?\s*:", re.IGNORECASE)
_DAY_SEPARATORS = re.compile(r"\s*(?:,|/|&|\band\b|\s)\s*", re.IGNORECASE)
_DAY_RANGE_RE = re.compile(r"^([a-z]+)-([a-z]+)$")


def format_minutes(minutes: int) -> str:
    """``"14:00"`` for 840 minutes after midnight (``"24:00"`` for the end of the day)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days_text(days: frozenset[int]) -> str:
    """``"Tue-Thu"``, ``"Mon,Wed,Fri"``, ``"Mon-Wed,Fri"``; empty for every day."""
    if days == _ALL_DAYS:
        return ""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[d] for d in run)
    return ",".join(parts)


@attrs.frozen(slots=True)
class WeeklySpan:
    """A stretch of time on some weekdays: ``start`` and ``end`` are minutes after local
    midnight (``end`` up to 1440), ``days`` the weekdays (Monday 0)."""

    days: frozenset[int]
    start: int
    end: int

    def __str__(self) -> str:
        days = _days_text(self.days)
        whole_day = self.start == 0 and self.end == 24 * 60
        if whole_day:
            return days or "daily"
        times = f"{format_minutes(self.start)}-{format_minutes(self.end)}"
        return f"{days} {times}" if days else times

    def covers(self, weekday: int, start: int, end: int) -> bool:
        """Whether ``[start, end)`` on ``weekday`` lies inside this span."""
        return weekday in self.days and self.start <= start and end <= self.end

    def _sort_key(self) -> tuple[int, int, int]:
        return (min(self.days), self.start, self.end)


@attrs.frozen(slots=True)
class Opening:
    """The next time an employer can be visited: a date and a stretch of it, and the
    recorded window it falls in (see :meth:`VisitingWindows.next_opening`)."""

    date: dt.date
    start: int
    end: int
    window: str
    in_working_hours: bool = True
    """False when the opening lies outside the specialist's working days or hours (the
    employer has no time inside them)."""

    def describe(self) -> str:
        """``"Tue 8 Dec 14:00-16:00"``."""
        day = f"{DAY_NAMES[self.date.weekday()]} {self.date.day} {self.date:%b}"
        return f"{day} {format_minutes(self.start)}-{format_minutes(self.end)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (the ``best_time`` of ``ips-jobdev due --json``)."""
        return {
            "date": self.date.isoformat(),
            "weekday": DAY_NAMES[self.date.weekday()],
            "start": format_minutes(self.start),
            "end": format_minutes(self.end),
            "window": self.window,
            "in_working_hours": self.in_working_hours,
        }


def _merge(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(
    intervals: Sequence[tuple[int, int]], holes: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    out = list(intervals)
    for hole_start, hole_end in holes:
        kept = []
        for start, end in out:
            if hole_end <= start or end <= hole_start:
                kept.append((start, end))
                continue
            if start < hole_start:
                kept.append((start, hole_start))
            if hole_end < end:
                kept.append((hole_end, end))
        out = kept
    return out


@attrs.frozen(slots=True)
class VisitingWindows:
    """When an employer (or a person there) can be visited: weekly ``slots``, ``blackouts``
    and a ``note``. Build one with :meth:`parse`; ``str()`` gives the canonical text.

    An empty ``VisitingWindows()`` means nothing is recorded: any time will do.
    """

    slots: tuple[WeeklySpan, ...] = ()
    blackouts: tuple[WeeklySpan, ...] = ()
    note: str | None = None

    @classmethod
    def parse(
        cls, text: str | None, *, record: str = "Employer", field: str = "visiting_windows"
    ) -> VisitingWindows:
        """Read the documented syntax (see the module docs); blank text gives no windows.

        Raises:
            ValidationError: an entry that is neither a slot, a blackout nor a note, or a
                time span that ends before it starts.
        """
        if text is None or not text.strip():
            return cls()
        body, note = _split_note(text)
        slots: list[WeeklySpan] = []
        blackouts: list[WeeklySpan] = []
        for raw in re.split(r"[;\n]", body):
            entry = " ".join(raw.split())
            if not entry:
                continue
            try:
                negated, spans = _parse_entry(entry)
            except ValueError as exc:
                raise ValidationError(record, field, f"{entry!r}: {exc}") from None
            (blackouts if negated else slots).extend(spans)
        return cls(
            slots=_unique(slots),
            blackouts=_unique(blackouts),
            note=note,
        )

    def __str__(self) -> str:
        parts = [str(s) for s in self.slots]
        parts += [f"not {s}" for s in self.blackouts]
        if self.note:
            parts.append(f"note: {self.note}")
        return "; ".join(parts)

    def __bool__(self) -> bool:
        return bool(self.slots or self.blackouts or self.note)

    @property
    def restricts(self) -> bool:
        """True when slots or blackouts are recorded (a note alone restricts nothing)."""
        return bool(self.slots or self.blackouts)

    def describe(self) -> str:
        """The slots and blackouts in a few words (no note): ``"Tue-Thu 14:00-16:00, not
        11:30-13:30"``; ``"any time"`` when nothing restricts."""
        parts = [str(s) for s in self.slots] + [f"not {s}" for s in self.blackouts]
        return ", ".join(parts) if parts else "any time"

    def open_on(self, weekday: int) -> list[tuple[int, int]]:
        """The stretches of ``weekday`` (Monday 0) open to a visit, in minutes after
        midnight, sorted: the slots that day (the whole day when no slot is recorded at
        all) less the blackouts."""
        if self.slots:
            open_ = _merge((s.start, s.end) for s in self.slots if weekday in s.days)
        else:
            open_ = [(0, 24 * 60)]
        holes = [(b.start, b.end) for b in self.blackouts if weekday in b.days]
        return _subtract(open_, holes)

    def kept_by(self, weekday: int, start: int, end: int) -> str | None:
        """The window a visit from ``start`` to ``end`` on ``weekday`` keeps: the slot it
        falls in, ``"not ..."`` (the blackouts it avoids) when only blackouts are recorded,
        ``None`` when it keeps none (or nothing is recorded)."""
        if not self.restricts:
            return None
        if not any(s <= start and end <= e for s, e in self.open_on(weekday)):
            return None
        if self.slots:
            slot = next((s for s in self.slots if s.covers(weekday, start, end)), None)
            return str(slot) if slot is not None else None
        return ", ".join(f"not {b}" for b in self.blackouts)

    def with_person(self, person: VisitingWindows, name: str | None = None) -> VisitingWindows:
        """The windows for visiting ``person`` here: their slots when they have any
        (instead of the employer's), the blackouts of both, and both notes."""
        notes = [self.note] if self.note else []
        if person.note:
            notes.append(f"{name}: {person.note}" if name else person.note)
        return VisitingWindows(
            slots=person.slots or self.slots,
            blackouts=_unique([*self.blackouts, *person.blackouts]),
            note="; ".join(notes) or None,
        )

    def next_opening(
        self,
        on: dt.date,
        *,
        days: int = 14,
        weekdays: Iterable[int] | None = None,
        hours: tuple[int, int] | None = None,
        minutes: int = 1,
    ) -> Opening | None:
        """The first stretch open to a visit of ``minutes`` from ``on`` on (within
        ``days``), on one of ``weekdays`` and inside ``hours`` (minutes after midnight)
        when given; ``None`` when nothing restricts visits or no such stretch exists."""
        if not self.restricts:
            return None
        allowed = frozenset(weekdays) if weekdays is not None else _ALL_DAYS
        for offset in range(days):
            day = on + dt.timedelta(days=offset)
            weekday = day.weekday()
            if weekday not in allowed:
                continue
            stretches = self.open_on(weekday)
            if hours is not None:
                stretches = [
                    (max(s, hours[0]), min(e, hours[1]))
                    for s, e in stretches
                    if min(e, hours[1]) - max(s, hours[0]) > 0
                ]
            for start, end in stretches:
                if end - start >= minutes:
                    window = self.kept_by(weekday, start, start + minutes)
                    return Opening(day, start, end, window or self.describe())
        return None


def to_windows(value: object, *, record: str = "Employer") -> VisitingWindows:
    """A :class:`VisitingWindows` from itself, its text, or nothing (no windows)."""
    if isinstance(value, VisitingWindows):
        return value
    if value is None:
        return VisitingWindows()
    if isinstance(value, str):
        return VisitingWindows.parse(value, record=record)
    raise ValidationError(record, "visiting_windows", f"{value!r} is not a visiting window")


def _unique(spans: Iterable[WeeklySpan]) -> tuple[WeeklySpan, ...]:
    seen: list[WeeklySpan] = []
    for span in spans:
        if span not in seen:
            seen.append(span)
    return tuple(seen)


def _split_note(text: str) -> tuple[str, str | None]:
    match = _NOTE_RE.search(text)
    if match is None:
        return text, None
    note = " ".join(text[match.end() :].split())
    return text[: match.start()], note or None


def _parse_entry(entry: str) -> tuple[bool, list[WeeklySpan]]:
    """One entry: ``(is a blackout, its spans)``."""
    negated = False
    lowered = entry.lower()
    for prefix in ("not ", "except ", "never ", "no visits "):
        if lowered.startswith(prefix):
            negated, entry = True, entry[len(prefix) :].strip()
            break
    ranges = list(_RANGE_RE.finditer(entry))
    if not ranges:
        if not entry:
            raise ValueError("give days, times or both")
        days = parse_weekdays(entry)
        return negated, [WeeklySpan(days, 0, 24 * 60)]
    day_text = entry[: ranges[0].start()].strip().rstrip(",").strip()
    for before, after in itertools.pairwise(ranges):
        between = entry[before.end() : after.start()].strip(" ,").lower()
        if between not in ("", "and", "&"):
            raise ValueError(f"{between!r} between two times is not understood")
    rest = entry[ranges[-1].end() :].strip()
    if rest:
        raise ValueError(f"{rest!r} after the times is not understood")
    days = parse_weekdays(day_text) if day_text else _ALL_DAYS
    spans = []
    for match in ranges:
        start, end = _span_minutes(match["start"], match["end"])
        spans.append(WeeklySpan(days, start, end))
    return negated, spans


def parse_weekdays(text: str) -> frozenset[int]:
    """Weekdays (Monday 0) from ``"Tue-Thu"``, ``"mon, wed and fri"``, ``"weekdays"``...

    Raises:
        ValueError: a word that is not a day.
    """
    lowered = " ".join(text.lower().replace(".", " ").split())
    if lowered in _DAY_GROUPS:
        return _DAY_GROUPS[lowered]
    days: set[int] = set()
    compact = re.sub(rf"\s*(?:[{_DASHES}]|\bto\b|\bthrough\b|\bthru\b)\s*", "-", lowered)
    for token in _DAY_SEPARATORS.split(compact):
        if not token:
            continue
        if token in _DAY_GROUPS:
            days |= _DAY_GROUPS[token]
            continue
        ranged = _DAY_RANGE_RE.match(token)
        if ranged:
            first, last = _day(ranged[1]), _day(ranged[2])
            span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
            days.update(span)
        else:
            days.add(_day(token))
    if not days:
        raise ValueError("no days given")
    return frozenset(days)


def _day(word: str) -> int:
    if word not in _DAY_WORDS:
        raise ValueError(f"{word!r} is not a day (Mon, Tue-Thu, weekdays...)")
    return _DAY_WORDS[word]


def _clock(text: str) -> tuple[int, str | None]:
    """Minutes after midnight and the am/pm half given (``None`` when not given)."""
    match = _TIME_RE.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time")
    if match["word"]:
        return (12 * 60 if match["word"].lower() == "noon" else 24 * 60), None
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    half = match["half"].lower() if match["half"] else None
    if minute >= 60 or hour > 24 or (half is not None and not 1 <= hour <= 12):
        raise ValueError(f"{text.strip()!r} is not a time")
    if half == "p" and hour != 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    total = hour * 60 + minute
    if total > 24 * 60:
        raise ValueError(f"{text.strip()!r} is not a time")
    return total, half


def _span_minutes(start_text: str, end_text: str) -> tuple[int, int]:
    start, start_half = _clock(start_text)
    end, end_half = _clock(end_text)
    # "2-4pm" is 14:00-16:00; "11-1pm" stays 11:00-13:00
    if start_half is None and end_half == "p" and start < 12 * 60 and start + 12 * 60 < end:
        start += 12 * 60
    if end == 0 and start > 0:
        end = 24 * 60
    if end <= start:
        raise ValueError(
            f"{format_minutes(start)}-{format_minutes(end)} ends before it starts "
            "(a window cannot run past midnight)"
        )
    return start, end
