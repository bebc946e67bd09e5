"""The records adapters receive: redacted, read-only, with a fingerprint of their content.

Adapters never see the store's model objects. :mod:`ips_jobdev.privacy` builds these frozen
records from the store and removes what the adapter's :class:`Audience` may not see, before
any adapter code runs. Every record has:

- ``id``: the local id in the store (an int), and ``key``: a stable text key such as
  ``"visit-42"`` that a vendor can use as an external id;
- ``fingerprint``: a hash of everything in the record; the sync state keeps the
  fingerprint last sent, so a record whose fingerprint is unchanged is not sent again.

Times are timezone-aware and in UTC; ``VisitRecord.timezone`` names the specialist's zone
for display. Phone numbers are E.164 strings with an RFC 3966 ``;ext=`` suffix when there is
an extension. Money is a string with two decimals (``"15.50"``).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import json
import operator
from collections.abc import Callable
from typing import Any, TypeAlias

import attrs

from ips_jobdev._vocab import ContactMode, Disclosure, FitRating, VisitPurpose, VisitStatus

__all__ = [
    "Audience",
    "EmployerRecord",
    "ExportRecord",
    "FitNoteRecord",
    "FitRatingRecord",
    "PersonRecord",
    "RecordKind",
    "SeekerRef",
    "VisitRecord",
    "record_to_dict",
    "utc_isoformat",
]


class Audience(enum.StrEnum):
    """Who will read what an adapter sends; decides what :mod:`ips_jobdev.privacy` removes.

    - ``team``: the IPS team's own tools (spreadsheets, county systems): everything the
      team records about employers, visits and job-fit notes.
    - ``personal-calendar``: a specialist's calendar, which may sync to a phone or a cloud
      service: job seekers appear by program code unless the specialist opts in.
    - ``employer-facing``: a CRM shared with business-development staff or employers:
      nothing about treatment, diagnosis, benefits, preferences or job fit, no free text
      the team wrote, and a job seeker who did not choose to disclose never appears.
    """

    TEAM = "team"
    PERSONAL_CALENDAR = "personal-calendar"
    EMPLOYER_FACING = "employer-facing"


class RecordKind(enum.StrEnum):
    """The kinds of record an adapter can take."""

    EMPLOYER = "employer"
    PERSON = "person"
    VISIT = "visit"
    FIT_NOTE = "fit-note"


def _optional_disclosure(value: Any) -> Disclosure | None:
    return None if value is None else Disclosure(value)


# converters that pass a member through without the enum's call (an export makes a record
# of every visit, whose members come from the store already made)
def _mode(value: Any) -> ContactMode:
    return value if type(value) is ContactMode else ContactMode(value)


def _purpose(value: Any) -> VisitPurpose:
    return value if type(value) is VisitPurpose else VisitPurpose(value)


def _status(value: Any) -> VisitStatus:
    return value if type(value) is VisitStatus else VisitStatus(value)


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


@attrs.frozen(slots=True)
class SeekerRef:
    """A job seeker as one audience may see them.

    Attributes:
        label: how to show the job seeker (a program code, initials or a name, as privacy
            allows); never empty.
        code: the program code, or ``None`` when the audience may not have it.
        name: the name, or ``None`` when the audience may not have it (or none is recorded).
        disclosure: the job seeker's disclosure choice (team audience only, else ``None``).
    """

    label: str
    code: str | None = None
    name: str | None = None
    disclosure: Disclosure | None = attrs.field(default=None, converter=_optional_disclosure)


@attrs.frozen(slots=True)
class EmployerRecord:
    """An employer as an adapter receives it. ``notes`` is ``None`` outside the team."""

    id: int
    name: str
    external_id: str | None = None
    industry: str | None = None
    job_types: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    website: str | None = None
    size: int | None = None
    shifts: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    hours_note: str | None = None
    wage_min: str | None = None
    wage_max: str | None = None
    bus_access: bool | None = None
    do_not_contact: bool = False
    notes: str | None = None

    kind = RecordKind.EMPLOYER

    @property
    def key(self) -> str:
        """The stable text key, ``"employer-<id>"``."""
        return f"employer-{self.id}"

    @property
    def address(self) -> str:
        """The postal address on one line (empty when nothing is recorded)."""
        parts = [self.street, self.city, " ".join(p for p in (self.state, self.zip) if p)]
        return ", ".join(p for p in parts if p)

    @property
    def fingerprint(self) -> str:
        """A hash of the record's content (changes when anything an adapter sees changes)."""
        return _fingerprint(self)


