"""How ips-jobdev records become Salesforce Account, Contact and Event fields.

The records arrive already redacted for the ``employer-facing`` audience. Each function
returns the fields of one record by API name, with parents referenced by their external
id (``"Account": {"IPS_Jobdev_Id__c": "employer-3"}``, and for Event's polymorphic
``What``/``Who`` with the parent's type in ``attributes``), as the REST API takes them.
:func:`csv_row` turns the same fields into a Bulk API 2.0 CSV row.

Empty values are left out rather than sent as null: ips-jobdev fills fields but never
blanks what someone else typed in Salesforce. ``WhoId`` is the exception: a visit with no
person met clears the contact it had before.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

from ips_jobdev._phones import PhoneNumber
from ips_jobdev.adapters import EmployerRecord, PersonRecord, VisitRecord

__all__ = [
    "CSV_COLUMNS",
    "STANDARD_INDUSTRIES",
    "account_fields",
    "contact_fields",
    "csv_header",
    "csv_row",
    "event_fields",
    "industry_value",
    "salesforce_datetime",
    "salesforce_phone",
    "split_name",
]

_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le", "st.", "bin"}
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "Account": (
        "Name",
        "Phone",
        "Website",
        "BillingStreet",
        "BillingCity",
        "BillingState",
        "BillingPostalCode",
        "Industry",
    ),
    "Contact": ("FirstName", "LastName", "Title", "Phone", "Email", "Account"),
    "Event": ("Subject", "StartDateTime", "EndDateTime", "Location", "Description", "What", "Who"),
}
"""The columns of each object's CSV file, before the external id column (first)."""


STANDARD_INDUSTRIES: tuple[str, ...] = (
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
    "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
    "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government",
    "Healthcare", "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media",
    "Not For Profit", "Other", "Recreation", "Retail", "Shipping", "Technology",
    "Telecommunications", "Transportation", "Utilities",
)  # fmt: skip
"""The values of the standard Account ``Industry`` picklist in a new org.

``Industry`` is a picklist: a value not in its list is refused when an admin has made
the list restricted (``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST``), and otherwise stored
as a value no one can pick or filter on in the page layout (the Metadata API's
``restrictedPicklist``: "only an admin can add or change values",
https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_picklist.htm).
So ips-jobdev's free-text industry goes to a custom text field by default, and into
``Industry`` only when it matches one of the list's values."""

_NANP_RE = re.compile(r"^\+1([2-9]\d{2})([2-9]\d{2})(\d{4})(?:;ext=(\d+))?$")


def industry_value(text: str | None, *, picklist: tuple[str, ...] | None = None) -> str | None:
    """The industry as sent: title-cased text, or with a ``picklist`` the matching value.

    >>> industry_value("food service"), industry_value("retail", picklist=STANDARD_INDUSTRIES)
    ('Food Service', 'Retail')
    >>> industry_value("food service", picklist=STANDARD_INDUSTRIES) is None
    True
    """
    value = _title_case(text)
    if value is None or picklist is None:
        return value
    wanted = " ".join(value.split()).casefold()
    return next((choice for choice in picklist if choice.casefold() == wanted), None)


def salesforce_datetime(moment: dt.datetime) -> str:
    """A dateTime as Salesforce writes it: UTC, milliseconds, ``Z``.

    >>> chicago = dt.timezone(dt.timedelta(hours=-6))
    >>> salesforce_datetime(dt.datetime(2025, 3, 4, 9, 30, tzinfo=chicago))
    '2025-03-04T15:30:00.000Z'
    """
    # fold in the key: two times of the repeated hour in one zone compare equal
    return _utc_text(moment, moment.fold)


@functools.lru_cache(maxsize=4096)
def _utc_text(moment: dt.datetime, fold: int) -> str:
    # two per Event, and visits start and end on the same few times of day: remembered
    # (equal moments are the same instant, whatever their zone); isoformat, not strftime
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds") + "Z"


def salesforce_phone(stored: str | None) -> str | None:
    """A phone for a Phone field: North American numbers as ``(608) 555-0101``, others E.164.

    >>> salesforce_phone("+16085550142;ext=12")
    '(608) 555-0142 ext. 12'
    """
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


