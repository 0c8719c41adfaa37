"""Micromeritics report exports (``.xls``: TriStar II, ASAP 2020, 3Flex, MicroActive).

Format coverage
---------------
Legacy binary Excel (BIFF, read with ``xlrd``) holding the whole report set on **one worksheet**:
report "pages" side by side, each a block of columns separated by columns of ``|`` cells, with
the sample header repeated at the top of every page and the page title (``Summary Report``,
``Isotherm Tabular Report``, ``BET Report`` / ``BET Surface Area Report``, ``t-Plot Report``,
``Langmuir Report``, ``BJH ... Report``, ``Options Report`` ...) below it. Labels differ in case
between software versions (``Sample Mass:`` / ``Sample mass:``) and are matched without case.

* Isotherm: the ``Isotherm Tabular Report`` table — ``Relative Pressure``, ``Absolute Pressure
  (<unit>)``, ``Quantity Adsorbed (<unit>)``, ``Elapsed Time``, ``Saturation Pressure (<unit>)``.
  Rows holding only a time and a p0 measurement (no relative pressure) are p0 measurements, not
  points: they are listed in ``original_metadata["saturation_pressure_measurements"]``. The
  relative pressure is the instrument's column. ``saturation_pressure`` is a coordinate only when
  every point row carries one. Adsorption and desorption are one list, split after the highest
  relative pressure. Overlay isotherms on plot pages (reference samples) are never read.
* Header: instrument line, serial, sample, operator, file, dates (kept as text, not parsed: the
  files use m/d/yyyy, dd.mm.yyyy, dd/mm/yyyy and ``2021/12/16 下午 06:50:16``), sample mass,
  adsorptive, bath temperature (K or °C), free spaces ...
* Report (``original_metadata["report"]``), values as ``{"value", "units", "stderr"?, "text"}``:
  ``bet`` (area, slope, intercept, c, qm, r, cross_sectional_area, points with
  relative_pressure / amount / bet_transform / point_index, n_points,
  relative_pressure_range), ``single_point_bet`` (area, relative_pressure), ``t_plot``
  (micropore_volume, micropore_area, external_area, slope, intercept, r,
  surface_area_correction_factor, density_conversion_factor, total_surface_area,
  thickness_range {min, max, units}, thickness_equation, thickness_formula, thickness_curve
  table when user-defined, fitted_points, n_points), ``langmuir``, ``total_pore_volume``
  (adsorption, desorption, relative_pressure, pore_diameter_limit), ``summary`` (every
  label/value of the Summary Report), ``sections`` (label/values, text lines and messages of
  every other page) and ``messages`` (software errors such as ``"1089- Fewer than 2 points
  available for BET calculations."``).

Limits
------
Tables of pore-size distributions (BJH, DFT, HK ...) are not extracted (their summary values
are); ``.xlsx`` exports and ``.SMP``/``.QPS`` files are not covered.

Library choice
--------------
Own parser on ``xlrd``. ``adsorption-file-parser`` 0.3.0 (``mic``/``xl``) reads the isotherm
table correctly but drops every report value (BET, t-plot, pore volume ...), which the
validation tests need; it also misreads dates (``09.02.2021`` as 2 September,
``下午 06:50`` as 06:50) and installs a stdout logging handler when imported.
"""

from __future__ import annotations

import re

from .. import _source
from ._build import build_isotherm, find_point_index, parse_quantity, split_branches, \
    to_float, units_in_brackets
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_micromeritics"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MESSAGE = re.compile(r"^\s*(\d{4}-\s+.*|No summary reports could be produced\.?"
                      r"|At least two .*must be selected.*)$")


def _sniff(head: bytes, path) -> bool:
    if not head.startswith(_OLE):
        return False
    data = _source.read_bytes(path, limit=1 << 20)
    return b"Isotherm Tabular" in data or (b"Quantity Adsorbed" in data
                                          and b"Relative Pressure" in data)


# ------------------------------------------------------------------------------------------------
# sheet access
# ------------------------------------------------------------------------------------------------

class _Sheet:
    """Cell access with text normalisation; empty cells are None."""

    def __init__(self, sh):
        self.nrows, self.ncols = sh.nrows, sh.ncols
        self.rows = []
        for r in range(sh.nrows):
            row = []
            for c, cell in enumerate(sh.row(r)):
                v = cell.value
                if cell.ctype in (0, 6) or (isinstance(v, str) and not v.strip()):
                    v = None
                row.append(v)
            row += [None] * (sh.ncols - len(row))
            self.rows.append(row)

    def get(self, r, c):
        if 0 <= r < self.nrows and 0 <= c < self.ncols:
            return self.rows[r][c]
        return None


