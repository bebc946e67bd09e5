"""The adapter contract: what an adapter declares, what it receives, what it must return.

An adapter is a subclass of :class:`Adapter` registered through the ``register_adapters``
hook (see :mod:`ips_jobdev.hookspecs`). For each export the core makes a new instance,
calls :meth:`Adapter.open` with the parsed options and the target, then
:meth:`Adapter.export` with one or more :class:`ExportBatch` es, then :meth:`Adapter.close`.

The batch holds :class:`Change` s computed from the sync state: ``create`` (never sent, or
sent and deleted remotely), ``update`` (the content changed since it was last sent),
``cancel`` (a visit was cancelled since it was last sent), ``delete`` (the record is gone
from the store) and, for adapters that rewrite a whole file, ``unchanged``. For each change
the adapter returns one :class:`ExportResult`; the ``Change`` has helpers for that:

>>> from ips_jobdev._records import EmployerRecord
>>> change = Change(ChangeKind.CREATE, EmployerRecord(id=7, name="Example Bakery"))
>>> change.created("001XYZ").outcome
<Outcome.CREATED: 'created'>

An adapter reports failures per record (``change.failed("why")``) rather than raising;
if ``export`` raises anyway, the core marks every change of that batch failed. Either
way the sync state is advanced only for records that succeeded, and the next export
sends the failed ones again.

Adapters that rewrite a whole file can declare more in their :class:`Capabilities`, so an
export of a whole state neither holds every record in memory nor renders unchanged ones
again: ``streams`` (the records come in several batches; the file is written when the
batch marked :attr:`ExportBatch.final` arrives), ``payloads`` (the adapter returns what it
rendered for each record as :attr:`ExportResult.payload` and gets it back, instead of the
record, while the record is unchanged) and ``visits_by_start`` (visits come in start order).

Before anything is read, the core calls :meth:`Adapter.check` with the options, so a bad
configuration is refused at once, also in a dry run.
"""

from __future__ import annotations

import abc
import datetime as dt
import enum
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import attrs

from ips_jobdev._records import Audience, ExportRecord, RecordKind
from ips_jobdev.errors import AdapterError, ValidationError

__all__ = [
    "SECRET_MASK",
    "Adapter",
    "AdapterOption",
    "CancelStyle",
    "Capabilities",
    "Change",
    "ChangeKind",
    "ExportBatch",
    "ExportResult",
    "Outcome",
    "mask_options",
    "resolve_options",
    "validate_adapter_class",
]

SECRET_MASK = "********"
"""What a secret option's value is shown as in reports, ``--dry-run`` and errors."""

