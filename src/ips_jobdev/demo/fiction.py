"""The raw material of the fictional Dane County: real ZIP codes, made-up everything else.

ZIP centroids are written here (from the offline ``zipcodes`` table) so the demo does not
load the whole national table. Business names, streets and people are invented; streets
are ``Example``, ``Sample`` and ``Demo`` streets; phones are 608-555-01xx.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ips_jobdev._vocab import VisitPurpose

__all__ = [
    "FIRST_NAMES",
    "FIT_NOTES",
    "INDUSTRIES",
    "NAME_WORDS",
    "PERSON_TITLES",
    "STREET_NAMES",
    "STRENGTHS",
    "SURNAMES",
    "VISIT_MINUTES",
    "VISIT_OUTCOMES",
    "VISIT_SLOTS",
    "ZIPS",
    "Industry",
    "Zip",
]


@attrs.frozen
class Zip:
    """A real Dane County ZIP code: its place name, centroid, and how well buses serve it."""

    code: str
    city: str
    latitude: float
    longitude: float
    bus_share: float
    """The share of its fictional employers reachable by bus."""
    weight: int
    """How many employers it gets, relatively."""


ZIPS: tuple[Zip, ...] = (
    Zip("53703", "Madison", 43.0775, -89.3831, bus_share=0.97, weight=9),
    Zip("53704", "Madison", 43.1205, -89.3523, bus_share=0.85, weight=8),
    Zip("53705", "Madison", 43.0730, -89.4528, bus_share=0.90, weight=5),
    Zip("53711", "Madison", 43.0356, -89.4526, bus_share=0.85, weight=6),
    Zip("53713", "Madison", 43.0372, -89.3971, bus_share=0.90, weight=6),
    Zip("53714", "Madison", 43.0977, -89.3118, bus_share=0.80, weight=5),
    Zip("53715", "Madison", 43.0653, -89.4000, bus_share=0.95, weight=4),
    Zip("53716", "Madison", 43.0631, -89.3133, bus_share=0.80, weight=4),
    Zip("53717", "Madison", 43.0736, -89.5080, bus_share=0.70, weight=4),
    Zip("53718", "Madison", 43.0984, -89.2734, bus_share=0.60, weight=4),
    Zip("53719", "Madison", 43.0321, -89.4993, bus_share=0.70, weight=5),
    Zip("53726", "Madison", 43.0696, -89.4239, bus_share=0.95, weight=2),
    Zip("53590", "Sun Prairie", 43.1869, -89.2227, bus_share=0.35, weight=6),
    Zip("53562", "Middleton", 43.1052, -89.5073, bus_share=0.45, weight=6),
    Zip("53593", "Verona", 42.9999, -89.5522, bus_share=0.30, weight=4),
    Zip("53527", "Cottage Grove", 43.0784, -89.2017, bus_share=0.05, weight=2),
    Zip("53575", "Oregon", 42.9295, -89.3870, bus_share=0.05, weight=2),
    Zip("53589", "Stoughton", 42.9290, -89.2240, bus_share=0.05, weight=3),
    Zip("53597", "Waunakee", 43.1818, -89.4532, bus_share=0.05, weight=2),
    Zip("53532", "DeForest", 43.2311, -89.3454, bus_share=0.05, weight=2),
)


@attrs.frozen
class Industry:
    """An industry of the fictional county: its jobs, how businesses are named, pay, shifts."""

    name: str
    job_types: tuple[str, ...]
    kinds: tuple[str, ...]
    """Last words of business names (``Bakery``, ``Logistics``)."""
    wage: tuple[int, int]
    """Usual hourly range in whole dollars."""
    shifts: tuple[str, ...]
    size: tuple[int, int]
    weight: int


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "food service",
        job_types=("cook", "dishwasher", "food prep", "server", "barista"),
        kinds=("Kitchen", "Cafe", "Diner", "Bakery", "Bistro", "Catering"),
        wage=(13, 18),
        shifts=("day", "evening", "weekend"),
        size=(6, 60),
        weight=7,
    ),
    Industry(
        "grocery",
        job_types=("stocker", "cashier", "deli clerk", "produce clerk"),
        kinds=("Market", "Grocery", "Foods", "Co-op"),
        wage=(14, 19),
        shifts=("day", "evening", "night", "weekend"),
        size=(15, 150),
        weight=5,
    ),
    Industry(
        "retail",
        job_types=("sales associate", "stocker", "cashier"),
        kinds=("Goods", "Outfitters", "Hardware", "Books", "Thrift"),
        wage=(13, 17),
        shifts=("day", "evening", "weekend"),
        size=(4, 80),
        weight=5,
    ),
    Industry(
        "warehouse",
        job_types=("warehouse", "picker packer", "forklift driver", "shipping clerk"),
        kinds=("Logistics", "Distribution", "Supply", "Freight"),
        wage=(17, 23),
        shifts=("day", "evening", "night"),
        size=(30, 400),
        weight=4,
    ),
    Industry(
        "health care",
        job_types=("dietary aide", "housekeeping", "patient transport", "cna"),
        kinds=("Senior Living", "Care Center", "Clinic", "Home Care"),
        wage=(16, 21),
        shifts=("day", "evening", "night", "weekend"),
        size=(25, 300),
        weight=4,
    ),
    Industry(
        "manufacturing",
        job_types=("assembler", "machine operator", "packer", "quality inspector"),
        kinds=("Manufacturing", "Works", "Fabrication", "Products"),
        wage=(17, 24),
        shifts=("day", "evening", "night"),
        size=(20, 350),
        weight=4,
    ),
    Industry(
        "hospitality",
        job_types=("housekeeping", "front desk", "laundry attendant"),
        kinds=("Inn", "Suites", "Hotel", "Lodge"),
        wage=(14, 18),
        shifts=("day", "evening", "weekend"),
        size=(10, 120),
        weight=3,
    ),
    Industry(
        "office",
        job_types=("receptionist", "data entry", "mail clerk"),
        kinds=("Associates", "Services", "Insurance", "Print Shop"),
        wage=(16, 21),
        shifts=("day",),
        size=(5, 90),
        weight=3,
    ),
    Industry(
        "building services",
        job_types=("custodian", "groundskeeper", "maintenance"),
        kinds=("Cleaning", "Property Care", "Facility Services"),
        wage=(15, 20),
        shifts=("day", "evening", "night"),
        size=(8, 120),
        weight=3,
    ),
    Industry(
        "automotive",
        job_types=("car wash attendant", "detailer", "lube technician"),
        kinds=("Car Wash", "Auto Care", "Motors"),
        wage=(14, 18),
        shifts=("day", "weekend"),
        size=(5, 40),
        weight=2,
    ),
    Industry(
        "animal care",
        job_types=("kennel attendant", "groomer assistant"),
        kinds=("Pet Lodge", "Animal Clinic", "Kennels"),
        wage=(13, 16),
        shifts=("day", "weekend"),
        size=(4, 30),
        weight=2,
    ),
    Industry(
        "landscaping",
        job_types=("landscaping", "laborer", "groundskeeper"),
        kinds=("Landscaping", "Lawn & Garden", "Nursery"),
        wage=(16, 21),
        shifts=("day",),
        size=(5, 60),
        weight=2,
    ),
    Industry(
        "childcare",
        job_types=("childcare aide", "cook"),
        kinds=("Learning Center", "Child Care", "Preschool"),
        wage=(14, 17),
        shifts=("day",),
        size=(6, 40),
        weight=2,
    ),
)

NAME_WORDS: tuple[str, ...] = (
    "Bluestem",
    "Copperleaf",
    "Fernwood",
    "Marigold",
    "Juniper Row",
    "Ironwood",
    "Thistledown",
    "Larkspur",
    "Wrenfield",
    "Kettle Hollow",
    "Cobble Lane",
    "Maple Fork",
    "Silver Birch",
    "Tamarack Bend",
    "Quillfeather",
    "Bramblegate",
    "Hollowreed",
    "Sunfern",
    "Pebblecreek",
    "Lindenmoor",
    "Otterbrook",
    "Cinderpine",
    "Foxglove",
    "Meadowlark Hill",
    "Stonewick",
    "Amberfield",
    "Harrowgate",
    "Bellflower",
    "Cedarknoll",
    "Duskwater",
)

STREET_NAMES: tuple[str, ...] = (
    "Example St",
    "Example Ave",
    "Sample Rd",
    "Sample Ln",
    "Demo Way",
    "Demo Blvd",
    "Example Pkwy",
    "Sample Ct",
)

FIRST_NAMES: tuple[str, ...] = (
    "Alex", "Blair", "Casey", "Dana", "Emery", "Finley", "Gale", "Harper", "Indy", "Jordan",
    "Kai", "Lane", "Marlow", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Tatum",
    "Val", "Wren", "Yael", "Zion", "Rowan", "Skyler", "Jules", "Ari", "Bailey", "Devon",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Example", "Sample", "Placeholder", "Demo", "Specimen", "Mockwell", "Testwood",
    "Fictive", "Pretendale", "Imagino",
)  # fmt: skip

PERSON_TITLES: tuple[tuple[str, bool], ...] = (
    ("Owner", True),
    ("Hiring manager", True),
    ("Store manager", True),
    ("HR generalist", True),
    ("Kitchen manager", True),
    ("Operations manager", True),
    ("Shift supervisor", False),
    ("Assistant manager", False),
)
"""Titles of people at employers, and whether they make hiring decisions."""

STRENGTHS: tuple[str, ...] = (
    "punctual",
    "friendly with customers",
    "careful with details",
    "strong and steady",
    "good with numbers",
    "learns by doing",
    "works well alone",
    "calm under pressure",
    "likes routine",
    "good with animals",
)

VISIT_OUTCOMES: dict[VisitPurpose, tuple[tuple[str, str], ...]] = {
    VisitPurpose.INTRODUCE: (
        ("Met the manager; agreed to a short visit next week.", "learn the business"),
        ("Owner busy; left a card and set a time to come back.", "learn the business"),
    ),
    VisitPurpose.LEARN_BUSINESS: (
        ("Heard how hiring works; hardest to fill is weekend shifts.", "thank-you note"),
        ("Toured the floor; they want people who are steady and on time.", "thank-you note"),
    ),
    VisitPurpose.FOLLOW_UP: (
        ("Brought the schedule they asked about; still hiring in spring.", "keep in touch"),
        ("Checked in; new manager starts next month.", "meet the new manager"),
    ),
    VisitPurpose.PRESENT_JOB_SEEKER: (
        ("Described a job seeker's strengths; manager wants to meet them.", "set up a meeting"),
        ("Asked about openings not posted yet; one expected soon.", "follow up in two weeks"),
    ),
    VisitPurpose.SUPPORT: (
        ("Checked in with the supervisor; going well.", "check in next week"),
        ("Talked through a schedule change with the supervisor.", "check in next week"),
    ),
}
"""What came of a visit and the next step, by purpose."""

VISIT_SLOTS = tuple(dt.time(h, m) for h, m in ((9, 0), (9, 45), (10, 30), (11, 15), (13, 0),
                                         (13, 45), (14, 30), (15, 15)))  # fmt: skip
"""The times of day a demo visit may start (none over lunch)."""

VISIT_MINUTES = {
    VisitPurpose.INTRODUCE: 15,
    VisitPurpose.LEARN_BUSINESS: 30,
    VisitPurpose.FOLLOW_UP: 20,
    VisitPurpose.PRESENT_JOB_SEEKER: 30,
    VisitPurpose.SUPPORT: 30,
}
"""How long an in-person visit takes, by purpose."""

FIT_NOTES: tuple[tuple[dict[str, tuple[str, str | None]], str, str], ...] = (
    ({"job_type": ("good", "on the list"), "schedule": ("good", None),
      "distance": ("partial", "one bus change")}, "good", "Liked the pace and the crew."),
    ({"job_type": ("good", None), "wage": ("good", None),
      "schedule": ("poor", "weekend shifts only")}, "partial", "Would try it on weekdays."),
    ({"job_type": ("partial", "stocking, not the register"), "distance": ("good", None)},
     "good", "Wants to start with mornings."),
)  # fmt: skip
"""Job-fit notes: ratings by factor (rating, comment), the overall rating, the text."""
