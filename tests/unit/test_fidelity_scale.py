"""The fidelity scale is data: the US IPS-25 file, rating values on it, loading others."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ips_jobdev import ValidationError
from ips_jobdev._reports import FidelityScale, default_scale

# The anchors of the US IPS-25 as the project's domain brief gives them, point 1 to 5.
PUBLISHED = {
    "caseload_size": ["41+", "31-40", "26-30", "21-25", "20 or fewer"],
    "community_based_services": ["30% or less", "30-39%", "40-49%", "50-64%", "65% or more"],
    "rapid_job_search": ["271+", "151-270", "61-150", "31-60", "30 or fewer"],
    "frequent_employer_contact": [
        "fewer than 2",
        "2 (or no tracking)",
        "4, form reviewed monthly",
        "5, form reviewed weekly",
        "6 or more, form reviewed weekly",
    ],
    "individualized_job_search": ["under 25%", "25-49%", "50-74%", "75-89%", "90-100%"],
    "diversity_of_job_types": ["under 50%", "50-59%", "60-69%", "70-84%", "85-100%"],
    "diversity_of_employers": ["under 50%", "50-59%", "60-69%", "70-84%", "85-100%"],
    "competitive_jobs": ["64% or less", "65-74%", "75-84%", "85-94%", "95% or more"],
}


def test_the_packaged_scale_is_the_us_ips_25_with_its_source() -> None:
    scale = default_scale()
    assert scale.short_name == "IPS-25"
    assert scale.version == "4th edition manual, December 2019"
    assert "Becker, Swanson, Reese, Bond, McLeman" in scale.source
    assert "manual 4th edition, December 2019" in scale.source


def test_every_anchor_text_is_the_published_one() -> None:
    scale = default_scale()
    assert {item.key: [a.text for a in item.anchors] for item in scale.items} == PUBLISHED
    assert all([a.point for a in item.anchors] == [1, 2, 3, 4, 5] for item in scale.items)


@pytest.mark.parametrize(
    ("key", "value", "point"),
    [
        ("caseload_size", 20, 5), ("caseload_size", 20.4, 5), ("caseload_size", 20.5, 4),
        ("caseload_size", 25, 4), ("caseload_size", 26, 3), ("caseload_size", 41, 1),
        ("rapid_job_search", 0, 5), ("rapid_job_search", 30, 5), ("rapid_job_search", 31, 4),
        ("rapid_job_search", 150, 3), ("rapid_job_search", 151, 2), ("rapid_job_search", 271, 1),
        ("frequent_employer_contact", 1.9, 1), ("frequent_employer_contact", 1.95, 2),
        ("frequent_employer_contact", 3.9, 2), ("frequent_employer_contact", 4.0, 3),
        ("frequent_employer_contact", 5.0, 4), ("frequent_employer_contact", 6.0, 5),
        ("frequent_employer_contact", 11.0, 5),
        ("competitive_jobs", 64.4, 1), ("competitive_jobs", 64.5, 2),
        ("competitive_jobs", 94.9, 5), ("competitive_jobs", 100, 5),
        ("diversity_of_employers", 49, 1), ("diversity_of_employers", 85, 5),
        ("diversity_of_job_types", 69.4, 3), ("diversity_of_job_types", 84.9, 5),
    ],
)  # fmt: skip
def test_a_value_rounded_to_the_items_decimals_earns_its_anchor(
    key: str, value: float, point: int
) -> None:
    assert default_scale().item(key).rate(value).point == point


def test_an_average_of_points_goes_to_the_closest_point_halves_up() -> None:
    item = default_scale().item("frequent_employer_contact")
    assert [item.closest(m).point for m in (1.0, 3.49, 3.5, 4.4, 4.5, 5.0)] == [1, 3, 4, 4, 5, 5]


def test_the_contact_item_carries_its_counting_rules() -> None:
    item = default_scale().item("frequent_employer_contact")
    assert item.combine == "each"
    assert item.options["excluded_purposes"] == ["support"]
    assert item.options["new_caseload"] == {
        "fewer_than": 3,
        "contacts_per_seeker": 2.0,
        "point": 5,
        "started_within_days": 90,
    }
    assert item.options["part_time"] == "prorate"
    assert default_scale().between_anchors == "reach"


SMALL = """\
name = "A county scale"
version = "1"
source = "made up for a test"
[[items]]
key = "caseload_size"
title = "Caseload size"
anchors = [
  { point = 1, text = "big", min = 30 },
  { point = 2, text = "small", max = 29 },
]
"""


def test_a_program_loads_its_own_scale(tmp_path: Path) -> None:
    path = tmp_path / "scale.toml"
    path.write_text(SMALL, encoding="utf-8")
    scale = FidelityScale.load(path)
    assert scale.item("caseload_size").rate(35).text == "big"
    assert not scale.has("rapid_job_search")


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (('version = "1"\n', ""), "version", "is missing"),
        (("min = 30", "min = \"thirty\""), "items[1].anchors[1].min", "is not a number"),
        (("max = 29", "max = 29, colour = \"red\""), "items[1].anchors[2].colour",
         "is not a field of a fidelity scale file"),
        (("point = 2", "point = 3"), "items[1].anchors", "are not 1, 2, ... in turn"),
        (('key = "caseload_size"', 'key = "caseload_size"\ncombine = "median"'),
         "items[1].combine", "is not 'pooled' or 'each'"),
        (("min = 30 }", "min = 30, max = 2 }"),
         "items[1].anchors[1].max", "is below min"),
    ],
)  # fmt: skip
def test_a_bad_scale_file_names_the_field(
    tmp_path: Path, change: tuple[str, str], field: str, reason: str
) -> None:
    path = tmp_path / "scale.toml"
    path.write_text(textwrap.dedent(SMALL.replace(*change)), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        FidelityScale.load(path)
    assert (caught.value.record, caught.value.field) == ("FidelityScale", field)
    assert reason in caught.value.reason
    assert str(path) in caught.value.reason
