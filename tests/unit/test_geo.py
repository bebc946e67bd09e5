"""Offline ZIP centroids and great-circle distances."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev import Employer
from ips_jobdev._geo import (
    bounding_box,
    employer_location,
    miles_between,
    wisconsin_zips,
    zip_centroid,
    zip_place,
)


def test_zip_centroid_reads_five_digit_and_zip_plus_four_and_knows_what_it_does_not_know() -> None:
    assert zip_centroid("53703") == (43.0775, -89.3831)
    assert zip_centroid("53703-1234") == zip_centroid("53703")
    assert zip_centroid("00000") is None
    assert zip_centroid(None) is None
    assert zip_centroid("5370") is None
    place = zip_place("53703")
    assert place is not None
    assert (place.city, place.state, place.county) == ("Madison", "WI", "Dane County")


def test_miles_between_known_places() -> None:
    madison, milwaukee = zip_centroid("53703"), zip_centroid("53202")
    assert madison is not None
    assert milwaukee is not None
    assert miles_between(madison, milwaukee) == pytest.approx(75.0, abs=0.5)
    assert miles_between(madison, madison) == 0.0
    # one degree of latitude is about 69.1 statute miles
    assert miles_between((43.0, -89.0), (44.0, -89.0)) == pytest.approx(69.09, abs=0.05)


def test_employer_location_prefers_its_own_position_over_its_zip() -> None:
    own = Employer(name="Example Works", zip="53703", latitude=44.5, longitude=-88.0)
    assert employer_location(own) == (44.5, -88.0)
    assert employer_location(Employer(name="Example Works", zip="53589")) == zip_centroid("53589")
    assert employer_location(Employer(name="Example Works")) is None


def test_wisconsin_zips_are_real_sorted_and_standard_by_default() -> None:
    standard = wisconsin_zips()
    everything = wisconsin_zips(standard_only=False)
    assert standard == sorted(standard)
    assert 700 < len(standard) < len(everything)
    assert "53703" in standard
    assert all(z.startswith(("53", "54")) for z in everything)


points = st.tuples(
    st.floats(min_value=42.4, max_value=47.1), st.floats(min_value=-92.9, max_value=-86.8)
)


@given(
    centre=points,
    miles=st.floats(min_value=0.1, max_value=120),
    bearing=st.floats(0, 360),
    share=st.floats(0, 0.999),
)
def test_bounding_box_holds_every_point_within_range(
    centre: tuple[float, float], miles: float, bearing: float, share: float
) -> None:
    # walk share * miles from the centre along a bearing (spherical destination formula)
    distance = share * miles / 3958.7613
    lat1, lon1, theta = math.radians(centre[0]), math.radians(centre[1]), math.radians(bearing)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(distance) + math.cos(lat1) * math.sin(distance) * math.cos(theta)
    )
    lon2 = lon1 + math.atan2(
        math.sin(theta) * math.sin(distance) * math.cos(lat1),
        math.cos(distance) - math.sin(lat1) * math.sin(lat2),
    )
    point = (math.degrees(lat2), math.degrees(lon2))
    assert miles_between(centre, point) <= miles + 1e-6
    assert bounding_box(centre, miles).contains(point)