@attrs.frozen(slots=True)
class PersonRecord:
    """Someone at an employer. ``notes`` is ``None`` outside the team."""

    id: int
    employer_id: int
    employer_name: str
    name: str
    title: str | None = None
    phone: str | None = None
    email: str | None = None
    makes_hiring_decisions: bool = False
    notes: str | None = None

    kind = RecordKind.PERSON

    @property
    def key(self) -> str:
        """The stable text key, ``"person-<id>"``."""
        return f"person-{self.id}"

    @property
    def employer_key(self) -> str:
        """The key of the employer this person works at."""
        return f"employer-{self.employer_id}"

    @property
    def fingerprint(self) -> str:
        """A hash of the record's content."""
        return _fingerprint(self)


@attrs.frozen(slots=True)
class VisitRecord:
    """An employer contact (planned, made or cancelled) with what a calendar or CRM needs.

    ``title`` and ``description`` are wording prepared by privacy for the audience: use
    them rather than composing text from job seekers' data. ``reason``, ``outcome`` and
    ``next_step`` are the team's free text: all three for the team; for a personal calendar
    only ``reason``, with job seekers' names replaced by their labels; nothing for an
    employer-facing audience.
    """

    id: int
    employer_id: int
    employer_name: str
    specialist_code: str
    specialist_name: str
    timezone: str
    start: dt.datetime
    end: dt.datetime
    mode: ContactMode = attrs.field(converter=_mode)
    purpose: VisitPurpose = attrs.field(converter=_purpose)
    status: VisitStatus = attrs.field(converter=_status)
    title: str
    description: str
    employer_address: str | None = None
    employer_phone: str | None = None
    person_id: int | None = None
    person_name: str | None = None
    person_title: str | None = None
    person_phone: str | None = None
    specialist_email: str | None = None
    seekers: tuple[SeekerRef, ...] = attrs.field(default=(), converter=_tuple)
    seeker_present: bool = False
    reason: str | None = None
    outcome: str | None = None
    next_step: str | None = None

    kind = RecordKind.VISIT

    @property
    def key(self) -> str:
        """The stable text key, ``"visit-<id>"``."""
        return f"visit-{self.id}"

    @property
    def employer_key(self) -> str:
        """The key of the employer visited."""
        return f"employer-{self.employer_id}"

    @property
    def person_key(self) -> str | None:
        """The key of the person met, when one is named."""
        return None if self.person_id is None else f"person-{self.person_id}"

    @property
    def duration_minutes(self) -> int:
        """The planned length in minutes."""
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def cancelled(self) -> bool:
        """True when the visit was called off."""
        return self.status is VisitStatus.CANCELLED

    @property
    def fingerprint(self) -> str:
        """A hash of the record's content."""
        return _fingerprint(self)


@attrs.frozen(slots=True)
class FitRatingRecord:
    """One factor of a job-fit note: the factor name, its rating and a comment."""

    factor: str
    rating: FitRating = attrs.field(converter=FitRating)
    comment: str | None = None


@attrs.frozen(slots=True)
class FitNoteRecord:
    """A job-fit note. Only ever given to adapters whose audience is ``team``."""

    id: int
    seeker: SeekerRef
    employer_id: int
    employer_name: str
    author_code: str
    overall: FitRating = attrs.field(converter=FitRating)
    written_at: dt.datetime
    opening_id: int | None = None
    opening_title: str | None = None
    ratings: tuple[FitRatingRecord, ...] = attrs.field(default=(), converter=_tuple)
    text: str | None = None

    kind = RecordKind.FIT_NOTE

    @property
    def key(self) -> str:
        """The stable text key, ``"fit-note-<id>"``."""
        return f"fit-note-{self.id}"

    @property
    def employer_key(self) -> str:
        """The key of the employer the note is about."""
        return f"employer-{self.employer_id}"

    @property
    def fingerprint(self) -> str:
        """A hash of the record's content."""
        return _fingerprint(self)


