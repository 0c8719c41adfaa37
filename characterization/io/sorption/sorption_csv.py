"""Plain isotherm tables: two- or three-column CSV (pressure, amount [, ...]) with a header row.

Format coverage
---------------
One header row naming the columns with their units in brackets, then one row per point, such as
the BETSI test files::

    Relative Pressure (P/Po), Quantity Adsorbed (cm3/g STP)
    4.60E-07,2.514208097

Columns are recognised by name (case-insensitive): relative pressure (``Relative Pressure``,
``P/Po``, ``p/p0``, ``p/p°``), absolute pressure (``Pressure (kPa)``, ``p [mbar]`` ...),
saturation pressure (``P0``, ``Saturation Pressure``), amount (``Quantity Adsorbed``,
``Amount``, ``Loading``, ``Uptake``, ``Volume Adsorbed``, ``n (mmol/g)``, ``V (cm3/g STP)``) and
an optional ``Branch`` column (``ads``/``des``). Delimiters ``,``, ``;`` and TAB are detected;
with ``;`` or TAB a decimal comma (``0,0123``) is accepted. A UTF-8 BOM, CRLF endings, a missing
final newline, E-notation and leading ``#`` comment lines are handled. Without a branch column
the list is split after its highest relative pressure.

The file names neither adsorbate nor temperature: pass ``adsorbate=`` and ``temperature=`` (K)
to record them; they are left out otherwise (nothing is assumed). The sample name is the file
name without extension unless ``sample=`` is given. Amounts without units in the header raise
ReadError unless ``amount_units=`` is given.

Sniff
-----
The first non-comment line must name a pressure column and an amount column and the next line
must be numeric, so vendor CSV exports with key/value headers (BELSORP-max ``File Name,...``)
are not claimed.

Library choice
--------------
Own parser (the format is a header line and numbers; pandas would add nothing but import time).
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import _source
from ._build import build_isotherm, to_float, units_in_brackets
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_sorption_csv"]

_RELATIVE = re.compile(r"relative\s*pressure|\bp\s*/\s*p\s*[o0°₀]|\bp_?rel\b|\bp/p_0", re.I)
_SATURATION = re.compile(r"saturation\s*pressure|^\s*p\s*[o0°₀]\b|^\s*p_0\b", re.I)
_ABSOLUTE = re.compile(r"pressure|^\s*p\s*[(\[]|^\s*p\s*$", re.I)
_AMOUNT = re.compile(r"quantity|amount|loading|uptake|adsorbed|^\s*[vnq]\s*[(\[]", re.I)
_BRANCH = re.compile(r"^\s*branch\b", re.I)


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


def _first_lines(text: str, n: int = 2):
    """The first ``n`` non-empty, non-comment lines with their 1-based numbers."""
    out = []
    for no, line in enumerate(text.splitlines(), 1):
        s = line.strip().lstrip("\ufeff")
        if not s or s.startswith("#"):
            continue
        out.append((no, s))
        if len(out) == n:
            break
    return out


def _delimiter(header: str, row: str) -> str | None:
    for d in ("\t", ";", ","):
        h = header.split(d)
        r = row.split(d)
        if 2 <= len(h) <= 5 and len(r) == len(h):
            return d
    return None


def _sniff(head: bytes, path) -> bool:
    text = head.decode("utf-8", errors="replace")
    lines = _first_lines(text)
    if len(lines) < 2:
        return False
    (_, header), (_, row) = lines
    d = _delimiter(header, row)
    if d is None:
        return False
    kinds = [_classify(c) for c in header.split(d)]
    if "amount" not in kinds or not ({"relative_pressure", "pressure"} & set(kinds)):
        return False
    try:
        for kind, cell in zip(kinds, row.split(d)):
            if kind not in (None, "branch"):
                to_float(cell.strip().strip('"'), decimal_comma=d != ",")
    except ValueError:
        return False
    return True


def _stem(path) -> str:
    p = Path(path)
    if _source.compression_suffix(p):
        p = p.with_suffix("")
    return p.stem


@register_reader("sorption_csv", extensions=(".csv", ".txt", ".tsv"), sniff=_sniff,
                 technique="sorption", description="Two/three-column isotherm table (CSV)")
def read_sorption_csv(path, *, adsorbate: str | None = None, temperature: float | None = None,
                      sample_mass: float | None = None, amount_units: str | None = None,
                      pressure_units: str | None = None, saturation_pressure: float | None = None,
                      sample: str | None = None):
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
        Sample name; default: the file name without extension.

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset (technique ``"sorption"``).

    Examples
    --------
    >>> ds = characterization.read("MOF-5.csv", adsorbate="N2", temperature=77.35)  # doctest: +SKIP
    """
    text, encoding = _source.read_text(path)
    text = text.lstrip("\ufeff")
    lines = _first_lines(text, 2)
    if len(lines) < 2:
        raise ReadError(path, "expected a header row and at least one data row")
    (hno, header), (rno, row) = lines
    d = _delimiter(header, row)
    if d is None:
        raise ReadError(path, "cannot find a delimiter (',', ';' or TAB) giving the same number "
                              "(2–5) of fields in the header and the first row", f"line {rno}")
    names = [c.strip().strip('"') for c in header.split(d)]
    kinds = [_classify(c) for c in names]
    for kind in ("amount", "relative_pressure", "pressure", "saturation_pressure", "branch"):
        if kinds.count(kind) > 1:
            raise ReadError(path, f"several columns look like {kind}: {names}", f"line {hno}")
    if "amount" not in kinds:
        raise ReadError(path, f"no amount column (Quantity Adsorbed, Amount, Loading ...) in "
                              f"{names}", f"line {hno}")
    if "relative_pressure" not in kinds and "pressure" not in kinds:
        raise ReadError(path, f"no pressure column (Relative Pressure, P/Po, Pressure ...) in "
                              f"{names}", f"line {hno}")
    decimal_comma = d != ","
    columns: dict[str, list] = {k: [] for k in kinds if k}
    comments = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("#")]
    used_decimal_comma = False
    for no, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if no <= hno or not s or s.startswith("#"):
            continue
        cells = [c.strip().strip('"') for c in s.split(d)]
        if len(cells) != len(names):
            raise ReadError(path, f"expected {len(names)} fields, got {len(cells)}: {s!r}",
                            f"line {no}")
        for kind, cell in zip(kinds, cells):
            if kind is None:
                continue
            if kind == "branch":
                low = cell.lower()
                if low.startswith("ads"):
                    columns[kind].append("adsorption")
                elif low.startswith("des"):
                    columns[kind].append("desorption")
                else:
                    raise ReadError(path, f"branch must be 'ads…' or 'des…', got {cell!r}",
                                    f"line {no}")
                continue
            try:
                columns[kind].append(to_float(cell, decimal_comma=decimal_comma))
            except ValueError:
                raise ReadError(path, f"column {names[kinds.index(kind)]!r}: expected a number, "
                                      f"got {cell!r}", f"line {no}") from None
            used_decimal_comma |= decimal_comma and "," in cell
    unit_of = {k: units_in_brackets(n) for k, n in zip(kinds, names) if k}
    a_units = unit_of.get("amount") or amount_units
    if not a_units:
        raise ReadError(path, f"the amount column {names[kinds.index('amount')]!r} gives no units; "
                              "pass amount_units=", f"line {hno}")
    p_units = unit_of.get("pressure") or unit_of.get("saturation_pressure") or pressure_units
    if "relative_pressure" in columns:
        ru = unit_of.get("relative_pressure")
        if ru and ru.replace(" ", "").lower() not in ("p/po", "p/p0", "p/p°", "1", "-", ""):
            raise ReadError(path, f"relative pressure column has units {ru!r}; expected none",
                            f"line {hno}")
    metadata = {"format": "isotherm table", "encoding": encoding, "columns": names,
                "column_kinds": kinds, "delimiter": d,
                "decimal": "," if used_decimal_comma else ".", "comments": comments}
    return build_isotherm(
        path, reader="sorption_csv", amount=columns["amount"], amount_units=a_units,
        relative_pressure=columns.get("relative_pressure"),
        pressure=columns.get("pressure"), pressure_units=p_units,
        saturation_pressure_values=columns.get("saturation_pressure"),
        branch=columns.get("branch"), sample_mass=sample_mass,
        temperature=temperature, temperature_units="K", adsorbate=adsorbate,
        sample=sample if sample is not None else _stem(path),
        metadata=metadata, p0_option=saturation_pressure)