def _is_label(v) -> bool:
    return isinstance(v, str) and v.rstrip().endswith(":")


def _label(v: str) -> str:
    return re.sub(r"\s+", " ", v.strip().rstrip(":").strip())


def _pages(sheet: _Sheet):
    """Column blocks separated by columns holding ``|`` cells: list of (c0, c1) half-open."""
    seps = sorted({c for row in sheet.rows for c, v in enumerate(row)
                   if isinstance(v, str) and v.strip() == "|"})
    bounds = [-1] + seps + [sheet.ncols]
    return [(a + 1, b) for a, b in zip(bounds, bounds[1:]) if b - a > 1]


def _title_row(sheet: _Sheet, c0: int):
    """Row and text of a page's title: the first text in its first column below the header."""
    for r in range(18, min(sheet.nrows, 40)):
        for c in (c0, c0 + 1):
            v = sheet.get(r, c)
            if isinstance(v, str) and not _is_label(v) and not v.startswith(
                    ("Comments", "Validation errors")):
                return r, v.strip()
    return None, None


def _key_values(sheet: _Sheet, c0: int, c1: int, r0: int, r1: int):
    """Label/value pairs, free text lines and software messages of a page region.

    Returns ``(values, grouped, lines, messages)``: ``values`` maps each label (a cell ending
    with ``:``, a two-row label joined, or the text before a lone ``:`` cell) to
    :func:`parse_quantity` of the cell after it; ``grouped`` holds the same pairs under the
    sub-heading (a lone text cell such as ``Surface Area`` or ``Freundlich``) they follow.
    """
    values: dict[str, dict] = {}
    grouped: dict[str, dict[str, dict]] = {}
    lines: list[str] = []
    messages: list[str] = []
    pending: dict[int, str] = {}
    group = ""

    def store(key, q):
        name, n = key, 1
        while name in values:
            n += 1
            name = f"{key} ({n})"
        values[name] = q
        grouped.setdefault(group, {})[key if key not in grouped.get(group, {}) else name] = q

    for r in range(r0, r1):
        cells = [(c, sheet.get(r, c)) for c in range(c0, c1) if sheet.get(r, c) is not None]
        if not cells:
            pending = {}
            continue
        numeric = any(not isinstance(v, str) for _, v in cells)
        text_cells = [(c, v) for c, v in cells if isinstance(v, str)]
        for _, v in text_cells:
            if _MESSAGE.match(v) and v.strip() not in messages:
                messages.append(v.strip())
        comment = [v for _, v in text_cells if v.startswith("Comments:") and not _is_label(v)]
        if comment:
            store("Comments", {"value": None, "units": None,
                               "text": comment[0][len("Comments:"):].strip()})
            cells = [(c, v) for c, v in cells if v not in comment]
            text_cells = [(c, v) for c, v in text_cells if v not in comment]
            if not cells:
                pending = {}
                continue
        if not any(_is_label(v) for _, v in text_cells):
            if (len(cells) == 1 and not numeric
                    and any(_is_label(sheet.get(r + 1, c)) for c, _ in cells)):
                pending = {cells[0][0]: cells[0][1].strip()}     # first row of a 2-row label
                continue
            pending = {}
            if (len(cells) == 2 and isinstance(cells[0][1], str)
                    and not _MESSAGE.match(cells[0][1])):
                q = parse_quantity(cells[1][1])
                if q["value"] is not None and q["units"]:    # "Average Particle Size | 37.583 Å"
                    store(_label(cells[0][1]), q)
                    continue
            if not numeric:
                line = " ".join(str(v).strip() for _, v in cells)
                if not _MESSAGE.match(line):
                    lines.append(line)
                    if len(cells) == 1:
                        group = line
            continue
        for k, (c, v) in enumerate(cells):
            if not _is_label(v):
                continue
            key = _label(v)
            if not key:     # "Volume in Pores | < | 16.66 Å | : | 0.00000 cm³/g"
                key = " ".join(str(w).strip() for _, w in cells[:k])
            if c in pending:
                key = f"{pending[c]} {key}"
            nxt = cells[k + 1][1] if k + 1 < len(cells) else None
            if _is_label(nxt):
                nxt = None
            store(key, parse_quantity(nxt) if nxt is not None else
                  {"value": None, "units": None, "text": ""})
        pending = {}
    return values, grouped, lines, messages


