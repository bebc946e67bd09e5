"""The database tables. Migrations in ``store/migrations`` create exactly these.

A test compares this metadata with the migrated schema, so the two cannot drift apart.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ips_jobdev._store.types import (
    Money,
    PhoneType,
    PreferencesType,
    RatingsType,
    TagList,
    UTCDateTime,
    WindowsType,
)
from ips_jobdev._vocab import (
    ContactBy,
    ContactMode,
    FitRating,
    JobEndReason,
    JobSeekerStatus,
    OpeningStatus,
    VisitPurpose,
    VisitStatus,
)

__all__ = ["PROGRAM_OWNED", "current_program", "employer_notes", "in_current_program", "metadata"]

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _choice(enum_type: type[enum.StrEnum]) -> sa.Enum:
    """A string column holding an enum's values (no native enum type: easy to extend)."""
    return sa.Enum(
        enum_type,
        native_enum=False,
        create_constraint=False,
        length=30,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


specialists = sa.Table(
    "specialists",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(200)),
    sa.Column("office_zip", sa.String(10)),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("weekly_contact_target", sa.Integer, nullable=False),
    sa.Column("work_days", sa.String(40), nullable=False),
    sa.Column("work_start", sa.Time, nullable=False),
    sa.Column("work_end", sa.Time, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True),
    sa.UniqueConstraint("program_id", "code", name="uq_specialists_program_code"),
)
"""Specialists, each in one program; codes are unique within a program (another program
may use the same code)."""

