"""Reader variants of the shared sorption files, made at test time.

Each function below takes one real file of ``shared/data/sorption`` and writes, into a given
folder, the same measurement as another lab's software or locale would export it: decimal
commas, UTF-16 / UTF-8-with-BOM / Windows-1252 text, CRLF or CR line ends, extra or missing
header rows, notes, renamed or split sheets, trailing blank columns. Every variant carries what a
reader must do with it:

* ``expect="same"``: read to the same points (relative pressure, amount, branch, pressures),
  the same sample metadata and, for instrument reports, the same report numbers as the original;
* ``expect="ReadError"``: the transformation makes the file genuinely unreadable (a JSON file
  with decimal commas is not JSON; a table without its header names no columns), and the
  reader must say so with :class:`characterization.ReadError`, never another exception.

Nothing here is written into the repository: files go to pytest's ``tmp_path``. The
Micromeritics ``.xls`` variants are written with :mod:`xls_writer` from the real file's cell
grid (read with ``xlrd``), the 3P ``.xlsx`` variants with ``openpyxl`` from the real file's
Info / Isotherm / BET sheets, the AIF variants from an AIF written here from a real pyGAPS
isotherm (there is no AIF file among the shared data).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import xls_writer

STP = 22.414


@dataclasses.dataclass
class Variant:
    """One generated file and what reading it must give."""

    family: str
    name: str
    source: Path
    path: Path
    expect: str = "same"           # "same" or "ReadError"
    options: dict = dataclasses.field(default_factory=dict)
    original_options: dict = dataclasses.field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.family}:{self.source.name}:{self.name}"


# ------------------------------------------------------------------------------------------------
# text transformations
# ------------------------------------------------------------------------------------------------

def decode(data: bytes, encoding: str) -> str:
    return data.decode(encoding).lstrip("\ufeff")


def line_ends(text: str, end: str) -> str:
    return "".join(line + end for line in text.splitlines()) if text.endswith(("\n", "\r")) \
        else end.join(text.splitlines())


def encode(text: str, encoding: str) -> bytes:
    """``utf-16`` gets a BOM (as Windows 'Unicode' text), ``utf-8-sig`` the UTF-8 BOM."""
    if encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


_DOT_NUMBER = re.compile(r"(?<![\w.,])([-+]?\d+)\.(\d+(?:[eE][-+]?\d+)?)(?!\w|[.,]\d)")


def comma_decimals(text: str) -> str:
    """``0.0908`` -> ``0,0908`` and ``6.9822E-4`` -> ``6,9822E-4`` (dates, versions with two dots
    untouched)."""
    return _DOT_NUMBER.sub(r"\1,\2", text)


def swap_separators(text: str) -> str:
    """German-locale report text: ``1,591.6081`` -> ``1.591,6081``, ``0.1013 g`` -> ``0,1013 g``.
    """
    def swap(m):
        return m.group(0).translate(str.maketrans(",.", ".,"))
    text = re.sub(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\w|[.,]\d)", swap, text)
    return comma_decimals(text)


def _write(folder: Path, variant: str, source: Path, data: bytes, name: str | None = None) -> Path:
    out = folder / variant
    out.mkdir(parents=True, exist_ok=True)
    path = out / (name or source.name)
    path.write_bytes(data)
    return path


def _text_variants(family, source, folder, encoding, transforms, *, readerror=(), options=None):
    """Variants made by applying each ``transforms[name](text) -> (text, encoding)``."""
    text = decode(source.read_bytes(), encoding)
    out = []
    for name, fn in transforms.items():
        new_text, enc = fn(text)
        path = _write(folder, name, source, encode(new_text, enc))
        out.append(Variant(family, name, source, path,
                           "ReadError" if name in readerror else "same",
                           dict((options or {}).get(name, {}))))
    return out


def _common(encoding_of_source: str, *, eol="\n"):
    """Encoding and line-end variants every text format must survive."""
    other = "cp1252" if encoding_of_source == "utf-8" else "utf-8"
    return {
        "crlf": lambda t: (line_ends(t, "\r\n"), encoding_of_source),
        "cr": lambda t: (line_ends(t, "\r"), encoding_of_source),
        "lf": lambda t: (line_ends(t, "\n"), encoding_of_source),
        "utf16_bom": lambda t: (line_ends(t, "\r\n"), "utf-16"),
        "utf8_bom": lambda t: (t, "utf-8-sig"),
        f"{other}": lambda t: (t, other),
    }


# ------------------------------------------------------------------------------------------------
# per-family generators
# ------------------------------------------------------------------------------------------------

def csv_variants(source: Path, folder: Path) -> list[Variant]:
    """BETSI-style two-column CSV (UTF-8 with BOM in the shared files)."""
    def lines(t):
        return t.splitlines()

    def table(t, delim, decimal_comma):
        out = []
        for k, line in enumerate(lines(t)):
            cells = [c.strip() for c in line.split(",")]
            if k and decimal_comma:
                cells = [comma_decimals(c) for c in cells]
            out.append(delim.join(cells))
        return "\r\n".join(out) + "\r\n"

    def rename(t, header):
        ls = lines(t)
        return "\n".join([header] + ls[1:]) + "\n"

    def units_of(t):
        return re.search(r"\(([^()]*)\)\s*$", lines(t)[0]).group(1)

    transforms = {
        **_common("utf-8"),
        "latin1": lambda t: (t, "latin-1"),
        "semicolon_decimal_comma": lambda t: (table(t, ";", True), "utf-8"),
        "tab_decimal_comma": lambda t: (table(t, "\t", True), "cp1252"),
        "trailing_blank_columns": lambda t: ("\n".join(ln + ",," for ln in lines(t)) + "\n",
                                             "utf-8"),
        "preamble_and_notes": lambda t: (
            "Sample: " + source.stem + "\nInstrument,ASAP 2020\nmanually entered data\n\n"
            + "\n".join(lines(t)) + "\n\n", "utf-8"),
        "comment_lines": lambda t: ("# exported by hand\n# N2 at 77 K\n" + t, "utf-8"),
        "quoted_decimal_comma": lambda t: ("\n".join(
            ",".join(f'"{comma_decimals(c.strip()) if k else c.strip()}"'
                     for c in ln.split(",")) for k, ln in enumerate(lines(t))), "utf-8"),
        "quoted_cells": lambda t: ("\n".join(",".join(f'"{c.strip()}"' for c in ln.split(","))
                                             for ln in lines(t)), "utf-8"),
        "header_relative_pressure": lambda t: (rename(
            t, f"relative_pressure,amount ({units_of(t)})"), "utf-8"),
        "header_p_p0": lambda t: (rename(t, f"p/p0,Quantity Adsorbed [{units_of(t)}]"),
                                  "utf-8"),
        "header_P_Po": lambda t: (rename(t, f"P/Po,Volume adsorbed ({units_of(t)})"), "utf-8"),
        "header_rel_pressure": lambda t: (rename(t, f"Rel. Pressure,Uptake ({units_of(t)})"),
                                          "utf-8"),
        "missing_header": lambda t: ("\n".join(lines(t)[1:]) + "\n", "utf-8"),
        "missing_header_columns_option": lambda t: ("\n".join(lines(t)[1:]) + "\n", "utf-8"),
        "header_declared_relative": lambda t: (rename(t, f"P,Q ({units_of(t)})"), "utf-8"),
    }
    units = None
    text = decode(source.read_bytes(), "utf-8")
    units = units_of(text)
    options = {
        "missing_header": {"format": "sorption_csv"},
        "missing_header_columns_option": {"columns": ["relative_pressure", "amount"],
                                          "amount_units": units, "format": "sorption_csv"},
        "header_declared_relative": {"columns": {"P": "relative_pressure"}},
    }
    return _text_variants("csv", source, folder, "utf-8", transforms,
                          readerror=("missing_header",), options=options)


def bel_dat_variants(source: Path, folder: Path) -> list[Variant]:
    def data_rows(t, fn):
        out, in_table = [], False
        for line in t.splitlines():
            if line.startswith('"No."'):
                in_table = True
            elif line.startswith("="):
                in_table = False
            elif in_table:
                line = fn(line)
            out.append(line)
        return "\n".join(out) + "\n"

    def all_numbers(t):
        out = []
        for line in t.splitlines():
            if "\t" in line:
                key, _, rest = line.partition("\t")
                line = (comma_decimals(key) if not key.startswith('"') else key) + "\t" + \
                    comma_decimals(rest)
            out.append(line)
        return "\n".join(out) + "\n"

    transforms = {
        **_common("utf-8"),
        "decimal_comma": lambda t: (all_numbers(t), "utf-8"),
        "trailing_blank_columns": lambda t: (data_rows(t, lambda ln: ln + "\t\t"), "utf-8"),
        "extra_header_rows": lambda t: (t.replace('"Comment2:"', '"Operator:"\tµ-lab Dresden\n'
                                                  '"Comment2:"', 1), "cp1252"),
        "missing_header_rows": lambda t: ("\n".join(ln for ln in t.splitlines()
                                                    if not ln.startswith(('"Comment3:"',
                                                                          '"Not used:"')))
                                          + "\n", "utf-8"),
    }
    return _text_variants("bel_dat", source, folder, "utf-8", transforms)


def bel_csv_variants(source: Path, folder: Path) -> list[Variant]:
    def semicolon(t):
        out = []
        for line in t.splitlines():
            cells = line.split(",")
            out.append(";".join(comma_decimals(c) for c in cells))
        return "\r\n".join(out) + "\r\n"

    transforms = {
        **_common("utf-8"),
        "semicolon_decimal_comma": lambda t: (semicolon(t), "cp1252"),
        "trailing_blank_columns": lambda t: ("\n".join(ln + ",," if re.match(r"^\d", ln) else ln
                                                       for ln in t.splitlines()) + "\n",
                                             "utf-8"),
        "extra_header_rows": lambda t: (t.replace("Serial number,", "Operator,Jürgen\n"
                                                  "Serial number,", 1), "cp1252"),
        "missing_header_rows": lambda t: ("\n".join(ln for ln in t.splitlines()
                                                    if not ln.startswith(("COMMENT3,",
                                                                          "Version,")))
                                          + "\n", "utf-8"),
    }
    return _text_variants("bel_csv", source, folder, "utf-8", transforms)


def quantachrome_variants(source: Path, folder: Path) -> list[Variant]:
    def numbers(t):
        out = []
        for line in t.splitlines():
            if re.match(r"^\s+[-+\d.]+\s+[-+\d.]+", line):
                line = comma_decimals(line)
            out.append(line)
        return "\n".join(out) + "\n"

    transforms = {
        **_common("cp1252"),
        "latin1": lambda t: (t.replace("™", "").replace("®", "(R)"), "latin-1"),
        "decimal_comma": lambda t: (numbers(t), "cp1252"),
        "trailing_blank_columns": lambda t: ("\n".join(ln + "   \t" for ln in t.splitlines())
                                             + "\n", "cp1252"),
        "extra_header_rows": lambda t: (t.replace("\nAnalysis", "\nNote: reprocessed "
                                                  "2024\n\nAnalysis", 1), "cp1252"),
        "missing_header_rows": lambda t: ("\n".join(ln for ln in t.splitlines()
                                                    if not ln.startswith("Sample Desc:"))
                                          + "\n", "cp1252"),
    }
    return _text_variants("quantachrome", source, folder, "cp1252", transforms)


def pygaps_json_variants(source: Path, folder: Path) -> list[Variant]:
    def load(t):
        return json.loads(t)

    def extra_keys(t):
        d = load(t)
        d["comment"] = "Überprüft"
        d["apparatus_serial"] = 12
        return json.dumps(d, ensure_ascii=False, indent=2)

    transforms = {
        **_common("utf-8"),
        "minified": lambda t: (json.dumps(load(t), separators=(",", ":")), "utf-8"),
        "extra_keys_non_ascii": lambda t: (extra_keys(t), "utf-8"),
        "missing_optional_keys": lambda t: (json.dumps(
            {k: v for k, v in load(t).items() if k not in ("material_batch", "iso_type", "lab",
                                                            "user")}), "utf-8"),
        "decimal_comma": lambda t: (re.sub(r"(\d)\.(\d)", r"\1,\2", t), "utf-8"),
    }
    return _text_variants("pygaps_json", source, folder, "utf-8", transforms,
                          readerror=("decimal_comma",))


# ---- AIF: written here from a real isotherm

def aif_text(ds) -> str:
    """An AIF file of the Dataset ``ds`` (kPa, mmol/g, K)."""
    lines = ["# AIF written for the reader-variant tests", "data_variant",
             "_audit_aif_version '0.1'", "_exptl_operator 'J. Doe'",
             "_exptl_adsorptive N2", f"_exptl_temperature {float(ds.temperature):.6g}",
             f"_adsnt_sample_id '{ds['sample'].item()}'", "_adsnt_sample_mass 0.2500",
             "_units_temperature K", "_units_pressure kPa", "_units_mass g",
             "_units_loading 'mmol/g'"]
    for br, prefix in (("adsorption", "adsorp"), ("desorption", "desorp")):
        sel = ds.branch.values == br
        if not sel.any():
            continue
        lines += ["loop_", f"_{prefix}_pressure", f"_{prefix}_p0", f"_{prefix}_amount"]
        for p, p0, a in zip(ds.pressure.values[sel], ds.saturation_pressure.values[sel],
                            ds.amount.values[sel]):
            lines.append(f"{float(p)!r} {float(p0)!r} {float(a)!r}")
    return "\n".join(lines) + "\n"


def aif_variants(source: Path, folder: Path) -> list[Variant]:
    """``source`` is an AIF written by :func:`aif_text`."""
    def numbers(t):
        return "\n".join(comma_decimals(ln) if re.match(r"^[-\d]", ln) else ln
                         for ln in t.splitlines()) + "\n"

    transforms = {
        **_common("utf-8"),
        "latin1_operator": lambda t: (t.replace("'J. Doe'", "'Jürgen Müller'"), "latin-1"),
        "extra_header_rows": lambda t: (t.replace("_exptl_operator", "# note: re-measured\n"
                                                  "_exptl_instrument 'ASAP 2020'\n"
                                                  "_exptl_operator", 1), "utf-8"),
        "missing_header_rows": lambda t: (t.replace("_exptl_operator 'J. Doe'\n", "")
                                          .replace("_audit_aif_version '0.1'\n", ""), "utf-8"),
        "trailing_blank_columns": lambda t: ("\n".join(ln + " \t " for ln in t.splitlines())
                                             + "\n", "utf-8"),
        "decimal_comma": lambda t: (numbers(t), "utf-8"),
    }
    return _text_variants("aif", source, folder, "utf-8", transforms,
                          readerror=("decimal_comma",))


# ---- Micromeritics .xls: real cell grid -> transformed grid -> BIFF8 file

def _title_rows(rows):
    return [r for r, row in enumerate(rows)
            if any(isinstance(v, str) and v.strip() == "Isotherm Tabular Report" for v in row)]


def _page_starts(rows):
    seps = sorted({c for row in rows for c, v in enumerate(row)
                   if isinstance(v, str) and v.strip() == "|"})
    return [0] + [c + 1 for c in seps]


def _map_text(grid, fn):
    return [(name, [[fn(v) if isinstance(v, str) else v for v in row] for row in rows])
            for name, rows in grid]


def _insert_note(grid, note="Note: Manually entered data"):
    """A note row inserted under the header of every page, above the page titles."""
    out = []
    for name, rows in grid:
        if not _title_rows(rows):
            out.append((name, rows))
            continue
        width = max(len(r) for r in rows)
        starts = [c for c in _page_starts(rows) if c < width]
        # above the highest page title (titles sit in rows 23-27, below the header)
        r0 = min(r for c in starts for r in range(18, len(rows))
                 if any(isinstance(v, str) and v.strip() for v in rows[r][c:c + 2]))
        note_row = [None] * width
        for c in starts:
            note_row[c] = note
        out.append((name, rows[:r0] + [note_row] + rows[r0:]))
    return out


def _split_pages(grid):
    """Every report page (column block between ``|`` columns) on a sheet of its own."""
    out = []
    for name, rows in grid:
        starts = _page_starts(rows)
        width = max(len(r) for r in rows)
        bounds = list(zip(starts, [s - 1 for s in starts[1:]] + [width]))
        titles = _title_rows(rows)
        tr = titles[0] if titles else 25
        for k, (c0, c1) in enumerate(bounds):
            block = [row[c0:c1] for row in rows]
            title = next((v for r in range(tr, min(tr + 3, len(rows)))
                          for v in block[r] if isinstance(v, str) and v.strip()), None)
            if not any(v is not None for row in block for v in row):
                continue
            sheet = re.sub(r"[\[\]:*?/\\]", " ", title or f"Page {k + 1}")[:28].strip()
            names = [n for n, _ in out]
            if sheet in names:
                sheet = f"{sheet[:24]} ({k})"
            out.append((sheet, block))
    # Summary first, as the exporting software orders its sheets
    out.sort(key=lambda nr: not nr[0].lower().startswith("summary"))
    return out


#: report values ("0.1013 g", "1,591.6081 m²/g"); labels, versions and dates keep their dots
_QUANTITY = re.compile(r"^\s*[-+]?\d[\d.,]*([eE][-+]?\d+)?(\s*±\s*[-+]?\d[\d.,]*)?(\s+\S.*)?\s*$")


def _drop_headers(grid, keep="Isotherm Tabular Report"):
    """Sheets that start at their page title (no sample header above it), except the one
    holding ``keep``."""
    out = []
    for name, rows in grid:
        first = next((r for r in range(18, min(len(rows), 40))
                      if any(isinstance(v, str) and v.strip() and not v.rstrip().endswith(":")
                             for v in rows[r][:2])), None)
        texts = [v for row in rows for v in row if isinstance(v, str)]
        # pages listing the sample fields themselves (Sample Information) keep their header
        if first is None or keep in texts or "Sample Information" in texts:
            out.append((name, rows))
        else:
            out.append((name, rows[first:]))
    return out


def micromeritics_variants(source: Path, folder: Path) -> list[Variant]:
    grid = xls_writer.read_grid(source)
    made = {
        "roundtrip": (grid, False),
        "utf16_text": (grid, True),
        "renamed_sheet": ([("Probe 1 (N2)", rows) for _, rows in grid], False),
        "note_above_title": (_insert_note(grid), False),
        "decimal_comma_text": (_map_text(grid, swap_separators), True),
        "decimal_comma_values_only": (_map_text(grid, lambda v: swap_separators(v)
                                                if _QUANTITY.match(v) else v), False),
        "pages_on_separate_sheets": (_split_pages(grid), False),
        "separate_sheets_without_headers": (_drop_headers(_split_pages(grid)), False),
        "separate_sheets_note_decimal_comma_utf16": (
            _split_pages(_map_text(_insert_note(grid), swap_separators)), True),
    }
    out = []
    for name, (g, utf16) in made.items():
        path = folder / name / source.name
        path.parent.mkdir(parents=True, exist_ok=True)
        xls_writer.write_xls(path, g, utf16=utf16)
        out.append(Variant("micromeritics", name, source, path))
    return out


# ---- 3P .xlsx: Info / Isotherm / BET sheets rewritten with openpyxl

def _threep_sheets(source: Path):
    import openpyxl

    wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
    try:
        return {n: [list(r) for r in wb[n].iter_rows(values_only=True)]
                for n in ("Info", "Isotherm", "BET Surface Area")}
    finally:
        wb.close()


def _write_xlsx(path: Path, sheets: dict):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _comma(v):
    """A number written as decimal-comma text, as a German-locale export does."""
    if isinstance(v, float):
        return repr(v).replace(".", ",")
    if isinstance(v, str):
        return comma_decimals(v)
    return v


def threep_variants(source: Path, folder: Path) -> list[Variant]:
    s = _threep_sheets(source)
    info, iso, bet = s["Info"], s["Isotherm"], s["BET Surface Area"]
    made = {
        "rewritten": {"Info": info, "Isotherm": iso, "BET Surface Area": bet},
        "charge_number_row": {"Info": info,
                              "Isotherm": [["Charge Number: 21-0847", None, None],
                                           [None]] + iso,
                              "BET Surface Area": bet},
        "summary_sheet_decimal_comma": {
            "Summary": [[_comma(v) for v in row] for row in info],
            "Isotherm": iso, "BET Surface Area": bet},
        "isotherm_numbers_as_decimal_comma_text": {
            "Info": info, "Isotherm": [iso[0]] + [[_comma(v) for v in row] for row in iso[1:]],
            "BET Surface Area": bet},
        "trailing_blank_columns": {"Info": [r + [None, ""] for r in info],
                                   "Isotherm": [r + [None, " "] for r in iso],
                                   "BET Surface Area": bet},
        "sheets_reordered_with_extra_sheet": {"Notes": [["Note: Manually entered data"]],
                                              "BET Surface Area": bet, "Isotherm": iso,
                                              "Info": info},
    }
    out = []
    for name, sheets in made.items():
        path = folder / name / source.name
        _write_xlsx(path, sheets)
        out.append(Variant("threep", name, source, path, options={"temperature": 77.35},
                           original_options={"temperature": 77.35}))
    return out
