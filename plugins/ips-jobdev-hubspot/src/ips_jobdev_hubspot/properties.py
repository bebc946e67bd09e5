"""How ips-jobdev records become HubSpot company, contact and meeting properties.

The records arrive already redacted for the ``employer-facing`` audience. Every value is
a string, as the CRM API takes them; empty values are left out rather than sent as ``""``
(which would blank what someone else typed in HubSpot). The unique ``id_property`` is not
among them: the batch upsert sets it from each input's ``id``.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import urllib.parse

from ips_jobdev._phones import PhoneNumber
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.adapters import EmployerRecord, PersonRecord, VisitRecord

__all__ = [
    "company_properties",
    "contact_properties",
    "hubspot_datetime",
    "hubspot_phone",
    "meeting_body",
    "meeting_properties",
    "split_name",
    "website_domain",
]

OUTCOMES = {
    VisitStatus.PLANNED: "SCHEDULED",
    VisitStatus.DONE: "COMPLETED",
    VisitStatus.CANCELLED: "CANCELED",
    # a visit entered in error is sent as cancelled (the core never sends its reason)
    VisitStatus.VOIDED: "CANCELED",
}
"""``hs_meeting_outcome`` for each visit status."""

_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le", "st.", "bin"}
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

_NANP_RE = re.compile(r"^\+1([2-9]\d{2})([2-9]\d{2})(\d{4})(?:;ext=(\d+))?$")


def hubspot_datetime(moment: dt.datetime) -> str:
    """A date-time as HubSpot takes it: UTC ISO 8601 with milliseconds and ``Z``.

    >>> chicago = dt.timezone(dt.timedelta(hours=-6))
    >>> hubspot_datetime(dt.datetime(2026, 12, 7, 10, tzinfo=chicago))
    '2026-12-07T16:00:00.000Z'
    """
    # fold in the key: two times of the repeated hour in one zone compare equal
    return _utc_text(moment, moment.fold)


@functools.lru_cache(maxsize=4096)
def _utc_text(moment: dt.datetime, fold: int) -> str:
    # two per meeting, and visits start and end on the same few times of day: remembered
    # (equal moments are the same instant, whatever their zone)
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def hubspot_phone(stored: str | None) -> str | None:
    """A phone as people write it: ``(608) 555-0142 ext. 12``; outside North America, E.164."""
    if not stored:
        return None
    # North American numbers, the usual case, without a phonenumbers parse (0.4 ms each)
    nanp = _NANP_RE.match(stored)
    if nanp:
        area, exchange, line, extension = nanp.groups()
        return f"({area}) {exchange}-{line}" + (f" ext. {extension}" if extension else "")
    number = PhoneNumber.from_storage(stored)
    if number.e164.startswith("+1"):
        return number.national
    return number.e164 + (f" ext. {number.extension}" if number.extension else "")


def website_domain(website: str | None) -> str | None:
    """The company domain HubSpot matches companies by: host only, no ``www.``.

    >>> website_domain("https://www.Foods.example.org/about")
    'foods.example.org'
    """
    if not website:
        return None
    text = website.strip()
    host = urllib.parse.urlsplit(text if "//" in text else f"//{text}").hostname
    if not host:
        return None
    return host.removeprefix("www.")


def split_name(name: str) -> tuple[str | None, str]:
    """A person's name as (first name, last name); the last name is never empty.

    The last word is the last name, with the lower-case particles before it (``van``,
    ``de``...) and a suffix after it (``Jr.``); ``"Lopez, Maria"`` is read last name first.

    >>> split_name("Maria Lopez"), split_name("Anna van der Berg"), split_name("Cher")
    (('Maria', 'Lopez'), ('Anna', 'van der Berg'), (None, 'Cher'))
    """
    text = " ".join(name.split())
    if "," in text:
        last, _, first = text.partition(",")
        if last.strip() and first.strip():
            return first.strip(), last.strip()
        text = (last + first).strip()
    words = text.split(" ")
    end = len(words)
    if end > 1 and words[-1].lower() in _SUFFIXES:
        end -= 1
    start = end - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    return " ".join(words[:start]) or None, " ".join(words[start:])


def _present(properties: dict[str, str | None]) -> dict[str, str]:
    return {name: value for name, value in properties.items() if value}


def company_properties(record: EmployerRecord, *, industry_property: str | None) -> dict[str, str]:
    """An employer as a company.

    HubSpot's own ``industry`` takes only its fixed list of values, so the employer's
    industry (free text) goes to ``industry_property``, a custom text property.
    """
    properties = {
        "name": record.name,
        "phone": hubspot_phone(record.phone),
        "domain": website_domain(record.website),
        "address": record.street,
        "city": record.city,
        "state": record.state,
        "zip": record.zip,
    }
    if industry_property:
        properties[industry_property] = record.industry
    return _present(properties)


def contact_properties(record: PersonRecord) -> dict[str, str]:
    """A person at an employer as a contact (associated with the company separately)."""
    first, last = split_name(record.name)
    return _present(
        {
            "firstname": first,
            "lastname": last,
            "jobtitle": record.title,
            "phone": hubspot_phone(record.phone),
            "email": record.email,
        }
    )


@functools.lru_cache(maxsize=4096)
def meeting_body(description: str) -> str:
    """The visit's description as the meeting body (rich text: one paragraph a line)."""
    # remembered: an employer-facing description is worded from a few facts (purpose,
    # specialist, person met), so many visits share one
    return "".join(f"<p>{html.escape(line)}</p>" for line in description.splitlines() if line)


def meeting_properties(record: VisitRecord) -> dict[str, str]:
    """A visit as a meeting; the outcome follows the visit: scheduled, completed, canceled."""
    start = hubspot_datetime(record.start)
    return _present(
        {
            "hs_timestamp": start,
            "hs_meeting_title": record.title,
            "hs_meeting_body": meeting_body(record.description),
            "hs_meeting_location": record.employer_address,
            "hs_meeting_start_time": start,
            "hs_meeting_end_time": hubspot_datetime(record.end),
            "hs_meeting_outcome": OUTCOMES[record.status],
        }
    )
