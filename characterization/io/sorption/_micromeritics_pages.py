"""Micromeritics report pages: cell access, page layout, label/value pairs, tables and the
report sections (BET, t-plot, Langmuir, Summary) of :mod:`.micromeritics`.

A Micromeritics ``.xls`` export is a set of report "pages" laid side by side on one sheet
(column blocks between columns of ``|`` cells) or one page per sheet; each page repeats the
sample header at its top and has a title below it. The functions here work on one sheet
(:class:`_Sheet`) and one page ``(first column, end column)`` at a time.
"""

from __future__ import annotations

import re

from ._build import parse_quantity, to_float, units_in_brackets
from ._decimal import number
from ...errors import ReadError

_MESSAGE = re.compile(r"^\s*(\d{4}-\s+.*|No summary reports could be produced\.?"
                      r"|At least two .*must be selected.*)$")


# ------------------------------------------------------------------------------------------------
# sheet access
# ------------------------------------------------------------------------------------------------

class _Sheet:
    """Cell access with text normalisation; empty cells are None.

    ``name`` is the sheet's name; ``dc`` whether the workbook writes decimal commas.
    """

    def __init__(self, sh, name: str = "", dc: bool = False):
        self.name, self.dc = name, dc
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


#: Free text under the header that is not a page title: notes and remarks a user or the
#: software put there ("Note: Manually entered data"), comments. Titles never hold a colon.
_NOTE = re.compile(r"^\s*(notes?\b|remarks?\b|comments?\b|validation errors|\*)|:", re.I)


#: Labels of the sample header repeated on top of every page of a report.
_HEADER_LABEL = re.compile(r"^\s*(sample|operator|submitter|file|started|completed|report time|"
                           r"sample mass|analysis adsorptive|analysis bath temp\.?)\s*:", re.I)


def _title_row(sheet: _Sheet, c0: int, c1: int | None = None):
    """Row, text and preceding notes of a page's title.

    The title is the first free text in the page's first two columns below the header (from row
    19 on) that is neither a label (``Sample mass:``), the value of a label, nor a note (see
    ``_NOTE``). A page without the sample header (no ``Page N`` banner in its first 4 rows and
    no ``Sample:``, ``Operator:``, ``Sample mass:`` ... in its first 18; a ``BET Report`` sheet
    starting at its title) has its title on top: its first free text that is not a note.
    Limitation: a header-less ``Sample Information`` page, whose content holds these labels,
    is not recognised as such. Returns ``(row, title, notes)``; ``(None, None, notes)`` when
    the page has no title.
    """
    notes = []
    top = [(r, v) for r in range(0, min(sheet.nrows, 18))
           for v in (sheet.get(r, c0), sheet.get(r, c0 + 1)) if isinstance(v, str)]
    c1 = sheet.ncols if c1 is None else c1
    page_mark = any(isinstance(sheet.get(r, c), str)
                    and re.match(r"^\s*Page\s+\d+\s*$", sheet.get(r, c))
                    for r in range(min(sheet.nrows, 4)) for c in range(c0, c1))
    if not page_mark and not any(_HEADER_LABEL.match(v) for _, v in top):   # no header
        for r, v in top:
            if not _is_label(v) and not _NOTE.search(v):
                return r, v.strip(), notes
            if _NOTE.search(v) and not _is_label(v):
                notes.append(v.strip())
    for r in range(18, min(sheet.nrows, 40)):
        for c in (c0, c0 + 1):
            v = sheet.get(r, c)
            if not isinstance(v, str) or _is_label(v):
                continue
            if c > c0 and _is_label(sheet.get(r, c0)):
                continue                      # the value of a header label
            if _NOTE.search(v):
                notes.append(v.strip())
                continue
            return r, v.strip(), notes
    return None, None, notes