_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class Outcome(enum.StrEnum):
    """What happened to one record at the remote end."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    FAILED = "failed"


class ChangeKind(enum.StrEnum):
    """Why a record is in a batch."""

    CREATE = "create"
    UPDATE = "update"
    CANCEL = "cancel"
    DELETE = "delete"
    UNCHANGED = "unchanged"


class CancelStyle(enum.StrEnum):
    """How a cancelled visit shows at the remote end: removed, or kept and marked cancelled."""

    DELETE = "delete"
    MARK = "mark"


@attrs.frozen(slots=True)
class Capabilities:
    """What an adapter can do; the conformance kit skips the checks an adapter rules out.

    Attributes:
        updates: a changed record replaces the one sent before (same remote id).
        deletes: a record removed from the store is removed at the remote end.
        cancel_style: a cancelled visit is deleted there, or kept and marked cancelled.
        snapshot: the adapter rewrites its whole target each time (a file), so every batch
            also carries the unchanged records (``ChangeKind.UNCHANGED``), in one batch
            (unless it ``streams``).
        streams: (snapshot adapters) the records come in several batches of at most
            ``batch_size`` changes (1,000 when that is ``None``), in order; every batch but
            the last has ``final`` False. Write the target when the final batch arrives;
            if any batch raises, the core sends no more, marks every record failed and
            keeps the sync state as it was.
        payloads: (snapshot adapters) return with each created, updated or unchanged
            record's result the text rendered for it (``ExportResult.payload``). While the
            record stays unchanged, later exports give that text back (``Change.payload``)
            with ``Change.record`` ``None``, instead of gathering the record again. A
            change also carries the payload last stored for its record when there is one
            (to keep when the record fails).
        visits_by_start: visits come in start order (then by id) instead of id order.
    """

    updates: bool = True
    deletes: bool = False
    cancel_style: CancelStyle = CancelStyle.MARK
    snapshot: bool = False
    streams: bool = False
    payloads: bool = False
    visits_by_start: bool = False


_TYPE_WORDS: dict[type[Any], str] = {
    int: "a whole number",
    float: "a number",
    bool: "yes or no",
    Path: "a path",
}


def _parse_bool(text: str) -> bool:
    token = text.strip().lower()
    if token in ("1", "true", "yes", "on", "y"):
        return True
    if token in ("0", "false", "no", "off", "n", ""):
        return False
    raise ValueError(f"{text!r} is not yes or no")


def _choices_tuple(choices: Iterable[str]) -> tuple[str, ...]:
    """A named, typed converter: ``converter=tuple`` is generic and fails mypy for callers."""
    return tuple(choices)


@attrs.frozen(slots=True)
class AdapterOption:
    """One option an adapter takes (``--option name=value`` on the command line).

    Attributes:
        name: the option's name (lower case, ``_`` between words).
        help: one line for ``ips-jobdev plugins`` and ``--help``.
        type: ``str``, ``int``, ``float``, ``bool`` or ``Path``; text is converted to it.
        default: the value when the option is not given (``None``: no value).
        required: refuse to export without it.
        secret: a token or password: never printed, logged or put in a report.
        env: an environment variable read when the option is not given.
        choices: the allowed values, when the option is one of a few words.
    """

    name: str
    help: str
    type: type[Any] = str
    default: Any = None
    required: bool = False
    secret: bool = False
    env: str | None = None
    choices: tuple[str, ...] = attrs.field(default=(), converter=_choices_tuple)

    def parse(self, value: Any) -> Any:
        """Convert ``value`` (often text) to the option's type.

        Raises:
            ValidationError: names the option and the reason (never the value of a secret).
        """
        if value is None:
            return None
        shown = SECRET_MASK if self.secret else repr(value)
        try:
            if self.type is bool:
                parsed: Any = value if isinstance(value, bool) else _parse_bool(str(value))
            elif self.type is Path:
                parsed = Path(os.path.expanduser(str(value)))
            elif isinstance(value, self.type):
                parsed = value
            else:
                parsed = self.type(str(value).strip())
        except (TypeError, ValueError):
            kind = _TYPE_WORDS.get(self.type, f"a {self.type.__name__}")
            raise ValidationError("option", self.name, f"{shown} is not {kind}") from None
        if self.choices and str(parsed) not in self.choices:
            raise ValidationError(
                "option", self.name, f"{shown} is not one of: {', '.join(self.choices)}"
            )
        return parsed


def resolve_options(
    declared: Iterable[AdapterOption],
    given: Mapping[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
    adapter: str = "adapter",
) -> dict[str, Any]:
    """The options for one export: given values, then environment variables, then defaults.

    Raises:
        ValidationError: an unknown option, a value of the wrong type, or a required option
            with no value (the message says which environment variable would also do).
    """
    environ = os.environ if environ is None else environ
    options = {option.name: option for option in declared}
    for name in given:
        if name not in options:
            known = ", ".join(sorted(options)) or "none"
            raise ValidationError(
                "option", name, f"{adapter} has no such option (its options: {known})"
            )
    values: dict[str, Any] = {}
    for option in options.values():
        raw = given.get(option.name)
        if raw is None and option.env and environ.get(option.env):
            raw = environ[option.env]
        value = option.parse(raw) if raw is not None else option.default
        if value is None and option.required:
            where = f" or set ${option.env}" if option.env else ""
            raise ValidationError(
                "option",
                option.name,
                f"{adapter} needs it; give --option {option.name}=VALUE{where}",
            )
        values[option.name] = value
    return values


def mask_options(declared: Iterable[AdapterOption], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every secret option's value replaced by :data:`SECRET_MASK`."""
    secret = {option.name for option in declared if option.secret}
    return {
        name: (SECRET_MASK if name in secret and value is not None else value)
        for name, value in values.items()
    }


