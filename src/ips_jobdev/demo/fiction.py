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
    Zip("53703", "Madison", 43.0775, -89.3831, 0.97, 9),
    Zip("53704", "Madison", 43.1205, -89.3523, 0.85, 8),
    Zip("53705", "Madison", 43.0730, -89.4528, 0.90, 5),
    Zip("53711", "Madison", 43.0356, -89.4526, 0.85, 6),
    Zip("53713", "Madison", 43.0372, -89.3971, 0.90, 6),
    Zip("53714", "Madison", 43.0977, -89.3118, 0.80, 5),
    Zip("53715", "Madison", 43.0653, -89.4000, 0.95, 4),
    Zip("53716", "Madison", 43.0631, -89.3133, 0.80, 4),
    Zip("53717", "Madison", 43.0736, -89.5080, 0.70, 4),
    Zip("53718", "Madison", 43.0984, -89.2734, 0.60, 4),
    Zip("53719", "Madison", 43.0321, -89.4993, 0.70, 5),
    Zip("53726", "Madison", 43.0696, -89.4239, 0.95, 2),
    Zip("53590", "Sun Prairie", 43.1869, -89.2227, 0.35, 6),
    Zip("53562", "Middleton", 43.1052, -89.5073, 0.45, 6),
    Zip("53593", "Verona", 42.9999, -89.5522, 0.30, 4),
    Zip("53527", "Cottage Grove", 43.0784, -89.2017, 0.05, 2),
    Zip("53575", "Oregon", 42.9295, -89.3870, 0.05, 2),
    Zip("53589", "Stoughton", 42.9290, -89.2240, 0.05, 3),
    Zip("53597", "Waunakee", 43.1818, -89.4532, 0.05, 2),
    Zip("53532", "DeForest", 43.2311, -89.3454, 0.05, 2),
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
        ("cook", "dishwasher", "food prep", "server", "barista"),
        ("Kitchen", "Cafe", "Diner", "Bakery", "Bistro", "Catering"),
        (13, 18),
        ("day", "evening", "weekend"),
        (6, 60),
        7,
    ),
    Industry(
        "grocery",
        ("stocker", "cashier", "deli clerk", "produce clerk"),
        ("Market", "Grocery", "Foods", "Co-op"),
        (14, 19),
        ("day", "evening", "night", "weekend"),
        (15, 150),
        5,
    ),
    Industry(
        "retail",
        ("sales associate", "stocker", "cashier"),
        ("Goods", "Outfitters", "Hardware", "Books", "Thrift"),
        (13, 17),
        ("day", "evening", "weekend"),
        (4, 80),
        5,
    ),
    Industry(
        "warehouse",
        ("warehouse", "picker packer", "forklift driver", "shipping clerk"),
        ("Logistics", "Distribution", "Supply", "Freight"),
        (17, 23),
        ("day", "evening", "night"),
        (30, 400),
        4,
    ),
    Industry(
        "health care",
        ("dietary aide", "housekeeping", "patient transport", "cna"),
        ("Senior Living", "Care Center", "Clinic", "Home Care"),
        (16, 21),
        ("day", "evening", "night", "weekend"),
        (25, 300),
        4,
    ),
    Industry(
        "manufacturing",
        ("assembler", "machine operator", "packer", "quality inspector"),
        ("Manufacturing", "Works", "Fabrication", "Products"),
        (17, 24),
        ("day", "evening", "night"),
        (20, 350),
        4,
    ),
    Industry(
        "hospitality",
        ("housekeeping", "front desk", "laundry attendant"),
        ("Inn", "Suites", "Hotel", "Lodge"),
        (14, 18),
        ("day", "evening", "weekend"),
        (10, 120),
        3,
    ),
    Industry(
        "office",
        ("receptionist", "data entry", "mail clerk"),
        ("Associates", "Services", "Insurance", "Print Shop"),
        (16, 21),
        ("day",),
        (5, 90),
        3,
    ),
    Industry(
        "building services",
        ("custodian", "groundskeeper", "maintenance"),
        ("Cleaning", "Property Care", "Facility Services"),
        (15, 20),
        ("day", "evening", "night"),
        (8, 120),
        3,
    ),
    Industry(
        "automotive",
        ("car wash attendant", "detailer", "lube technician"),
        ("Car Wash", "Auto Care", "Motors"),
        (14, 18),
        ("day", "weekend"),
        (5, 40),
        2,
    ),
    Industry(
        "animal care",
        ("kennel attendant", "groomer assistant"),
        ("Pet Lodge", "Animal Clinic", "Kennels"),
        (13, 16),
        ("day", "weekend"),
        (4, 30),
        2,
    ),
    Industry(
        "landscaping",
        ("landscaping", "laborer", "groundskeeper"),
        ("Landscaping", "Lawn & Garden", "Nursery"),
        (16, 21),
        ("day",),
        (5, 60),
        2,
    ),
    Industry(
        "childcare",
        ("childcare aide", "cook"),
        ("Learning Center", "Child Care", "Preschool"),
        (14, 17),
        ("day",),
        (6, 40),
        2,
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
