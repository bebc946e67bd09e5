"""The domain record: employers, job seekers, specialists, visits, openings, fit notes, jobs.

Plain attrs classes with validation at construction. Nothing here knows about the database,
the command line or plugins: the store maps these classes imperatively.

Mapped classes use ``@attrs.define(slots=False, eq=False)`` (SQLAlchemy needs a ``__dict__``
and identity equality); value objects that are never mapped on their own
(:class:`Preferences`, :class:`FitFactorRating`) are frozen.

>>> from ips_jobdev._model import Employer
>>> Employer(name="Fictional Foods Co-op", zip="53703", phone="608-555-0101").phone.e164
'+16085550101'
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from ips_jobdev._phones import PhoneNumber, parse_phone
from ips_jobdev._vocab import (
    ContactBy,
    ContactMode,
    Disclosure,
    FitRating,
    JobEndReason,
    JobSeekerStatus,
    OpeningStatus,
    Shift,
    Transport,
    VisitPurpose,
    VisitStatus,
    normalize_token,
    parse_choice,
)
from ips_jobdev._windows import VisitingWindows, to_windows
from ips_jobdev.errors import ValidationError

__all__ = [
    "Employer",
    "EmployerPerson",
    "EmploymentPeriod",
    "FitFactorRating",
    "JobFitNote",
    "JobOpening",
    "JobSeeker",
    "JobStart",
    "Leave",
    "Preferences",
    "Program",
    "ProgramGoal",
    "Specialist",
    "StatusChange",
    "Visit",
    "normalize_employer_name",
    "parse_money",
    "postal_address",
    "utc_now",
]

_ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def utc_now() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def postal_address(
    street: str | None, city: str | None, state: str | None, zip_code: str | None
) -> str:
    """A postal address on one line (``Employer.address``; pages that read an employer's
    columns without its record use it too)."""
    parts = [street, city, " ".join(p for p in (state, zip_code) if p)]
    return ", ".join(p for p in parts if p)


# -- converters and checks shared by the classes ------------------------------------------


def _record_name(instance: object) -> str:
    return type(instance).__name__


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _tags(value: object) -> list[str]:
    """A list of short labels from a list or a ``;``-separated string, trimmed, no repeats."""
    if value is None:
        return []
    items: Iterable[object] = value.split(";") if isinstance(value, str) else value  # type: ignore[assignment]
    seen: list[str] = []
    for item in items:
        text = " ".join(str(item).split()).lower()
        if text and text not in seen:
            seen.append(text)
    return seen


MAX_MONEY = Decimal("1000000.00")
"""The highest amount the record takes: it keeps every amount within the database's
integer cents (a CSV import allows far less for an hourly wage: see
``_importing.values.HOURLY_WAGE_MAX``)."""


def parse_money(value: object, *, record: str, field: str) -> Decimal | None:
    """Read an hourly amount in dollars (``"15.50"``, ``"$15.50"``); empty gives ``None``.

    Raises:
        ValidationError: not a number, below zero, or above :data:`MAX_MONEY`.
    """
    if value is None or value == "":
        return None
    text = str(value).strip()
    shown = repr(text) if len(text) <= 40 else repr(text[:40]) + "..."
    try:
        amount = Decimal(text.lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise ValidationError(record, field, f"{shown} is not an amount") from None
    if not amount.is_finite():
        raise ValidationError(record, field, f"{shown} is not an amount")
    if amount < 0:
        raise ValidationError(record, field, f"{shown} is below zero")
    # checked before rounding: quantize() raises InvalidOperation past 28 digits
    if amount > MAX_MONEY:
        raise ValidationError(record, field, f"{shown} is more than {MAX_MONEY:,}")
    return amount.quantize(Decimal("0.01"))


def _require_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(_record_name(instance), attribute.name, "must not be empty")


def _check_zip(instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not _ZIP_RE.match(value):
        raise ValidationError(
            _record_name(instance), attribute.name, f"{value!r} is not a 5-digit ZIP or ZIP+4"
        )


def _check_email(instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not _EMAIL_RE.match(value):
        raise ValidationError(
            _record_name(instance), attribute.name, f"{value!r} is not an email address"
        )


def _check_code(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not _CODE_RE.match(value):
        raise ValidationError(
            _record_name(instance),
            attribute.name,
            f"{value!r} is not a code (1-40 letters, digits, '.', '_' or '-')",
        )


def _check_aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, dt.datetime):
        raise ValidationError(
            _record_name(instance), attribute.name, f"{value!r} is not a datetime"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            _record_name(instance),
            attribute.name,
            f"{value.isoformat()} has no time zone; give an offset such as -06:00",
        )


def _check_non_negative(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and value < 0:  # type: ignore[operator]
        raise ValidationError(_record_name(instance), attribute.name, f"{value} is below zero")


def _check_latitude(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(_record_name(instance), attribute.name, f"{value} is not a latitude")


def _check_longitude(
    instance: object, attribute: attrs.Attribute[Any], value: float | None
) -> None:
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(_record_name(instance), attribute.name, f"{value} is not a longitude")


def _check_timezone(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _record_name(instance), attribute.name, f"{value!r} is not an IANA time zone"
        ) from None


def _optional_float(value: object) -> float | None:
    if value is None or value == "":
        return None
    return float(str(value))


def _optional_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    number = float(str(value).strip())
    if not number.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    return int(number)


def _phone(value: object, record: str, field: str) -> PhoneNumber | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str | PhoneNumber):
        raise ValidationError(record, field, f"{value!r} is not a phone number")
    return parse_phone(value, record=record, field=field)


def _shifts(value: object, record: str, field: str) -> list[str]:
    return [parse_choice(Shift, tag, record=record, field=field).value for tag in _tags(value)]


# Named converters (the attrs mypy plugin understands only named functions).


def _person_phone(value: object) -> PhoneNumber | None:
    return _phone(value, "EmployerPerson", "phone")


def _employer_phone(value: object) -> PhoneNumber | None:
    return _phone(value, "Employer", "phone")


def _lower_text(value: object) -> str | None:
    return (_text(value) or "").lower() or None


def _upper_text(value: object) -> str | None:
    return (_text(value) or "").upper() or None


def _tag_tuple(value: object) -> tuple[str, ...]:
    return tuple(_tags(value))


def _decimal(value: object) -> Decimal:
    return Decimal(str(value))


def _preferences_shifts(value: object) -> tuple[str, ...]:
    return tuple(_shifts(value, "Preferences", "shifts"))


def _employer_shifts(value: object) -> list[str]:
    return _shifts(value, "Employer", "shifts")


def _jobopening_shifts(value: object) -> list[str]:
    return _shifts(value, "JobOpening", "shifts")


def _employer_wage_min(value: object) -> Decimal | None:
    return parse_money(value, record="Employer", field="wage_min")


def _employer_wage_max(value: object) -> Decimal | None:
    return parse_money(value, record="Employer", field="wage_max")


def _preferences_wage_min(value: object) -> Decimal | None:
    return parse_money(value, record="Preferences", field="wage_min")


def _jobopening_wage(value: object) -> Decimal | None:
    return parse_money(value, record="JobOpening", field="wage")


def _jobstart_wage(value: object) -> Decimal | None:
    return parse_money(value, record="JobStart", field="wage")


def _preferences_transport(value: object) -> Transport | None:
    return (
        None
        if value is None or value == ""
        else parse_choice(Transport, value, record="Preferences", field="transport")
    )


def _preferences_disclosure(value: object) -> Disclosure:
    return parse_choice(Disclosure, value, record="Preferences", field="disclosure")


def _jobseeker_status(value: object) -> JobSeekerStatus:
    return parse_choice(JobSeekerStatus, value, record="JobSeeker", field="status")


def _visit_made_by(value: object) -> ContactBy:
    return parse_choice(ContactBy, value, record="Visit", field="made_by")


def _statuschange_status(value: object) -> JobSeekerStatus:
    return parse_choice(JobSeekerStatus, value, record="StatusChange", field="status")


def _check_fte(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0 < value <= 1:
        raise ValidationError(
            _record_name(instance),
            attribute.name,
            f"{value} is not a full-time share (more than 0, at most 1: 0.5 is half time)",
        )


def _visit_mode(value: object) -> ContactMode:
    return parse_choice(ContactMode, value, record="Visit", field="mode")


def _visit_purpose(value: object) -> VisitPurpose:
    return parse_choice(VisitPurpose, value, record="Visit", field="purpose")


def _visit_status(value: object) -> VisitStatus:
    return parse_choice(VisitStatus, value, record="Visit", field="status")


def _jobopening_status(value: object) -> OpeningStatus:
    return parse_choice(OpeningStatus, value, record="JobOpening", field="status")


def _jobfitnote_ratings(value: object) -> FitRating:
    return parse_choice(FitRating, value, record="JobFitNote", field="ratings")


def _jobfitnote_overall(value: object) -> FitRating:
    return parse_choice(FitRating, value, record="JobFitNote", field="overall")


def _jobstart_end_reason(value: object) -> JobEndReason | None:
    return (
        None
        if value is None or value == ""
        else parse_choice(JobEndReason, value, record="JobStart", field="end_reason")
    )


def _person_windows(value: object) -> VisitingWindows:
    return to_windows(value, record="EmployerPerson")


def _employer_windows(value: object) -> VisitingWindows:
    return to_windows(value, record="Employer")


def _touch(instance: Any) -> None:
    instance.updated_at = utc_now()


# -- employers ------------------------------------------------------------------------------


@attrs.define(slots=False, eq=False)
class EmployerPerson:
    """Someone at an employer the specialist deals with (hiring manager, owner, supervisor)."""

    name: str = attrs.field(validator=_require_name)
    title: str | None = attrs.field(default=None, converter=_text)
    phone: PhoneNumber | None = attrs.field(default=None, converter=_person_phone)
    email: str | None = attrs.field(default=None, converter=_text, validator=_check_email)
    makes_hiring_decisions: bool = False
    notes: str | None = attrs.field(default=None, converter=_text)
    id: int | None = None
    employer_id: int | None = None
    version: int = 1
    visiting_windows: VisitingWindows = attrs.field(
        factory=VisitingWindows, converter=_person_windows
    )
    """When this person can be seen (:class:`~ips_jobdev.VisitingWindows`; text such as
    ``"Mon-Fri 6:00-6:45; note: before the first shift"`` is read on assignment)."""

    def __attrs_post_init__(self) -> None:
        self.name = self.name.strip()


@attrs.define(slots=False, eq=False)
class Employer:
    """A business the team builds a relationship with.

    ``job_types`` and ``shifts`` are lists of lower-case labels (``"warehouse"``,
    ``"day"``); ``wage_min``/``wage_max`` are hourly, in dollars. Relationship stage is not
    stored here: it is derived from the visit history by :mod:`ips_jobdev.cycles`.
    """

    name: str = attrs.field(validator=_require_name)
    external_id: str | None = attrs.field(default=None, converter=_text)
    industry: str | None = attrs.field(default=None, converter=_lower_text)
    job_types: list[str] = attrs.field(factory=list, converter=_tags)
    street: str | None = attrs.field(default=None, converter=_text)
    city: str | None = attrs.field(default=None, converter=_text)
    state: str | None = attrs.field(default=None, converter=_upper_text)
    zip: str | None = attrs.field(default=None, converter=_text, validator=_check_zip)
    latitude: float | None = attrs.field(
        default=None, converter=_optional_float, validator=_check_latitude
    )
    longitude: float | None = attrs.field(
        default=None, converter=_optional_float, validator=_check_longitude
    )
    phone: PhoneNumber | None = attrs.field(default=None, converter=_employer_phone)
    website: str | None = attrs.field(default=None, converter=_text)
    size: int | None = attrs.field(
        default=None, converter=_optional_int, validator=_check_non_negative
    )
    shifts: list[str] = attrs.field(factory=list, converter=_employer_shifts)
    hours_note: str | None = attrs.field(default=None, converter=_text)
    wage_min: Decimal | None = attrs.field(default=None, converter=_employer_wage_min)
    wage_max: Decimal | None = attrs.field(default=None, converter=_employer_wage_max)
    bus_access: bool | None = None
    do_not_contact: bool = False
    notes: str | None = attrs.field(default=None, converter=_text)
    people: list[EmployerPerson] = attrs.field(factory=list)
    id: int | None = None
    version: int = 1
    created_at: dt.datetime = attrs.field(factory=utc_now, validator=_check_aware)
    updated_at: dt.datetime = attrs.field(factory=utc_now, validator=_check_aware)
    visiting_windows: VisitingWindows = attrs.field(
        factory=VisitingWindows, converter=_employer_windows
    )
    """When the employer can be visited (:class:`~ips_jobdev.VisitingWindows`; text such
    as ``"Tue-Thu 14:00-16:00; not 11:30-13:30"`` is read on assignment). Advice for the
    planner: a visit at another time is still recorded."""

    def __attrs_post_init__(self) -> None:
        self.name = " ".join(self.name.split())
        if (
            self.wage_min is not None
            and self.wage_max is not None
            and self.wage_max < self.wage_min
        ):
            raise ValidationError(
                "Employer", "wage_max", f"{self.wage_max} is below wage_min {self.wage_min}"
            )

    @property
    def normalized_name(self) -> str:
        """The name folded for duplicate detection (case, punctuation, "inc"/"llc" dropped)."""
        return normalize_employer_name(self.name)

    @property
    def zip5(self) -> str | None:
        """The 5-digit ZIP, without a +4 part."""
        return self.zip[:5] if self.zip else None

    @property
    def address(self) -> str:
        """The postal address on one line (what a calendar puts in LOCATION)."""
        return postal_address(self.street, self.city, self.state, self.zip)

    def add_person(self, person: EmployerPerson) -> EmployerPerson:
        """Attach someone who works here and return them."""
        self.people.append(person)
        return person


_LEGAL_SUFFIXES = {"inc", "llc", "co", "corp", "corporation", "company", "ltd", "the"}


def normalize_employer_name(name: str) -> str:
    """Fold an employer name for duplicate checks: ``"The Bakery, Inc."`` -> ``"bakery"``."""
    words = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _LEGAL_SUFFIXES)


# -- programs ------------------------------------------------------------------------------


@attrs.define(slots=False, eq=False)
class Program:
    """An IPS program (a county's or a tribe's) in a shared record.

    ``code`` is how people and commands name it (``"dane"``). Its specialists, job seekers,
    visits, fit notes, jobs and goals belong to it (their ``program_id``); employers are
    shared by every program.
    """

    code: str = attrs.field(validator=_check_code)
    name: str = attrs.field(validator=_require_name)
    id: int | None = None
    version: int = 1
    created_at: dt.datetime = attrs.field(factory=utc_now, validator=_check_aware)


# -- people on the caseload ---------------------------------------------------------------


@attrs.define(slots=False, eq=False)
class EmploymentPeriod:
    """A span of days a specialist was employed, and their full-time share in it.

    ``started`` ``None`` means "since before anything the record holds"; ``ended`` ``None``
    means still employed. ``fte`` is the full-time share (1.0 full time, 0.5 half time):
    caseload size is counted per full-time specialist, and a part-timer's contacts are
    rated per full-time week (see docs/explanation/how-the-figures-are-computed.md).
    """

    started: dt.date | None = None
    ended: dt.date | None = None
    fte: float = attrs.field(default=1.0, converter=float, validator=_check_fte)
    id: int | None = None
    specialist_id: int | None = None
    version: int = 1

    def __attrs_post_init__(self) -> None:
        if self.started is not None and self.ended is not None and self.ended < self.started:
            raise ValidationError(
                "EmploymentPeriod", "ended", f"{self.ended} is before started {self.started}"
            )

    def covers(self, day: dt.date) -> bool:
        """Whether the specialist was employed on ``day`` in this period."""
        return (self.started is None or self.started <= day) and (
            self.ended is None or day <= self.ended
        )


@attrs.define(slots=False, eq=False)
class Leave:
    """Days a specialist was away (leave, sickness, training elsewhere), both included."""

    first_day: dt.date
    last_day: dt.date
    note: str | None = attrs.field(default=None, converter=_text)
    id: int | None = None
    specialist_id: int | None = None
    version: int = 1

    def __attrs_post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValidationError(
                "Leave", "last_day", f"{self.last_day} is before the first day {self.first_day}"
            )

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` is a day of this leave."""
        return self.first_day <= day <= self.last_day


