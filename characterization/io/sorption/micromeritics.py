"""Micromeritics report exports (``.xls``: TriStar II, ASAP 2020, 3Flex, MicroActive).

Format coverage
---------------
Legacy binary Excel (BIFF, read with ``xlrd``) holding the report set on one worksheet —
report "pages" side by side, each a block of columns separated by columns of ``|`` cells — or
with pages on separate sheets (Summary, BET ... each on its own); the sample header is repeated
at the top of every page and the page title (``Summary Report``, ``Isotherm Tabular Report``,
``BET Report`` / ``BET Surface Area Report``, ``t-Plot Report``, ``Langmuir Report``, ``BJH ...
Report``, ``Options Report`` ...) below it. Free text between header and title that is a note
(``Note: Manually entered data``; any text with a colon, or starting with Note/Remark/Comment)
is not a title: it is kept in ``original_metadata["header"]["notes"]``. Sheets whose header
differs from the isotherm sheet's belong to another report and are left out (listed in
``sheets_of_other_reports``). Labels differ in case between software versions (``Sample
Mass:`` / ``Sample mass:``) and are matched without case. The sniff finds the page titles
whether the workbook stores its text one byte per character or as UTF-16LE.

Locale: report values are text in the Windows locale of the exporting PC (``"0,0908 g"``,
``"1.596,4627 m²/g"`` in a German one). The decimal mark is decided once per workbook from the
report values that show it unambiguously (:mod:`._decimal`; recorded as
``original_metadata["decimal"]``) and applied to every value; numbers inside labels are read by
their own mark when it is unambiguous.

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
  (``adsorption`` and ``desorption``, each with its own ``relative_pressure`` and
  ``pore_diameter_limit`` — the software may use different pressures per branch; the same two
  keys at the top level only when both branches share them; labels ``... Å diameter at P/Po =``
  and ``... Å width at p/p° =`` are both read), ``summary`` (every
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
from ._build import build_isotherm, find_point_index, split_branches, units_in_brackets
from ._decimal import decimal_comma
from ._micromeritics_pages import _Sheet, _bet, _cell_number, _column, _find_table, _get, \
    _key_values, _langmuir, _pages, _summary_extras, _t_plot, _title_row
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_micromeritics"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: A text cell holding a quantity ("0,0908 g", "1,596.4627 ± 0.6426 m²/g"), which decides the
#: workbook's decimal mark (labels, dates and versions do not).
_QUANTITY = re.compile(r"^\s*[-+]?\d[\d.,]*(?:[eE][-+]?\d+)?(?:\s*±\s*[-+]?\d[\d.,]*)?"
                       r"(?:\s+\S.*)?\s*$")


def _holds(data: bytes, text: str) -> bool:
    """``text`` stored in ``data`` either way BIFF8 stores strings: one byte per character
    (compressed) or UTF-16LE (what Excel writes when a string, or the whole table of strings,
    needs more than latin-1)."""
    return text.encode("latin-1") in data or text.encode("utf-16-le") in data


def _sniff(head: bytes, path) -> bool:
    if not head.startswith(_OLE):
        return False
    data = _source.read_bytes(path, limit=1 << 20)
    return _holds(data, "Isotherm Tabular") or (_holds(data, "Quantity Adsorbed")
                                                and _holds(data, "Relative Pressure"))


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
        sheets = [_Sheet(book.sheet_by_index(i), names[i]) for i in range(book.nsheets)]
    except Exception as exc:  # noqa: BLE001 - xlrd raises many types on damaged files
        raise ReadError(path, f"not a readable .xls workbook ({type(exc).__name__}: {exc})") \
            from None
    dc = decimal_comma(v for sh in sheets for row in sh.rows for v in row
                       if isinstance(v, str) and _QUANTITY.match(v)) is True
    titled, notes = [], []
    for sheet in sheets:
        sheet.dc = dc
        for page in _pages(sheet):
            r, title, page_notes = _title_row(sheet, page[0], page[1])
            notes += [n for n in page_notes if n not in notes]
            if title is not None:
                titled.append((sheet, page, r, title))
    if not titled:
        raise ReadError(path, "no report pages found (expected titles such as 'Isotherm Tabular "
                              f"Report') on sheets {names}")
    iso = [t for t in titled if t[3].lower() == "isotherm tabular report"]
    if not iso:
        raise ReadError(path, f"no 'Isotherm Tabular Report' page in the report (sheets {names})")

    # ---- header: first page of the sheet holding the (first) isotherm table, rows above its
    # title. The report may be one sheet of side-by-side pages or one sheet per page; sheets
    # whose header names another sample or file are another report and are left alone.
    def header_of(sheet):
        page, row = next((p, r) for sh, p, r, _ in titled if sh is sheet)
        values, _, lines, _ = _key_values(sheet, page[0], page[1], min(4, row), row, sheet.dc)
        banner = [str(sheet.get(r, c)).strip() for r in range(0, 4)
                  for c in range(page[0], page[1])
                  if sheet.get(r, c) is not None and not re.match(r"^Page\s+\d+$",
                                                                  str(sheet.get(r, c)).strip())]
        return {"banner": banner, "fields": values, "lines": lines}

    def identity(head):
        return sorted((k, q.get("text")) for k, q in head["fields"].items())

    main = iso[0][0]
    sheet_name = main.name
    header = header_of(main)
    if not header["fields"]:          # the isotherm sheet starts at its title: another's header
        header = next((h for sh in sheets if sh is not main and any(t[0] is sh for t in titled)
                       and (h := header_of(sh))["fields"]), header)
    if notes:
        header["notes"] = notes
    others = [sh for sh in sheets if sh is not main and any(t[0] is sh for t in titled)]
    # a sheet without a header (a page starting at its title) cannot name another sample
    foreign = [sh.name for sh in others
               if (h := header_of(sh))["fields"] and identity(h) != identity(header)]
    titled = [t for t in titled if t[0].name not in foreign]
    iso = [t for t in iso if t[0].name not in foreign]

    # ---- isotherm table(s)
    rp, pressure, amount, p0, p0_log = [], [], [], [], []
    units = {}
    for sheet, page, r0, _ in iso:
        table = _find_table(sheet, page[0], page[1], r0, "Relative Pressure",
                            also=("Quantity Adsorbed",))
        if table is None:
            raise ReadError(path, "the Isotherm Tabular Report has no 'Relative Pressure' / "
                                  "'Quantity Adsorbed' columns",
                            f"sheet {sheet.name!r}, row {r0 + 1}")
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
                                    f"sheet {sheet.name!r}, row {hrow + 1}")
        for r, cells in rows:
            where = f"sheet {sheet.name!r}, row {r + 1}"

            def num(c, what, required=True, cells=cells, where=where):
                return _cell_number(path, cells, c, what, where, required, dc)

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
    for sheet, page, r0, title in titled:
        values, grouped, lines, messages = _key_values(sheet, page[0], page[1], r0 + 1,
                                                       sheet.nrows, dc)
        for m in messages:
            if m not in report["messages"]:
                report["messages"].append(m)
        low = title.lower()
        if low == "summary report":
            report["summary"] = grouped
            _summary_extras(values, report, dc)
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

    fields = header["fields"]
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
                "sheets_of_other_reports": foreign, "decimal": "," if dc else ".",
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
