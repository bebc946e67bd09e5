"""Contact-cycle policies: the stages of the cycle, their gaps, and the named registry.

A policy is data: :meth:`CyclePolicy.load` reads it from a TOML file
(docs/reference/cycle-policy-file.md), :data:`DEFAULT_POLICY` comes from the packaged
``data/cycle-policy.toml``, and :func:`register_policy` makes more available by name (the
``register_cycle_policies`` plugin hook feeds it).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import tomllib
import zoneinfo
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import attrs

from ips_jobdev._tomlfields import TomlTable, read_toml
from ips_jobdev._vocab import VisitPurpose, VisitStatus, parse_choice
from ips_jobdev.errors import NotFoundError, ValidationError

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_POLICY_NAME",
    "ContactLike",
    "CyclePolicy",
    "CycleStage",
    "get_policy",
    "local_date",
    "register_policy",
    "registered_policies",
    "resolve_policy",
    "short_date",
]

DEFAULT_POLICY_NAME = "ips-default"
_RECORD = "CyclePolicy"


def short_date(day: dt.date) -> str:
    """A date as people write it in a plan: ``25 Nov``."""
    return f"{day.day} {day:%b}"


def local_date(moment: dt.datetime, zone: str | zoneinfo.ZoneInfo | None) -> dt.date:
    """The calendar date of ``moment`` in ``zone`` (UTC when ``None``)."""
    if zone is None:
        return moment.astimezone(dt.UTC).date()
    tz = zone if isinstance(zone, zoneinfo.ZoneInfo) else zoneinfo.ZoneInfo(zone)
    return moment.astimezone(tz).date()


class ContactLike(Protocol):
    """What the cycle needs to know of a visit (a :class:`~ips_jobdev.Visit` has it all)."""

    @property
    def at(self) -> dt.datetime: ...

    @property
    def purpose(self) -> VisitPurpose: ...

    @property
    def face_to_face(self) -> bool: ...


def _status(contact: ContactLike) -> VisitStatus:
    status: VisitStatus = getattr(contact, "status", VisitStatus.DONE)
    return status


# -- the policy ---------------------------------------------------------------------------


def _positive_days(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(_RECORD, attribute.name, f"{value!r} is not a whole number >= 1")


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(_RECORD, attribute.name, f"{value!r} is not a whole number >= 0")


def _purpose(value: object) -> VisitPurpose:
    return parse_choice(VisitPurpose, value, record=_RECORD, field="purpose")


def _purposes(value: object) -> tuple[VisitPurpose, ...]:
    items: Iterable[object] = [value] if isinstance(value, str) else value  # type: ignore[assignment]
    return tuple(
        parse_choice(VisitPurpose, item, record=_RECORD, field="also_completed_by")
        for item in items
    )


@attrs.frozen
class CycleStage:
    """One planned visit of the cycle.

    Fields:

    - ``title``: what the visit is for, in the words a plan shows ("learn the business").
    - ``purpose``: the purpose a planned visit of this stage gets.
    - ``next_visit_within_days``: the longest gap, in days, from a visit of this stage to the
      next visit. ``None`` on the last stage: the keep-in-touch interval applies.
    - ``also_completed_by``: other visit purposes that complete this stage.
    - ``minutes``: how long the planner books for the visit.
    - ``note``: guidance shown with the stage.
    """

    title: str
    purpose: VisitPurpose = attrs.field(converter=_purpose)
    next_visit_within_days: int | None = attrs.field(default=None, validator=_positive_days)
    also_completed_by: tuple[VisitPurpose, ...] = attrs.field(default=(), converter=_purposes)
    minutes: int = attrs.field(default=30, validator=_positive_days)
    note: str | None = None

    @property
    def purposes(self) -> tuple[VisitPurpose, ...]:
        """Every purpose that completes this stage (its own first)."""
        return (self.purpose, *(p for p in self.also_completed_by if p is not self.purpose))


@attrs.frozen
class CyclePolicy:
    """How a program paces its employer relationships; see docs/reference/cycle-policy-file.md.

    Fields:

    - ``name``: the name the policy is registered and chosen by.
    - ``stages``: the visits of the cycle, in order (stage 1 first).
    - ``keep_in_touch_interested_days``: the longest gap between keep-in-touch visits while a
      job seeker is interested in the employer or its job types.
    - ``keep_in_touch_days``: the longest gap otherwise.
    - ``cold_after_days``: days without a counted visit after which the relationship is cold.
    - ``face_to_face_only``: only in-person visits move a relationship on (the default).
    - ``rapid_search_days``: the rapid job search rule: first face-to-face employer contact
      within this many days of IPS start.
    - ``at_risk_days_left``: a job seeker with no contact yet and this many days left or
      fewer is at risk.
    - ``due_soon_days``: "due" means due within this many days, today included.
    """

    name: str
    stages: tuple[CycleStage, ...] = attrs.field(converter=tuple)
    keep_in_touch_interested_days: int = attrs.field(default=30, validator=_positive_days)
    keep_in_touch_days: int = attrs.field(default=90, validator=_positive_days)
    keep_in_touch_title: str = "keep in touch"
    keep_in_touch_purpose: VisitPurpose = attrs.field(
        default=VisitPurpose.FOLLOW_UP, converter=_purpose
    )
    keep_in_touch_minutes: int = attrs.field(default=20, validator=_positive_days)
    keep_in_touch_note: str | None = None
    cold_after_days: int = attrs.field(default=180, validator=_positive_days)
    face_to_face_only: bool = True
    rapid_search_days: int = attrs.field(default=30, validator=_positive_days)
    at_risk_days_left: int = attrs.field(default=7, validator=_non_negative)
    due_soon_days: int = attrs.field(default=7, validator=_positive_days)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError(_RECORD, "name", "must not be empty")
        if not self.stages:
            raise ValidationError(_RECORD, "stages", "a policy needs at least one stage")
        seen: dict[VisitPurpose, int] = {}
        for number, stage in enumerate(self.stages, start=1):
            if not isinstance(stage, CycleStage):
                raise ValidationError(_RECORD, f"stages[{number}]", "is not a CycleStage")
            if number < len(self.stages) and stage.next_visit_within_days is None:
                raise ValidationError(
                    _RECORD,
                    f"stages[{number}].next_visit_within_days",
                    "every stage but the last needs the longest gap before the next visit",
                )
            for purpose in stage.purposes:
                if purpose in seen:
                    raise ValidationError(
                        _RECORD,
                        f"stages[{number}].also_completed_by",
                        f"{purpose.value!r} already completes stage {seen[purpose]}",
                    )
                seen[purpose] = number
        if self.keep_in_touch_interested_days > self.keep_in_touch_days:
            raise ValidationError(
                _RECORD,
                "keep_in_touch.interested_days",
                f"{self.keep_in_touch_interested_days} is longer than other_days "
                f"{self.keep_in_touch_days}; visits for interested job seekers come more often",
            )

    # -- stages by number --------------------------------------------------------------

    @property
    def keep_in_touch_stage(self) -> int:
        """The number of the keep-in-touch stage (one past the last planned stage)."""
        return len(self.stages) + 1

    def stage_for(self, purpose: VisitPurpose | str) -> int:
        """The stage a visit of ``purpose`` completes; purposes no stage lists complete 1."""
        wanted = _purpose(purpose)
        for number, stage in enumerate(self.stages, start=1):
            if wanted in stage.purposes:
                return number
        return 1

    def title(self, number: int) -> str:
        """The title of stage ``number`` (0: not yet introduced)."""
        if number <= 0:
            return "not yet introduced"
        if number > len(self.stages):
            return self.keep_in_touch_title
        return self.stages[number - 1].title

    def purpose(self, number: int) -> VisitPurpose:
        """The purpose a planned visit of stage ``number`` gets."""
        if number > len(self.stages):
            return self.keep_in_touch_purpose
        return self.stages[max(number, 1) - 1].purpose

    def minutes(self, number: int) -> int:
        """How long the planner books for a visit of stage ``number``."""
        if number > len(self.stages):
            return self.keep_in_touch_minutes
        return self.stages[max(number, 1) - 1].minutes

    def gap_after(self, number: int, *, interested: bool) -> int:
        """The longest gap in days after a visit that completed stage ``number``."""
        if 1 <= number <= len(self.stages):
            gap = self.stages[number - 1].next_visit_within_days
            if gap is not None:
                return gap
        return self.keep_in_touch_interested_days if interested else self.keep_in_touch_days

    def counts(self, contact: ContactLike) -> bool:
        """Whether a visit moves a relationship on: made, and face-to-face if required."""
        if _status(contact) is not VisitStatus.DONE:
            return False
        return contact.face_to_face or not self.face_to_face_only

    # -- files ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CyclePolicy:
        """Read a policy from a TOML file.

        Raises:
            ValidationError: the file cannot be read or a field is wrong; the field is named
                (``CyclePolicy.stages[2].next_visit_within_days: ...``) and the file too.
        """
        file = Path(path)
        data = read_toml(file, _RECORD)
        try:
            return cls.from_dict(data)
        except ValidationError as exc:
            raise ValidationError(exc.record, exc.field, f"{exc.reason} (in {file})") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CyclePolicy:
        """Build a policy from the TOML document's structure (see :meth:`load`)."""
        top = TomlTable(data, "", _RECORD, "a cycle policy file")
        rapid = top.child(top.table("rapid_job_search"), "rapid_job_search.")
        keep = top.child(top.table("keep_in_touch"), "keep_in_touch.")
        raw_stages = top.take("stages", list, required=True)
        stages = []
        for number, raw in enumerate(raw_stages, start=1):
            fields = top.child(raw, f"stages[{number}].")
            stage = fields.build(
                CycleStage,
                title=fields.take("title", str, required=True),
                purpose=fields.take("purpose", str, required=True),
                next_visit_within_days=fields.take("next_visit_within_days", int),
                also_completed_by=fields.take("also_completed_by", list, default=[]),
                minutes=fields.take("minutes", int, default=30),
                note=fields.take("note", str),
            )
            fields.finish()
            stages.append(stage)
        kwargs: dict[str, Any] = {
            "name": top.take("name", str, required=True),
            "description": top.take("description", str, default=""),
            "face_to_face_only": top.take("face_to_face_only", bool, default=True),
            "cold_after_days": top.take("cold_after_days", int, default=180),
            "due_soon_days": top.take("due_soon_days", int, default=7),
            "rapid_search_days": rapid.take("days", int, default=30),
            "at_risk_days_left": rapid.take("at_risk_days_left", int, default=7),
            "keep_in_touch_title": keep.take("title", str, default="keep in touch"),
            "keep_in_touch_purpose": keep.take("purpose", str, default="follow-up"),
            "keep_in_touch_interested_days": keep.take("interested_days", int, default=30),
            "keep_in_touch_days": keep.take("other_days", int, default=90),
            "keep_in_touch_minutes": keep.take("minutes", int, default=20),
            "keep_in_touch_note": keep.take("note", str),
            "stages": stages,
        }
        for fields in (rapid, keep, top):
            fields.finish()
        names = {
            "rapid_search_days": "rapid_job_search.days",
            "at_risk_days_left": "rapid_job_search.at_risk_days_left",
            "keep_in_touch_interested_days": "keep_in_touch.interested_days",
            "keep_in_touch_days": "keep_in_touch.other_days",
            "keep_in_touch_minutes": "keep_in_touch.minutes",
            "keep_in_touch_purpose": "keep_in_touch.purpose",
            "purpose": "keep_in_touch.purpose",
        }
        policy: CyclePolicy = top.build(cls, renames=names, **kwargs)
        return policy

    def to_dict(self) -> dict[str, Any]:
        """The policy in the TOML file's structure: ``CyclePolicy.from_dict(p.to_dict())``
        gives the same policy back (fields with no value are left out, as TOML has no
        null)."""

        def present(table: dict[str, Any]) -> dict[str, Any]:
            return {key: value for key, value in table.items() if value is not None}

        return {
            "name": self.name,
            "description": self.description,
            "face_to_face_only": self.face_to_face_only,
            "cold_after_days": self.cold_after_days,
            "due_soon_days": self.due_soon_days,
            "rapid_job_search": {
                "days": self.rapid_search_days,
                "at_risk_days_left": self.at_risk_days_left,
            },
            "stages": [
                present(
                    {
                        "title": stage.title,
                        "purpose": stage.purpose.value,
                        "also_completed_by": [p.value for p in stage.also_completed_by],
                        "next_visit_within_days": stage.next_visit_within_days,
                        "minutes": stage.minutes,
                        "note": stage.note,
                    }
                )
                for stage in self.stages
            ],
            "keep_in_touch": present(
                {
                    "title": self.keep_in_touch_title,
                    "purpose": self.keep_in_touch_purpose.value,
                    "interested_days": self.keep_in_touch_interested_days,
                    "other_days": self.keep_in_touch_days,
                    "minutes": self.keep_in_touch_minutes,
                    "note": self.keep_in_touch_note,
                }
            ),
        }


