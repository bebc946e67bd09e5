"""Reading CSV files as spreadsheets save them: encodings, BOM, line ends, header spellings,
and the cell values (yes/no, dates, times with offsets) the importers accept."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ips_jobdev._importing.csvfile import (
    decode_bytes,
    normalize_header,
    read_table,
    write_rejects,
)
from ips_jobdev._importing.values import (
    NO_WORDS,
    YES_WORDS,
    parse_aware_datetime,
    parse_date,
    parse_number,
    parse_phone_quickly,
    parse_whole_number,
    parse_yes_no,
    split_list,
)
from ips_jobdev._phones import PhoneNumber, parse_phone
from ips_jobdev.errors import ValidationError

KNOWN = ("name", "job_types", "zip", "do_not_contact", "contact_email")
TEXT = "Name,Job Types,ZIP\nCafé Olé,barista;cashier,53703\nExample Hardware,stock,53704\n"


def _rows(data: bytes) -> list[dict[str, str]]:
    table = read_table(io.BytesIO(data), known=KNOWN, required=("name",))
    return [table.values(row) for row in table.rows]


EXPECTED = [
    {"name": "Café Olé", "job_types": "barista;cashier", "zip": "53703"},
    {"name": "Example Hardware", "job_types": "stock", "zip": "53704"},
]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("cp1252"), "windows-1252"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8-sig"),
        (TEXT.replace("\n", "\r\n").encode("cp1252"), "windows-1252"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "utf8-crlf", "utf8-bom-crlf", "cp1252-crlf"],
)
def test_every_saved_form_of_the_same_file_reads_the_same(data: bytes, encoding: str) -> None:
    table = read_table(io.BytesIO(data), known=KNOWN)
    assert table.encoding == encoding
    assert table.header == ("Name", "Job Types", "ZIP")
    assert [table.values(row) for row in table.rows] == EXPECTED


def test_a_bom_does_not_end_up_in_the_first_header() -> None:
    table = read_table(io.BytesIO(codecs.BOM_UTF8 + b"name\nExample Bakery\n"), known=KNOWN)
    assert table.columns == ("name",)


def test_windows_1252_curly_quotes_and_dashes_decode() -> None:
    text, encoding = decode_bytes("O\u2019Brien \u2013 Caf\u00e9".encode("cp1252"))
    assert (text, encoding) == ("O\u2019Brien \u2013 Caf\u00e9", "windows-1252")


def test_utf16_is_refused_with_advice_to_save_as_csv_utf8() -> None:
    with pytest.raises(ValidationError) as caught:
        decode_bytes(TEXT.encode("utf-16"))
    assert caught.value.field == "encoding"
    assert "CSV UTF-8" in caught.value.reason


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused() -> None:
    with pytest.raises(ValidationError, match="neither UTF-8 nor Windows-1252"):
        decode_bytes(b"name\nab\x81c\n")


def test_line_numbers_count_physical_lines_including_quoted_newlines_and_blanks() -> None:
    data = b'name,notes\r\nA Co,"two\r\nlines"\r\n\r\nB Co,x\r\n'
    table = read_table(io.BytesIO(data), known=("name", "notes"))
    assert [row.line for row in table.rows] == [2, 5]
    assert table.values(table.rows[0])["notes"] == "two\r\nlines"


def test_blank_rows_are_skipped_and_cells_are_trimmed() -> None:
    table = read_table(io.BytesIO(b"name,zip\n  A Co , 53703 \n,\n \n"), known=KNOWN)
    assert [table.values(r) for r in table.rows] == [{"name": "A Co", "zip": "53703"}]


def test_unknown_columns_are_warnings_not_errors() -> None:
    table = read_table(io.BytesIO(b"name,Fax,,reason\nA Co,1,2,3\n"), known=KNOWN)
    assert table.columns == ("name", None, None, None)
    assert table.warnings == (
        "unknown column 'Fax' was ignored",
        "unknown column 'column 3 (no header)' was ignored",
    )


def test_a_missing_required_column_names_it_and_the_header_found() -> None:
    with pytest.raises(ValidationError) as caught:
        read_table(io.BytesIO(b"company,zip\nA Co,53703\n"), known=KNOWN, required=("name",))
    assert caught.value.field == "header"
    assert "'name'" in caught.value.reason
    assert "'company'" in caught.value.reason


def test_two_headers_for_the_same_column_are_refused() -> None:
    with pytest.raises(ValidationError, match="both 'job_types'"):
        read_table(io.BytesIO(b"name,Job Types,job-types\nA,b,c\n"), known=KNOWN)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError, match="empty"):
        read_table(io.BytesIO(b"\n\n"), known=KNOWN)


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        read_table(tmp_path / "nope.csv", known=KNOWN)


def test_aliases_map_other_spellings_onto_a_column() -> None:
    table = read_table(
        io.BytesIO(b"IPS Start\n2026-01-05\n"),
        known=("enrolled_on",),
        aliases={"ips_start": "enrolled_on"},
    )
    assert table.columns == ("enrolled_on",)


def test_extra_cells_beyond_the_header_are_counted() -> None:
    table = read_table(io.BytesIO(b"name,zip\nSmith, Jones and Co,53703\n"), known=KNOWN)
    assert table.extra_cells(table.rows[0]) == 1


def test_rejects_file_keeps_the_original_columns_and_adds_a_reason(tmp_path: Path) -> None:
    out = tmp_path / "rejects.csv"
    write_rejects(out, ["Name", "ZIP"], [(("A Co", "5370"), "zip: not a ZIP")])
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [["Name", "ZIP", "reason"], ["A Co", "5370", "zip: not a ZIP"]]


def test_rejects_file_overwrites_an_existing_reason_column(tmp_path: Path) -> None:
    out = tmp_path / "rejects.csv"
    write_rejects(out, ["Name", "Reason"], [(("A Co", "old reason"), "new reason")])
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows == [["Name", "Reason"], ["A Co", "new reason"]]


# -- header spellings ------------------------------------------------------------------------

_separators = st.lists(st.sampled_from([" ", "-", "_", "  ", " - ", "__"]), min_size=4, max_size=4)


@given(
    column=st.sampled_from(KNOWN),
    separators=_separators,
    upper=st.lists(st.booleans(), min_size=20, max_size=20),
    pad=st.tuples(st.sampled_from(["", " ", "\t"]), st.sampled_from(["", " ", "  "])),
)
def test_any_case_and_separator_spelling_matches_the_column(
    column: str, separators: list[str], upper: list[bool], pad: tuple[str, str]
) -> None:
    words = column.split("_")
    spelled = words[0]
    for sep, word in zip(separators, words[1:], strict=False):
        spelled += sep + word
    spelled = "".join(
        c.upper() if up else c for c, up in zip(spelled, upper + [False] * 40, strict=False)
    )
    header = pad[0] + spelled + pad[1]
    assert normalize_header(header) == column
    table = read_table(io.BytesIO(f'"{header}"\nx\n'.encode()), known=KNOWN)
    assert table.columns == (column,)


# -- cell values ----------------------------------------------------------------------------


def _respell(word: str, data: st.DataObject) -> str:
    flips = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    cased = "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True))
    return data.draw(st.sampled_from(["", " "])) + cased + data.draw(st.sampled_from(["", " "]))


@given(word=st.sampled_from(["yes", "true", "y", "1"]), data=st.data())
def test_yes_spellings_in_any_case_read_as_true(word: str, data: st.DataObject) -> None:
    assert parse_yes_no(_respell(word, data)) is True


@given(word=st.sampled_from(["no", "false", "n", "0"]), data=st.data())
def test_no_spellings_in_any_case_read_as_false(word: str, data: st.DataObject) -> None:
    assert parse_yes_no(_respell(word, data)) is False


@given(st.text(min_size=1).filter(lambda t: t.strip().lower() not in YES_WORDS | NO_WORDS))
def test_anything_else_is_not_yes_or_no(text: str) -> None:
    with pytest.raises(ValueError, match="not yes or no"):
        parse_yes_no(text)


def test_dates_read_iso_and_us_spreadsheet_forms() -> None:
    assert parse_date("2026-03-02") == dt.date(2026, 3, 2)
    assert parse_date("3/2/2026") == dt.date(2026, 3, 2)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("2026-02-30")


def test_times_need_a_utc_offset() -> None:
    at = parse_aware_datetime("2026-03-02T10:00-06:00")
    assert at == dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)
    assert parse_aware_datetime("2026-03-02T16:00:00Z") == at
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_aware_datetime("2026-03-02T10:00")
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_aware_datetime("2026-03-02")
    with pytest.raises(ValueError, match="not an ISO 8601"):
        parse_aware_datetime("next Tuesday")


def test_numbers_are_checked() -> None:
    assert parse_whole_number(" 20 ") == 20
    assert parse_number("7.5") == 7.5
    with pytest.raises(ValueError, match="not a whole number"):
        parse_whole_number("20.5")
    with pytest.raises(ValueError, match="below zero"):
        parse_whole_number("-1")
    for bad, reason in [("far", "not a number"), ("nan", "not a number"), ("-2", "below zero")]:
        with pytest.raises(ValueError, match=reason):
            parse_number(bad)


def test_lists_split_on_semicolons_and_drop_blanks() -> None:
    assert split_list(" J-1 ; ;J-2;") == ["J-1", "J-2"]


_PHONE_FORMS = [
    "{a}-{e}-{l}",
    "({a}) {e}-{l}",
    "{a}.{e}.{l}",
    "{a}{e}{l}",
    "+1 {a} {e} {l}",
    "1-{a}-{e}-{l}",
    "+1 ({a}) {e}-{l}",
    " {a}-{e}-{l} ",
]
_EXTENSIONS = ["", " x{x}", "x{x}", " ext. {x}", " ext {x}", " extension {x}", " X{x}"]


@given(
    area=st.integers(100, 999),
    exchange=st.integers(0, 999),
    line=st.integers(0, 9999),
    form=st.sampled_from(_PHONE_FORMS),
    extension=st.sampled_from(_EXTENSIONS),
    digits=st.integers(0, 99_999_999),
)
def test_quick_phone_parsing_agrees_with_parse_phone(
    area: int, exchange: int, line: int, form: str, extension: str, digits: int
) -> None:
    text = form.format(a=area, e=f"{exchange:03d}", l=f"{line:04d}") + extension.format(x=digits)
    assert _outcome(parse_phone_quickly, text) == _outcome(parse_phone, text)


def _outcome(parser: Callable[[str], PhoneNumber], text: str) -> PhoneNumber | str:
    """The parsed number, or the reason it was refused."""
    try:
        return parser(text)
    except ValidationError as exc:
        return exc.reason


def test_quick_phone_parsing_leaves_other_countries_to_parse_phone() -> None:
    assert parse_phone_quickly("+44 20 7946 0958").e164 == "+442079460958"
    assert parse_phone_quickly("(416) 555-0199") == parse_phone("416-555-0199")  # Canada
    with pytest.raises(ValidationError, match="'608-555-01' is not a valid phone number"):
        parse_phone_quickly("608-555-01")
