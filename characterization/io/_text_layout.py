"""Layout of a delimited text file: where the numbers are and how they are written.

* Dialect: the delimiter (comma, semicolon, tab, runs of whitespace, or one given) and the
  decimal separator, chosen together by how many lines they read as rows of >= 2 numbers.
* :func:`detect` returns a :class:`Layout`: the first and last line of the numeric block, its
  number of columns, and the column-header lines above it (a names line, optionally followed by
  a units line); :func:`header_columns` turns those into :class:`~._columns.Column` objects.
* :func:`metadata`: the ``Key: value`` / ``Key=value`` / ``Key;value`` and comment lines above
  the header, as a dict.
* Numeric block: :func:`parse_fast` (pandas' C parser, None when anything looks off) and
  :func:`parse_slow` (line by line, ReadError naming the first line that does not fit).
* :func:`looks_tabular`: the content sniff of the delimited reader.
* :func:`split_lines`: the lines of a text; for a large ASCII text with ``\n`` endings a
  :class:`Lines` view (line offsets in one integer array, a line's ``str`` made on access)
  instead of a list holding one ``str`` per line (about 60 bytes per line: a 10 MB file of
  short rows would take 400 MB).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ReadError
from ._columns import Column, parse_column, role_of
from ._units import canonical_unit

_WS = "whitespace"
_NAMES = {_WS: "whitespace", "\t": "tab", ";": "';'", ",": "','"}
_AUTO_DIALECTS = (("\t", "."), ("\t", ","), (";", "."), (";", ","), (",", "."), (_WS, "."),
                  (_WS, ","))
_NUM = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:nan|inf|infinity)", re.I)
_SAMPLE_LINES = 300
#: Texts shorter than this (characters) are split into a plain list of lines.
_LAZY_FROM = 1 << 20
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class Lines(Sequence):
    """The lines of an ASCII text with ``\n`` endings, as ``str.splitlines(keepends=True)``
    gives them, made on access from one array of line offsets."""

    def __init__(self, text: str):
        self.text = text
        newlines = np.flatnonzero(np.frombuffer(text.encode("ascii"), np.uint8) == 10) + 1
        bounds = np.concatenate(([0], newlines))
        if bounds[-1] != len(text):
            bounds = np.append(bounds, len(text))
        self._bounds = bounds

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("line index out of range")
        return self.text[self._bounds[i]:self._bounds[i + 1]]


def split_lines(text: str):
    """``text.splitlines(keepends=True)``, or an equal :class:`Lines` view for a large ASCII
    text whose only line break is ``\n``."""
    if len(text) < _LAZY_FROM or not text.isascii() or any(c in text for c in _OTHER_BREAKS):
        return text.splitlines(keepends=True)
    return Lines(text)


# --------------------------------------------------------------------------- line classification
def _is_comment(line: str, delimiter: str | None = None) -> bool:
    s = line.lstrip()
    if s.startswith(("#", "%", "//")):
        return True
    return s.startswith(";") and delimiter != ";"


def _strip_comment(line: str) -> str:
    s = line.strip()
    for prefix in ("//", "#", "%", ";"):
        if s.startswith(prefix):
            return s[len(prefix):].strip()
    return s


def _fields(line: str, delimiter: str) -> list[str]:
    """Raw fields of a data line (stripped, unquoted; trailing empty fields kept)."""
    if delimiter == _WS:
        return line.split()
    return [f.strip().strip('"').strip() for f in line.split(delimiter)]


def _trimmed(fields: list[str]) -> list[str]:
    end = len(fields)
    while end and not fields[end - 1]:
        end -= 1
    return fields[:end]


def _is_number(token: str, decimal: str) -> bool:
    if decimal == ",":
        return "." not in token and bool(_NUM.fullmatch(token.replace(",", ".")))
    return "," not in token and bool(_NUM.fullmatch(token))


#: ASCII digits to ``0``: a line with every digit replaced (its *shape*) has the same
#: :func:`_numeric_width` under every dialect, since ``_NUM`` and the field splitting treat all
#: ASCII digits alike. Data lines of a file share a few shapes, so the sniff of 300 lines by 7
#: dialects costs 300 ``str.translate`` calls instead of 2,100 field splits.
_DIGITS = str.maketrans("123456789", "000000000")


class _WidthCache:
    """:func:`_numeric_width` memoised on (line shape, dialect) for one sniff."""

    def __init__(self):
        self._shapes: dict[str, str] = {}
        self._widths: dict[tuple, int] = {}

    def shape(self, line: str) -> str:
        shape = self._shapes.get(line)
        if shape is None:
            shape = self._shapes[line] = line.translate(_DIGITS)
        return shape

    def scores(self, lines, content, dialects) -> list[int]:
        """How many of the lines ``content`` are numeric rows, per dialect."""
        counts = Counter(self.shape(lines[i]) for i in content)
        return [sum(n for shape, n in counts.items() if self(shape, d)) for d in dialects]

    def __call__(self, line: str, dialect) -> int:
        shape = self.shape(line)
        key = (shape, dialect)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = _numeric_width(shape, dialect)
        return width


def _numeric_width(line: str, dialect) -> int:
    """Number of columns of ``line`` if it is a numeric row under ``dialect`` (>= 2), else 0."""
    fields = _trimmed(_fields(line, dialect[0]))
    values = [f for f in fields if f]
    if len(values) < 2 or not all(_is_number(f, dialect[1]) for f in values):
        return 0
    return len(fields)


# --------------------------------------------------------------------------- layout detection
@dataclass
class Layout:
    """Where the numeric block of a file is and how its rows are written."""

    delimiter: str
    decimal: str
    start: int                      # index of the first data line
    stop: int                       # index after the last data line
    ncols: int
    header: list[int] = field(default_factory=list)   # line indices of header lines
    first: int = 0                  # first line considered (after skip_rows)


def _dialects(delimiter, decimal):
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t", " ": _WS, r"\s+": _WS, "space": _WS}.get(
            delimiter, delimiter)
    if decimal not in (None, ".", ","):
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    if delimiter is None:
        cands = list(_AUTO_DIALECTS)
    else:
        cands = [(delimiter, "."), (delimiter, ",")] if delimiter != "," else [(",", ".")]
    return [d for d in cands if decimal is None or d[1] == decimal]


def _content(lines, first, limit=None) -> list[int]:
    out = []
    for i in range(first, len(lines)):
        if lines[i].strip() and not _is_comment(lines[i]):
            out.append(i)
            if limit is not None and len(out) >= limit:
                break
    return out


def _no_data_error(path, lines, content, dialects, forced):
    singles = [i for i in content if _NUM.fullmatch(lines[i].strip().replace(",", "."))]
    if len(singles) >= 2:
        example = lines[singles[0]].strip()
        return ReadError(path, f"only one numeric column found (e.g. {example!r}); expected at "
                               "least 2 numeric columns (x and y)",
                         f"line {singles[0] + 1}")
    where = f"line {content[0] + 1}" if content else None
    seen = f", found {lines[content[0]].strip()[:80]!r}" if content else ", found no data lines"
    sep = (f"separated by {_NAMES.get(dialects[0][0], repr(dialects[0][0]))}" if forced
           else "separated by comma, semicolon, tab or whitespace")
    return ReadError(path, f"no numeric data: expected rows of at least 2 numeric columns {sep}"
                           f"{seen}", where)


def detect(path, lines, first, delimiter, decimal) -> Layout:
    """Find dialect, start of the numeric block and number of columns."""
    dialects = _dialects(delimiter, decimal)
    width = _WidthCache()
    content = _content(lines, first, _SAMPLE_LINES)
    if content and not any(width(lines[i], d) for i in content for d in dialects):
        content = _content(lines, first)     # long preamble: look at the whole file
    scores = width.scores(lines, content, dialects)
    if not content or max(scores) == 0:
        raise _no_data_error(path, lines, content, dialects, delimiter is not None)
    dialect = dialects[scores.index(max(scores))]
    numeric = [width(lines[i], dialect) for i in content]
    start = None
    for k, i in enumerate(content):
        if numeric[k] and (k + 1 == len(content) or numeric[k + 1]):
            start = k
            break
    if start is None:
        start = next(k for k, n in enumerate(numeric) if n)
    widths = Counter(n for n in numeric[start:start + 200] if n)
    ncols = max(widths.items(), key=lambda kv: (kv[1], kv[0]))[0]
    stop = len(lines)
    while stop > content[start] and (not lines[stop - 1].strip()
                                     or _is_comment(lines[stop - 1], dialect[0])):
        stop -= 1
    layout = Layout(dialect[0], dialect[1], content[start], stop, ncols, first=first)
    layout.header = _header_lines(lines, layout)
    return layout


# --------------------------------------------------------------------------- header lines
def _header_tokens(line: str, layout: Layout) -> list[str] | None:
    """Split a candidate header line into column names, or None if it is not a header."""
    text = _strip_comment(line) if _is_comment(line, layout.delimiter) else line.strip()
    if not text or "=" in text:
        return None
    splits = []
    if layout.delimiter != _WS:
        splits.append(next(csv.reader([text], delimiter=layout.delimiter,
                                      skipinitialspace=True)))
    splits += [text.split(), re.split(r"\s{2,}|\t", text), re.split(r"(?<=[)\]])\s+", text)]
    best = None
    for tokens in splits:
        tokens = [t.strip().strip('"').lstrip("#").strip() for t in tokens]
        tokens = [t for t in tokens if t]
        if len(tokens) < 2 or any(t.endswith(":") for t in tokens):
            continue
        numbers = sum(_is_number(t, layout.decimal) or _is_number(t, ".") for t in tokens)
        if numbers * 2 > len(tokens) or _is_number(tokens[0], "."):
            return None                 # a numeric or "Range 10 20" line is not a header
        if len(tokens) == layout.ncols:
            return tokens
        if best is None and len(tokens) < layout.ncols and any(
                role_of(parse_column(t).label) for t in tokens):
            best = tokens
    return best


def _previous_line(lines, i, first) -> int | None:
    i -= 1
    while i >= first and not lines[i].strip():
        i -= 1
    return i if i >= first else None


def _units_tokens(line: str, layout: Layout) -> list[str] | None:
    """Cells of a line of units under the names line (empty cells allowed), else None."""
    text = _strip_comment(line) if _is_comment(line, layout.delimiter) else line.strip()
    if layout.delimiter == _WS:
        cells = text.split()
    else:
        cells = _trimmed([c.strip() for c in next(csv.reader([text],
                                                             delimiter=layout.delimiter))])
    filled = [c for c in cells if c]
    if (not filled or len(cells) > layout.ncols
            or not all(canonical_unit(c) is not None for c in filled)):
        return None
    return cells + [""] * (layout.ncols - len(cells))


def _header_lines(lines, layout: Layout) -> list[int]:
    i1 = _previous_line(lines, layout.start, layout.first)
    if i1 is None:
        return []
    if _units_tokens(lines[i1], layout) is not None:
        i0 = _previous_line(lines, i1, layout.first)
        if i0 is not None and _header_tokens(lines[i0], layout) is not None:
            return [i0, i1]
    return [i1] if _header_tokens(lines[i1], layout) is not None else []


def header_columns(lines, layout: Layout) -> list[Column | None]:
    """One :class:`~._columns.Column` per data column (None where the header has no name)."""
    if not layout.header:
        return [None] * layout.ncols
    names = _header_tokens(lines[layout.header[0]], layout)
    cols: list[Column | None] = [parse_column(t) for t in names]
    if len(layout.header) == 2:
        units = _units_tokens(lines[layout.header[1]], layout)
        for col, unit in zip(cols, units):
            col.unit = unit.strip("()[] ") or col.unit
    return cols + [None] * (layout.ncols - len(cols))


# --------------------------------------------------------------------------- metadata
def _key_value(text: str, delimiter: str):
    """``(key, value)`` of a metadata line split at its first separator, or ``(None, None)``.

    Separators are ``:`` (not between digits, so times stay whole), ``=``, the delimiter and
    tab; a value with several delimited fields becomes a list.
    """
    found = []
    colon = re.search(r"(?<!\d):|:(?!\d)", text)
    if colon:
        found.append((colon.start(), ":"))
    for sep in ("=", delimiter, "\t"):
        if sep != _WS and sep in text:
            found.append((text.index(sep), sep))
    if not found:
        return None, None
    pos, sep = min(found)
    key = text[:pos].strip().strip('"').strip()
    if not key or _is_number(key, ".") or _is_number(key, ","):
        return None, None
    if sep in (":", "="):
        return key, text[pos + 1:].strip()
    parts = [p.strip().strip('"') for p in _trimmed(text[pos + 1:].split(sep))]
    return key, (parts[0] if len(parts) == 1 else "" if not parts else parts)


def metadata(lines, layout: Layout) -> dict:
    """``Key: value`` / ``Key=value`` / ``Key;value`` lines before the header as a dict."""
    end = layout.header[0] if layout.header else layout.start
    meta: dict = {}
    comments = []
    for line in lines[layout.first:end]:
        text = _strip_comment(line) if _is_comment(line, layout.delimiter) else line.strip()
        if not text:
            continue
        key, value = _key_value(text, layout.delimiter)
        if key is None:
            comments.append(text)
            continue
        name, n = key, 2
        while name in meta:
            name, n = f"{key} ({n})", n + 1
        meta[name] = value
    if comments:
        meta["comments"] = comments
    return meta


# --------------------------------------------------------------------------- numeric block
def parse_fast(path, text: str, lines, layout: Layout) -> np.ndarray | None:
    """Parse the numeric block with pandas; None when anything looks off (then go slow).

    ``lines`` keep their line endings, so the block is a slice of ``text``.
    """
    import pandas as pd

    offset = sum(map(len, lines[:layout.start]))
    end = len(text) - sum(map(len, lines[layout.stop:]))
    block = text[offset:end] if (offset or end != len(text)) else text
    marks = "#%/" + ("" if layout.delimiter == ";" else ";")
    if any(c in block for c in marks):
        prefixes = r"#|%|//" + ("" if layout.delimiter == ";" else "|;")
        if re.search(rf"^[ \t]*(?:{prefixes})", block, re.M):
            return None
    arr = _parse_numpy(block, layout)
    if arr is not None:
        return _check_nan_rows(path, arr, lines, layout)
    sep = r"\s+" if layout.delimiter == _WS else layout.delimiter
    if len(sep) > 1 and layout.delimiter != _WS:
        sep = re.escape(sep)
    try:
        source = io.BytesIO(block.encode("utf-8")) if block.isascii() else io.StringIO(block)
        arr = pd.read_csv(source, sep=sep, decimal=layout.decimal, header=None,
                          dtype=np.float64, skipinitialspace=True, skip_blank_lines=True,
                          engine="c" if len(sep) == 1 or sep == r"\s+" else "python"
                          ).to_numpy()
    except Exception:  # noqa: BLE001 - the line-by-line parser gives the precise error
        return None
    while arr.shape[1] > layout.ncols and np.isnan(arr[:, -1]).all():
        arr = arr[:, :-1]
    if arr.shape[1] != layout.ncols:
        return None
    return _check_nan_rows(path, arr, lines, layout)


def _parse_numpy(block: str, layout: Layout) -> np.ndarray | None:
    """The block through numpy's C text parser (about 5x faster than pandas' for a 1000-line
    export, whose per-call overhead dominates), for the plain case only: decimal point, one
    delimiter character or whitespace, every row complete. None (then pandas decides) on
    anything else: numpy raises on an empty or quoted field, a short or long row, or any token
    that is not a plain number (blank lines are skipped, as pandas does)."""
    if layout.decimal != "." or (layout.delimiter != _WS and len(layout.delimiter) != 1):
        return None
    try:
        arr = np.loadtxt(io.StringIO(block), dtype=np.float64, comments=None, ndmin=2,
                         delimiter=None if layout.delimiter == _WS else layout.delimiter)
    except ValueError:
        return None
    return arr if arr.shape[1] == layout.ncols and arr.shape[0] > 0 else None


def _check_nan_rows(path, arr: np.ndarray, lines, layout: Layout) -> np.ndarray | None:
    """Re-read rows holding NaN line by line (an empty field, ``nan``, a short row a parser
    padded) so they are either what the text says or a ReadError naming the line."""
    rows = np.flatnonzero(np.isnan(arr).any(axis=1))
    if rows.size:                   # empty field, "nan", or a short row pandas padded: check
        if rows.size > 10_000:
            return None
        data = [i for i in range(layout.start, layout.stop) if lines[i].strip()]
        if len(data) != arr.shape[0]:
            return None
        for r in rows:
            arr[r] = _parse_line(path, lines[data[r]], data[r], layout)
    return arr


def _row_error(path, layout, i, line, why=""):
    sep = _NAMES.get(layout.delimiter, repr(layout.delimiter))
    return ReadError(path, f"expected {layout.ncols} numeric columns separated by {sep} "
                           f"(decimal '{layout.decimal}'){why}, found {line.strip()[:80]!r}",
                     f"line {i + 1}")


def _parse_line(path, line: str, i: int, layout: Layout) -> list[float]:
    """Values of data line ``i``; empty fields are NaN; ReadError if it does not fit."""
    if _is_comment(line, layout.delimiter):
        raise ReadError(path, f"comment line {line.strip()[:60]!r} inside the numeric block: "
                              "files holding several data blocks (regions, scans) are not "
                              "read by the delimited reader", f"line {i + 1}")
    n = layout.ncols
    fields = _fields(line, layout.delimiter)
    if len(fields) < n or any(fields[n:]):
        raise _row_error(path, layout, i, line, f" (row has {len(_trimmed(fields))})")
    row = []
    for f in fields[:n]:
        if not f:
            row.append(np.nan)
        elif _is_number(f, layout.decimal):
            row.append(float(f.replace(",", ".")))
        else:
            raise _row_error(path, layout, i, line, f" ({f[:30]!r} is not a number)")
    return row


def parse_slow(path, lines, layout: Layout) -> np.ndarray:
    """Line-by-line parse; raises ReadError naming the first bad line."""
    rows = [_parse_line(path, lines[i], i, layout)
            for i in range(layout.start, layout.stop) if lines[i].strip()]
    return np.array(rows, dtype=float).reshape(-1, layout.ncols)


def looks_tabular(lines) -> bool:
    """True when at least 2 of the first content lines are rows of >= 2 numbers."""
    content = _content(lines, 0, _SAMPLE_LINES)
    width = _WidthCache()
    return max(width.scores(lines, content, _AUTO_DIALECTS), default=0) >= 2