def split_name(name: str) -> tuple[str | None, str]:
    """A person's name as (FirstName, LastName); LastName is never empty.

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


def _clip(text: str | None, size: int) -> str | None:
    if not text:
        return None
    return text if len(text) <= size else text[: size - 1] + "…"


def _title_case(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(word[:1].upper() + word[1:] for word in text.split())


def _present(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def account_fields(
    record: EmployerRecord,
    *,
    external_id_field: str,
    key: str,
    industry_field: str | None,
    industry_picklist: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """An employer as an Account (the industry only when it fits ``industry_picklist``,
    when one is given)."""
    fields = {
        external_id_field: key,
        "Name": _clip(record.name, 255),
        "Phone": salesforce_phone(record.phone),
        "Website": _clip(record.website, 255),
        "BillingStreet": _clip(record.street, 255),
        "BillingCity": _clip(record.city, 40),
        "BillingState": _clip(record.state, 80),
        "BillingPostalCode": record.zip,
    }
    if industry_field:
        fields[industry_field] = _clip(
            industry_value(record.industry, picklist=industry_picklist), 255
        )
    return _present(fields)


def contact_fields(
    record: PersonRecord, *, external_id_field: str, key: str, account_key: str
) -> dict[str, Any]:
    """A person at an employer as a Contact of that employer's Account."""
    first, last = split_name(record.name)
    return _present(
        {
            external_id_field: key,
            "FirstName": _clip(first, 40),
            "LastName": _clip(last, 80),
            "Title": _clip(record.title, 128),
            "Phone": salesforce_phone(record.phone),
            "Email": record.email,
            "Account": {external_id_field: account_key},
        }
    )


def event_fields(
    record: VisitRecord,
    *,
    external_id_field: str,
    key: str,
    account_key: str,
    contact_key: str | None,
) -> dict[str, Any]:
    """A visit as an Event on the employer's Account, with the person met as ``Who``.

    Cancelled visits never come here: Event has no status field, so the adapter deletes
    the Event instead.
    """
    # built in one pass, in the order sent, leaving out empty values as they come (an
    # export builds one for every visit)
    # (and clipping as _clip does, without a call for each text)
    fields: dict[str, Any] = {external_id_field: key}
    subject = record.title
    if subject:
        fields["Subject"] = subject if len(subject) <= 255 else subject[:254] + "…"
    start, end = record.start, record.end
    fields["StartDateTime"] = _utc_text(start, start.fold)
    fields["EndDateTime"] = _utc_text(end, end.fold)
    location = record.employer_address
    if location:
        fields["Location"] = location if len(location) <= 255 else location[:254] + "…"
    description = record.description
    if description:
        fields["Description"] = (
            description if len(description) <= 32000 else description[:31999] + "…"
        )
    fields["What"] = {"attributes": {"type": "Account"}, external_id_field: account_key}
    if contact_key is None:
        fields["WhoId"] = None
    else:
        fields["Who"] = {"attributes": {"type": "Contact"}, external_id_field: contact_key}
    return fields


def csv_header(sobject: str, external_id_field: str, industry_field: str | None) -> list[str]:
    """The header row of one object's Bulk API 2.0 CSV file (API names, relationships)."""
    header = [external_id_field]
    for column in CSV_COLUMNS[sobject]:
        if column == "Industry":
            if industry_field:
                header.append(industry_field)
        elif column == "Account":
            header.append(f"Account.{external_id_field}")
        elif column == "What":
            header.append(f"Account:What.{external_id_field}")
        elif column == "Who":
            header.append(f"Contact:Who.{external_id_field}")
        else:
            header.append(column)
    return header


def csv_row(fields: Mapping[str, Any], header: list[str]) -> list[str]:
    """One CSV row for ``header`` from :func:`account_fields`-style fields.

    A reference becomes the parent's external id under its relationship column; a value
    left out becomes an empty cell (Bulk API 2.0 leaves the field as it is).
    """
    flat: dict[str, str] = {}
    for name, value in fields.items():
        if isinstance(value, dict):
            kind = (value.get("attributes") or {}).get("type")
            for inner, ref in value.items():
                if inner != "attributes":
                    flat[f"{kind}:{name}.{inner}" if kind else f"{name}.{inner}"] = str(ref)
        elif value is not None:
            flat[name] = str(value)
    return [flat.get(column, "") for column in header]
