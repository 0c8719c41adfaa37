"""3P Instruments (3P micro / 3P meso) ``.xlsx`` report exports.

Format coverage
---------------
An Excel 2007+ workbook with the sheets

* ``Info``: ``label | value [| unit]`` rows — ``Charge Name``, ``Sample``, ``Adsorbate``,
  ``Sample Weight`` (text such as ``"0.1747(g)"``), start/stop times, and the report values
  (``Single Point BET Surface Area at p/p0=0.20000``, ``BET Surface Area``,
  ``Total Pore Volume at p/p0 = 0.99000``, ``Average Pore Diameter (4V/A)``);
* ``Isotherm``: columns ``ID``, ``p (kPa)``, ``p/p0``, ``V (cm³/g STP)``, ``p0 (kPa)``, ``Time``;
  the adsorption rows, a row of ``---``, then the desorption rows (IDs restart at 1);
* ``BET Surface Area``: the points the 3P software used (``ID``, ``p/p0``, ``V``,
  ``1/[V(P0/P-1)]``, rounded to 5 decimals);
* ``Equilibration`` (dosing logs, tens of thousands of rows): not read.

Variants of other labs' exports are read too: the column header found below extra rows such as
``Charge Number: ...``, kept as ``isotherm_sheet_preamble``; report values on a ``Summary``
sheet instead of ``Info``; sheets found by name pattern (``Isotherm*``, ``Info``/``Summary``/
``Report*``, ``BET*``) and in any order; numbers written as text in a decimal-comma locale
(``"1534,746"``), the mark decided per sheet from the numbers that show it unambiguously (a
sheet mixing both marks: an ambiguous ``"1,234"`` raises, nothing is guessed; recorded as
``decimal_mark``).

The relative pressure is the ``p/p0`` column as given (the software's values; duplicated and
non-monotonic first points are kept). Amounts cm³(STP)/g -> mmol/g ÷ 22.414.

Report values, structured under ``original_metadata["report"]``: ``bet`` (``area``,
``points`` with ``id``, ``relative_pressure`` and ``amount`` as listed, ``bet_transform``,
``point_index`` into the Dataset's ``point`` dim and the full-precision
``relative_pressure_isotherm`` of the same IDs, ``n_points``, ``relative_pressure_range``),
``single_point_bet`` (``area``, ``relative_pressure``), ``total_pore_volume`` (value and
``relative_pressure``), ``average_pore_diameter``; plus ``info`` with every Info row.

The analysis temperature is **not stored** in these files: pass ``temperature=`` (K), otherwise
the ``temperature`` coordinate is left out with a warning (nothing is assumed).

Limits
------
Only the ``.xlsx`` report layout above (3P "xl" export); the 3P ``.xml`` and JWGBT exports are
not covered.

Library choice
--------------
Own reader on ``openpyxl`` in read-only mode, loading only the three small sheets (about 15 ms).
``adsorption-file-parser`` 0.3.0 reads the whole workbook including the ~72 000-row
``Equilibration`` sheet (about 0.2 s) and does not return the BET point list.
"""

from __future__ import annotations

import re
import warnings
import zipfile

from ._build import build_isotherm, parse_quantity, to_float, units_in_brackets
from ._decimal import decimal_comma, number
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_threep"]

#: Sheets read, by role: exact names of the 3P export first, then any name matching.
_ROLES = {"isotherm": (("Isotherm",), r"^\s*isotherm"),
          "info": (("Info", "Summary"), r"^\s*(info|summary|report)"),
          "bet": (("BET Surface Area",), r"^\s*bet\b")}


def _pick(names, role):
    exact, pattern = _ROLES[role]
    return (next((n for n in exact if n in names), None)
            or next((n for n in names if re.match(pattern, n, re.I)), None))