def _key_values(sheet: _Sheet, c0: int, c1: int, r0: int, r1: int, dc: bool = False):
    """Label/value pairs, free text lines and software messages of a page region.

    Returns ``(values, grouped, lines, messages)``: ``values`` maps each label (a cell ending
    with ``:``, a two-row label joined, or the text before a lone ``:`` cell) to
    :func:`parse_quantity` of the cell after it; ``grouped`` holds the same pairs under the
    sub-heading (a lone text cell such as ``Surface Area`` or ``Freundlich``) they follow.
    ``dc``: the file writes decimal commas.
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
                q = parse_quantity(cells[1][1], decimal_comma=dc)
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
            store(key, parse_quantity(nxt, decimal_comma=dc) if nxt is not None else
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


def _numbers(path, rows, col, what, dc: bool = False):
    out = []
    for r, cells in rows:
        v = cells.get(col)
        if isinstance(v, str) and v.strip() == "*":   # "Fitted" marker column
            out.append(v)
            continue
        try:
            out.append(to_float(v, decimal_comma=dc) if v is not None else None)
        except (TypeError, ValueError):
            raise ReadError(path, f"{what}: expected a number, got {v!r}", f"row {r + 1}") \
                from None
    return out


def _cell_number(path, cells: dict, col, what: str, where: str, required: bool = True,
                 dc: bool = False):
    """The number in ``cells[col]`` (None if empty and not ``required``); ReadError otherwise."""
    v = cells.get(col) if col is not None else None
    if v is None:
        if required:
            raise ReadError(path, f"{what} missing in a data row", where)
        return None
    try:
        return to_float(v, decimal_comma=dc)
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
        pts = {"relative_pressure": _numbers(path, rows, crp, header[crp], sheet.dc),
               "amount": _numbers(path, rows, camt, header[camt], sheet.dc),
               "amount_units": units_in_brackets(header[camt]),
               "bet_transform": _numbers(path, rows, ctr, header[ctr], sheet.dc),
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
        m = re.match(r"^\s*([\d.,]+)\s*(\S*?)\s+to\s+([\d.,]+)\s*(.*)$", rng["text"])
        if m:
            out["thickness_range"] = {"min": number(m.group(1), sheet.dc),
                                      "max": number(m.group(3), sheet.dc),
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
        out["thickness_curve"] = {"relative_pressure": _numbers(path, rows, crp, header[crp],
                                                                sheet.dc),
                                  "thickness": _numbers(path, rows, cth, header[cth], sheet.dc),
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
            "relative_pressure": _numbers(path, fitted, crp, header[crp], sheet.dc),
            "thickness": _numbers(path, fitted, cth, header[cth], sheet.dc),
            "thickness_units": units_in_brackets(header[cth]),
            "amount": _numbers(path, fitted, camt, header[camt], sheet.dc),
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
        out["points"] = {"pressure": _numbers(path, rows, cp, header[cp], sheet.dc),
                         "pressure_units": units_in_brackets(header[cp]),
                         "amount": _numbers(path, rows, camt, header[camt], sheet.dc),
                         "amount_units": units_in_brackets(header[camt])}
        out["n_points"] = len(rows)
    return out


_P_P0 = r"p\s*/\s*p\s*(?:o|°|0|₀)"


def _summary_extras(summary: dict, report: dict, dc: bool = False):
    """Single-point BET and total pore volume from the Summary Report's labels.

    Each branch's total pore volume keeps its own relative pressure and pore-size limit (the
    software may use different pressures per branch); ``relative_pressure`` and
    ``pore_diameter_limit`` are also given at the top level only when every branch shares them.
    Labels say ``... Å diameter at P/Po = 0.995`` (older software) or ``... Å width at p/p° =
    0.95`` (newer).
    """
    def num(text):
        return number(text, dc)

    for key, q in summary.items():
        m = re.match(rf"^single point surface area at {_P_P0}\s*=\s*([\d.,]+)$", key, re.I)
        if m:
            report["single_point_bet"] = {"area": q, "relative_pressure": num(m.group(1))}
        m = re.match(r"^single point (adsorption|desorption) total pore volume of pores less "
                     rf"than ([\d,.]+)\s*(\S+) (?:diameter|width) at {_P_P0}\s*=\s*([\d.,]+)$",
                     key, re.I)
        if m:
            tpv = report.setdefault("total_pore_volume", {})
            tpv[m.group(1).lower()] = {
                **q, "relative_pressure": num(m.group(4)),
                "pore_diameter_limit": {"value": num(m.group(2)), "units": m.group(3)}}
    tpv = report.get("total_pore_volume")
    if tpv:
        for key in ("relative_pressure", "pore_diameter_limit"):
            values = [tpv[b][key] for b in ("adsorption", "desorption") if b in tpv]
            if all(v == values[0] for v in values):
                tpv[key] = values[0]