@attrs.define(slots=False, eq=False)
class Specialist:
    """An employment specialist: ``code`` is how the team refers to them (``"jd"``).

    ``periods`` are the spans they were employed (none recorded: employed throughout, full
    time) and ``leaves`` the days they were away; the fidelity report rates each
    specialist over the weeks they worked.
    """

    code: str = attrs.field(validator=_check_code)
    name: str = attrs.field(validator=_require_name)
    email: str | None = attrs.field(default=None, converter=_text, validator=_check_email)
    office_zip: str | None = attrs.field(default=None, converter=_text, validator=_check_zip)
    timezone: str = attrs.field(default="America/Chicago", validator=_check_timezone)
    weekly_contact_target: int = attrs.field(default=6, validator=_check_non_negative)
    work_days: str = "mon,tue,wed,thu,fri"
    work_start: dt.time = dt.time(8, 30)
    work_end: dt.time = dt.time(17, 0)
    active: bool = True
    id: int | None = None
    version: int = 1
    periods: list[EmploymentPeriod] = attrs.field(factory=list)
    leaves: list[Leave] = attrs.field(factory=list)
    program_id: int | None = None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The specialist's time zone, for display and calendars."""
        return zoneinfo.ZoneInfo(self.timezone)

    def _ordered_periods(self) -> list[EmploymentPeriod]:
        return sorted(self.periods, key=lambda p: (p.started or dt.date.min, p.id or 0))

    @property
    def current_period(self) -> EmploymentPeriod | None:
        """The latest employment period recorded (``None`` when none is)."""
        ordered = self._ordered_periods()
        return ordered[-1] if ordered else None

    @property
    def started(self) -> dt.date | None:
        """When the latest employment period started (``None``: not recorded)."""
        period = self.current_period
        return period.started if period else None

    @property
    def ended(self) -> dt.date | None:
        """When the latest employment period ended (``None``: still employed)."""
        period = self.current_period
        return period.ended if period else None

    @property
    def fte(self) -> float:
        """The full-time share of the latest employment period (1.0 when none is recorded)."""
        period = self.current_period
        return period.fte if period else 1.0

    def period_on(self, day: dt.date) -> EmploymentPeriod | None:
        """The employment period covering ``day``; with no period recorded at all, a
        full-time period covering every day."""
        if not self.periods:
            return EmploymentPeriod()
        for period in reversed(self._ordered_periods()):
            if period.covers(day):
                return period
        return None

    def on_leave(self, day: dt.date) -> bool:
        """Whether ``day`` falls in one of the specialist's leaves."""
        return any(leave.covers(day) for leave in self.leaves)

    def add_period(
        self, started: dt.date | None, *, ended: dt.date | None = None, fte: float = 1.0
    ) -> EmploymentPeriod:
        """Record an employment period (it must not overlap another)."""
        period = EmploymentPeriod(started=started, ended=ended, fte=fte)
        for other in self.periods:
            if _overlap((period.started, period.ended), (other.started, other.ended)):
                raise ValidationError(
                    "EmploymentPeriod",
                    "started",
                    f"overlaps the period {_span(other.started, other.ended)}",
                )
        self.periods.append(period)
        return period

    def add_leave(self, first_day: dt.date, last_day: dt.date, note: str | None = None) -> Leave:
        """Record days away (they must not overlap a leave already recorded)."""
        leave = Leave(first_day=first_day, last_day=last_day, note=note)
        for other in self.leaves:
            if _overlap((first_day, last_day), (other.first_day, other.last_day)):
                raise ValidationError(
                    "Leave",
                    "first_day",
                    f"overlaps the leave {_span(other.first_day, other.last_day)}",
                )
        self.leaves.append(leave)
        return leave


