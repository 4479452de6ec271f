"""Reading supplier lists, hostile ones included, and writing reports no spreadsheet runs."""

from __future__ import annotations

import csv
import io

import pytest

from registry.watchlists.suppliers import (
    MAX_BYTES,
    MAX_CELL,
    MAX_ROWS,
    TEMPLATE,
    SupplierListError,
    SupplierListTooLarge,
    parse,
    safe_cell,
    write,
)


def test_the_template_reads_as_two_suppliers() -> None:
    rows = parse(TEMPLATE.encode())
    assert [r.name for r in rows] == ["Example Manpower Inc.", "Another Agency Pvt. Ltd."]
    assert rows[0].certificate_code == "RM-XXXX-XXXX"
    assert rows[1].licence_number == ""


def test_bom_semicolons_and_header_spellings() -> None:
    data = "\ufeffSupplier Name;Country;License No;Certificate\r\nÁgencia Núñez;PH;A-1;\r\n"
    (row,) = parse(data.encode("utf-8"))
    assert (row.name, row.country, row.licence_number) == ("Ágencia Núñez", "PH", "A-1")


def test_windows_1252_is_read() -> None:
    (row,) = parse("name,country\nAgência Núñez,PH\n".encode("cp1252"))
    assert row.name == "Agência Núñez"


def test_tabs_blank_lines_and_quoted_commas() -> None:
    rows = parse(b'name\tcountry\n\n"Acme, Inc."\tPH\n\t\n')
    assert [(r.line, r.name) for r in rows] == [(1, "Acme, Inc.")]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"", "file"),
        (b"foo,bar\n1,2\n", "file"),  # no known column
        (b"name,country\n", "file"),  # nobody under the header
        (b"name,country\n\x00x,PH\n", "file"),
        (b"name,country\nA,PH\n,PH\n", "rows[2].name"),  # nothing to match by
        (b"name,country\n" + b"x" * (MAX_CELL + 1) + b",PH\n", "rows[1].name"),
    ],
)
def test_problems_name_the_row_and_field(data: bytes, field: str) -> None:
    with pytest.raises(SupplierListError) as caught:
        parse(data)
    assert caught.value.field == field


def test_limits_are_too_large_not_merely_invalid() -> None:
    with pytest.raises(SupplierListTooLarge):
        parse(b"name\n" + b"a\n" * (MAX_BYTES // 2 + 1))
    with pytest.raises(SupplierListTooLarge):
        parse(b"name\n" + b"".join(b"s%d\n" % i for i in range(MAX_ROWS + 1)))


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK()"])
def test_formula_cells_are_defused(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert safe_cell("Acme") == "Acme"
    assert safe_cell(None) == ""


def test_written_csv_is_safe_and_round_trips() -> None:
    body = write(["name", "note"], [["=cmd|' /C calc'!A0", "ok"], ["Núñez, Ltd", 3]])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["name", "note"], ["'=cmd|' /C calc'!A0", "ok"], ["Núñez, Ltd", "3"]]
