"""Supplier lists as CSV, read and written without a database (pure).

A supplier list is what an employer keeps in a spreadsheet: one supplier a row, with its
name, country, licence number and certificate code, any of them possibly blank. Reading is
forgiving where spreadsheets differ (a byte-order mark, `;` or tab instead of `,` as
Excel writes in many locales, header spellings, Windows-1252 instead of UTF-8) and strict
where it must be: a size limit in bytes and rows, every problem naming its row and column.

Writing guards against CSV (formula) injection: a cell a spreadsheet would run as a
formula - starting with `=`, `+`, `-`, `@`, a tab or a carriage return - is prefixed with
`'`, as OWASP recommends, since a report echoes names the uploader (or a provider) typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from registry.errors import InvalidRequestError

MAX_BYTES: Final = 1_000_000  # about 10,000 typical rows; a list beyond is split by its owner
MAX_ROWS: Final = 5_000
MAX_CELL: Final = 200
COLUMNS: Final = ("name", "country", "licence_number", "certificate_code")
# Header spellings people use, in search form (lower case, separators as `_`).
_ALIASES: Final = {
    "name": "name",
    "supplier": "name",
    "supplier_name": "name",
    "legal_name": "name",
    "company": "name",
    "country": "country",
    "licence_number": "licence_number",
    "license_number": "licence_number",
    "licence": "licence_number",
    "license": "licence_number",
    "licence_no": "licence_number",
    "license_no": "licence_number",
    "certificate_code": "certificate_code",
    "certificate": "certificate_code",
    "code": "certificate_code",
}
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

TEMPLATE: Final = (
    "name,country,licence_number,certificate_code\r\n"
    "Example Manpower Inc.,PH,POEA-123-LB-010120-R,RM-XXXX-XXXX\r\n"
    "Another Agency Pvt. Ltd.,NP,,\r\n"
)


class SupplierListError(InvalidRequestError):
    """The file cannot be read as a supplier list; `field` names the row and column
    (`rows[12].country`: the 12th supplier, counting from 1 after the header) or `file`."""


class SupplierListTooLarge(SupplierListError):
    """More bytes or rows than a list may have (answered 413)."""


@dataclass(frozen=True, slots=True)
class SupplierRow:
    """One supplier as typed: cells stripped, blank ones empty strings."""

    line: int  # its number among the suppliers, from 1 (the header not counted)
    name: str
    country: str
    licence_number: str
    certificate_code: str


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # what Excel writes as "CSV" on Windows in many locales
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SupplierListError(
            "the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
            field="file",
        ) from exc


def _dialect(text: str) -> str:
    """The delimiter of the header line: the one of `,` `;` tab it has most of."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: Sequence[str]) -> list[str | None]:
    named: list[str | None] = []
    for cell in cells:
        key = "_".join(cell.strip().lower().replace("-", " ").replace(".", " ").split())
        named.append(_ALIASES.get(key))
    if "name" not in named and "certificate_code" not in named and "licence_number" not in named:
        raise SupplierListError(
            "the first line must name the columns: " + ",".join(COLUMNS) + " (download the "
            "template)",
            field="file",
        )
    return named


def parse(data: bytes) -> list[SupplierRow]:
    """The suppliers of a CSV file, or SupplierListError naming where it is wrong."""
    if len(data) > MAX_BYTES:
        raise SupplierListTooLarge(
            f"the file has {len(data)} bytes; a supplier list may have at most {MAX_BYTES}",
            field="file",
        )
    if b"\x00" in data:
        raise SupplierListError("the file is not text (it contains NUL bytes)", field="file")
    text = _decode(data)
    if not text.strip():
        raise SupplierListError("the file is empty; download the template", field="file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text), strict=True)
    try:
        lines = iter(reader)
        columns = _header(next(lines))
        rows: list[SupplierRow] = []
        for cells in lines:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines between blocks of a spreadsheet
            line = len(rows) + 1
            if line > MAX_ROWS:
                raise SupplierListTooLarge(
                    f"the list has more than {MAX_ROWS} suppliers; split it", field="file"
                )
            rows.append(_row(line, columns, cells))
    except csv.Error as exc:
        raise SupplierListError(
            f"the file is not valid CSV near supplier {len(rows) + 1}: {exc}", field="file"
        ) from exc
    if not rows:
        raise SupplierListError("the list names no supplier under its header", field="file")
    return rows


def _row(line: int, columns: Sequence[str | None], cells: Sequence[str]) -> SupplierRow:
    values = dict.fromkeys(COLUMNS, "")
    for column, cell in zip(columns, cells, strict=False):
        if column is None:
            continue
        value = " ".join(cell.split())
        if len(value) > MAX_CELL:
            raise SupplierListError(
                f"supplier {line}: the {column} has {len(value)} characters; at most {MAX_CELL}",
                field=f"rows[{line}].{column}",
            )
        values[column] = value
    if not (values["name"] or values["licence_number"] or values["certificate_code"]):
        raise SupplierListError(
            f"supplier {line} has no name, licence number or certificate code",
            field=f"rows[{line}].name",
        )
    return SupplierRow(line=line, **values)


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so Excel reads accents right), every cell safe."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