@attrs.frozen(slots=True)
class ExportResult:
    """What happened to one record: its outcome, its remote id, and why it failed.

    Attributes:
        record_kind: the kind of record.
        local_id: its id in the store.
        outcome: created, updated, unchanged, deleted or failed.
        remote_id: the id the remote end gave it (a UID, a CRM id); kept in the sync state
            and handed back in later changes.
        reason: why it failed (required for ``failed``); a short note otherwise.
        payload: for adapters with the ``payloads`` capability, the text rendered for the
            record, handed back while the record stays unchanged (``None`` for an
            unchanged record: keep the stored one).
    """

    record_kind: RecordKind
    local_id: int
    outcome: Outcome
    remote_id: str | None = None
    reason: str | None = None
    payload: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.outcome is Outcome.FAILED and not self.reason:
            raise ValidationError("ExportResult", "reason", "a failed record needs a reason")

    @property
    def ok(self) -> bool:
        """True unless the record failed."""
        return self.outcome is not Outcome.FAILED


@attrs.frozen(slots=True)
class Change:
    """One record to send, and why.

    Attributes:
        kind: create, update, cancel, delete or unchanged.
        record: the redacted record (``None`` for ``delete``, when the record is gone
            from the store: use ``remote_id`` then; and for ``unchanged`` when the adapter
            keeps ``payloads``: use ``payload`` then).
        record_kind: the kind of record (taken from ``record`` when not given).
        local_id: the record's id in the store (taken from ``record`` when not given).
        remote_id: the remote id returned the last time this record was sent, if ever.
        sequence: how many times the record was sent changed before: 0 for the first
            send, then one more for each update or cancellation (iCalendar ``SEQUENCE``).
        last_sent_at: when the record was last sent, if ever (UTC).
        payload: (adapters with the ``payloads`` capability) what the adapter rendered for
            the record the last time it arrived, under the same options.
    """

    kind: ChangeKind
    record: ExportRecord | None
    record_kind: RecordKind = attrs.field()
    local_id: int = attrs.field()
    remote_id: str | None = None
    sequence: int = 0
    last_sent_at: dt.datetime | None = None
    payload: str | None = None

    @record_kind.default
    def _kind_from_record(self) -> RecordKind:
        if self.record is None:
            raise ValidationError("Change", "record_kind", "needed when there is no record")
        return self.record.kind

    @local_id.default
    def _id_from_record(self) -> int:
        if self.record is None:
            raise ValidationError("Change", "local_id", "needed when there is no record")
        return self.record.id

    @property
    def key(self) -> str:
        """The record's stable text key (``"visit-42"``), also for a deleted record."""
        # the member's value without the ``value`` property's call (every change's key is
        # asked for, by the export and by most adapters)
        return f"{self.record_kind._value_}-{self.local_id}"

    def result(
        self,
        outcome: Outcome,
        remote_id: str | None = None,
        reason: str | None = None,
        *,
        payload: str | None = None,
    ) -> ExportResult:
        """An :class:`ExportResult` for this change (remote id defaults to the old one)."""
        return ExportResult(
            record_kind=self.record_kind,
            local_id=self.local_id,
            outcome=outcome,
            remote_id=remote_id if remote_id is not None else self.remote_id,
            reason=reason,
            payload=payload,
        )

    def created(self, remote_id: str | None = None, *, payload: str | None = None) -> ExportResult:
        """The record was created at the remote end (give its remote id)."""
        return self.result(Outcome.CREATED, remote_id, payload=payload)

    def updated(self, remote_id: str | None = None, *, payload: str | None = None) -> ExportResult:
        """The record replaced the one sent before."""
        return self.result(Outcome.UPDATED, remote_id, payload=payload)

    def unchanged(
        self, remote_id: str | None = None, *, payload: str | None = None
    ) -> ExportResult:
        """The remote end already had this content."""
        return self.result(Outcome.UNCHANGED, remote_id, payload=payload)

    def deleted(self, remote_id: str | None = None) -> ExportResult:
        """The record was removed at the remote end."""
        return self.result(Outcome.DELETED, remote_id)

    def failed(self, reason: str) -> ExportResult:
        """The record could not be sent; it is sent again next time."""
        return self.result(Outcome.FAILED, reason=reason)


