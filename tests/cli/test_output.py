"""Cells from the outside world made inert: formulas neutralised, control and bidi characters escaped."""

from __future__ import annotations

import csv
import io

import pytest

from clonewatch.cli.output import OutputFormat, RecordWriter, csv_cell, write_columns
from clonewatch.inert import has_unsafe, inert

HOSTILE = "http://x.test/\x1b[2J\x1b]0;clone: none\x07\r\nverdict: defensive\u202eabc\x9b31m"


def test_line_breaks_and_formulas_become_one_inert_cell() -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([csv_cell("u1\r=1+2 u2"), csv_cell("=HYPERLINK()"), "x"])
    assert out.getvalue() == "u1\\x0d=1+2 u2,'=HYPERLINK(),x\n"


def test_every_unsafe_character_is_shown_as_an_escape() -> None:
    shown = inert(HOSTILE)
    assert shown == (
        "http://x.test/\\x1b[2J\\x1b]0;clone: none\\x07\\x0d\\x0averdict: defensive\\u202eabc\\x9b31m"
    )
    assert not has_unsafe(shown.encode())
    assert has_unsafe(HOSTILE.encode())
    assert inert("Süddeutsche Zeitung — ѕріеgеl, עברית") == "Süddeutsche Zeitung — ѕріеgеl, עברית"


@pytest.mark.parametrize("fmt", [OutputFormat.CSV, OutputFormat.TABLE])
def test_tables_and_csv_carry_no_control_characters(fmt: OutputFormat) -> None:
    out = io.StringIO()
    with RecordWriter(fmt, ["final_url", "facts"], stream=out) as writer:
        writer.write({"final_url": HOSTILE, "facts": [HOSTILE, "ok"]})
    text = out.getvalue()
    assert not has_unsafe(text.replace("\n", "").encode())
    assert "\\x1b[2J" in text


def test_columns_with_unsafe_characters_are_written_like_records() -> None:
    import pyarrow as pa

    table = pa.table({"account_a": ["=a", "b\r+c"], "keys": [["k1", "k2"], ["x,y\x1b"]]})
    out = io.StringIO()
    write_columns(table, OutputFormat.CSV, out)
    assert out.getvalue() == "account_a,keys\n'=a,k1 k2\nb\\x0d+c,\"x,y\\x1b\"\n"


def test_columns_are_written_as_records_are() -> None:
    import pyarrow as pa

    records = [
        {"account_a": "=a", "account_b": "b", "weight": 3, "keys": ["https://x.test/1", "-k,2"]},
        {"account_a": "c", "account_b": "d", "weight": 1, "keys": ['say "hi"']},
    ]
    columns = io.StringIO()
    write_columns(pa.Table.from_pylist(records), OutputFormat.CSV, columns)
    rows = io.StringIO()
    with RecordWriter(OutputFormat.CSV, list(records[0]), stream=rows) as writer:
        writer.write_all(records)
    assert columns.getvalue() == rows.getvalue()
    assert "'=a,b,3," in columns.getvalue()