def _sniff(head: bytes, path) -> bool:
    if not head.startswith(b"PK\x03\x04") or b"xl/" not in head:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            wb = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return True     # a damaged workbook: let the reader report what is wrong
    names = re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', wb)
    return _pick(names, "isotherm") is not None and (_pick(names, "info") is not None
                                                     or _pick(names, "bet") is not None)


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _col(header, pattern, path, sheet, required=True, row=1):
    for k, name in enumerate(header):
        if isinstance(name, str) and re.match(pattern, name.strip(), re.I):
            return k
    if required:
        raise ReadError(path, f"column matching {pattern!r} not found in {header}",
                        f"sheet {sheet!r}, row {row}")
    return None


def _header_row(rows, path, sheet, first=r"^ID$", also=r"^p\s*/\s*p0"):
    """Index of the column-header row (the first of the first 20 rows holding a column
    matching ``first`` and one matching ``also``): rows above it, such as a ``Charge Number``
    line, are kept as text, not taken for the header."""
    for r, row in enumerate(rows[:20]):
        cells = [str(v).strip() for v in row if isinstance(v, str)]
        if (any(re.match(first, c, re.I) for c in cells)
                and any(re.match(also, c, re.I) for c in cells)):
            return r
    raise ReadError(path, f"no column header row (with columns 'ID' and 'p/p0') in the first "
                          f"20 rows", f"sheet {sheet!r}")


def _num(v, path, sheet, row, what, dc=False):
    """A cell as a number; text by its own decimal mark when unambiguous, else by ``dc`` (the
    sheet's mark; None: undecided, and an ambiguous text raises)."""
    try:
        return number(v, dc) if isinstance(v, str) else to_float(v)
    except (TypeError, ValueError) as exc:
        why = f" ({exc})" if "ambiguous" in str(exc) else ""
        raise ReadError(path, f"{what}: expected a number, got {v!r}{why}",
                        f"sheet {sheet!r}, row {row}") from None


@register_reader("threep", extensions=(".xlsx",), sniff=_sniff, technique="sorption",
                 description="3P Instruments .xlsx isotherm report")