employers = sa.Table(
    "employers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(100), unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("name_key", sa.String(300), nullable=False, index=True),
    sa.Column("industry", sa.String(100), index=True),
    sa.Column("job_types", TagList, nullable=False),
    sa.Column("street", sa.String(300)),
    sa.Column("city", sa.String(100)),
    sa.Column("state", sa.String(2)),
    sa.Column("zip", sa.String(10), index=True),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("phone", PhoneType, index=True),
    sa.Column("website", sa.String(300)),
    sa.Column("size", sa.Integer),
    sa.Column("shifts", TagList, nullable=False),
    sa.Column("hours_note", sa.String(300)),
    sa.Column("wage_min", Money),
    sa.Column("wage_max", Money),
    sa.Column("bus_access", sa.Boolean),
    sa.Column("do_not_contact", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("visiting_windows", WindowsType),
    # ranking finds the do-not-contact employers without reading every employer
    sa.Index("ix_employers_do_not_contact", "do_not_contact"),
    # a ranking under a distance limit reads the employers in a latitude band, not all
    sa.Index("ix_employers_position", "latitude", "longitude"),
)
"""The shared employer registry: one row per business, seen by every program. A program's
notes about its relationship with the employer are in :data:`employer_program_notes`."""

employer_program_notes = sa.Table(
    "employer_program_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "employer_id",
        sa.Integer,
        sa.ForeignKey("employers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("employer_id", "program_id", name="uq_employer_program_notes_program"),
)
"""Each program's notes about its relationship with an employer (``Employer.notes`` as a
unit of work of that program sees it): one row per employer and program that wrote any.
Program-owned: row-level security keeps each program's notes its own."""

employer_people = sa.Table(
    "employer_people",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "employer_id",
        sa.Integer,
        sa.ForeignKey("employers.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("title", sa.String(200)),
    sa.Column("phone", PhoneType),
    sa.Column("email", sa.String(200)),
    sa.Column("makes_hiring_decisions", sa.Boolean, nullable=False),
    sa.Column("notes", sa.Text),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("visiting_windows", WindowsType),
)

job_seekers = sa.Table(
    "job_seekers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("name", sa.String(200)),
    sa.Column("specialist_id", sa.Integer, sa.ForeignKey("specialists.id"), index=True),
    sa.Column("ips_start", sa.Date),
    sa.Column("status", _choice(JobSeekerStatus), nullable=False),
    sa.Column("preferences", PreferencesType, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True),
    sa.UniqueConstraint("program_id", "code", name="uq_job_seekers_program_code"),
)
"""Job seekers, each in one program; codes are unique within a program."""

visits = sa.Table(
    "visits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id"), nullable=False),
    sa.Column("specialist_id", sa.Integer, sa.ForeignKey("specialists.id"), nullable=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("employer_people.id", ondelete="SET NULL")),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("mode", _choice(ContactMode), nullable=False),
    sa.Column("purpose", _choice(VisitPurpose), nullable=False),
    sa.Column("status", _choice(VisitStatus), nullable=False),
    sa.Column("seeker_present", sa.Boolean, nullable=False),
    sa.Column("outcome", sa.Text),
    sa.Column("next_step", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("made_by", _choice(ContactBy), nullable=False, server_default="specialist"),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True),
    # on PostgreSQL both also hold (INCLUDE) the columns a specialist's pages read (0019);
    # not stated here: a postgresql_ option makes SQLAlchemy import that dialect, which
    # every command would then load (and the schema comparison does not look at INCLUDE)
    sa.Index("ix_visits_employer_at", "employer_id", "at"),
    sa.Index("ix_visits_specialist_at", "specialist_id", "at"),
    # every employer's visit history in the relationship window, and the fidelity report's
    # reads of a period, from the index alone (program_id: PostgreSQL's row-level security
    # policy reads it)
    sa.Index(
        "ix_visits_at_relationship",
        *("at", "employer_id", "status", "mode", "program_id"),
        *("made_by", "purpose", "specialist_id", "seeker_present"),
    ),
)

visit_seekers = sa.Table(
    "visit_seekers",
    metadata,
    sa.Column(
        "visit_id", sa.Integer, sa.ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "seeker_id",
        sa.Integer,
        sa.ForeignKey("job_seekers.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    # a copy of the visit's program_id, kept by the database's triggers (migration 0018):
    # PostgreSQL's row-level security policy compares it instead of looking up each visit
    sa.Column("program_id", sa.Integer),
)

job_openings = sa.Table(
    "job_openings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id"), nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("job_type", sa.String(100)),
    sa.Column("hours_per_week", sa.Float),
    sa.Column("shifts", TagList, nullable=False),
    sa.Column("wage", Money),
    sa.Column("advertised", sa.Boolean, nullable=False),
    sa.Column("status", _choice(OpeningStatus), nullable=False),
    sa.Column("learned_on", sa.Date),
    sa.Column("notes", sa.Text),
    sa.Column("version", sa.Integer, nullable=False),
)

job_fit_notes = sa.Table(
    "job_fit_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id"), nullable=False, index=True),
    sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id"), nullable=False, index=True),
    sa.Column("opening_id", sa.Integer, sa.ForeignKey("job_openings.id")),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("specialists.id"), nullable=False),
    sa.Column("ratings", RatingsType, nullable=False),
    sa.Column("overall", _choice(FitRating), nullable=False),
    sa.Column("text", sa.Text),
    sa.Column("written_at", UTCDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True),
)

job_starts = sa.Table(
    "job_starts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("job_seekers.id"), nullable=False, index=True),
    sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id"), nullable=False, index=True),
    sa.Column("opening_id", sa.Integer, sa.ForeignKey("job_openings.id")),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("job_type", sa.String(100)),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("hours_per_week", sa.Float),
    sa.Column("wage", Money),
    sa.Column("competitive", sa.Boolean, nullable=False),
    sa.Column("end_date", sa.Date),
    sa.Column("end_reason", _choice(JobEndReason)),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True),
)