ExportRecord: TypeAlias = EmployerRecord | PersonRecord | VisitRecord | FitNoteRecord
"""Any record an adapter can receive."""


_SCALARS = frozenset({type(None), bool, int, float, str})
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in attrs.fields(cls))
    return names


def _plain(value: Any) -> Any:
    cls = type(value)
    if cls in _SCALARS:  # the common case first: fingerprints run over every record
        return value
    if isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if attrs.has(cls):
        out: dict[str, Any] = {}
        for name in _field_names(cls):
            field = getattr(value, name)
            # most fields are scalars: no call for them (fingerprints run over every record)
            out[name] = field if type(field) in _SCALARS else _plain(field)
        return out
    raise TypeError(f"cannot turn {cls.__name__} into a plain value")


def record_to_dict(record: ExportRecord | SeekerRef | FitRatingRecord) -> dict[str, Any]:
    """The record as plain JSON values (times in UTC ISO 8601, enums as their value).

    Records also carry ``kind`` and ``key``:

    >>> record_to_dict(EmployerRecord(id=3, name="Example Bakery"))["key"]
    'employer-3'
    """
    out: dict[str, Any] = _plain(record)
    if not isinstance(record, SeekerRef | FitRatingRecord):
        out = {"kind": record.kind.value, "key": record.key, **out}
    return out


_Getter: TypeAlias = Callable[[Any], tuple[Any, ...]]
_SORTED_FIELDS: dict[type[Any], tuple[tuple[str, ...], _Getter]] = {}


def _sorted_fields(cls: type[Any]) -> tuple[tuple[str, ...], _Getter]:
    """An attrs class's field names in sorted order, and a getter of their values in it."""
    found = _SORTED_FIELDS.get(cls)
    if found is None:
        names = tuple(sorted(_field_names(cls)))
        get = operator.attrgetter(*names)
        getter = get if len(names) > 1 else (lambda value: (get(value),))
        found = _SORTED_FIELDS[cls] = (names, getter)
    return found


def _utc_text(value: dt.datetime) -> str:
    """A time as :func:`_plain` writes it: UTC, ISO 8601."""
    if value.tzinfo is dt.UTC:  # records hold UTC times: astimezone would make it again
        return _utc_isoformat(value)
    return value.astimezone(dt.UTC).isoformat()


def utc_isoformat(value: dt.datetime) -> str:
    """``value.isoformat()``, remembered for UTC times (visits share their times)."""
    if value.tzinfo is dt.UTC:
        return _utc_isoformat(value)
    return value.isoformat()


@functools.lru_cache(maxsize=16_384)
def _utc_isoformat(value: dt.datetime) -> str:
    # equal UTC times write the same text (a time of another zone never comes here: in
    # the repeated hour two of them compare equal and are not the same instant)
    return value.isoformat()


def _json_default(value: Any) -> Any:
    """What the JSON encoder cannot write itself, as :func:`_plain` writes it (enums are
    ``str`` subclasses, written as their values, and tuples as lists, by the encoder);
    records as objects with their keys in sorted order."""
    if isinstance(value, dt.datetime):
        return _utc_text(value)
    cls = type(value)
    if attrs.has(cls):
        names, get = _sorted_fields(cls)
        return dict(zip(names, get(value), strict=True))
    raise TypeError(f"cannot turn {cls.__name__} into a plain value")


# every object written is a record's fields in sorted order (above): no sorting needed
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default).encode

_make_encoder = getattr(json.encoder, "c_make_encoder", None)
# the C encoder JSONEncoder.encode makes for every call, made once (no circular references
# to look for in a record): the same text, without the set-up each time
_C_ENCODE: Any = None
# its arguments, in the order it takes them (it takes no keywords): markers, default,
# encoder, indent, key separator, item separator, sort_keys, skipkeys, allow_nan
_ENCODER_ARGS = (None, _json_default, json.encoder.encode_basestring, None, ":", ",")
if _make_encoder is not None:
    _C_ENCODE = _make_encoder(*_ENCODER_ARGS, False, False, True)


def _encode(value: Any) -> str:
    if _C_ENCODE is None:  # pragma: no cover - an interpreter without the C accelerator
        return _ENCODE(value)
    return "".join(_C_ENCODE(value, 0))


