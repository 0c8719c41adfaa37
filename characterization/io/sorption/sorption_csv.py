"""Plain isotherm tables: two- to five-column CSV (pressure, amount [, ...]) with a header row.

Format coverage
---------------
A header row naming the columns with their units in brackets, then one row per point, such as
the BETSI test files::

    Relative Pressure (P/Po), Quantity Adsorbed (cm3/g STP)
    4.60E-07,2.514208097

Columns are recognised by name (case-insensitive): relative pressure (``Relative Pressure``,
``relative_pressure``, ``Rel. Pressure``, ``P/Po``, ``p/p0``, ``p/p°``, ``p_rel``), absolute
pressure (``Pressure (kPa)``, ``p [mbar]`` ...), saturation pressure (``P0``, ``Saturation
Pressure``), amount (``Quantity Adsorbed``, ``Amount``, ``Loading``, ``Uptake``, ``Volume
Adsorbed``, ``n (mmol/g)``, ``V (cm3/g STP)``) and an optional ``Branch`` column
(``ads``/``des``). ``columns=`` declares what a column is when its name does not say it (a
column ``P`` holding p/p0), or names the columns of a file without a header row. Delimiters
``,``, ``;`` and TAB are detected; with ``;`` or TAB a decimal comma (``0,0123``) is accepted.
A UTF-8 BOM, UTF-16 with BOM, CRLF or CR endings, a missing final newline, E-notation, quoted
cells, trailing empty columns, leading ``#`` comment lines and a preamble of free text or
``key: value`` / ``key,value`` lines above the header (``Sample: MOF-5``; kept in the metadata,
``Sample``/``Adsorptive`` used when the caller gives none) are handled. Without a branch column
the list is split after its highest relative pressure.

The file names neither adsorbate nor temperature: pass ``adsorbate=`` and ``temperature=`` (K)
to record them; they are left out otherwise (nothing is assumed). The sample name is the file
name without extension unless ``sample=`` is given (or a preamble line names it). Amounts
without units in the header raise ReadError unless ``amount_units=`` is given.

Sniff
-----
Within the first 30 lines, a line must name a pressure column and an amount column and the next
line must be numeric, so vendor CSV exports with key/value headers and more columns
(BELSORP-max ``File Name,...``) are not claimed. A file without a header row is not claimed
(it is a generic table): read it with ``format="sorption_csv", columns=[...]``.

Library choice
--------------
Own parser (the format is a header line and numbers; pandas would add nothing but import time).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .. import _source
from ._build import build_isotherm, to_float, units_in_brackets
from ._decimal import decimal_comma
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_sorption_csv"]

#: What a column can be (``columns=`` values).
KINDS = ("relative_pressure", "pressure", "saturation_pressure", "amount", "branch")

_RELATIVE = re.compile(r"\brel(ative)?\.?[\s_.-]*press|\bp\s*/\s*p\s*[o0°₀]|\bp_?rel\b|\bp/p_0",
                       re.I)
_SATURATION = re.compile(r"saturation[\s_]*pressure|^\s*p\s*[o0°₀]\b|^\s*p_0\b", re.I)
_ABSOLUTE = re.compile(r"pressure|^\s*p\s*[(\[]|^\s*p\s*$", re.I)
_AMOUNT = re.compile(r"quantity|amount|loading|uptake|adsorbed|^\s*[vnq]\s*[(\[]", re.I)
_BRANCH = re.compile(r"^\s*branch\b", re.I)
_KEY_VALUE = re.compile(r"^\s*([^:,;\t]{1,60}?)\s*[:,;\t]\s*(.*?)\s*$")
_SCAN_LINES = 30


def _classify(name: str) -> str | None:
    if _BRANCH.search(name):
        return "branch"
    if _AMOUNT.search(name):
        return "amount"
    if _RELATIVE.search(name):
        return "relative_pressure"
    if _SATURATION.search(name):
        return "saturation_pressure"
    if _ABSOLUTE.search(name):
        return "pressure"
    return None


def _lines(text: str):
    """Non-empty, non-comment lines as ``(1-based number, stripped text)``; comments apart."""
    out, comments = [], []
    for no, line in enumerate(text.splitlines(), 1):
        s = line.strip().lstrip("\ufeff").strip()
        if not s:
            continue
        if s.startswith("#"):
            comments.append(s)
            continue
        out.append((no, s))
    return out, comments


def _cells(line: str, d: str) -> list[str]:
    """Fields of ``line``: stripped, unquoted (a quoted field may hold the delimiter:
    ``"0,05","1,5"``), trailing empty fields (blank columns) dropped."""
    if '"' in line:
        try:
            raw = next(csv.reader([line], delimiter=d, skipinitialspace=True))
        except csv.Error:
            raw = line.split(d)
    else:
        raw = line.split(d)
    cells = [c.strip().strip('"').strip() for c in raw]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _numeric(cells, d) -> bool:
    for c in cells:
        try:
            to_float(c, decimal_comma=d != ",")
        except ValueError:
            try:                        # a quoted decimal comma in a comma-delimited file
                to_float(c, decimal_comma=True)
            except ValueError:
                return False
    return bool(cells)


def _delimiter(header: str, row: str) -> str | None:
    for d in ("\t", ";", ","):
        h, r = _cells(header, d), _cells(row, d)
        if 2 <= len(h) <= 5 and len(r) == len(h):
            return d
    return None


def _locate(lines):
    """``(index of the header line or None, index of the first data line, delimiter)``.

    The header is the first line (within the first 30) that names an amount and a pressure
    column and is followed by a numeric row; lines above it are a preamble. Without such a
    line, a file whose first lines are numeric rows has no header (index None).
    """
    for k in range(min(_SCAN_LINES, len(lines) - 1)):
        header, row = lines[k][1], lines[k + 1][1]
        d = _delimiter(header, row)
        if d is None:
            continue
        names, cells = _cells(header, d), _cells(row, d)
        if _numeric(names, d):
            if k == 0 and _numeric(cells, d):
                return None, k, d
            return None, None, None
        kinds = [_classify(c) for c in names]
        if ("amount" in kinds and {"relative_pressure", "pressure"} & set(kinds)
                and _numeric([c for c, kind in zip(cells, kinds) if kind not in (None, "branch")],
                             d)):
            return k, k + 1, d
    return None, None, None


def _sniff(head: bytes, path) -> bool:
    try:
        text, _ = _source.decode(head, path)
    except ReadError:               # binary content
        return False
    lines, _ = _lines(text)
    header, _, _ = _locate(lines)
    return header is not None


def _stem(path) -> str:
    p = Path(path)
    if _source.compression_suffix(p):
        p = p.with_suffix("")
    return p.stem


def _declared(path, names: list[str], kinds: list, columns, where: str) -> list:
    """Column kinds after the caller's ``columns=`` (list: one kind per column; dict: column
    name or 0-based index -> kind; a kind of None ignores the column)."""
    kinds = list(kinds)
    if isinstance(columns, dict):
        items = columns.items()
    else:
        columns = list(columns)
        if len(columns) != len(names):
            raise ReadError(path, f"columns= gives {len(columns)} kinds for {len(names)} "
                                  f"columns {names}", where)
        items = enumerate(columns)
    for key, kind in items:
        if kind is not None and kind not in KINDS:
            raise ReadError(path, f"columns=: unknown kind {kind!r}; expected one of "
                                  f"{', '.join(KINDS)} or None")
        if isinstance(key, int) and not isinstance(key, bool):
            if not -len(names) <= key < len(names):
                raise ReadError(path, f"columns=: no column {key} (the file has "
                                      f"{len(names)})", where)
            kinds[key] = kind
        elif key in names:
            kinds[names.index(key)] = kind
        else:
            raise ReadError(path, f"columns=: no column named {key!r}; the columns are "
                                  f"{names}", where)
    return kinds


def _preamble(lines) -> dict:
    """``key: value`` / ``key,value`` lines above the header as a dict; free text under
    ``"text"``."""
    out: dict = {}
    for _, line in lines:
        m = _KEY_VALUE.match(line)
        if m and m.group(2):
            out[m.group(1)] = m.group(2).strip('"')
        else:
            out.setdefault("text", []).append(line)
    return out


def _field(preamble: dict, *names):
    low = {k.lower(): v for k, v in preamble.items() if isinstance(v, str)}
    return next((low[n] for n in names if n in low), None)


@register_reader("sorption_csv", extensions=(".csv", ".txt", ".tsv"), sniff=_sniff,
                 technique="sorption", description="Two/three-column isotherm table (CSV)")
def read_sorption_csv(path, *, adsorbate: str | None = None, temperature: float | None = None,
                      sample_mass: float | None = None, amount_units: str | None = None,
                      pressure_units: str | None = None, saturation_pressure: float | None = None,
                      sample: str | None = None, columns=None):
    """Read a plain isotherm table (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    adsorbate : str, optional
        Adsorbate (``"N2"``, ``"Ar"`` ...); the file does not say.
    temperature : float, optional
        Temperature in K; the file does not say.
    sample_mass : float, optional
        Sample mass in g (needed only for per-sample amounts such as ``cm3 STP``).
    amount_units, pressure_units : str, optional
        Units when the header does not give them.
    saturation_pressure : float, optional
        p0 in kPa when the file has absolute pressure only.
    sample : str, optional
        Sample name; default: a ``Sample:`` preamble line, else the file name without extension.
    columns : list or dict, optional
        What the columns are, when their names do not say it or the file has no header row:
        a list with one kind per column (``["relative_pressure", "amount"]``; None ignores a
        column) or a dict from column name or 0-based index to kind
        (``{"P": "relative_pressure"}``). Kinds: ``"relative_pressure"`` (p/p0),
        ``"pressure"`` (absolute), ``"saturation_pressure"``, ``"amount"``, ``"branch"``.
        A file without a header needs ``amount_units=`` (and ``pressure_units=`` for absolute
        pressures) and ``format="sorption_csv"`` (such a file is not recognised by content).

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset (technique ``"sorption"``).

    Raises
    ------
    ReadError
        No header and no ``columns=``; no amount or pressure column; a column declared twice;
        a cell that is not a number; units missing.

    Examples
    --------
    >>> ds = characterization.read("MOF-5.csv", adsorbate="N2", temperature=77.35)  # doctest: +SKIP
    >>> ds = characterization.read("iso.csv", columns={"P": "relative_pressure"})  # doctest: +SKIP
    """
    text, encoding = _source.read_text(path)
    lines, comments = _lines(text)
    if len(lines) < 2:
        raise ReadError(path, "expected a header row and at least one data row")
    hk, first, d = _locate(lines)
    if first is None:
        raise ReadError(path, "no header row naming a pressure and an amount column followed by "
                              "numeric rows (with ',', ';' or TAB between 2–5 fields) in the "
                              f"first {_SCAN_LINES} lines", f"line {lines[0][0]}")
    hno = lines[hk][0] if hk is not None else lines[first][0]
    where = f"line {hno}"
    if hk is None:
        if columns is None:
            raise ReadError(path, "the table has no header row naming its columns; pass "
                                  "columns=[...] (e.g. ['relative_pressure', 'amount'])", where)
        if isinstance(columns, dict):
            n = len(_cells(lines[first][1], d))
            names = [f"column {k}" for k in range(n)]
            columns = {(names[k] if isinstance(k, int) else k): v for k, v in columns.items()}
        else:
            names = [str(k) if k else f"column {i}" for i, k in enumerate(columns)]
        kinds = [None] * len(names)
    else:
        names = _cells(lines[hk][1], d)
        kinds = [_classify(c) for c in names]
    if columns is not None:
        kinds = _declared(path, names, kinds, columns, where)
    for kind in KINDS:
        if kinds.count(kind) > 1:
            raise ReadError(path, f"several columns look like {kind}: {names}", where)
    if "amount" not in kinds:
        raise ReadError(path, f"no amount column (Quantity Adsorbed, Amount, Loading ...) in "
                              f"{names}", where)
    if "relative_pressure" not in kinds and "pressure" not in kinds:
        raise ReadError(path, f"no pressure column (Relative Pressure, P/Po, Pressure ...) in "
                              f"{names}", where)
    preamble = _preamble(lines[:hk] if hk is not None else [])
    # ';' or TAB: decimal comma accepted; ',': only in quoted cells, when the file says so
    dc = d != "," or decimal_comma(c for _, line in lines[first:first + 200]
                                   for c in _cells(line, d) if "," in c) is True
    values: dict[str, list] = {k: [] for k in kinds if k}
    used_decimal_comma = False
    for no, line in lines[first:]:
        cells = _cells(line, d)
        if len(cells) != len(names):
            raise ReadError(path, f"expected {len(names)} fields, got {len(cells)}: {line!r}",
                            f"line {no}")
        for kind, cell in zip(kinds, cells):
            if kind is None:
                continue
            if kind == "branch":
                low = cell.lower()
                if low.startswith("ads"):
                    values[kind].append("adsorption")
                elif low.startswith("des"):
                    values[kind].append("desorption")
                else:
                    raise ReadError(path, f"branch must be 'ads…' or 'des…', got {cell!r}",
                                    f"line {no}")
                continue
            try:
                values[kind].append(to_float(cell, decimal_comma=dc))
            except ValueError:
                raise ReadError(path, f"column {names[kinds.index(kind)]!r}: expected a number, "
                                      f"got {cell!r}", f"line {no}") from None
            used_decimal_comma |= dc and "," in cell
    unit_of = {k: units_in_brackets(n) for k, n in zip(kinds, names) if k and hk is not None}
    a_units = unit_of.get("amount") or amount_units
    if not a_units:
        raise ReadError(path, f"the amount column {names[kinds.index('amount')]!r} gives no units; "
                              "pass amount_units=", where)
    p_units = unit_of.get("pressure") or unit_of.get("saturation_pressure") or pressure_units
    if "relative_pressure" in values:
        ru = unit_of.get("relative_pressure")
        if ru and ru.replace(" ", "").lower() not in ("p/po", "p/p0", "p/p°", "1", "-", ""):
            raise ReadError(path, f"relative pressure column has units {ru!r}; expected none",
                            where)
    metadata = {"format": "isotherm table", "encoding": encoding, "columns": names,
                "column_kinds": kinds, "columns_declared": columns is not None,
                "delimiter": d, "decimal": "," if used_decimal_comma else ".",
                "comments": comments}
    if preamble:
        metadata["preamble"] = preamble
    sample = sample if sample is not None else (_field(preamble, "sample", "sample name")
                                                or _stem(path))
    return build_isotherm(
        path, reader="sorption_csv", amount=values["amount"], amount_units=a_units,
        relative_pressure=values.get("relative_pressure"),
        pressure=values.get("pressure"), pressure_units=p_units,
        saturation_pressure_values=values.get("saturation_pressure"),
        branch=values.get("branch"), sample_mass=sample_mass,
        temperature=temperature, temperature_units="K",
        adsorbate=adsorbate if adsorbate is not None else _field(
            preamble, "adsorptive", "adsorbate", "gas"),
        sample=sample, metadata=metadata, p0_option=saturation_pressure)
