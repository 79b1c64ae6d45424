"""CSV cells that spreadsheets would run or split: formulas after a line break, bare carriage returns."""

from __future__ import annotations

import csv
import io

from clonewatch.cli.output import OutputFormat, csv_cell, write_columns


def test_every_line_of_a_multi_line_cell_is_neutralised_and_quoted() -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([csv_cell("u1\r=1+2 u2"), "x"])
    assert out.getvalue() == "\"u1\n'=1+2 u2\",x\n"


def test_columns_with_line_breaks_are_written_like_records() -> None:
    import pyarrow as pa

    table = pa.table({"account_a": ["=a", "b\r+c"], "keys": [["k1", "k2"], ["x,y"]]})
    out = io.StringIO()
    write_columns(table, OutputFormat.CSV, out)
    assert out.getvalue() == "account_a,keys\n'=a,k1 k2\n\"b\n'+c\",\"x,y\"\n"