_string = json.encoder.encode_basestring  # what the encoder writes a str with (C if there)


def _value_text(value: Any) -> str:
    """A field's value as the encoder writes it (times as :func:`_plain` does), for the
    values the writers of :func:`_text_writer` do not write themselves."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    cls = type(value)
    if cls is int:
        return int.__repr__(value)
    if cls is dt.datetime:
        return _string(_utc_text(value))
    if isinstance(value, str):  # enums: their value, as the encoder writes a str subclass
        return _string(value)
    return _encode(value)


def _text_writer(cls: type[Any]) -> Callable[[Any], str]:
    """A function that writes a record of ``cls`` as ``kind:`` and the JSON text of
    ``json.dumps(_plain(record), sort_keys=True, ensure_ascii=False, separators=(",", ":"))``
    (a test holds them equal), in one f-string: a text or ``None`` written inline, every
    other value by :func:`_value_text`. Fingerprints run over every record an export
    looks at: this writes them in half the time the encoder took over a dict of the
    fields."""
    names, get = _sorted_fields(cls)
    declared = {f.name: str(f.type) for f in attrs.fields(cls)}
    values = [f"v{i}" for i in range(len(names))]
    pieces = []
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        written = f"{_first_guess(declared[name], value)}V({value})"
        written = (
            f'S({value}) if type({value}) is str else "null" if {value} is None else {written}'
        )
        pieces.append(f"{'{{' if i == 0 else ','}{_string(name)}:{{{written}}}")
    prefix = f"{cls.kind.value}:" if hasattr(cls, "kind") else ""
    source = (
        f"def write(record):\n"
        f"    {', '.join(values)}, = get(record)\n"
        f"    return f'''{prefix}{''.join(pieces)}}}}}'''\n"
    )
    namespace: dict[str, Any] = {
        "get": get,
        "S": _string,
        "V": _value_text,
        "I": int.__repr__,
        "T": _UTC_JSON,
        "W": _utc_json,
        "UTC": dt.UTC,
        "datetime": dt.datetime,
        **_ENUMS,
    }
    exec(source, namespace)  # made above from the class's field names and kind alone
    write: Callable[[Any], str] = namespace["write"]
    return write


_ENUMS = {
    cls.__name__: cls for cls in (ContactMode, Disclosure, FitRating, VisitPurpose, VisitStatus)
}


_UTC_JSON: dict[dt.datetime, str] = {}
"""UTC times as JSON texts (what ``_string(_utc_text(time))`` writes), kept for the next
record with the same time (records share theirs: visits start on the hour or half hour)."""


def _utc_json(value: dt.datetime) -> str:
    """A UTC time as a JSON text, remembered in :data:`_UTC_JSON` (equal UTC times are the
    same instant and write the same text)."""
    text = _string(_utc_text(value))
    if len(_UTC_JSON) >= 16_384:
        _UTC_JSON.clear()
    _UTC_JSON[value] = text
    return text


def _first_guess(declared: str, value: str) -> str:
    """The test and text of a field's declared type, written before the others are tried
    (no call for an int, a bool, a time or a choice)."""
    kind = declared.partition(" |")[0]
    if kind == "bool":
        return f'"true" if {value} is True else "false" if {value} is False else '
    if kind == "int":
        return f"I({value}) if type({value}) is int else "
    if kind == "dt.datetime":
        # UTC times (as records hold them) written once each: T remembers them
        return (
            f"(T.get({value}) or W({value})) if type({value}) is datetime "
            f"and {value}.tzinfo is UTC else "
        )
    if kind.startswith("tuple["):
        return f'"[]" if type({value}) is tuple and not {value} else '  # most are empty
    if kind in _ENUMS:
        return f"S({value}) if type({value}) is {kind} else "
    return ""


_WRITERS: dict[type[Any], Callable[[Any], str]] = {}


def _fingerprint(record: ExportRecord) -> str:
    # the hash of kind:, then the same text as json.dumps(_plain(record), sort_keys=True,
    # ...), written without building the plain copy first (a test holds the two equal)
    cls = type(record)
    write = _WRITERS.get(cls)
    if write is None:
        write = _WRITERS[cls] = _text_writer(cls)
    return hashlib.sha256(write(record).encode()).hexdigest()
