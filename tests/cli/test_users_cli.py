"""``ips-jobdev users add|disable|reset-password|list``: the password comes from standard
input and never shows up in the output, the ``--json`` documents or the database."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner, Result

from ips_jobdev.cli import main

SECRET = "correct horse battery staple"


def invoke(url: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, ["--db", url, *args], input=stdin)


def document(url: str, *args: str, stdin: str | None = None) -> Any:
    result = invoke(url, *args, "--json", stdin=stdin)
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    return json.loads(result.stdout)


def test_users_commands(db_url: str) -> None:
    assert invoke(db_url, "programs", "add", "dane", "--name", "Dane County IPS").exit_code == 0
    assert invoke(db_url, "specialists", "add", "ae", "--name", "Alex Example").exit_code == 0
    added = document(
        db_url,
        *("users", "add", "ae@example.org", "--program", "dane", "--role", "specialist"),
        *("--specialist", "ae"),
        stdin=SECRET + "\n",
    )
    assert list(added["user"]) == [
        "email",
        "program",
        "role",
        "specialist",
        "disabled",
        "locked_until",
        "created_at",
        "last_sign_in_at",
    ]
    assert (added["user"]["email"], added["user"]["role"]) == ("ae@example.org", "specialist")
    plain = invoke(
        db_url,
        *("users", "add", "pat@example.org", "--program", "dane", "--role", "supervisor"),
        stdin=SECRET + "\n",
    )
    assert plain.exit_code == 0, plain.output
    assert SECRET not in plain.output
    short = invoke(
        db_url,
        "users",
        "add",
        "x@example.org",
        "--program",
        "dane",
        "--role",
        "supervisor",
        stdin="short\n",
    )
    assert short.exit_code != 0
    assert "at least 12" in short.output
    bad_role = invoke(
        db_url,
        "users",
        "add",
        "x@example.org",
        "--program",
        "dane",
        "--role",
        "boss",
        stdin=SECRET + "\n",
    )
    assert bad_role.exit_code != 0
    listed = document(db_url, "users", "list")
    assert [u["email"] for u in listed["users"]] == ["ae@example.org", "pat@example.org"]
    assert document(db_url, "users", "disable", "pat@example.org")["user"]["disabled"] is True
    reset = document(
        db_url, "users", "reset-password", "ae@example.org", stdin="another long passphrase\n"
    )
    assert reset["user"]["email"] == "ae@example.org"
    table = invoke(db_url, "users", "list")
    assert "disabled" in table.output
    assert "pat@example.org" in table.output
    assert invoke(db_url, "users", "disable", "who@example.org").exit_code != 0
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT * FROM users")).all()
    finally:
        engine.dispose()
    assert SECRET not in repr(rows)
    assert "another long passphrase" not in repr(rows)
