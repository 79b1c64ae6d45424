"""A posts CSV (``account,time,url[,text][,post_id]``) read column-wise into a ShareTable: pyarrow
parses the file, each distinct account and link is worked out once, and rows stay numbers."""

from __future__ import annotations

import csv
import mmap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from clonewatch.errors import InputError
from clonewatch.social.linkcolumns import keys_of_links
from clonewatch.social.posts import LAST_SECOND, Account, ReadReport, parse_time
from clonewatch.social.table import ShareTable

if TYPE_CHECKING:
    import numpy.typing as npt
    import pyarrow as pa

    from clonewatch.social.shares import LinkKeys

    Ints = npt.NDArray[np.int64]

BLOCK_BYTES = 16 << 20


@dataclass(frozen=True, slots=True)
class CsvPostIds:
    """Post ids by row: the post_id column where given, else ``file:line`` (as the row reader does)."""

    column: Any
    rows: int
    extra: list[str]
    name: str
    first_line: int

    def __getitem__(self, row: int, /) -> str:
        if row >= self.rows:
            return self.extra[row - self.rows]
        value = self.column[row].as_py() if self.column is not None else None
        return str(value) if value else f"{self.name}:{row + self.first_line}"

    def __len__(self) -> int:
        return self.rows + len(self.extra)


@dataclass(slots=True)
class _Odd:
    """Rows pyarrow could not take (a column count unlike the header's), read one by one."""

    path: Path
    report: ReadReport
    rows: list[list[str]] = field(default_factory=list)

    def __call__(self, row: Any) -> str:
        where = f"{self.path}:{row.number}" if row.number is not None else f"{self.path}"
        values = next(csv.reader([row.text]), [])
        if len(values) < 3:
            if "".join(values).strip():
                self.report.skipped.append((where, "fewer than 3 columns"))
        else:
            self.rows.append(values)
        return "skip"