def _find_table(sheet: _Sheet, c0: int, c1: int, r0: int, first: str, also=()):
    """The table whose header row starts with a cell beginning with ``first``.

    Returns ``(header_row, {column: header text}, rows)`` where rows are ``(row, {column:
    value})`` until the first empty row, or None.
    """
    for r in range(r0, sheet.nrows):
        for c in range(c0, c1):
            v = sheet.get(r, c)
            if not (isinstance(v, str) and v.strip().lower().startswith(first.lower())):
                continue
            header = {cc: re.sub(r"\s+", " ", sheet.get(r, cc).strip())
                      for cc in range(c, c1) if isinstance(sheet.get(r, cc), str)}
            if not all(any(h.lower().startswith(a.lower()) for h in header.values())
                       for a in also):
                continue
            rows = []
            for rr in range(r + 1, sheet.nrows):
                cells = {cc: sheet.get(rr, cc) for cc in header if sheet.get(rr, cc) is not None}
                if not cells:
                    break
                rows.append((rr, cells))
            return r, header, rows
    return None


def _column(header: dict, start: str):
    return next((c for c, h in header.items() if h.lower().startswith(start.lower())), None)


def _numbers(path, rows, col, what):
    out = []
    for r, cells in rows:
        v = cells.get(col)
        if isinstance(v, str) and v.strip() == "*":   # "Fitted" marker column
            out.append(v)
            continue
        try:
            out.append(to_float(v) if v is not None else None)
        except (TypeError, ValueError):
            raise ReadError(path, f"{what}: expected a number, got {v!r}", f"row {r + 1}") \
                from None
    return out


def _cell_number(path, cells: dict, col, what: str, where: str, required: bool = True):
    """The number in ``cells[col]`` (None if empty and not ``required``); ReadError otherwise."""
    v = cells.get(col) if col is not None else None
    if v is None:
        if required:
            raise ReadError(path, f"{what} missing in a data row", where)
        return None
    try:
        return to_float(v)
    except (TypeError, ValueError):
        raise ReadError(path, f"{what}: expected a number, got {v!r}", where) from None


def _get(values: dict, *names):
    low = {k.lower(): v for k, v in values.items()}
    for n in names:
        if n.lower() in low:
            return low[n.lower()]
    return None


def _startswith(values: dict, prefix: str):
    return [(k, v) for k, v in values.items() if k.lower().startswith(prefix.lower())]


# ------------------------------------------------------------------------------------------------
# report sections
# ------------------------------------------------------------------------------------------------

def _bet(path, sheet, page, title_row, values):
    out = {}
    for key, names in (("area", ("BET Surface Area",)), ("slope", ("Slope",)),
                       ("intercept", ("Y-Intercept",)), ("c", ("C",)), ("qm", ("Qm",)),
                       ("r", ("Correlation Coefficient",)),
                       ("cross_sectional_area", ("Molecular Cross-Sectional Area",))):
        q = _get(values, *names)
        if q is not None:
            out[key] = q
    table = _find_table(sheet, page[0], page[1], title_row, "Relative Pressure",
                        also=("Quantity Adsorbed", "1/["))
    if table is not None:
        _, header, rows = table
        crp = _column(header, "Relative Pressure")
        camt = _column(header, "Quantity Adsorbed")
        ctr = _column(header, "1/[")
        pts = {"relative_pressure": _numbers(path, rows, crp, header[crp]),
               "amount": _numbers(path, rows, camt, header[camt]),
               "amount_units": units_in_brackets(header[camt]),
               "bet_transform": _numbers(path, rows, ctr, header[ctr]),
               "bet_transform_label": header[ctr]}
        out["points"] = pts
        out["n_points"] = len(pts["relative_pressure"])
        if pts["relative_pressure"]:
            out["relative_pressure_range"] = [min(pts["relative_pressure"]),
                                              max(pts["relative_pressure"])]
    return out


