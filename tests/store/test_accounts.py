"""Accounts of the shared web app (``ips_jobdev._casework.accounts``) on SQLite and PostgreSQL: add,
list, disable, reset, sign-in with lockout; passwords never stored or logged in clear."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

import ips_jobdev as jobdev
from ips_jobdev._casework.accounts import (
    LOCK_AFTER,
    LOCK_FOR,
    Role,
    add_user,
    authenticate,
    disable_user,
    list_users,
    reset_password,
)
from ips_jobdev.errors import NotFoundError, ValidationError

NOW = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)
SECRET = "correct horse battery staple"


def _program(db: jobdev.Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_program(uow, "dane", "Dane County IPS")
        uow.commit()
    with db.unit_of_work(program="dane") as uow:
        uow.specialists.add(jobdev.Specialist(code="ae", name="Alex Example"))
        uow.commit()


def test_add_list_and_sign_in(db: jobdev.Database) -> None:
    _program(db)
    with db.unit_of_work() as uow:
        added = add_user(
            uow, " AE@Example.org ", "dane", "specialist", SECRET, specialist="ae", now=NOW
        )
        add_user(uow, "pat@example.org", "dane", "supervisor", SECRET + "!", now=NOW)
        uow.commit()
    assert (added.email, added.program, added.role, added.specialist) == (
        "ae@example.org",
        "dane",
        Role.SPECIALIST,
        "ae",
    )
    with db.unit_of_work() as uow:
        assert [(a.email, a.role.value) for a in list_users(uow)] == [
            ("ae@example.org", "specialist"),
            ("pat@example.org", "supervisor"),
        ]
        assert [a.email for a in list_users(uow, program="dane")] == [
            "ae@example.org",
            "pat@example.org",
        ]
    later = NOW + dt.timedelta(hours=1)
    with db.unit_of_work() as uow:
        signed = authenticate(uow, "ae@example.org", SECRET, now=later)
        uow.commit()
    assert signed.account is not None
    assert signed.refusal is None
    assert signed.account.specialist == "ae"
    with db.unit_of_work() as uow:
        [account] = [a for a in list_users(uow) if a.email == "ae@example.org"]
        assert account.last_sign_in_at == later


def test_accounts_are_checked(db: jobdev.Database) -> None:
    _program(db)
    with db.unit_of_work() as uow:
        with pytest.raises(ValidationError, match="at least 12"):
            add_user(uow, "a@example.org", "dane", "supervisor", "short")
        with pytest.raises(ValidationError, match="not a role"):
            add_user(uow, "a@example.org", "dane", "boss", SECRET)
        with pytest.raises(ValidationError, match="not an email"):
            add_user(uow, "nobody", "dane", "supervisor", SECRET)
        with pytest.raises(ValidationError, match="needs --specialist"):
            add_user(uow, "a@example.org", "dane", "specialist", SECRET)
        with pytest.raises(NotFoundError):
            add_user(uow, "a@example.org", "rock", "supervisor", SECRET)
        add_user(uow, "a@example.org", "dane", "supervisor", SECRET)
        with pytest.raises(ValidationError, match="already has an account"):
            add_user(uow, "A@example.org", "dane", "administrator", SECRET)


def test_wrong_passwords_lock_the_account_and_a_reset_unlocks_it(db: jobdev.Database) -> None:
    _program(db)
    with db.unit_of_work() as uow:
        add_user(uow, "pat@example.org", "dane", "supervisor", SECRET, now=NOW)
        uow.commit()
    refusals = []
    for _ in range(LOCK_AFTER):
        with db.unit_of_work() as uow:
            refusals.append(authenticate(uow, "pat@example.org", "guess " * 3, now=NOW).refusal)
            uow.commit()
    assert refusals == ["wrong"] * (LOCK_AFTER - 1) + ["locked"]
    with db.unit_of_work() as uow:
        locked = authenticate(uow, "pat@example.org", SECRET, now=NOW + dt.timedelta(minutes=1))
        uow.commit()
    assert (locked.account, locked.refusal) == (None, "locked"), "the right password waits too"
    with db.unit_of_work() as uow:
        after = authenticate(uow, "pat@example.org", SECRET, now=NOW + LOCK_FOR * 2)
        uow.commit()
    assert after.account is not None, "the lock ends by itself"

    for _ in range(LOCK_AFTER):
        with db.unit_of_work() as uow:
            authenticate(uow, "pat@example.org", "guess " * 3, now=NOW)
            uow.commit()
    with db.unit_of_work() as uow:
        reset_password(uow, "pat@example.org", "a brand new passphrase", now=NOW)
        uow.commit()
    with db.unit_of_work() as uow:
        assert authenticate(uow, "pat@example.org", SECRET, now=NOW).refusal == "wrong"
        assert authenticate(uow, "pat@example.org", "a brand new passphrase", now=NOW).account
        uow.commit()


def test_unknown_and_disabled_accounts_are_refused(db: jobdev.Database) -> None:
    _program(db)
    with db.unit_of_work() as uow:
        add_user(uow, "pat@example.org", "dane", "supervisor", SECRET, now=NOW)
        uow.commit()
    with db.unit_of_work() as uow:
        assert authenticate(uow, "who@example.org", SECRET, now=NOW).refusal == "wrong"
        assert authenticate(uow, "not an email", SECRET, now=NOW).refusal == "wrong"
        disabled = disable_user(uow, "pat@example.org")
        uow.commit()
    assert disabled.disabled
    with db.unit_of_work() as uow:
        assert authenticate(uow, "pat@example.org", SECRET, now=NOW).refusal == "disabled"
        with pytest.raises(NotFoundError):
            disable_user(uow, "who@example.org")


def test_passwords_are_never_stored_or_logged_in_clear(
    db: jobdev.Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _program(db)
    with db.unit_of_work() as uow:
        add_user(uow, "pat@example.org", "dane", "supervisor", SECRET, now=NOW)
        uow.commit()
    with db.unit_of_work() as uow:
        reset_password(uow, "pat@example.org", SECRET + " two", now=NOW)
        authenticate(uow, "pat@example.org", SECRET + " two", now=NOW)
        authenticate(uow, "pat@example.org", SECRET + " three", now=NOW)
        uow.commit()
    with db.engine.connect() as connection:
        dump = "\n".join(
            repr(tuple(row))
            for table in ("users", "change_history")
            for row in connection.execute(sa.text(f"SELECT * FROM {table}"))
        )
        [stored] = connection.execute(sa.text("SELECT password_hash FROM users")).scalars()
    assert stored.startswith("$argon2id$")
    for clear in (SECRET, SECRET + " two", SECRET + " three", "horse battery"):
        assert clear not in dump
        assert clear not in caplog.text
    with db.unit_of_work() as uow:
        assert SECRET not in repr(uow.users.find_by_email("pat@example.org"))
