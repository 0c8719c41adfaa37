"""MicrotracBEL BELSORP isotherm exports: ``.DAT`` text files and BELSORP-max ``.csv`` files.

Format coverage
---------------
``bel_dat`` — BELSORP ``.DAT``: ``====``-delimited sections of ``"Key:"<TAB>value`` lines
(``"Adsorptive:"``, ``"Meas. Temp./K:"``, ``"Sample weight/g:"``, ``"Comment1:"`` ...) and two
TAB-separated tables, ``Adsorption data`` and ``Desorption data``, with columns ``No.``,
``Pe/<unit>`` (equilibrium pressure), ``P0/<unit>`` (saturation pressure per point),
``Vd/ml`` (dead volume) and ``V/ml(STP) g-1``; each table ends with a row of zeros.

``bel_csv`` — BELSORP-max CSV: ``Key,value[,[unit]]`` header lines
(``Sample weight,1.84E-02,[g]``,
``Adsorption temperature,77.000,[K]``, ``Number of adsorption data point :,293`` ...), a column
header ``No,pi/kPa,pe/kPa,pe2/kPa,p0/kPa,p/p0,Va/cm^3(STP) g^-1``, then a line ``ADS`` with the
adsorption rows and a line ``DES`` with the desorption rows.

Both give the branch explicitly. The relative pressure is computed as pe/p0 from the full-precision
columns (the CSV's own ``p/p0`` column is rounded to 5 significant digits and differs by up to
0.05 %). Amounts are cm³(STP)/g, converted to mmol/g by ÷ 22.414. The sample name is ``Comment1``
(BELSORP's sample-name field). Non-physical points (negative pressures, p/p0 > 1) are kept and
warned about.

Limits
------
Only the equilibrium pressure ``pe`` is read (not ``pi``/``pe2``); BELSORP binary and Excel
exports are not covered.

Library choice
--------------
Own parser, not ``adsorption-file-parser`` 0.3.0: its ``.DAT`` parser loops forever on a
truncated file (it reads until a line starting with ``0``, and ``readline()`` at end of file
returns ``""``), it drops the CSV's ``COMMENT4`` field, raises bare ``ValueError`` on a truncated
CSV, and installs a stdout logging handler when imported. This parser checks that each ``.DAT``
table ends with its row of zeros and that the CSV holds as many rows as its header declares.
"""

from __future__ import annotations

import re

from .. import _source
from ._build import build_isotherm, to_float, units_in_brackets
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_bel_dat", "read_bel_csv"]


def _text(head: bytes) -> str:
    return head.decode("latin-1", errors="replace")


def _sniff_dat(head: bytes, path) -> bool:
    text = _text(head)
    return ("====" in text and re.search(r'^"(Adsorptive|Sample weight/g|Meas\. Temp\./K):"',
                                         text, re.M) is not None)


def _sniff_csv(head: bytes, path) -> bool:
    text = _text(head)
    return (re.search(r"^Adsorptive,", text, re.M) is not None
            and re.search(r"^(Adsorption temperature|Saturated vapor pressure),", text, re.M)
            is not None
            and re.search(r"^No,.*p0", text, re.M) is not None)


# ------------------------------------------------------------------------------------------------
# .DAT
# ------------------------------------------------------------------------------------------------

def _split_dat(text: str, path):
    """Sections of a .DAT file: list of (title, [(line_no, line), ...])."""
    lines = text.splitlines()
    sections: list[tuple[str, list[tuple[int, str]]]] = []
    i = 0
    current = None
    while i < len(lines):
        line = lines[i]
        if line.startswith("===="):
            # title line between two separator lines
            if i + 2 < len(lines) and lines[i + 2].startswith("===="):
                current = (lines[i + 1].strip(), [])
                sections.append(current)
                i += 3
                continue
            i += 1
            continue
        if current is None:
            if line.strip():
                raise ReadError(path, "expected a '====' section separator", f"line {i + 1}")
        else:
            current[1].append((i + 1, line))
        i += 1
    return sections


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        return s[1:-1]
    return s