program_goals = sa.Table(
    "program_goals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("metric", sa.String(40), nullable=False),
    sa.Column("target", Money, nullable=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("scope", sa.String(40), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True),
)

sync_state = sa.Table(
    "sync_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("adapter", sa.String(40), nullable=False),
    sa.Column("target", sa.String(500), nullable=False),
    sa.Column("record_kind", sa.String(30), nullable=False),
    sa.Column("local_id", sa.Integer, nullable=False),
    sa.Column("remote_id", sa.String(500)),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=False),
    sa.Column("basis", sa.String(400)),
    sa.Column("payload", sa.Text),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False),
    sa.UniqueConstraint(
        "program_id",
        "adapter",
        "target",
        "record_kind",
        "local_id",
        name="uq_sync_state_record",
    ),
)
"""Per adapter and target: each record's remote id, the fingerprint and sequence last sent,
and whether it was deleted there (written by :mod:`ips_jobdev._sync.export`).

``basis`` says what the record was made from when it was last looked at (the versions of
the rows it draws on, see :mod:`ips_jobdev._store.queries.sync`): an export gathers only
records whose basis moved. ``payload`` is what an adapter that rewrites a whole file
rendered for the record (an iCalendar ``VEVENT``, a CSV row), reused while it is unchanged.
A row with ``sequence`` -1 stands for a record looked at and never sent (a visit cancelled
before its first export). Program-owned: each program's exports keep their own state (two
programs exporting to the same target, or the same shared employer, never share a row)."""