def _change_tuple(changes: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(changes)


@attrs.frozen(slots=True)
class ExportBatch:
    """A batch of changes for one adapter and target.

    Attributes:
        adapter: the adapter's name.
        target: where the records go (a file path, a calendar URL, a CRM instance).
        audience: the audience the records were redacted for.
        changes: the changes, employers first, then people, visits, fit notes.
        generated_at: when the export started (UTC); a stable stamp for the whole batch.
        final: False for every batch but the last of an export to an adapter that
            ``streams`` (always True otherwise).
    """

    adapter: str
    target: str
    audience: Audience
    changes: tuple[Change, ...] = attrs.field(converter=_change_tuple)
    generated_at: dt.datetime = attrs.field(factory=lambda: dt.datetime.now(dt.UTC))
    final: bool = True

    def of_kind(self, record_kind: RecordKind) -> tuple[Change, ...]:
        """The changes for one kind of record."""
        return tuple(c for c in self.changes if c.record_kind is record_kind)

    def __len__(self) -> int:
        return len(self.changes)


class Adapter(abc.ABC):
    """Base class of every adapter. Subclass it, set the class attributes, write ``export``.

    Class attributes (read by ``ips-jobdev plugins`` without making an instance):

    - ``name``: unique, lower case (``"ics"``, ``"caldav"``, ``"salesforce"``).
    - ``audience``: an :class:`~ips_jobdev._records.Audience`.
    - ``record_kinds``: the kinds of record it takes; ``fit-note`` only for ``team``.
    - ``options``: the :class:`AdapterOption` s it takes.
    - ``capabilities``: :class:`Capabilities` (updates, deletes, cancel style, snapshot).
    - ``batch_size``: most changes per :meth:`export` call (``None``: all at once).
    - ``description``: one line for listings; ``version``: shown by ``ips-jobdev plugins``
      (defaults to the version of the distribution that registered the adapter).

    Example:
        >>> class Printer(Adapter):
        ...     name = "printer"
        ...     audience = Audience.TEAM
        ...     record_kinds = frozenset({RecordKind.EMPLOYER})
        ...     def export(self, batch):
        ...         return [change.created(change.key) for change in batch.changes]
    """

    name: ClassVar[str]
    audience: ClassVar[Audience]
    record_kinds: ClassVar[frozenset[RecordKind]]
    options: ClassVar[tuple[AdapterOption, ...]] = ()
    capabilities: ClassVar[Capabilities] = Capabilities()
    batch_size: ClassVar[int | None] = None
    description: ClassVar[str] = ""
    version: ClassVar[str | None] = None

    def target_for(self, options: Mapping[str, Any]) -> str:
        """The target these options point at, when the caller names none.

        The default is the ``out`` option (a file or folder) made absolute, else the
        adapter's name. Override it when the target is, say, a URL option. The folder's
        path is resolved; the last part is not, so a symbolic link there stays a link
        (which file adapters refuse to write through).
        """
        out = options.get("out")
        if out is not None:
            path = Path(out).expanduser()
            return str(path.parent.resolve() / path.name)
        return self.name

    def check(self, options: Mapping[str, Any], target: str) -> None:
        """Refuse options this adapter cannot work with, before anything is read or sent.

        Called for every export and dry run right after the options are parsed and checked
        against their declarations. Raise :class:`~ips_jobdev.errors.ValidationError`
        naming the option (or :class:`~ips_jobdev.errors.AdapterError` for a target that
        cannot be used); never connect here. The default runs :meth:`preview` on an empty
        batch, so an adapter that checks its options there refuses them at once.
        """
        empty = ExportBatch(self.name, target, self.audience, ())
        try:
            self.preview(empty, options)
        except (ValidationError, AdapterError):
            raise
        except Exception:  # a preview that cannot show an empty batch says nothing of options
            return

    def open(self, options: Mapping[str, Any], target: str) -> None:  # noqa: B027
        """Get ready to export to ``target`` (connect, log in, read a file).

        ``options`` are already checked and converted. Raising here fails the whole export
        cleanly: nothing is sent and the sync state is untouched.
        """

    @abc.abstractmethod
    def export(self, batch: ExportBatch) -> list[ExportResult]:
        """Send a batch; return one result per change (in any order).

        Report a record that cannot be sent with ``change.failed(reason)`` and go on with
        the others. A change without a result counts as failed. For an adapter that takes
        changes only, :meth:`open`, every ``export`` and :meth:`close` are called from one
        thread of their own, one batch at a time, while the export plans the next batch.
        """

    def close(self) -> None:  # noqa: B027
        """Release what :meth:`open` took (called even when ``export`` raised)."""

    def preview(self, batch: ExportBatch, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """For ``--dry-run``: what would be sent, in the vendor's own terms (no network).

        The default returns nothing (the core shows the records and changes). Never
        include secret options in what this returns.
        """
        return []


def _check_batching(name: str, adapter: type[Adapter]) -> None:
    """Capabilities and batch size, as :func:`validate_adapter_class` requires them."""
    capabilities = adapter.capabilities
    if not isinstance(capabilities, Capabilities):
        raise AdapterError(f"adapter {name!r}: capabilities must be a Capabilities")
    if adapter.batch_size is not None and adapter.batch_size < 1:
        raise AdapterError(f"adapter {name!r}: batch_size must be at least 1")
    if (capabilities.streams or capabilities.payloads) and not capabilities.snapshot:
        raise AdapterError(f"adapter {name!r}: streams and payloads are for snapshot adapters only")


def validate_adapter_class(adapter: object, taken: Iterable[str] = ()) -> type[Adapter]:
    """Check one registration; return the adapter class.

    Raises:
        AdapterError: not an :class:`Adapter` subclass, a bad or taken name, an unknown
            audience, unknown or missing record kinds, job-fit notes outside the team, or
            badly declared options.
    """
    if not (isinstance(adapter, type) and issubclass(adapter, Adapter)):
        raise AdapterError(f"{adapter!r} is not a subclass of ips_jobdev.adapters.Adapter")
    label = adapter.__qualname__
    name = getattr(adapter, "name", None)
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise AdapterError(
            f"{label}: name {name!r} must be 1-40 lower-case letters, digits, - or _"
        )
    if name in set(taken):
        raise AdapterError(f"{label}: an adapter named {name!r} is already registered")
    audience = getattr(adapter, "audience", None)
    if not isinstance(audience, Audience):
        known = ", ".join(a.value for a in Audience)
        raise AdapterError(f"adapter {name!r}: audience {audience!r} is not one of: {known}")
    kinds = getattr(adapter, "record_kinds", None)
    if not kinds or not all(isinstance(k, RecordKind) for k in kinds):
        known = ", ".join(k.value for k in RecordKind)
        raise AdapterError(f"adapter {name!r}: record_kinds must be a non-empty set of: {known}")
    if RecordKind.FIT_NOTE in kinds and audience is not Audience.TEAM:
        raise AdapterError(
            f"adapter {name!r}: job-fit notes never leave the team; audience {audience.value!r} "
            "cannot take record kind 'fit-note'"
        )
    seen: set[str] = set()
    for option in adapter.options:
        if not isinstance(option, AdapterOption):
            raise AdapterError(f"adapter {name!r}: option {option!r} is not an AdapterOption")
        if option.name in seen or not _NAME_RE.match(option.name):
            raise AdapterError(f"adapter {name!r}: option name {option.name!r} is bad or repeated")
        seen.add(option.name)
    _check_batching(name, adapter)
    if getattr(adapter.export, "__isabstractmethod__", False):
        raise AdapterError(f"adapter {name!r}: export() is not written")
    return adapter