def _load_default() -> CyclePolicy:
    source = resources.files("ips_jobdev").joinpath("data", "cycle-policy.toml")
    return CyclePolicy.from_dict(tomllib.loads(source.read_text(encoding="utf-8")))


DEFAULT_POLICY: CyclePolicy = _load_default()
"""The default policy (``data/cycle-policy.toml``), registered as ``"ips-default"``."""


# -- the registry -------------------------------------------------------------------------

_registry: dict[str, CyclePolicy] = {DEFAULT_POLICY_NAME: DEFAULT_POLICY}
_registry_lock = threading.Lock()


def register_policy(name: str, policy: CyclePolicy, *, replace: bool = False) -> None:
    """Make ``policy`` available by ``name`` (plugins do this through the
    ``register_cycle_policies`` hook).

    Raises:
        ValidationError: the name is empty or taken (unless ``replace``), or ``policy`` is
            not a :class:`CyclePolicy`.
    """
    key = name.strip().lower()
    if not key or any(ch.isspace() for ch in key):
        raise ValidationError(_RECORD, "name", f"{name!r} is not a policy name (no spaces)")
    if not isinstance(policy, CyclePolicy):
        raise ValidationError(_RECORD, "policy", f"{type(policy).__name__} is not a CyclePolicy")
    with _registry_lock:
        existing = _registry.get(key)
        if existing is not None and existing is not policy and not replace:
            raise ValidationError(_RECORD, "name", f"a policy named {key!r} is already registered")
        _registry[key] = policy


def get_policy(name: str) -> CyclePolicy:
    """The policy registered as ``name``.

    Raises:
        NotFoundError: no policy has that name.
    """
    with _registry_lock:
        found = _registry.get(name.strip().lower())
    if found is None:
        raise NotFoundError("cycle policy", name)
    return found


def registered_policies() -> dict[str, CyclePolicy]:
    """Every registered policy by name, sorted by name."""
    with _registry_lock:
        return dict(sorted(_registry.items()))


def resolve_policy(choice: CyclePolicy | str | os.PathLike[str] | None) -> CyclePolicy:
    """A policy from what a caller gives: ``None`` (the default), a policy, a registered
    name, or the path of a TOML file."""
    if choice is None:
        return DEFAULT_POLICY
    if isinstance(choice, CyclePolicy):
        return choice
    text = os.fspath(choice)
    if isinstance(choice, os.PathLike) or text.endswith(".toml") or os.sep in text:
        return CyclePolicy.load(text)
    return get_policy(text)
