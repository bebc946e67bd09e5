"""Phone numbers are parsed with phonenumbers and kept as E.164 plus an extension."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev._phones import PhoneNumber, parse_phone
from ips_jobdev.errors import ValidationError


@pytest.mark.parametrize(
    "text",
    [
        "608-555-0142",
        "(608) 555-0142",
        "608.555.0142",
        "6085550142",
        "+1 608 555 0142",
        "1-608-555-0142",
        "+16085550142",
        "  608 555 0142  ",
    ],
)
def test_us_numbers_in_any_common_spelling_give_the_same_e164(text: str) -> None:
    number = parse_phone(text)
    assert number == PhoneNumber("+16085550142", None)
    assert number.national == "(608) 555-0142"
    assert str(number) == "(608) 555-0142"


@pytest.mark.parametrize(
    ("text", "extension"),
    [
        ("608-555-0142 x12", "12"),
        ("(608) 555-0142 ext. 12", "12"),
        ("608 555 0142 extension 12", "12"),
        ("tel:+1-608-555-0142;ext=12", "12"),
    ],
)
def test_extension_is_kept_apart_and_shown_in_national_format(text: str, extension: str) -> None:
    number = parse_phone(text)
    assert (number.e164, number.extension) == ("+16085550142", extension)
    assert number.national == f"(608) 555-0142 ext. {extension}"


def test_storage_form_is_rfc3966_and_reads_back() -> None:
    with_ext = parse_phone("608-555-0142 x3")
    assert with_ext.to_storage() == "+16085550142;ext=3"
    assert PhoneNumber.from_storage(with_ext.to_storage()) == with_ext
    plain = parse_phone("608-555-0142")
    assert plain.to_storage() == "+16085550142"
    assert PhoneNumber.from_storage("+16085550142") == plain


@pytest.mark.parametrize("last_two", ["00", "01", "42", "99"])
def test_fictional_555_01xx_numbers_are_accepted_as_valid(last_two: str) -> None:
    assert parse_phone(f"608-555-01{last_two}").e164 == f"+160855501{last_two}"


def test_a_number_with_its_own_country_code_is_not_forced_into_the_us() -> None:
    number = parse_phone("+44 20 7946 0958")
    assert number.e164 == "+442079460958"
    assert number.national == "020 7946 0958"


def test_region_argument_reads_numbers_written_without_a_country_code() -> None:
    assert parse_phone("020 7946 0958", region="GB").e164 == "+442079460958"


@pytest.mark.parametrize("text", ["not a phone", "call me", "@@@"])
def test_unparseable_text_is_an_error_that_quotes_it(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_phone(text, record="Employer", field="phone")
    assert caught.value.record == "Employer"
    assert caught.value.field == "phone"
    assert repr(text) in str(caught.value)
    assert "is not a phone number" in str(caught.value)


@pytest.mark.parametrize("text", ["608-555-01", "123", "608-555-01420000", "000-000-0000"])
def test_invalid_number_is_an_error_that_quotes_it(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_phone(text)
    assert repr(text) in str(caught.value)
    assert "is not a valid phone number" in str(caught.value)


def test_empty_number_is_an_error() -> None:
    with pytest.raises(ValidationError, match="empty phone number"):
        parse_phone("   ")


def test_a_parsed_number_passes_through_unchanged() -> None:
    number = PhoneNumber("+16085550100", "4")
    assert parse_phone(number) is number


@st.composite
def written_fictional_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A 608-555-01xx number as a person might type it, and its E.164 form."""
    last = f"{draw(st.integers(0, 99)):02d}"
    area, exchange, line = "608", "555", f"01{last}"
    sep = draw(st.sampled_from(["", " ", "-", ".", "  "]))
    sep2 = draw(st.sampled_from([sep, " ", "-", "."]))
    area_form = draw(st.sampled_from([area, f"({area})", f"({area}) "]))
    if area_form.startswith("("):
        body = f"{area_form}{sep.strip() if area_form.endswith(' ') else sep}{exchange}{sep2}{line}"
    else:
        body = f"{area_form}{sep}{exchange}{sep2}{line}"
    prefix = draw(st.sampled_from(["", "+1 ", "+1", "1 ", "1-", "+1-", "+1."]))
    padding = draw(st.sampled_from(["", " ", "\t"]))
    return f"{padding}{prefix}{body}{padding}", f"+1608555{line}"


@given(written_fictional_numbers())
def test_any_formatting_of_a_608_555_01xx_number_gives_its_e164(case: tuple[str, str]) -> None:
    text, e164 = case
    number = parse_phone(text)
    assert number.e164 == e164
    assert number.extension is None
    assert parse_phone(number.national) == number
