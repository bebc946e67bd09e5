"""Phone numbers: parsed with ``phonenumbers``, stored as E.164 plus an extension.

>>> p = parse_phone("(608) 555-0142 x12")
>>> p.e164, p.extension, p.national
('+16085550142', '12', '(608) 555-0142 ext. 12')
"""

from __future__ import annotations

from types import ModuleType

import attrs

from ips_jobdev.errors import ValidationError

__all__ = ["PhoneNumber", "parse_phone"]

DEFAULT_REGION = "US"


def _phonenumbers() -> ModuleType:
    # imported on first use: most commands read and print stored numbers without it
    import phonenumbers

    return phonenumbers


@attrs.frozen(slots=True)
class PhoneNumber:
    """A valid phone number: ``e164`` (``+16085550142``) and an optional ``extension``."""

    e164: str
    extension: str | None = None

    @property
    def national(self) -> str:
        """The number as people in its country write it, with the extension."""
        pn = _phonenumbers()
        number = pn.parse(self.e164)
        if self.extension:
            number.extension = self.extension
        return str(pn.format_number(number, pn.PhoneNumberFormat.NATIONAL))

    def __str__(self) -> str:
        return self.national

    def to_storage(self) -> str:
        """One string for the database: ``+16085550142`` or ``+16085550142;ext=12`` (RFC 3966)."""
        return f"{self.e164};ext={self.extension}" if self.extension else self.e164

    @classmethod
    def from_storage(cls, text: str) -> PhoneNumber:
        """Inverse of :meth:`to_storage`."""
        e164, _, extension = text.partition(";ext=")
        return cls(e164, extension or None)


def parse_phone(
    text: str | PhoneNumber,
    *,
    region: str = DEFAULT_REGION,
    record: str = "phone",
    field: str = "phone",
) -> PhoneNumber:
    """Parse what a person typed into a :class:`PhoneNumber`.

    Args:
        text: the number as written (``608-555-0142``, ``+1 608 555 0142 ext 3``).
        region: the region assumed for numbers written without a country code.
        record: the record name used in the error message.
        field: the field name used in the error message.

    Raises:
        ValidationError: the text is not a number, or not a valid one; the message quotes it.
    """
    if isinstance(text, PhoneNumber):
        return text
    raw = text.strip()
    if not raw:
        raise ValidationError(record, field, "empty phone number")
    pn = _phonenumbers()
    try:
        number = pn.parse(raw, region)
    except pn.NumberParseException as exc:
        raise ValidationError(record, field, f"{text!r} is not a phone number ({exc})") from None
    if not pn.is_valid_number(number):
        raise ValidationError(record, field, f"{text!r} is not a valid phone number")
    e164 = str(pn.format_number(number, pn.PhoneNumberFormat.E164))
    return PhoneNumber(e164, number.extension or None)