def _dat_table(path, title, body):
    """Parse one ``Adsorption data`` / ``Desorption data`` section: (columns, rows)."""
    content = [(no, ln) for no, ln in body if ln.strip()]
    if not content:
        raise ReadError(path, f"section {title!r} is empty; expected a column header")
    header_no, header = content[0]
    columns = [_unquote(c) for c in header.split("\t")]
    if len(columns) < 5 or not columns[1].lower().startswith("pe/"):
        raise ReadError(path, f"section {title!r}: expected columns No., Pe/..., P0/..., Vd/..., "
                              f"V/...; got {columns}", f"line {header_no}")
    rows = []
    ended = False
    for no, ln in content[1:]:
        cells = ln.split("\t")
        try:
            values = [to_float(c) for c in cells if c.strip()]
        except ValueError:
            raise ReadError(path, f"section {title!r}: expected {len(columns)} numbers, got "
                                  f"{ln.strip()!r}", f"line {no}") from None
        if len(values) != len(columns):
            raise ReadError(path, f"section {title!r}: expected {len(columns)} numbers, got "
                                  f"{len(values)}", f"line {no}")
        if all(v == 0 for v in values):
            ended = True
            break
        rows.append((no, values))
    if not ended:
        raise ReadError(path, f"section {title!r} does not end with its row of zeros; the file is "
                              "truncated", f"line {content[-1][0]}")
    return columns, rows


@register_reader("bel_dat", extensions=(".dat",), sniff=_sniff_dat, technique="sorption",
                 description="MicrotracBEL BELSORP .DAT isotherm")
def read_bel_dat(path, *, sample_mass: float | None = None):
    """Read a BELSORP ``.DAT`` isotherm (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    sample_mass : float, optional
        Sample mass in g, used only if the file has none.

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset (technique ``"sorption"``).

    Examples
    --------
    >>> ds = characterization.read("DUT-49_N2_77K.DAT")        # doctest: +SKIP
    >>> ds.amount.sel(point=ds.branch == "adsorption")          # doctest: +SKIP
    """
    text, encoding = _source.read_text(path)
    sections = _split_dat(text, path)
    header: dict[str, dict[str, str]] = {}
    tables = {}
    for title, body in sections:
        low = title.lower()
        if low in ("adsorption data", "desorption data"):
            tables[low.split()[0]] = _dat_table(path, title, body)
            continue
        values = {}
        for no, ln in body:
            if not ln.strip():
                continue
            key, sep, value = ln.partition("\t")
            values[_unquote(key).rstrip(":").strip()] = _unquote(value) if sep else ""
        header[title] = values
    if "adsorption" not in tables:
        raise ReadError(path, "no 'Adsorption data' section found")
    flat = {k: v for sec in header.values() for k, v in sec.items()}

    def number(key, required=False):
        if key not in flat or not flat[key].strip():
            if required:
                raise ReadError(path, f"header field {key!r} missing")
            return None
        try:
            return to_float(flat[key])
        except ValueError:
            raise ReadError(path, f"header field {key!r}: expected a number, got "
                                  f"{flat[key]!r}") from None

    columns = tables["adsorption"][0]
    p_units = columns[1].split("/", 1)[1]
    p0_units = columns[2].split("/", 1)[1]
    amount_units = columns[4].split("/", 1)[1]
    if p0_units != p_units:
        raise ReadError(path, f"pressure columns in different units ({p_units!r}, {p0_units!r})")
    pressure, p0, amount, branch = [], [], [], []
    for name, (cols, rows) in tables.items():
        if cols != columns:
            raise ReadError(path, f"{name} table columns {cols} differ from adsorption {columns}")
        for _, values in rows:
            pressure.append(values[1])
            p0.append(values[2])
            amount.append(values[4])
            branch.append(name)
    mass = number("Sample weight/g")
    temperature = number("Meas. Temp./K")
    metadata = {"format": "BELSORP .DAT", "encoding": encoding, "sections": header,
                "columns": columns,
                "n_points": {k: len(v[1]) for k, v in tables.items()}}
    return build_isotherm(
        path, reader="bel_dat", amount=amount, amount_units=amount_units,
        pressure=pressure, saturation_pressure_values=p0, pressure_units=p_units,
        relative_pressure_note="Pe / P0 (per point)", branch=branch,
        sample_mass=mass if mass is not None else sample_mass, sample_mass_units="g",
        temperature=temperature, temperature_units="K",
        adsorbate=flat.get("Adsorptive"), sample=flat.get("Comment1"), metadata=metadata)


# ------------------------------------------------------------------------------------------------
# BELSORP-max .csv
# ------------------------------------------------------------------------------------------------

@register_reader("bel_csv", extensions=(".csv",), sniff=_sniff_csv, technique="sorption",
                 description="MicrotracBEL BELSORP-max .csv isotherm")