def read_threep(path, *, temperature: float | None = None):
    """Read a 3P Instruments ``.xlsx`` isotherm report (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    temperature : float, optional
        Analysis temperature in K (the file does not store it).

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset with the 3P report under ``original_metadata["report"]``.

    Examples
    --------
    >>> ds = characterization.read("MOF_N2_77K.xlsx", temperature=77.35)   # doctest: +SKIP
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/XML errors of a damaged workbook
        raise ReadError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") \
            from None
    try:
        names = {role: _pick(wb.sheetnames, role) for role in _ROLES}
        if names["isotherm"] is None:
            raise ReadError(path, f"expected a sheet 'Isotherm' (3P report); the workbook has "
                                  f"{wb.sheetnames}", "sheet 'Isotherm'")
        try:
            sheets_read = [n for n in names.values() if n is not None]
            iso = _rows(wb[names["isotherm"]])
            info = _rows(wb[names["info"]]) if names["info"] else []
            bet = _rows(wb[names["bet"]]) if names["bet"] else []
        except ReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - damaged sheet XML
            raise ReadError(path, f"cannot read the workbook's sheets ({type(exc).__name__}: "
                                  f"{exc})") from None
    finally:
        wb.close()

    # ---------------- decimal mark of numbers written as text (a German-locale export), decided
    # per sheet: None when a sheet's numbers disagree, and then an ambiguous one raises
    def mark(rows):
        return decimal_comma(v for row in rows for v in row
                             if isinstance(v, str) and re.match(r"^\s*[-+]?\d[\d.,]*", v))

    dc, dc_iso, dc_bet = mark(info), mark(iso), mark(bet)

    # ---------------- Isotherm sheet
    sheet = names["isotherm"]
    if not iso:
        raise ReadError(path, f"sheet {sheet!r} is empty", f"sheet {sheet!r}, row 1")
    h = _header_row(iso, path, sheet)
    preamble = [str(v).strip() for row in iso[:h] for v in row if not _blank(v)]
    header = [str(v).strip() if v is not None else "" for v in iso[h]]
    i_id = _col(header, r"^ID$", path, sheet, row=h + 1)
    i_p = _col(header, r"^p\s*\(", path, sheet, row=h + 1)
    i_rp = _col(header, r"^p\s*/\s*p0", path, sheet, row=h + 1)
    i_v = _col(header, r"^(V|n|Q)\s*\(", path, sheet, row=h + 1)
    i_p0 = _col(header, r"^p0\s*\(", path, sheet, required=False, row=h + 1)
    p_units = units_in_brackets(header[i_p])
    amount_units = units_in_brackets(header[i_v])
    if i_p0 is not None and units_in_brackets(header[i_p0]) != p_units:
        raise ReadError(path, "columns p and p0 have different units",
                        f"sheet {sheet!r}, row {h + 1}")
    ids, pressure, rp, amount, p0, branch = [], [], [], [], [], []
    current = "adsorption"
    for r, row in enumerate(iso[h + 1:], start=h + 2):
        if all(_blank(v) for v in row):
            continue
        first = row[i_id]
        if isinstance(first, str) and set(first.strip()) <= {"-"} and first.strip():
            if current == "desorption":
                raise ReadError(path, "a second '---' separator", f"sheet {sheet!r}, row {r}")
            current = "desorption"
            continue
        ids.append(int(_num(first, path, sheet, r, "ID")))
        pressure.append(_num(row[i_p], path, sheet, r, header[i_p], dc_iso))
        rp.append(_num(row[i_rp], path, sheet, r, header[i_rp], dc_iso))
        amount.append(_num(row[i_v], path, sheet, r, header[i_v], dc_iso))
        if i_p0 is not None:
            p0.append(_num(row[i_p0], path, sheet, r, header[i_p0], dc_iso))
        branch.append(current)

    # ---------------- Info sheet
    info_values: dict[str, dict] = {}
    report: dict = {}
    for r, row in enumerate(info, start=1):
        cells = [c for c in row if not _blank(c)]
        if not cells or not isinstance(cells[0], str):
            continue
        label = cells[0].strip()
        if len(cells) == 1:
            continue
        value = cells[1]
        unit = cells[2].strip().strip("()") if len(cells) > 2 and isinstance(cells[2], str) \
            else None
        if isinstance(value, (int, float)):
            q = {"value": float(value), "units": unit, "text": f"{value} {cells[2]}"
                 if len(cells) > 2 else str(value)}
        else:   # text: "1534,746" (decimal-comma locale), "1534.746 m²/g", or not a number
            q = parse_quantity(value, decimal_comma=dc is True)
            q["units"] = unit or q["units"]
        info_values[label] = q
        low = label.lower()
        m = re.search(r"p/p0\s*=\s*([\d.,]*\d)", label, re.I)
        at = number(m.group(1), dc) if m else None
        if low.startswith("single point bet"):
            report["single_point_bet"] = {"area": q, "relative_pressure": at}
        elif low.startswith("bet surface area"):
            report.setdefault("bet", {})["area"] = q
        elif low.startswith("total pore volume"):
            report["total_pore_volume"] = {**q, "relative_pressure": at}
        elif low.startswith("average pore diameter"):
            report["average_pore_diameter"] = q
    report["info"] = info_values

    # ---------------- BET sheet
    if bet:
        sheet = names["bet"]
        h = _header_row(bet, path, sheet)
        bh = [str(v).strip() if v is not None else "" for v in bet[h]]
        j_id = _col(bh, r"^ID$", path, sheet, row=h + 1)
        j_rp = _col(bh, r"^p\s*/\s*p0", path, sheet, row=h + 1)
        j_v = _col(bh, r"^(V|n|Q)\s*\(", path, sheet, row=h + 1)
        j_t = _col(bh, r"^1\s*/", path, sheet, required=False, row=h + 1)
        pts = {"id": [], "relative_pressure": [], "amount": [], "bet_transform": []}
        for r, row in enumerate(bet[h + 1:], start=h + 2):
            if all(_blank(v) for v in row):
                continue
            pts["id"].append(int(_num(row[j_id], path, sheet, r, "ID")))
            pts["relative_pressure"].append(_num(row[j_rp], path, sheet, r, bh[j_rp], dc_bet))
            pts["amount"].append(_num(row[j_v], path, sheet, r, bh[j_v], dc_bet))
            if j_t is not None:
                pts["bet_transform"].append(_num(row[j_t], path, sheet, r, bh[j_t], dc_bet))
        pts["amount_units"] = units_in_brackets(bh[j_v])
        ads = {i: k for k, (i, b) in enumerate(zip(ids, branch)) if b == "adsorption"}
        missing = [i for i in pts["id"] if i not in ads]
        if missing:
            raise ReadError(path, f"BET points with IDs {missing} are not adsorption points of "
                                  "the Isotherm sheet", f"sheet {sheet!r}")
        pts["point_index"] = [ads[i] for i in pts["id"]]
        pts["relative_pressure_isotherm"] = [rp[ads[i]] for i in pts["id"]]
        # cross-check: the listed (rounded) p/p0 must match the isotherm's to 5 decimals
        bad = [i for i, a, b in zip(pts["id"], pts["relative_pressure"],
                                    pts["relative_pressure_isotherm"]) if abs(a - b) > 6e-6]
        if bad:
            raise ReadError(path, f"BET points {bad}: p/p0 differs from the Isotherm sheet",
                            f"sheet {sheet!r}")
        entry = report.setdefault("bet", {})
        entry["points"] = pts
        entry["n_points"] = len(pts["id"])
        if pts["relative_pressure"]:
            entry["relative_pressure_range"] = [min(pts["relative_pressure"]),
                                                max(pts["relative_pressure"])]

    # ---------------- metadata
    def info_text(key):
        q = info_values.get(key)
        return q["text"].strip() if q and q["text"] and q["text"].strip() else None

    mass = mass_units = None
    weight = info_text("Sample Weight")
    if weight:
        m = re.match(r"^\s*([\d.,eE+-]+)\s*\(?\s*([a-zA-Zµ]+)?\s*\)?\s*$", weight)
        if not m:
            raise ReadError(path, f"Sample Weight {weight!r}: expected e.g. '0.1747(g)'",
                            f"sheet {names['info']!r}")
        try:
            mass, mass_units = number(m.group(1), dc), m.group(2) or "g"
        except ValueError:
            raise ReadError(path, f"Sample Weight {weight!r}: expected e.g. '0.1747(g)'",
                            f"sheet {names['info']!r}") from None
    if temperature is None:
        warnings.warn(f"{path}: the 3P report does not store the analysis temperature; the "
                      "'temperature' coordinate is left out (pass temperature= in K)",
                      UserWarning, stacklevel=2)
    sample = info_text("Sample") or info_text("Charge Name")
    metadata = {"format": "3P Instruments .xlsx report", "sheets_read": sheets_read,
                "columns": header, "report": report,
                "decimal_mark": {role: {True: ",", False: ".", None: None}[d]
                                 for role, d in (("info", dc), ("isotherm", dc_iso),
                                                 ("bet", dc_bet))}}
    if preamble:
        metadata["isotherm_sheet_preamble"] = preamble
    return build_isotherm(
        path, reader="threep", amount=amount, amount_units=amount_units,
        relative_pressure=rp, relative_pressure_note="p/p0 column of the Isotherm sheet",
        pressure=pressure, pressure_units=p_units,
        saturation_pressure_values=p0 if p0 else None, branch=branch,
        sample_mass=mass, sample_mass_units=mass_units or "g",
        temperature=temperature, temperature_units="K",
        adsorbate=info_text("Adsorbate"), sample=sample, metadata=metadata)
