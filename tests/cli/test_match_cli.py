"""``ips-jobdev match``, ``targets``, ``fit`` and ``jobs`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ips_jobdev import Database, Employer, JobSeeker, Preferences, Specialist
from ips_jobdev.cli import main

AS_OF = "2026-11-20"


@pytest.fixture
def url(sqlite_url: str) -> str:
    db = Database(sqlite_url)
    with db.unit_of_work() as uow:
        ae = uow.specialists.add(Specialist(code="ae", name="Avery Example"))
        uow.flush()
        uow.seekers.add(
            JobSeeker(
                code="J-1001",
                name="Maria",
                specialist_id=ae.id,
                preferences=Preferences(
                    job_types="stocker",
                    industries="retail",
                    shifts="day",
                    home_zip="53703",
                    max_miles=15,
                    transport="bus",
                    avoid="fast food",
                ),
            )
        )
        uow.seekers.add(JobSeeker(code="J-1002", specialist_id=ae.id))
        uow.employers.add_all(
            [
                Employer(
                    name="Example Hardware",
                    industry="retail",
                    job_types="stocker",
                    zip="53703",
                    shifts="day",
                    bus_access=True,
                ),
                Employer(
                    name="Example Bakery",
                    industry="food service",
                    job_types="baker helper",
                    zip="53589",
                    shifts="evening",
                ),
                Employer(name="Example Burgers", industry="fast food", zip="53703"),
            ]
        )
        uow.commit()
    db.dispose()
    return sqlite_url


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", url, *args], catch_exceptions=False)


def run_json(url: str, *args: str) -> Any:
    result = run(url, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_match_table_shows_best_first_with_reasons(url: str) -> None:
    result = run(url, "match", "J-1001", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Employers for Maria" in out
    assert out.index("Example Hardware") < out.index("Example Bakery")
    assert "stocker work is on Maria's list" in out
    assert "avoided industry 1" in out
    assert "Example Burgers" not in out


def test_match_json_gives_every_factors_part_and_reason(url: str) -> None:
    document = run_json(url, "match", "J-1001", "--as-of", AS_OF, "--limit", "1")
    assert document["seeker"] == "J-1001"
    assert document["filtered"]["avoided_industry"] == 1
    [best] = document["matches"]
    assert best["name"] == "Example Hardware"
    assert set(best) >= {"id", "name", "score", "factors"}
    assert list(best["factors"]) == [
        "job_type",
        "industry",
        "distance",
        "schedule",
        "wage",
        "bus",
        "relationship",
        "spread",
    ]
    assert best["factors"]["job_type"] == {
        "score": 1.0,
        "weight": 3.0,
        "reason": "stocker work is on Maria's list",
    }
    assert best["factors"]["wage"]["score"] is None


def test_match_explain_lists_every_factor(url: str) -> None:
    result = run(url, "match", "J-1001", "--explain", "--limit", "1", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    for name in ("job_type", "distance", "relationship", "spread"):
        assert name in result.stdout
    assert "0.0 miles; limit 15 by bus" in result.stdout


def test_match_weights_and_config_file_change_the_weights(url: str, tmp_path: Path) -> None:
    document = run_json(url, "match", "J-1001", "--weight", "distance=5", "--weight", "spread=0")
    assert document["weights"]["distance"] == 5.0
    assert document["weights"]["spread"] == 0.0
    config = tmp_path / "matching.toml"
    config.write_text("[weights]\njob_type = 7\n", encoding="utf-8")
    document = run_json(url, "match", "J-1001", "--config", str(config))
    assert document["weights"]["job_type"] == 7.0


def test_match_for_a_job_seeker_without_preferences_still_ranks(url: str) -> None:
    document = run_json(url, "match", "J-1002")
    assert len(document["matches"]) == 3
    assert document["notes"][0].startswith("no preferences are recorded for J-1002")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["match", "J-404"], "Error: no job seeker 'J-404'"),
        (["match", "J-1001", "--weight", "distance"], "is not FACTOR=NUMBER"),
        (["match", "J-1001", "--weight", "distance=-2"], "is below zero"),
        (["targets", "zz"], "Error: no specialist 'zz'"),
    ],
)
def test_mistakes_are_one_line_and_exit_one(url: str, args: list[str], message: str) -> None:
    result = run(url, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_targets_lists_employers_with_the_job_seekers_they_fit(url: str) -> None:
    document = run_json(url, "targets", "ae", "--as-of", AS_OF, "--good-fit", "0.6")
    assert document["specialist"] == "ae"
    assert document["good_fit"] == 0.6
    first = document["targets"][0]
    assert first["name"] == "Example Hardware"
    assert first["seekers"][0]["code"] == "J-1001"
    table = run(url, "targets", "ae", "--as-of", AS_OF, "--good-fit", "0.6")
    assert "Caseload targets for ae" in table.stdout
    none = run(url, "targets", "ae", "--good-fit", "1")
    assert "No employer reaches a score of 1" in none.stdout


def test_fit_add_with_prefill_and_a_correction_then_list(url: str) -> None:
    added = run_json(
        url,
        "fit",
        "add",
        "J-1001",
        "Example Bakery",
        "--prefill",
        "--rating",
        "schedule=partial",
        "--overall",
        "partial",
        "--text",
        "Owner may add day shifts",
    )
    assert added["seeker"] == "J-1001"
    assert added["author"] == "ae"
    assert added["ratings"]["schedule"] == {"rating": "partial", "comment": None}
    assert added["ratings"]["industry"]["rating"] == "poor"
    assert added["overall"] == "partial"
    listed = run_json(url, "fit", "list", "J-1001")
    assert listed["count"] == 1
    assert listed["notes"][0]["text"] == "Owner may add day shifts"
    text = run(url, "fit", "list")
    assert "Bakery" in text.stdout  # the table wraps names on a narrow terminal
    bad = run(url, "fit", "add", "J-1001", "Example Bakery", "--rating", "vibes=good")
    assert bad.exit_code == 1
    assert "unknown factor 'vibes'" in bad.output


def test_jobs_start_shows_earlier_fit_notes_then_end_and_list(url: str) -> None:
    run_json(url, "fit", "add", "J-1001", "Example Hardware", "--rating", "job_type=good")
    started = run(
        url,
        "jobs",
        "start",
        "J-1001",
        "Example Hardware",
        "--title",
        "Stocker",
        "--start",
        "2099-01-04",
        "--hours",
        "20",
        "--wage",
        "15.50",
        "--job-type",
        "stocker",
    )
    assert started.exit_code == 0, started.output
    assert "Job-fit notes written before the start" in started.stdout
    listed = run_json(url, "jobs", "list", "J-1001")
    [job] = listed["jobs"]
    assert (job["title"], job["wage"], job["hours_per_week"]) == ("Stocker", "15.50", 20.0)
    ended = run_json(
        url, "jobs", "end", str(job["id"]), "--on", "2099-03-01", "--reason", "laid-off"
    )
    assert ended["job"]["end_reason"] == "laid-off"
    again = run(url, "jobs", "end", str(job["id"]), "--on", "2099-03-02", "--reason", "moved")
    assert again.exit_code == 1
    assert "already ended" in again.output


def test_every_new_command_has_help_with_an_example(url: str) -> None:
    for args in (
        ["match"],
        ["targets"],
        ["fit", "add"],
        ["fit", "list"],
        ["jobs", "start"],
        ["jobs", "end"],
        ["jobs", "list"],
    ):
        result = run(url, *args, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert "ips-jobdev" in result.stdout.split("Examples:")[1]
