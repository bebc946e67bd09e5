"""Cycle policies are data: the packaged default, loading TOML files, naming bad fields,
and the registry that plugins feed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ips_jobdev import NotFoundError, ValidationError
from ips_jobdev._vocab import VisitPurpose
from ips_jobdev.cycles import (
    DEFAULT_POLICY,
    CyclePolicy,
    CycleStage,
    get_policy,
    register_policy,
    registered_policies,
    resolve_policy,
)
from ips_jobdev.cycles import _policy as policy_module

MINIMAL = """\
name = "county"
[[stages]]
title = "introduce"
purpose = "introduce"
next_visit_within_days = 10
[[stages]]
title = "follow up"
purpose = "follow-up"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_default_policy_is_the_one_in_shared_domain() -> None:
    p = DEFAULT_POLICY
    assert p.name == "ips-default"
    assert [s.title for s in p.stages] == [
        "introduce",
        "learn the business",
        "follow up and present",
    ]
    assert [s.purpose for s in p.stages] == [
        VisitPurpose.INTRODUCE,
        VisitPurpose.LEARN_BUSINESS,
        VisitPurpose.FOLLOW_UP,
    ]
    # learn the business within 14 days of the introduction; follow up within 14 after that
    assert [s.next_visit_within_days for s in p.stages] == [14, 14, None]
    assert (p.keep_in_touch_interested_days, p.keep_in_touch_days) == (30, 90)
    assert p.cold_after_days == 180
    assert p.face_to_face_only is True
    assert (p.rapid_search_days, p.at_risk_days_left) == (30, 7)
    assert p.keep_in_touch_stage == 4
    assert p.title(4) == "keep in touch"


def test_every_purpose_belongs_to_a_stage_of_the_default() -> None:
    stages = {purpose: DEFAULT_POLICY.stage_for(purpose) for purpose in VisitPurpose}
    assert stages == {
        VisitPurpose.INTRODUCE: 1,
        VisitPurpose.OTHER: 1,
        VisitPurpose.LEARN_BUSINESS: 2,
        VisitPurpose.FOLLOW_UP: 3,
        VisitPurpose.PRESENT_JOB_SEEKER: 3,
        VisitPurpose.JOB_ANALYSIS: 3,
        VisitPurpose.SUPPORT: 3,
    }


def test_a_policy_round_trips_through_its_file_structure() -> None:
    assert CyclePolicy.from_dict(DEFAULT_POLICY.to_dict()) == DEFAULT_POLICY


def test_a_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    policy = CyclePolicy.load(_write(tmp_path, MINIMAL))
    assert policy.name == "county"
    assert len(policy.stages) == 2
    assert policy.cold_after_days == 180
    assert policy.gap_after(1, interested=False) == 10
    assert policy.gap_after(2, interested=True) == 30


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (("next_visit_within_days = 10", "next_visit_within_days = 0"),
         "stages[1].next_visit_within_days", "is not a whole number >= 1"),
        (("next_visit_within_days = 10", "next_visit_within_days = \"soon\""),
         "stages[1].next_visit_within_days", "is not a whole number"),
        (("next_visit_within_days = 10", "next_visit_within_day = 10"),
         "stages[1].next_visit_within_day", "is not a field of a cycle policy file"),
        (("next_visit_within_days = 10\n", ""),
         "stages[1].next_visit_within_days", "every stage but the last needs"),
        (('purpose = "follow-up"', 'purpose = "lunch"'),
         "stages[2].purpose", "unknown value 'lunch'"),
        (('title = "follow up"', 'title = "follow up"\nalso_completed_by = ["introduce"]'),
         "stages[2].also_completed_by", "'introduce' already completes stage 1"),
        (('name = "county"', 'name = "county"\ncold_after_days = -5'),
         "cold_after_days", "is not a whole number >= 1"),
        (('name = "county"', 'name = "county"\n[keep_in_touch]\ninterested_days = 120'),
         "keep_in_touch.interested_days", "is longer than other_days"),
        (('name = "county"', 'name = "county"\n[keep_in_touch]\npurpose = "nap"'),
         "keep_in_touch.purpose", "unknown value 'nap'"),
        (('name = "county"', 'name = "county"\n[rapid_job_search]\ndays = true'),
         "rapid_job_search.days", "is not a whole number"),
        (('name = "county"\n', ""), "name", "is missing"),
    ],
)  # fmt: skip
def test_a_bad_policy_file_names_the_field_and_the_file(
    tmp_path: Path, change: tuple[str, str], field: str, reason: str
) -> None:
    path = _write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(ValidationError) as caught:
        CyclePolicy.load(path)
    assert caught.value.record == "CyclePolicy"
    assert caught.value.field == field
    assert reason in caught.value.reason
    assert str(path) in caught.value.reason


def test_a_file_that_is_not_toml_or_not_there_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"CyclePolicy\.file: .* is not valid TOML"):
        CyclePolicy.load(_write(tmp_path, "name = [unclosed"))
    with pytest.raises(ValidationError, match=r"CyclePolicy\.file: cannot read"):
        CyclePolicy.load(tmp_path / "missing.toml")


def test_a_policy_with_no_stages_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one stage"):
        CyclePolicy(name="empty", stages=())


@pytest.fixture
def clean_registry(policy_registry: None) -> None:
    """The registry as a new process has it: the default policy only (other tests, run
    earlier in the same worker process, may have registered theirs)."""
    policy_module._registry.clear()
    policy_module._registry[policy_module.DEFAULT_POLICY_NAME] = policy_module.DEFAULT_POLICY


@pytest.mark.usefixtures("clean_registry")
def test_the_registry_holds_the_default_and_what_plugins_add() -> None:
    assert registered_policies()["ips-default"] is DEFAULT_POLICY
    rural = CyclePolicy(
        name="rural",
        stages=(CycleStage("introduce", "introduce", 21), CycleStage("follow up", "follow-up")),
        keep_in_touch_days=120,
    )
    register_policy("Rural", rural)
    assert get_policy("rural") is rural
    assert list(registered_policies()) == ["ips-default", "rural"]
    register_policy("rural", rural)  # the same policy again is fine
    with pytest.raises(ValidationError, match="already registered"):
        register_policy("rural", DEFAULT_POLICY)
    register_policy("rural", DEFAULT_POLICY, replace=True)
    assert get_policy("rural") is DEFAULT_POLICY


@pytest.mark.usefixtures("clean_registry")
def test_the_registry_refuses_what_is_not_a_policy() -> None:
    with pytest.raises(ValidationError, match="is not a CyclePolicy"):
        register_policy("odd", {"stages": []})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="no spaces"):
        register_policy("two words", DEFAULT_POLICY)
    with pytest.raises(NotFoundError):
        get_policy("nowhere")


def test_resolve_policy_takes_a_policy_a_name_or_a_file(tmp_path: Path) -> None:
    assert resolve_policy(None) is DEFAULT_POLICY
    assert resolve_policy("ips-default") is DEFAULT_POLICY
    assert resolve_policy(DEFAULT_POLICY) is DEFAULT_POLICY
    assert resolve_policy(_write(tmp_path, MINIMAL)).name == "county"
    assert resolve_policy(str(tmp_path / "policy.toml")).name == "county"
