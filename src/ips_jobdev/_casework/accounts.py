"""Accounts of the shared web app: who may sign in, in which program, with which role.

Passwords are kept only as argon2id hashes (``argon2-cffi``, in the ``web`` extra), never
in clear, never in the change history or a log. After :data:`LOCK_AFTER` failed sign-ins
in a row an account is locked for :data:`LOCK_FOR`; an administrator's password reset
unlocks it.

>>> import ips_jobdev as jobdev                                              # doctest: +SKIP
>>> from ips_jobdev._casework.accounts import add_user     # doctest: +SKIP
>>> with db.unit_of_work() as uow:                                          # doctest: +SKIP
...     add_user(uow, "pat@example.org", "dane", "supervisor", "a long passphrase")
...     uow.commit()
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Sequence
from typing import Any

import attrs

from ips_jobdev._store import UnitOfWork
from ips_jobdev.errors import IpsJobdevError, NotFoundError, ValidationError

__all__ = [
    "LOCK_AFTER",
    "LOCK_FOR",
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "Account",
    "Role",
    "SignIn",
    "account_active",
    "add_user",
    "authenticate",
    "disable_user",
    "list_users",
    "reset_password",
]

LOCK_AFTER = 5
"""Failed sign-ins in a row that lock an account."""
LOCK_FOR = dt.timedelta(minutes=15)
"""How long a locked account stays locked (an administrator's reset unlocks it now)."""
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(enum.StrEnum):
    """What an account may see in the shared web app."""

    SPECIALIST = "specialist"
    """Their own caseload and day; the team's pages to read."""
    SUPERVISOR = "supervisor"
    """The program's team: every specialist's pages."""
    PROGRAM_MANAGER = "program-manager"
    """The program's figures and exports."""
    STATE_REVIEWER = "state-reviewer"
    """Figures across programs, never a job seeker's name or code."""
    ADMINISTRATOR = "administrator"
    """Everything in the program."""


ROLES = tuple(role.value for role in Role)


@attrs.frozen(slots=True)
class Account:
    """An account as the app and the CLI show it (no password hash)."""

    id: int
    email: str
    program: str
    role: Role
    specialist: str | None
    disabled: bool
    locked_until: dt.datetime | None
    created_at: dt.datetime
    last_sign_in_at: dt.datetime | None

    @classmethod
    def of(cls, record: Any) -> Account:
        """The account of a stored row (``uow.users``)."""
        return cls(
            id=record.id,
            email=record.email,
            program=record.program,
            role=Role(record.role),
            specialist=record.specialist,
            disabled=record.disabled,
            locked_until=record.locked_until,
            created_at=record.created_at,
            last_sign_in_at=record.last_sign_in_at,
        )


@attrs.frozen(slots=True)
class SignIn:
    """The outcome of a sign-in: the account, or why not (``"wrong"``: unknown email or
    wrong password, never told apart; ``"locked"``; ``"disabled"``)."""

    account: Account | None
    refusal: str | None = None


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - the web extra brings it
        raise IpsJobdevError(
            "accounts need the 'web' extra (argon2-cffi): pip install \"ips-jobdev[web]\""
        ) from None
    return PasswordHasher()


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    """A hash to check unknown emails against, so they take as long as known ones."""
    if not _DUMMY:
        _DUMMY.append(_hasher().hash("not a password of anyone's"))
    return _DUMMY[0]


def hash_password(password: str, *, email: str = "") -> str:
    """The argon2id hash of a new password, after checking it is long enough.

    Raises:
        ValidationError: too short, or the same as the email.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "user", "password", f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
        )
    if email and password.strip().lower() == email.strip().lower():
        raise ValidationError("user", "password", "the password must not be the email")
    return str(_hasher().hash(password))


def _email(email: str) -> str:
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        raise ValidationError("user", "email", f"{email!r} is not an email address")
    return cleaned


def _role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise ValidationError(
            "user", "role", f"{role!r} is not a role (one of {', '.join(ROLES)})"
        ) from None


def _found(uow: UnitOfWork, email: str) -> Any:
    record = uow.users.find_by_email(email)
    if record is None:
        raise NotFoundError("user", email)
    return record


def add_user(
    uow: UnitOfWork,
    email: str,
    program: str,
    role: str,
    password: str,
    *,
    specialist: str | None = None,
    now: dt.datetime | None = None,
) -> Account:
    """Add an account (staged: call ``uow.commit()``).

    ``specialist`` (a specialist's code, in the same program) is whose day and caseload
    the account sees first; a specialist account needs one.

    Raises:
        NotFoundError: no such program or specialist.
        ValidationError: the email, role or password is not valid, the email is taken,
            the specialist is in another program, or a specialist account has none.
    """
    address = _email(email)
    chosen_role = _role(role)
    found_program = uow.programs.by_code(program)
    assert found_program.id is not None
    specialist_id = None
    if specialist is not None:
        person = uow.specialists.find_by_code(
            specialist, program_id=found_program.id
        ) or uow.specialists.by_code(specialist)
        if person.program_id != found_program.id:
            raise ValidationError(
                "user", "specialist", f"{specialist!r} is not in program {found_program.code!r}"
            )
        specialist_id = person.id
    elif chosen_role is Role.SPECIALIST:
        raise ValidationError(
            "user", "specialist", "a specialist account needs --specialist CODE (whose caseload)"
        )
    if uow.users.find_by_email(address) is not None:
        raise ValidationError("user", "email", f"{address} already has an account")
    moment = now or dt.datetime.now(dt.UTC)
    user_id = uow.users.add(
        email=address,
        program_id=found_program.id,
        role=chosen_role.value,
        specialist_id=specialist_id,
        password_hash=hash_password(password, email=address),
        now=moment,
    )
    uow.flush()
    return Account(
        id=user_id,
        email=address,
        program=found_program.code,
        role=chosen_role,
        specialist=specialist,
        disabled=False,
        locked_until=None,
        created_at=moment,
        last_sign_in_at=None,
    )


def disable_user(uow: UnitOfWork, email: str) -> Account:
    """Disable an account: it can no longer sign in (staged: call ``uow.commit()``).

    Raises:
        NotFoundError: no account has this email.
    """
    record = _found(uow, email)
    uow.users.update(record.id, disabled=True)
    return attrs.evolve(Account.of(record), disabled=True)


def reset_password(
    uow: UnitOfWork, email: str, password: str, *, now: dt.datetime | None = None
) -> Account:
    """Give an account a new password (an administrator's reset); it also unlocks the
    account and clears its failed sign-ins (staged: call ``uow.commit()``).

    Raises:
        NotFoundError: no account has this email.
        ValidationError: the password is not valid.
    """
    record = _found(uow, email)
    uow.users.update(
        record.id,
        password_hash=hash_password(password, email=record.email),
        failed_attempts=0,
        locked_until=None,
        password_changed_at=now or dt.datetime.now(dt.UTC),
    )
    return attrs.evolve(Account.of(record), locked_until=None)


def list_users(uow: UnitOfWork, *, program: str | None = None) -> Sequence[Account]:
    """Every account (of one program, by code), by email."""
    program_id = uow.programs.by_code(program).id if program is not None else None
    return [Account.of(record) for record in uow.users.list(program_id=program_id)]


def authenticate(
    uow: UnitOfWork, email: str, password: str, *, now: dt.datetime | None = None
) -> SignIn:
    """Check an email and password (staged: call ``uow.commit()`` whatever the outcome,
    so failed attempts count).

    A wrong password adds a failed attempt; :data:`LOCK_AFTER` in a row lock the account
    for :data:`LOCK_FOR`. A locked or disabled account is refused even with the right
    password. An unknown email takes as long as a known one and gets the same answer.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    moment = now or dt.datetime.now(dt.UTC)
    hasher = _hasher()
    record = uow.users.find_by_email(email) if _EMAIL.match(email.strip()) else None
    try:
        hasher.verify(record.password_hash if record else _dummy_hash(), password)
        matched = record is not None
    except (VerificationError, InvalidHashError):
        matched = False
    if record is None:
        return SignIn(None, "wrong")
    if record.disabled:
        return SignIn(None, "disabled")
    if record.locked_until is not None and record.locked_until > moment:
        return SignIn(None, "locked")
    if not matched:
        failures = uow.users.count_failure(record.id)
        if failures >= LOCK_AFTER:
            uow.users.update(record.id, locked_until=moment + LOCK_FOR, failed_attempts=0)
            return SignIn(None, "locked")
        return SignIn(None, "wrong")
    values: dict[str, object] = {
        "failed_attempts": 0,
        "locked_until": None,
        "last_sign_in_at": moment,
    }
    if hasher.check_needs_rehash(record.password_hash):
        values["password_hash"] = hasher.hash(password)
    uow.users.update(record.id, **values)
    return SignIn(attrs.evolve(Account.of(record), last_sign_in_at=moment, locked_until=None))


def account_active(uow: UnitOfWork, email: str, *, now: dt.datetime | None = None) -> bool:
    """Whether the account may still be used (exists, not disabled, not locked): the
    shared web app checks it on every request, so disabling an account ends its
    sessions."""
    record = uow.users.find_by_email(email)
    if record is None or record.disabled:
        return False
    moment = now or dt.datetime.now(dt.UTC)
    return record.locked_until is None or record.locked_until <= moment
