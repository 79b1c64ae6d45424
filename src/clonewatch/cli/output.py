"""Render records as a rich table, JSON lines or CSV: in tables and CSV every string is made inert
(control and bidirectional characters escaped, formulas neutralised; see ``clonewatch.inert``)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from clonewatch.inert import FORMULA_START, has_unsafe, inert, spreadsheet_cell

TABLE_WIDTH = 200  # when a table goes to a file or pipe, which has no width of its own


class OutputFormat(StrEnum):
    TABLE = "table"
    JSONL = "jsonl"
    CSV = "csv"


def choose_format(requested: OutputFormat | None, stream: TextIO) -> OutputFormat:
    """Table on a terminal, JSON lines when piped, unless the user said otherwise."""
    if requested is not None:
        return requested
    return OutputFormat.TABLE if stream.isatty() else OutputFormat.JSONL


def csv_cell(value: Any) -> str:
    """An inert CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, list | tuple):
        text = " ".join(str(v) for v in value)
    elif value is None:
        text = ""
    else:
        text = str(value)
    return spreadsheet_cell(text)


class RecordWriter:
    """Writes dict records in one format; tables are buffered and sorted, the others stream.

    As a context manager it closes on the way out, an error included (the table of what came
    before the error is still printed, as it is for a complete run)."""

    def __init__(
        self,
        fmt: OutputFormat,
        columns: Sequence[str],
        *,
        stream: TextIO | None = None,
        sort_key: str | None = None,
        title: str | None = None,
    ) -> None:
        self.fmt = fmt
        self.columns = list(columns)
        self.stream = stream or sys.stdout
        self.sort_key = sort_key
        self.title = title
        self._rows: list[dict[str, Any]] = []
        self._csv: Any = None
        self._closed = False
        if fmt is OutputFormat.CSV:
            self._csv = csv.writer(self.stream, lineterminator="\n")
            self._csv.writerow(self.columns)

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt is OutputFormat.JSONL:
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif self.fmt is OutputFormat.CSV:
            self._csv.writerow([csv_cell(record.get(column)) for column in self.columns])
        else:
            self._rows.append(record)

    def write_all(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            self.write(record)

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Print the table (if a table), flush; once only."""
        if self._closed:
            return
        self._closed = True
        if self.fmt is OutputFormat.TABLE:
            rows = self._rows
            if self.sort_key:
                key = self.sort_key
                rows = sorted(rows, key=lambda r: r.get(key) or 0, reverse=True)
            table = Table(title=self.title)
            for column in self.columns:
                table.add_column(column)
            for row in rows:
                table.add_row(*(Text(_plain(row.get(column))) for column in self.columns))
            width = None if self.stream.isatty() else TABLE_WIDTH
            Console(file=self.stream, soft_wrap=False, width=width).print(table)
        self.stream.flush()


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return inert(", ".join(str(v) for v in value))
    if value is None:
        return ""
    return inert(str(value))


def write_columns(table: Any, fmt: OutputFormat, stream: TextIO) -> None:
    """A pyarrow table as CSV (list cells space-joined, formulas neutralised, as csv_cell does) or
    as JSON lines, a batch at a time. Tables with a character to make inert go through csv_cell row
    by row."""
    if fmt is not OutputFormat.CSV or _has_unsafe(table):
        writer = RecordWriter(fmt, table.column_names, stream=stream)
        for batch in table.to_batches(max_chunksize=65_536):
            writer.write_all(batch.to_pylist())
        writer.close()
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = []
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_list(column.type):
            column = pc.binary_join(column, " ")
        column = pc.cast(column, pa.string())
        risky = pc.is_in(pc.utf8_slice_codeunits(column, 0, 1), value_set=pa.array(FORMULA_START))
        if pc.any(risky).as_py():
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        if _has_special(column, (b",", b'"')):
            # line breaks never reach here: a table holding one is written record by record
            needs_quotes = pc.or_(pc.match_substring(column, ","), pc.match_substring(column, '"'))
            quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
            column = pc.if_else(needs_quotes, quoted, column)
        cells.append(column)
    stream.write(",".join(table.column_names) + "\n")
    lines = pc.binary_join_element_wise(*cells, ",")
    chunks = lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]
    for chunk in chunks:
        for start in range(0, len(chunk), 65_536):
            part = chunk.slice(start, 65_536)
            whole = pa.ListArray.from_arrays(pa.array([0, len(part)], type=pa.int32()), part)
            stream.write(pc.binary_join(whole, "\n")[0].as_py() + "\n")
    stream.flush()


def _has_unsafe(table: Any) -> bool:
    """Whether any string cell of the table (lists included) holds a character to make inert."""
    import pyarrow as pa

    for column in table.columns:
        if pa.types.is_list(column.type):
            column = column.combine_chunks().flatten() if column.num_chunks else column
        chunks = column.chunks if hasattr(column, "chunks") else [column]
        for chunk in chunks:
            data = chunk.buffers()[2] if pa.types.is_string(chunk.type) else None
            if data is not None and has_unsafe(data.to_pybytes()):
                return True
    return False


def _has_special(column: Any, characters: tuple[bytes, ...]) -> bool:
    """Whether any cell of a pyarrow string column holds one of ``characters`` (one scan of the
    column's character buffer, not a search per cell)."""
    chunks = column.chunks if hasattr(column, "chunks") else [column]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is None:
            continue
        text = data.to_pybytes()
        if any(text.find(char) >= 0 for char in characters):
            return True
    return False
