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

from ._build import build_isotherm, to_float, units_in_brackets
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_threep"]

_SHEETS = ("Info", "Isotherm", "BET Surface Area")


def _sniff(head: bytes, path) -> bool:
    if not head.startswith(b"PK\x03\x04") or b"xl/" not in head:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            wb = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return True     # a damaged workbook: let the reader report what is wrong
    names = set(re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', wb))
    return "Isotherm" in names and ("Info" in names or "BET Surface Area" in names)


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _col(header, pattern, path, sheet, required=True):
    for k, name in enumerate(header):
        if isinstance(name, str) and re.match(pattern, name.strip(), re.I):
            return k
    if required:
        raise ReadError(path, f"column matching {pattern!r} not found in {header}",
                        f"sheet {sheet!r}, row 1")
    return None


def _num(v, path, sheet, row, what):
    try:
        return to_float(v)
    except (TypeError, ValueError):
        raise ReadError(path, f"{what}: expected a number, got {v!r}",
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
        if "Isotherm" not in wb.sheetnames:
            raise ReadError(path, f"expected a sheet 'Isotherm' (3P report); the workbook has "
                                  f"{wb.sheetnames}", "sheet 'Isotherm'")
        try:
            sheets_read = [n for n in _SHEETS if n in wb.sheetnames]
            iso = _rows(wb["Isotherm"])
            info = _rows(wb["Info"]) if "Info" in wb.sheetnames else []
            bet = _rows(wb["BET Surface Area"]) if "BET Surface Area" in wb.sheetnames else []
        except ReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - damaged sheet XML
            raise ReadError(path, f"cannot read the workbook's sheets ({type(exc).__name__}: "
                                  f"{exc})") from None
    finally:
        wb.close()

    # ---------------- Isotherm sheet
    if not iso:
        raise ReadError(path, "sheet 'Isotherm' is empty", "sheet 'Isotherm', row 1")
    header = [str(h).strip() if h is not None else "" for h in iso[0]]
    sheet = "Isotherm"
    i_id = _col(header, r"^ID$", path, sheet)
    i_p = _col(header, r"^p\s*\(", path, sheet)
    i_rp = _col(header, r"^p\s*/\s*p0", path, sheet)
    i_v = _col(header, r"^(V|n|Q)\s*\(", path, sheet)
    i_p0 = _col(header, r"^p0\s*\(", path, sheet, required=False)
    p_units = units_in_brackets(header[i_p])
    amount_units = units_in_brackets(header[i_v])
    if i_p0 is not None and units_in_brackets(header[i_p0]) != p_units:
        raise ReadError(path, "columns p and p0 have different units", "sheet 'Isotherm', row 1")
    ids, pressure, rp, amount, p0, branch = [], [], [], [], [], []
    current = "adsorption"
    for r, row in enumerate(iso[1:], start=2):
        if all(_blank(v) for v in row):
            continue
        first = row[i_id]
        if isinstance(first, str) and set(first.strip()) <= {"-"} and first.strip():
            if current == "desorption":
                raise ReadError(path, "a second '---' separator", f"sheet {sheet!r}, row {r}")
            current = "desorption"
            continue
        ids.append(int(_num(first, path, sheet, r, "ID")))
        pressure.append(_num(row[i_p], path, sheet, r, header[i_p]))
        rp.append(_num(row[i_rp], path, sheet, r, header[i_rp]))
        amount.append(_num(row[i_v], path, sheet, r, header[i_v]))
        if i_p0 is not None:
            p0.append(_num(row[i_p0], path, sheet, r, header[i_p0]))
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
        else:
            q = {"value": None, "units": unit, "text": str(value)}
        info_values[label] = q
        low = label.lower()
        m = re.search(r"p/p0\s*=\s*([\d.]+)", label, re.I)
        if low.startswith("single point bet"):
            report["single_point_bet"] = {"area": q, "relative_pressure":
                                          float(m.group(1)) if m else None}
        elif low.startswith("bet surface area"):
            report.setdefault("bet", {})["area"] = q
        elif low.startswith("total pore volume"):
            report["total_pore_volume"] = {**q, "relative_pressure":
                                           float(m.group(1)) if m else None}
        elif low.startswith("average pore diameter"):
            report["average_pore_diameter"] = q
    report["info"] = info_values

    # ---------------- BET sheet
    if bet:
        sheet = "BET Surface Area"
        bh = [str(h).strip() if h is not None else "" for h in bet[0]]
        j_id = _col(bh, r"^ID$", path, sheet)
        j_rp = _col(bh, r"^p\s*/\s*p0", path, sheet)
        j_v = _col(bh, r"^(V|n|Q)\s*\(", path, sheet)
        j_t = _col(bh, r"^1\s*/", path, sheet, required=False)
        pts = {"id": [], "relative_pressure": [], "amount": [], "bet_transform": []}
        for r, row in enumerate(bet[1:], start=2):
            if all(_blank(v) for v in row):
                continue
            pts["id"].append(int(_num(row[j_id], path, sheet, r, "ID")))
            pts["relative_pressure"].append(_num(row[j_rp], path, sheet, r, bh[j_rp]))
            pts["amount"].append(_num(row[j_v], path, sheet, r, bh[j_v]))
            if j_t is not None:
                pts["bet_transform"].append(_num(row[j_t], path, sheet, r, bh[j_t]))
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
                            "sheet 'Info'")
        mass, mass_units = to_float(m.group(1)), m.group(2) or "g"
    if temperature is None:
        warnings.warn(f"{path}: the 3P report does not store the analysis temperature; the "
                      "'temperature' coordinate is left out (pass temperature= in K)",
                      UserWarning, stacklevel=2)
    sample = info_text("Sample") or info_text("Charge Name")
    metadata = {"format": "3P Instruments .xlsx report", "sheets_read": sheets_read,
                "columns": header, "report": report}
    return build_isotherm(
        path, reader="threep", amount=amount, amount_units=amount_units,
        relative_pressure=rp, relative_pressure_note="p/p0 column of the Isotherm sheet",
        pressure=pressure, pressure_units=p_units,
        saturation_pressure_values=p0 if p0 else None, branch=branch,
        sample_mass=mass, sample_mass_units=mass_units or "g",
        temperature=temperature, temperature_units="K",
        adsorbate=info_text("Adsorbate"), sample=sample, metadata=metadata)