def _overlap(
    one: tuple[dt.date | None, dt.date | None], other: tuple[dt.date | None, dt.date | None]
) -> bool:
    start = max(one[0] or dt.date.min, other[0] or dt.date.min)
    end = min(one[1] or dt.date.max, other[1] or dt.date.max)
    return start <= end


def _span(first: dt.date | None, last: dt.date | None) -> str:
    return f"{first or 'the start'} to {last or 'now'}"


@attrs.frozen(slots=True)
class Preferences:
    """A job seeker's preferences from the career profile: their choices drive the search.

    Every field is optional; a job seeker with nothing recorded still gets matched
    (zero exclusion). ``avoid`` holds industries, job types or employer names the person
    does not want. ``disclosure`` is the person's own choice about telling employers.
    """

    job_types: tuple[str, ...] = attrs.field(default=(), converter=_tag_tuple)
    industries: tuple[str, ...] = attrs.field(default=(), converter=_tag_tuple)
    avoid: tuple[str, ...] = attrs.field(default=(), converter=_tag_tuple)
    hours_min: int | None = attrs.field(
        default=None, converter=_optional_int, validator=_check_non_negative
    )
    hours_max: int | None = attrs.field(
        default=None, converter=_optional_int, validator=_check_non_negative
    )
    shifts: tuple[str, ...] = attrs.field(default=(), converter=_preferences_shifts)
    home_zip: str | None = attrs.field(default=None, converter=_text, validator=_check_zip)
    max_miles: float | None = attrs.field(
        default=None, converter=_optional_float, validator=_check_non_negative
    )
    transport: Transport | None = attrs.field(default=None, converter=_preferences_transport)
    wage_min: Decimal | None = attrs.field(default=None, converter=_preferences_wage_min)
    work_setting: str | None = attrs.field(default=None, converter=_text)
    disclosure: Disclosure = attrs.field(
        default=Disclosure.UNDECIDED,
        converter=_preferences_disclosure,
    )
    benefits_hours_cap: int | None = attrs.field(
        default=None, converter=_optional_int, validator=_check_non_negative
    )
    strengths: tuple[str, ...] = attrs.field(default=(), converter=_tag_tuple)

    def __attrs_post_init__(self) -> None:
        if (
            self.hours_min is not None
            and self.hours_max is not None
            and self.hours_max < self.hours_min
        ):
            raise ValidationError(
                "Preferences", "hours_max", f"{self.hours_max} is below hours_min {self.hours_min}"
            )

    @property
    def is_empty(self) -> bool:
        """True when no preference that matching uses has been recorded."""
        return not (
            self.job_types
            or self.industries
            or self.avoid
            or self.shifts
            or self.home_zip
            or self.hours_min is not None
            or self.hours_max is not None
            or self.wage_min is not None
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (lists, strings, numbers)."""
        out: dict[str, Any] = {}
        for field in attrs.fields(Preferences):
            value = getattr(self, field.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, Transport | Disclosure):
                value = value.value
            out[field.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Preferences:
        """Inverse of :meth:`to_dict`; unknown keys are ignored (newer files stay readable)."""
        names = {f.name for f in attrs.fields(Preferences)}
        return cls(**{k: v for k, v in data.items() if k in names and v is not None})


@attrs.define(slots=False, eq=False)
class StatusChange:
    """A job seeker's status from a day on (one entry of their dated status history)."""

    status: JobSeekerStatus = attrs.field(converter=_statuschange_status)
    since: dt.date
    id: int | None = None
    seeker_id: int | None = None
    version: int = 1


@attrs.define(slots=False, eq=False)
class JobSeeker:
    """A person on the IPS caseload who wants work.

    ``code`` is the program's code for the person; ``name`` is optional (store the least).
    ``ips_start`` starts the 30-day clock of the rapid job search rule. ``status`` is the
    status today; ``status_history`` says which status held from which day, so a figure
    for a past period uses the status of that period (change it with
    :meth:`change_status`, which keeps both).
    """

    code: str = attrs.field(validator=_check_code)
    ips_start: dt.date | None = None
    specialist_id: int | None = None
    name: str | None = attrs.field(default=None, converter=_text)
    status: JobSeekerStatus = attrs.field(
        default=JobSeekerStatus.SEARCHING,
        converter=_jobseeker_status,
    )
    preferences: Preferences = attrs.field(factory=Preferences)
    id: int | None = None
    version: int = 1
    created_at: dt.datetime = attrs.field(factory=utc_now, validator=_check_aware)
    updated_at: dt.datetime = attrs.field(factory=utc_now, validator=_check_aware)
    status_history: list[StatusChange] = attrs.field(factory=list)
    program_id: int | None = None

    @property
    def on_caseload(self) -> bool:
        """Everyone not closed counts on the specialist's caseload."""
        return self.status is not JobSeekerStatus.CLOSED

    @property
    def display_name(self) -> str:
        """The name when recorded, else the program code."""
        return self.name or self.code

    def history(self) -> list[StatusChange]:
        """The status history, oldest first."""
        return sorted(self.status_history, key=lambda c: (c.since, c.id or 0))

    def status_on(self, day: dt.date) -> JobSeekerStatus:
        """The status on ``day``: the last change on or before it; before the first
        change, the first status (held since the person entered IPS)."""
        history = self.history()
        if not history:
            return self.status
        held = history[0].status
        for change in history:
            if change.since > day:
                break
            held = change.status
        return held

    def change_status(self, status: JobSeekerStatus | str, on: dt.date) -> StatusChange | None:
        """Set the status from day ``on`` and record the change in the history.

        The first change of a job seeker with no history also records the status they had
        before (from their IPS start). Nothing is recorded when the status is already
        ``status``.

        Raises:
            ValidationError: ``on`` is before the last recorded change.
        """
        new = parse_choice(JobSeekerStatus, status, record="JobSeeker", field="status")
        history = self.history()
        if history and on < history[-1].since:
            raise ValidationError(
                "JobSeeker",
                "status",
                f"{on} is before the last status change ({history[-1].status.value} on "
                f"{history[-1].since})",
            )
        if new is self.status and history:
            return None
        if not history:
            self.status_history.append(
                StatusChange(status=self.status, since=min(self.entered_on(), on))
            )
        change = StatusChange(status=new, since=on)
        self.status_history.append(change)
        self.status = new
        _touch(self)
        return change

    def record_closing(self, on: dt.date, *, redate: bool = False) -> bool:
        """Close the job seeker from day ``on``; ``False`` when they already were.

        A job seeker already closed with no day recorded for it (closed before the status
        history was kept) gets that day, and counts as served until then; one closed on
        another recorded day keeps it unless ``redate`` (an import correcting the day).

        Raises:
            ValidationError: already closed on another day (without ``redate``), or ``on``
                is before their last status change.
        """
        if self.status is not JobSeekerStatus.CLOSED:
            self.change_status(JobSeekerStatus.CLOSED, on)
            return True
        history = self.history()
        if self.closed_on == on:
            return False
        if len(history) > 1 and history[-1].status is JobSeekerStatus.CLOSED:
            if not redate:
                raise ValidationError(
                    "JobSeeker",
                    "status",
                    f"{self.code} is already closed since {history[-1].since}",
                )
            if on < history[-2].since:
                raise ValidationError(
                    "JobSeeker", "closed_on", f"{on} is before the last status change"
                )
            history[-1].since = on
            return True
        if history:
            history[0].status = JobSeekerStatus.SEARCHING
        else:
            self.status_history.append(
                StatusChange(status=JobSeekerStatus.SEARCHING, since=self.entered_on())
            )
        self.status_history.append(StatusChange(status=JobSeekerStatus.CLOSED, since=on))
        _touch(self)
        return True

    def entered_on(self) -> dt.date:
        """The IPS start, else the day the record was made."""
        return self.ips_start or self.created_at.date()

    @property
    def closed_on(self) -> dt.date | None:
        """The day the job seeker was last closed, while they are closed."""
        if self.status is not JobSeekerStatus.CLOSED:
            return None
        history = self.history()
        if len(history) < 2 or history[-1].status is not JobSeekerStatus.CLOSED:
            return None
        return history[-1].since

    @property
    def reopened_on(self) -> dt.date | None:
        """The day the job seeker was last reopened after a closing (``None`` if never)."""
        found = None
        history = self.history()
        for before, change in itertools.pairwise(history):
            if (
                before.status is JobSeekerStatus.CLOSED
                and change.status is not JobSeekerStatus.CLOSED
            ):
                found = change.since
        return found


# -- employer contacts --------------------------------------------------------------------


@attrs.define(slots=False, eq=False)
class Visit:
    """An employer contact, planned or made.

    ``seekers`` are the job seekers it was for (empty for a generic contact);
    ``seeker_present`` says whether one of them came along. ``at`` must be timezone-aware.
    ``made_by`` is ``job-seeker`` for a contact the job seeker made alone (``specialist_id``
    is then the specialist who recorded it).
    """

    employer_id: int
    specialist_id: int
    at: dt.datetime = attrs.field(validator=_check_aware)
    mode: ContactMode = attrs.field(default=ContactMode.IN_PERSON, converter=_visit_mode)
    purpose: VisitPurpose = attrs.field(
        default=VisitPurpose.INTRODUCE,
        converter=_visit_purpose,
    )
    status: VisitStatus = attrs.field(default=VisitStatus.DONE, converter=_visit_status)
    duration_minutes: int = attrs.field(default=30, validator=_check_non_negative)
    person_id: int | None = None
    seekers: list[JobSeeker] = attrs.field(factory=list)
    seeker_present: bool = False
    outcome: str | None = attrs.field(default=None, converter=_text)
    next_step: str | None = attrs.field(default=None, converter=_text)
    reason: str | None = attrs.field(default=None, converter=_text)
    id: int | None = None
    version: int = 1
    created_at: dt.datetime = attrs.field(factory=utc_now, validator=_check_aware)
    updated_at: dt.datetime = attrs.field(factory=utc_now, validator=_check_aware)
    made_by: ContactBy = attrs.field(default=ContactBy.SPECIALIST, converter=_visit_made_by)
    program_id: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.seeker_present and not self.seekers:
            raise ValidationError("Visit", "seeker_present", "no job seeker is named for the visit")
        if self.made_by is ContactBy.JOB_SEEKER and not self.seekers:
            raise ValidationError(
                "Visit", "made_by", "a contact a job seeker made must name that job seeker"
            )

    @property
    def by_job_seeker(self) -> bool:
        """True when the job seeker made the contact on their own (it is theirs, not the
        specialist's: it counts for their rapid job search only)."""
        return self.made_by is ContactBy.JOB_SEEKER

    @property
    def face_to_face(self) -> bool:
        """True when the contact was in person (the only kind fidelity counts)."""
        return self.mode.face_to_face

    @property
    def client_specific(self) -> bool:
        """True when the contact was on behalf of named job seekers."""
        return bool(self.seekers)

    @property
    def ends_at(self) -> dt.datetime:
        """When the visit is planned to end."""
        return self.at + dt.timedelta(minutes=self.duration_minutes)

    def complete(self, *, outcome: str | None = None, next_step: str | None = None) -> None:
        """Mark a planned visit as made."""
        if self.status is VisitStatus.CANCELLED:
            raise ValidationError("Visit", "status", "a cancelled visit cannot be completed")
        if self.status is VisitStatus.VOIDED:
            raise ValidationError("Visit", "status", "a voided visit cannot be completed")
        self.status = VisitStatus.DONE
        self.outcome = _text(outcome) or self.outcome
        self.next_step = _text(next_step) or self.next_step
        _touch(self)

    def cancel(self) -> None:
        """Call off a planned visit (adapters then cancel it remotely)."""
        if self.status is VisitStatus.DONE:
            raise ValidationError("Visit", "status", "a visit already made cannot be cancelled")
        if self.status is VisitStatus.VOIDED:
            raise ValidationError("Visit", "status", "a voided visit cannot be cancelled")
        self.status = VisitStatus.CANCELLED
        _touch(self)

    def void(self, reason: str) -> None:
        """Mark the visit as entered in error: it stays in the record, counts nowhere.

        Raises:
            ValidationError: no reason, or the visit is voided already.
        """
        why = _text(reason)
        if why is None:
            raise ValidationError("Visit", "reason", "say why the visit is voided")
        if self.status is VisitStatus.VOIDED:
            raise ValidationError("Visit", "status", "the visit is voided already")
        self.status = VisitStatus.VOIDED
        self.reason = why
        _touch(self)

    @property
    def voided(self) -> bool:
        """True when the visit was voided (entered in error)."""
        return self.status is VisitStatus.VOIDED


@attrs.define(slots=False, eq=False)
class JobOpening:
    """A job at an employer, advertised or learned of through a visit."""

    employer_id: int
    title: str = attrs.field(validator=_require_name)
    job_type: str | None = attrs.field(default=None, converter=_lower_text)
    hours_per_week: float | None = attrs.field(
        default=None, converter=_optional_float, validator=_check_non_negative
    )
    shifts: list[str] = attrs.field(factory=list, converter=_jobopening_shifts)
    wage: Decimal | None = attrs.field(default=None, converter=_jobopening_wage)
    advertised: bool = True
    status: OpeningStatus = attrs.field(
        default=OpeningStatus.OPEN,
        converter=_jobopening_status,
    )
    learned_on: dt.date | None = None
    notes: str | None = attrs.field(default=None, converter=_text)
    id: int | None = None
    version: int = 1


@attrs.frozen(slots=True)
class FitFactorRating:
    """One factor of a job-fit judgment: a rating and a comment."""

    rating: FitRating = attrs.field(
        default=FitRating.UNKNOWN,
        converter=_jobfitnote_ratings,
    )
    comment: str | None = attrs.field(default=None, converter=_text)


def _ratings_converter(value: object) -> dict[str, FitFactorRating]:
    if not value:
        return {}
    out: dict[str, FitFactorRating] = {}
    for name, rating in dict(value).items():  # type: ignore[call-overload]
        factor = normalize_token(str(name)).replace("-", "_")
        if isinstance(rating, FitFactorRating):
            out[factor] = rating
        elif isinstance(rating, Mapping):
            out[factor] = FitFactorRating(**rating)
        else:
            out[factor] = FitFactorRating(rating)
    return out


@attrs.define(slots=False, eq=False)
class JobFitNote:
    """A structured judgment of how a job or employer fits a job seeker.

    ``ratings`` maps a factor name (the names the matcher uses: ``job_type``,
    ``distance``...) to a :class:`FitFactorRating`. An internal record: it never leaves the
    team through an adapter.
    """

    seeker_id: int
    employer_id: int
    author_id: int
    opening_id: int | None = None
    ratings: dict[str, FitFactorRating] = attrs.field(factory=dict, converter=_ratings_converter)
    overall: FitRating = attrs.field(
        default=FitRating.UNKNOWN,
        converter=_jobfitnote_overall,
    )
    text: str | None = attrs.field(default=None, converter=_text)
    written_at: dt.datetime = attrs.field(factory=utc_now, validator=_check_aware)
    id: int | None = None
    version: int = 1
    program_id: int | None = None


@attrs.define(slots=False, eq=False)
class JobStart:
    """A job a job seeker got: employer, title, dates, hours, wage, and how it ended."""

    seeker_id: int
    employer_id: int
    title: str = attrs.field(validator=_require_name)
    start_date: dt.date = attrs.field()
    job_type: str | None = attrs.field(default=None, converter=_lower_text)
    opening_id: int | None = None
    hours_per_week: float | None = attrs.field(
        default=None, converter=_optional_float, validator=_check_non_negative
    )
    wage: Decimal | None = attrs.field(default=None, converter=_jobstart_wage)
    competitive: bool = True
    end_date: dt.date | None = None
    end_reason: JobEndReason | None = attrs.field(default=None, converter=_jobstart_end_reason)
    id: int | None = None
    version: int = 1
    program_id: int | None = None

    def __attrs_post_init__(self) -> None:
        self._check_end(self.end_date, self.end_reason)

    def _check_end(self, end_date: dt.date | None, end_reason: JobEndReason | None) -> None:
        if end_date is not None and end_date < self.start_date:
            raise ValidationError(
                "JobStart", "end_date", f"{end_date} is before start_date {self.start_date}"
            )
        if end_reason is not None and end_date is None:
            raise ValidationError("JobStart", "end_date", "an end reason needs an end date")

    def end(self, on: dt.date, reason: JobEndReason | str) -> None:
        """Record the job's end and why it ended."""
        parsed = parse_choice(JobEndReason, reason, record="JobStart", field="end_reason")
        self._check_end(on, parsed)
        self.end_date = on
        self.end_reason = parsed

    def active_on(self, day: dt.date) -> bool:
        """True when the job had started and not yet ended on ``day``."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@attrs.define(slots=False, eq=False)
class ProgramGoal:
    """An outcome goal a program sets (placements, hours, wages) for a period.

    ``metric`` is one of ``job_starts``, ``employment_rate``, ``hours_per_week``,
    ``hourly_wage``; ``scope`` is ``program`` or a specialist code.
    """

    metric: str = attrs.field(validator=_require_name)
    target: Decimal = attrs.field(converter=_decimal)
    period_start: dt.date = attrs.field()
    period_end: dt.date = attrs.field()
    scope: str = "program"
    id: int | None = None
    version: int = 1
    program_id: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise ValidationError(
                "ProgramGoal", "period_end", f"{self.period_end} is before {self.period_start}"
            )