def _t_plot(path, sheet, page, title_row, values):
    out = {}
    for key, names in (("micropore_volume", ("Micropore Volume",)),
                       ("micropore_area", ("Micropore Area",)),
                       ("external_area", ("External Surface Area",)),
                       ("slope", ("Slope",)), ("intercept", ("Y-Intercept",)),
                       ("r", ("Correlation Coefficient",)),
                       ("surface_area_correction_factor", ("Surface Area Correction Factor",)),
                       ("density_conversion_factor", ("Density Conversion Factor",)),
                       ("total_surface_area", ("Total Surface Area (BET)",))):
        q = _get(values, *names)
        if q is not None:
            out[key] = q
    rng = _get(values, "Thickness Range")
    if rng is not None:
        m = re.match(r"^\s*([\d.]+)\s*(\S*?)\s+to\s+([\d.]+)\s*(.*)$", rng["text"])
        if m:
            out["thickness_range"] = {"min": float(m.group(1)), "max": float(m.group(3)),
                                      "units": (m.group(4) or m.group(2)).strip() or None,
                                      "text": rng["text"]}
    eq = _get(values, "Thickness Equation")
    if eq is not None:
        out["thickness_equation"] = eq["text"].strip()
    for r in range(title_row, sheet.nrows):
        for c in range(page[0], page[1]):
            v = sheet.get(r, c)
            if isinstance(v, str) and re.match(r"^\s*t\s*=", v):
                out["thickness_formula"] = v.strip()
    data = _find_table(sheet, page[0], page[1], title_row, "Relative Pressure",
                       also=("Statistical Thickness", "Quantity Adsorbed"))
    curve = _find_table(sheet, page[0], page[1], title_row, "Relative Pressure",
                        also=("Statistical Thickness",))
    if curve is not None and data is not None and curve[0] != data[0]:
        _, header, rows = curve
        crp, cth = _column(header, "Relative Pressure"), _column(header, "Statistical Thickness")
        out["thickness_curve"] = {"relative_pressure": _numbers(path, rows, crp, header[crp]),
                                  "thickness": _numbers(path, rows, cth, header[cth]),
                                  "thickness_units": units_in_brackets(header[cth])}
    if data is not None:
        _, header, rows = data
        crp = _column(header, "Relative Pressure")
        cth = _column(header, "Statistical Thickness")
        camt = _column(header, "Quantity Adsorbed")
        cfit = _column(header, "Fitted")
        fitted = [(r, cells) for r, cells in rows
                  if cfit is not None and isinstance(cells.get(cfit), str)
                  and cells[cfit].strip() == "*"]
        out["fitted_points"] = {
            "relative_pressure": _numbers(path, fitted, crp, header[crp]),
            "thickness": _numbers(path, fitted, cth, header[cth]),
            "thickness_units": units_in_brackets(header[cth]),
            "amount": _numbers(path, fitted, camt, header[camt]),
            "amount_units": units_in_brackets(header[camt])}
        out["n_points"] = len(fitted)
    return out


def _langmuir(path, sheet, page, title_row, values):
    out = {}
    for key, names in (("area", ("Langmuir Surface Area",)), ("slope", ("Slope",)),
                       ("intercept", ("Y-Intercept",)), ("b", ("b",)), ("qm", ("Qm",)),
                       ("r", ("Correlation Coefficient",)),
                       ("cross_sectional_area", ("Molecular Cross-Sectional Area",))):
        q = _get(values, *names)
        if q is not None:
            out[key] = q
    table = _find_table(sheet, page[0], page[1], title_row, "Pressure", also=("Quantity",))
    if table is not None:
        _, header, rows = table
        cp, camt = _column(header, "Pressure"), _column(header, "Quantity Adsorbed")
        out["points"] = {"pressure": _numbers(path, rows, cp, header[cp]),
                         "pressure_units": units_in_brackets(header[cp]),
                         "amount": _numbers(path, rows, camt, header[camt]),
                         "amount_units": units_in_brackets(header[camt])}
        out["n_points"] = len(rows)
    return out


def _summary_extras(summary: dict, report: dict):
    for key, q in summary.items():
        m = re.match(r"^single point surface area at p/p(?:o|°|0) = ([\d.]+)$", key, re.I)
        if m:
            report["single_point_bet"] = {"area": q, "relative_pressure": float(m.group(1))}
        m = re.match(r"^single point (adsorption|desorption) total pore volume of pores less "
                     r"than ([\d,.]+) (\S+) diameter at p/p(?:o|°|0) = ([\d.]+)$", key, re.I)
        if m:
            tpv = report.setdefault("total_pore_volume", {})
            tpv[m.group(1).lower()] = q
            tpv["relative_pressure"] = float(m.group(4))
            tpv["pore_diameter_limit"] = {"value": to_float(m.group(2)), "units": m.group(3)}