def read_csv_table(path: Path, report: ReadReport, links: LinkKeys) -> ShareTable:
    """Every share of a posts CSV at a link level; rows with a bad time are reported and skipped."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    header_line, columns = _header(path)
    odd = _Odd(path, report)
    names = [f"c{i}" for i in range(columns)]
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=header_line, block_size=BLOCK_BYTES),
            parse_options=pcsv.ParseOptions(newlines_in_values=_quoted(path), invalid_row_handler=odd),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                include_columns=[n for n in names if n != "c3"],
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: cannot read as CSV ({exc})") from None
    report.saw("csv")
    first_line = header_line + 1
    account_col = pc.utf8_trim_whitespace(table.column("c0").combine_chunks())
    url_col = table.column("c2").combine_chunks()
    time, bad = _times(table.column("c1").combine_chunks())
    for row in np.flatnonzero(bad).tolist():
        value = table.column("c1")[row].as_py() or ""
        report.skipped.append((f"{path}:{row + first_line}", f"bad time {value[:40]!r}"))
    extra_time = [parse_time(values[1]) for values in odd.rows]
    for values, when in zip(odd.rows, extra_time, strict=True):
        if when is None:
            report.skipped.append((f"{path}", f"bad time {values[1][:40]!r}"))
    extra = [(v, t.timestamp()) for v, t in zip(odd.rows, extra_time, strict=True) if t is not None]
    accounts = pc.dictionary_encode(account_col)
    raw_urls = pc.dictionary_encode(url_col)
    account_index = {name: i for i, name in enumerate(accounts.dictionary.to_pylist())}
    extra_raw = np.arange(len(raw_urls.dictionary), len(raw_urls.dictionary) + len(extra), dtype=np.int64)
    for values, _ in extra:
        account_index.setdefault(values[0].strip(), len(account_index))
    distinct = pa.concat_arrays([raw_urls.dictionary, pa.array([v[2] for v, _ in extra], type=pa.string())])
    key_of_raw, url_of_raw, keys, urls = keys_of_links(distinct, links)
    raw = np.concatenate((_ints(raw_urls.indices), extra_raw))
    account = np.concatenate(
        (_ints(accounts.indices), np.array([account_index[v[0].strip()] for v, _ in extra], dtype=np.int64))
    )
    time = np.concatenate((time, np.array([t for _, t in extra], dtype=np.float64)))
    valid = np.concatenate((~bad, np.ones(len(extra), dtype=bool)))
    id_col = table.column("c4").combine_chunks() if columns > 4 else None
    post, distinct = _post_of_rows(id_col, table.num_rows, [v[4] if len(v) > 4 else "" for v, _ in extra])
    if distinct:  # every row a post of its own (the usual file): nothing can repeat
        first_row = np.where(valid, np.arange(len(valid), dtype=np.int64), -1)
        read, repeated = int(valid.sum()), 0
    else:
        first_row, read, repeated = _posts_once(post, np.flatnonzero(valid))
    report.read += read
    report.duplicates += repeated
    key = key_of_raw[raw]
    rows = np.flatnonzero(first_row >= 0)
    rows = rows[key[rows] >= 0]
    if not distinct:
        rows = _each_key_once(first_row[rows], key[rows], rows, len(keys))
    post_ids = CsvPostIds(
        id_col,
        table.num_rows,
        [v[4] if len(v) > 4 and v[4] else f"{path.name}:?" for v, _ in extra],
        path.name,
        first_line,
    )
    return ShareTable(
        key=key_of_raw[raw[rows]],
        time=time[rows],
        account=account[rows],
        post=first_row[rows],
        url=url_of_raw[raw[rows]],
        keys=keys,
        accounts=[Account(name) for name in account_index],
        post_ids=post_ids,
        urls=urls,
    )


def _post_of_rows(id_col: Any, rows: int, extra: list[str]) -> tuple[Ints, bool]:
    """A number per row that is the same for rows of the same post_id (a row without one is a
    post of its own), and whether every row has a number of its own."""
    import pyarrow as pa
    import pyarrow.compute as pc

    count = rows + len(extra)
    own = np.arange(count, dtype=np.int64) + count  # past every dictionary index
    if id_col is None:
        return own, True
    if not extra and (rows < 2 or not pc.any(pc.less_equal(id_col[1:], id_col[:-1])).as_py()):
        return own, True  # ids in increasing order (a file in time order): all distinct, no hashing
    encoded = pc.dictionary_encode(id_col)
    dictionary = encoded.dictionary
    if len(dictionary) == rows and not extra:
        return own, True
    post = _ints(encoded.indices)
    if extra:
        known = pc.index_in(pa.array(extra, type=pa.string()), value_set=dictionary)
        more = np.asarray(known.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
        new: dict[str, int] = {}
        for i in np.flatnonzero(more < 0).tolist():
            more[i] = new.setdefault(extra[i], len(dictionary) + len(new))
        post = np.concatenate((post, more))
    empty = pc.index_in(pa.array([""], type=pa.string()), value_set=dictionary)[0].as_py()
    no_id = post == (empty if empty is not None else -1)
    no_id[rows:] |= np.array([e == "" for e in extra], dtype=bool)
    return np.where(no_id, own, post), False


def _posts_once(post: Ints, valid: Ints) -> tuple[Ints, int, int]:
    """For each row, the first row of its post (-1 for a row not read, or of a post already read
    earlier in the file); how many posts were read, and how many were repeats. The rows of one
    post follow each other; a post_id met again after other posts is a repeat."""
    first_row = np.full(len(post), -1, dtype=np.int64)
    if not len(valid):
        return first_row, 0, 0
    ids = post[valid]
    starts = np.ones(len(valid), dtype=bool)
    starts[1:] = ids[1:] != ids[:-1]
    run = np.cumsum(starts) - 1
    run_rows = valid[starts]
    _, first_run = np.unique(ids[starts], return_index=True)
    kept = np.zeros(len(run_rows), dtype=bool)
    kept[first_run] = True
    first_row[valid] = np.where(kept[run], run_rows[run], -1)
    return first_row, len(first_run), int(len(run_rows) - len(first_run))


def _each_key_once(post: Ints, key: Ints, rows: Ints, keys: int) -> Ints:
    """``rows`` less those repeating a (post, key) pair of an earlier row."""
    if not len(rows):
        return rows
    _, first = np.unique(post * max(keys, 1) + key, return_index=True)
    kept: Ints = rows[np.sort(first)]
    return kept


def _quoted(path: Path) -> bool:
    """Whether the file has any quote character: only then can a value hold a line break, and
    only then must the parser give up splitting the file into blocks parsed in parallel."""
    with path.open("rb") as handle:
        try:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return data.find(b'"') >= 0
        except ValueError:  # an empty file cannot be mapped
            return False


def _header(path: Path) -> tuple[int, int]:
    """(lines up to and including the header, number of header columns)."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                return number, len(next(csv.reader([line])))
    raise InputError(f"{path}: empty")


def _times(column: pa.Array) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Epoch seconds per row and which rows have no usable time: epoch digits and ISO 8601 are
    converted column-wise; anything else row by row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(column)
    try:
        epochs = pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False).astype(np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        bad = (epochs < 0) | (epochs > LAST_SECOND)
        return np.where(bad, np.nan, epochs), bad
    digits = pc.match_substring_regex(text, r"^\d{1,12}$").to_numpy(zero_copy_only=False)
    time = np.full(len(text), np.nan)
    if digits.any():
        time[digits] = pc.cast(pc.filter(text, pa.array(digits)), pa.int64()).to_numpy().astype(np.float64)
    others = np.flatnonzero(~digits)
    if len(others):
        values = pc.take(text, pa.array(others))
        try:
            stamps = pc.cast(pc.cast(values, pa.timestamp("us", tz="UTC")), pa.int64())
            time[others] = stamps.to_numpy(zero_copy_only=False) / 1e6
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            for row, value in zip(others.tolist(), values.to_pylist(), strict=True):
                parsed = parse_time(value)
                if parsed is not None:
                    time[row] = parsed.timestamp()
    time[(time < 0) | (time > LAST_SECOND)] = np.nan
    return time, np.isnan(time)


def _ints(array: Any) -> npt.NDArray[np.int64]:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.int64)