feed_tokens = sa.Table(
    "feed_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "specialist_id",
        sa.Integer,
        sa.ForeignKey("specialists.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
)
"""Calendar subscription feeds: the SHA-256 of each secret token (the token itself is
never stored), whose visits it serves, and when it was revoked (written by
:mod:`ips_jobdev._feeds`)."""

client_submissions = sa.Table(
    "client_submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("client_id", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "visit_id",
        sa.Integer,
        sa.ForeignKey("visits.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("received_at", UTCDateTime, nullable=False),
)
"""Visits sent by a browser (the web app's log form and its offline queue), by the id
the browser made for each submission: a submission sent twice is stored once (written by
:mod:`ips_jobdev._submissions`)."""

change_history = sa.Table(
    "change_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("record_kind", sa.String(30), nullable=False),
    sa.Column("record_id", sa.Integer, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("record_version", sa.Integer),
    sa.Column("before", sa.JSON(none_as_null=True)),
    sa.Column("after", sa.JSON(none_as_null=True)),
    sa.Column("operation", sa.String(60)),
    sa.Column("reason", sa.Text),
    sa.Column("batch", sa.String(32), nullable=False),
    sa.Column("program_id", sa.Integer, index=True),
    sa.Index("ix_change_history_record", "record_kind", "record_id"),
)
"""The append-only change history: one row per record created, changed or deleted, with
who, when, the values before and after, and why (written by :mod:`ips_jobdev._store.history`;
nothing in the library updates or deletes a row). No foreign keys: the history of a deleted
or merged-away record stays."""

employment_periods = sa.Table(
    "employment_periods",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "specialist_id",
        sa.Integer,
        sa.ForeignKey("specialists.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("started", sa.Date),
    sa.Column("ended", sa.Date),
    sa.Column("fte", sa.Float, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)
"""The spans each specialist was employed, with their full-time share (none: employed
throughout, full time)."""

specialist_leaves = sa.Table(
    "specialist_leaves",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "specialist_id",
        sa.Integer,
        sa.ForeignKey("specialists.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("first_day", sa.Date, nullable=False),
    sa.Column("last_day", sa.Date, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("version", sa.Integer, nullable=False),
)
"""Days a specialist was away, both ends included."""

seeker_status_changes = sa.Table(
    "seeker_status_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "seeker_id",
        sa.Integer,
        sa.ForeignKey("job_seekers.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("status", _choice(JobSeekerStatus), nullable=False),
    sa.Column("since", sa.Date, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)
"""Each job seeker's dated status history: the status held from ``since`` on."""
programs = sa.Table(
    "programs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
"""The IPS programs sharing this record (a county's or a tribe's). Specialists, job seekers,
visits, fit notes, jobs and goals each belong to one (their ``program_id``); employers and
the people there are shared by all."""

program_roles = sa.Table(
    "program_roles",
    metadata,
    sa.Column("role_name", sa.String(63), primary_key=True),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False),
    sa.Column("granted_at", UTCDateTime, nullable=False),
    sa.Column("can_write", sa.Boolean, nullable=False),
)
"""PostgreSQL roles made for one program (``ips-jobdev db grant-program``): the database's
row-level security shows such a role its program's rows only, even in plain SQL."""

PROGRAM_OWNED = (
    specialists,
    job_seekers,
    visits,
    job_fit_notes,
    job_starts,
    program_goals,
    employer_program_notes,
    sync_state,
)
"""The tables whose rows belong to one program (a ``program_id`` column)."""

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("record_kind", sa.String(30), nullable=False),
    sa.Column("record_id", sa.Integer),
    sa.Column("program_id", sa.Integer, index=True),
    sa.Column("origin", sa.String(200)),
    sa.Column("detail", sa.JSON(none_as_null=True)),
    sa.Index("ix_audit_events_record", "record_kind", "record_id"),
)
"""The audit trail: one row per view of a person's record, export or grant, with who, when,
what, which program and from where (written by :mod:`ips_jobdev._store.audit`). Changes are
in ``change_history``. Append-only: the library has no statement that updates or deletes a
row, and a trigger refuses both (SQLite and PostgreSQL)."""

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=False, index=True),
    sa.Column("role", sa.String(30), nullable=False),
    sa.Column("specialist_id", sa.Integer, sa.ForeignKey("specialists.id")),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False),
    sa.Column("locked_until", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_sign_in_at", UTCDateTime),
    sa.Column("password_changed_at", UTCDateTime, nullable=False),
)
"""Accounts of the shared web app (``ips-jobdev users``): one per person, in one program,
with a role; the password only as an argon2 hash (never in clear, never in the change
history). On PostgreSQL only the role owning the tables reads it (row-level security):
signing in looks an account up before its program is known, and a program's reporting
role must never read password hashes."""


class current_program(FunctionElement[int]):  # an SQL function's name, in lower case
    """The id of the program the statement runs in, computed by the database: the
    transaction's scope (``ips_jobdev.program``), else the program the connected role is
    granted to, else the only program; NULL when none of these says (several programs and
    no scope). On SQLite, which holds one program, that program."""

    type = sa.Integer()
    inherit_cache = True


@compiles(current_program, "postgresql")
def _current_program_postgresql(element: current_program, compiler: object, **kw: object) -> str:
    return (
        "COALESCE(NULLIF(current_setting('ips_jobdev.program', true), '')::integer, "
        "(SELECT r.program_id FROM program_roles r WHERE r.role_name = current_user), "
        "(SELECT min(p.id) FROM programs p HAVING count(*) = 1))"
    )


@compiles(current_program)
def _current_program_default(element: current_program, compiler: object, **kw: object) -> str:
    return "(SELECT min(p.id) FROM programs p HAVING count(*) = 1)"


def employer_notes(employer_id: sa.ColumnElement[int]) -> sa.ScalarSelect[str | None]:
    """The notes of the current program (:class:`current_program`) about the employer
    ``employer_id`` names, as a scalar subquery (NULL: none)."""
    n = employer_program_notes.c
    return (
        sa.select(n.notes)
        .where(n.employer_id == employer_id, n.program_id == current_program())
        .scalar_subquery()
    )


def in_current_program(program_id: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """True for rows of the current program (:class:`current_program`), or of any program
    when none is current (an unscoped unit of work on a database of several programs)."""
    return program_id == sa.func.coalesce(current_program(), program_id)


web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column(
        "user_id",
        sa.Integer,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("specialist", sa.String(40)),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
)
"""Signed-in browsers of the shared web app: the SHA-256 of each session id (never the id
itself, so a copy of the table signs nobody in), its account, the specialist whose pages it
shows, its CSRF token, and when it started, was last used and must end. Every server
process reads the same rows (``serve --shared --workers N``). On PostgreSQL only the role
owning the tables reads it, as ``users``."""