# ------------------------------------------------------------------------------------------------
# reader
# ------------------------------------------------------------------------------------------------

@register_reader("micromeritics", extensions=(".xls",), sniff=_sniff, technique="sorption",
                 description="Micromeritics .xls report export")
def read_micromeritics(path):
    """Read a Micromeritics ``.xls`` report export (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset with the instrument's report under ``original_metadata["report"]``.

    Raises
    ------
    ReadError
        Not a readable ``.xls``, no ``Isotherm Tabular Report``, malformed table rows.

    Examples
    --------
    >>> ds = characterization.read("Sample_A.xls")               # doctest: +SKIP
    >>> json.loads(ds.attrs["original_metadata"])["report"]["bet"]["area"]  # doctest: +SKIP
    {'value': 194.7493, 'units': 'm²/g', 'stderr': 0.5313, 'text': '194.7493 ± 0.5313 m²/g'}
    """
    import xlrd

    data = _source.read_bytes(path)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        names = book.sheet_names()
        # the report set is on one sheet, normally the first: take the first sheet holding an
        # 'Isotherm Tabular Report', else the first sheet (which then fails with a clear error)
        sheets = [_Sheet(book.sheet_by_index(i)) for i in range(book.nsheets)]
        found = [any(v == "Isotherm Tabular Report" for row in sh.rows for v in row)
                 for sh in sheets]
        index = found.index(True) if any(found) else 0
        sheet, sheet_name = sheets[index], names[index]
    except Exception as exc:  # noqa: BLE001 - xlrd raises many types on damaged files
        raise ReadError(path, f"not a readable .xls workbook ({type(exc).__name__}: {exc})") \
            from None
    pages = _pages(sheet)
    titled = []
    for page in pages:
        r, title = _title_row(sheet, page[0])
        if title is not None:
            titled.append((page, r, title))
    if not titled:
        raise ReadError(path, "no report pages found (expected titles such as 'Isotherm Tabular "
                              "Report')", f"sheet {sheet_name!r}")

    # ---- header (first page, rows above its title)
    first_page, first_row, _ = titled[0]
    header_values, _, header_lines, _ = _key_values(sheet, first_page[0], first_page[1], 4,
                                                    first_row)
    banner = [str(sheet.get(r, c)).strip() for r in range(0, 4)
              for c in range(first_page[0], first_page[1])
              if sheet.get(r, c) is not None and not re.match(r"^Page\s+\d+$",
                                                              str(sheet.get(r, c)).strip())]
    header = {"banner": banner, "fields": header_values, "lines": header_lines}

    # ---- isotherm table(s)
    iso_pages = [(p, r) for p, r, t in titled if t.lower() == "isotherm tabular report"]
    if not iso_pages:
        raise ReadError(path, "no 'Isotherm Tabular Report' page in the report",
                        f"sheet {sheet_name!r}")
    rp, pressure, amount, p0, p0_log = [], [], [], [], []
    units = {}
    for page, r0 in iso_pages:
        table = _find_table(sheet, page[0], page[1], r0, "Relative Pressure",
                            also=("Quantity Adsorbed",))
        if table is None:
            raise ReadError(path, "the Isotherm Tabular Report has no 'Relative Pressure' / "
                                  "'Quantity Adsorbed' columns",
                            f"sheet {sheet_name!r}, row {r0 + 1}")
        hrow, cols, rows = table
        crp = _column(cols, "Relative Pressure")
        cp = _column(cols, "Absolute Pressure")
        camt = _column(cols, "Quantity Adsorbed")
        cp0 = _column(cols, "Saturation Pressure")
        ctime = _column(cols, "Elapsed Time")
        for key, c in (("pressure", cp), ("amount", camt), ("saturation_pressure", cp0)):
            if c is not None:
                u = units_in_brackets(cols[c])
                if units.setdefault(key, u) != u:
                    raise ReadError(path, f"{key} units differ between pages",
                                    f"sheet {sheet_name!r}, row {hrow + 1}")
        for r, cells in rows:
            where = f"sheet {sheet_name!r}, row {r + 1}"

            def num(c, what, required=True, cells=cells, where=where):
                return _cell_number(path, cells, c, what, where, required)

            if cells.get(crp) is None:
                if cp0 is not None and cells.get(cp0) is not None:
                    p0_log.append({"elapsed_time": cells.get(ctime),
                                   "value": num(cp0, "saturation pressure")})
                    continue
                raise ReadError(path, "row without relative pressure or saturation pressure",
                                where)
            rp.append(num(crp, "relative pressure"))
            amount.append(num(camt, "quantity adsorbed"))
            pressure.append(num(cp, "absolute pressure", required=False))
            p0.append(num(cp0, "saturation pressure", required=False))
    if not rp:
        raise ReadError(path, "the Isotherm Tabular Report holds no points",
                        f"sheet {sheet_name!r}")
    has_p = cp is not None and all(v is not None for v in pressure)
    has_p0 = cp0 is not None and all(v is not None for v in p0)

    # ---- report pages
    report: dict = {"messages": []}
    sections: dict[str, dict] = {}
    for page, r0, title in titled:
        values, grouped, lines, messages = _key_values(sheet, page[0], page[1], r0 + 1,
                                                       sheet.nrows)
        for m in messages:
            if m not in report["messages"]:
                report["messages"].append(m)
        low = title.lower()
        if low == "summary report":
            report["summary"] = grouped
            _summary_extras(values, report)
            if lines:
                report["summary_lines"] = lines
            continue
        key = title
        n = 1
        while key in sections:
            n += 1
            key = f"{title} ({n})"
        if values or lines or messages:
            sections[key] = {k: v for k, v in (("values", values), ("lines", lines),
                                               ("messages", messages)) if v}
        if re.fullmatch(r"bet (surface area )?report", low) and values:
            report["bet"] = _bet(path, sheet, page, r0, values)
        elif low == "t-plot report" and values:
            report["t_plot"] = _t_plot(path, sheet, page, r0, values)
        elif low == "langmuir report" and values:
            report["langmuir"] = _langmuir(path, sheet, page, r0, values)
    report["sections"] = sections

    # ---- link report points to the isotherm
    branch = split_branches(rp)
    for entry, key in ((report.get("bet"), "points"), (report.get("t_plot"), "fitted_points")):
        if entry and key in entry:
            idx = find_point_index(rp, branch, entry[key]["relative_pressure"])
            entry[key]["point_index"] = idx
            if any(i is None for i in idx):
                raise ReadError(path, f"{key} of the report do not match adsorption points of "
                                      "the isotherm table", f"sheet {sheet_name!r}")

    fields = header_values
    mass = _get(fields, "Sample Mass")
    temp = _get(fields, "Analysis Bath Temp.")
    adsorptive = _get(fields, "Analysis Adsorptive")
    sample = _get(fields, "Sample")
    if mass is not None and mass["value"] is None:
        raise ReadError(path, f"header field 'Sample Mass': expected a number, got "
                              f"{mass['text']!r}", f"sheet {sheet_name!r}")
    if has_p and has_p0 and units.get("pressure") != units.get("saturation_pressure"):
        raise ReadError(path, f"absolute and saturation pressure in different units "
                              f"({units.get('pressure')!r}, {units.get('saturation_pressure')!r})",
                        f"sheet {sheet_name!r}")
    metadata = {"format": "Micromeritics .xls report", "sheets": names,
                "header": header, "columns": list(cols.values()),
                "saturation_pressure_measurements": p0_log,
                "saturation_pressure_units": units.get("saturation_pressure"),
                "report": report}
    return build_isotherm(
        path, reader="micromeritics", amount=amount, amount_units=units["amount"],
        relative_pressure=rp,
        relative_pressure_note="Relative Pressure column of the Isotherm Tabular Report",
        pressure=pressure if has_p else None,
        pressure_units=units.get("pressure") or units.get("saturation_pressure"),
        saturation_pressure_values=p0 if has_p0 else None, branch=branch,
        sample_mass=mass["value"] if mass else None,
        sample_mass_units=(mass["units"] if mass else None) or "g",
        temperature=temp["value"] if temp else None,
        temperature_units=temp["units"] if temp else None,
        adsorbate=adsorptive["text"] if adsorptive else None,
        sample=sample["text"] if sample else None, metadata=metadata)