def read_bel_csv(path, *, sample_mass: float | None = None):
    """Read a BELSORP-max ``.csv`` isotherm (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    sample_mass : float, optional
        Sample mass in g, used only if the file has none.

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset (technique ``"sorption"``).
    """
    text, encoding = _source.read_text(path)
    lines = text.splitlines()
    header: dict[str, dict] = {}
    i = 0
    while i < len(lines) and not re.match(r"^No,", lines[i]):
        ln = lines[i]
        if ln.strip():
            cells = ln.split(",")
            key = cells[0].strip().rstrip(":").strip()
            rest = [c.strip() for c in cells[1:]]
            unit = units_in_brackets(rest[-1]) if rest and re.fullmatch(r"\[.*\]", rest[-1]) \
                else None
            values = rest[:-1] if unit is not None else rest
            header[key] = {"value": ",".join(values), "units": unit}
        i += 1
    if i == len(lines):
        raise ReadError(path, "no column header line starting with 'No,' found")
    col_line = i + 1
    columns = [c.strip() for c in lines[i].split(",")]
    lower = [c.lower() for c in columns]
    try:
        ipe = next(k for k, c in enumerate(lower) if c.startswith("pe/"))
        ip0 = next(k for k, c in enumerate(lower) if c.startswith("p0/"))
        iva = next(k for k, c in enumerate(lower) if c.startswith("va/") or c.startswith("v/"))
    except StopIteration:
        raise ReadError(path, f"expected columns pe/..., p0/..., Va/...; got {columns}",
                        f"line {col_line}") from None
    p_units = columns[ipe].split("/", 1)[1]
    if columns[ip0].split("/", 1)[1] != p_units:
        raise ReadError(path, "pressure columns pe and p0 are in different units",
                        f"line {col_line}")
    amount_units = columns[iva].split("/", 1)[1]
    pressure, p0, amount, branch = [], [], [], []
    counts = {"adsorption": 0, "desorption": 0}
    current = None
    for j in range(i + 1, len(lines)):
        ln = lines[j].strip()
        if not ln:
            continue
        if ln.upper() in ("ADS", "DES"):
            current = "adsorption" if ln.upper() == "ADS" else "desorption"
            continue
        if current is None:
            raise ReadError(path, f"expected a line 'ADS' before the data, got {ln!r}",
                            f"line {j + 1}")
        cells = ln.split(",")
        if len(cells) != len(columns):
            raise ReadError(path, f"expected {len(columns)} comma-separated values, got "
                                  f"{len(cells)}", f"line {j + 1}")
        try:
            pressure.append(to_float(cells[ipe]))
            p0.append(to_float(cells[ip0]))
            amount.append(to_float(cells[iva]))
        except ValueError:
            raise ReadError(path, f"expected numbers, got {ln!r}", f"line {j + 1}") from None
        branch.append(current)
        counts[current] += 1
    for name, key in (("adsorption", "Number of adsorption data point"),
                      ("desorption", "Number of desorption data point")):
        declared = header.get(key, {}).get("value")
        if declared not in (None, ""):
            try:
                declared_n = int(to_float(declared))
            except ValueError:
                raise ReadError(path, f"header field {key!r}: expected an integer, got "
                                      f"{declared!r}") from None
            if declared_n != counts[name]:
                raise ReadError(path, f"the header declares {declared_n} {name} points but the "
                                      f"file holds {counts[name]}; the file is truncated or "
                                      "corrupt")

    def field(key):
        return header.get(key, {}).get("value") or None

    def number(key, default_units):
        entry = header.get(key)
        if not entry or not entry["value"]:
            return None, None
        try:
            return to_float(entry["value"]), entry["units"] or default_units
        except ValueError:
            raise ReadError(path, f"header field {key!r}: expected a number, got "
                                  f"{entry['value']!r}") from None

    mass, mass_units = number("Sample weight", "g")
    temperature, t_units = number("Adsorption temperature", "K")
    metadata = {"format": "BELSORP-max .csv", "encoding": encoding, "header": header,
                "columns": columns, "n_points": counts}
    return build_isotherm(
        path, reader="bel_csv", amount=amount, amount_units=amount_units,
        pressure=pressure, saturation_pressure_values=p0, pressure_units=p_units,
        relative_pressure_note="pe / p0 (per point; the file's rounded p/p0 column is not used)",
        branch=branch,
        sample_mass=mass if mass is not None else sample_mass,
        sample_mass_units=mass_units or "g",
        temperature=temperature, temperature_units=t_units,
        adsorbate=field("Adsorptive"), sample=field("COMMENT1"), metadata=metadata)
