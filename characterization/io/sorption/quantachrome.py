"""Quantachrome ASiQwin "(Raw Analysis Data).txt" isotherm exports.

Format coverage
---------------
ASiQwin 3.x text export (Windows-1252; ``®``, ``™``, ``°`` bytes), fixed-width. A banner, then
header lines whose fields run together without separators
(``Sample ID:     nk_DUT-6_LP_N2_114pktFilename:     NK_...raw``), a column-name line
(``Press  P0  Volume @ STP  Time  Tol  Equ``), a units line aligned under it
(``Torr  Torr  cc  min``) and whitespace-separated numeric rows. ``Volume @ STP`` is in cm³(STP)
**per sample** (``cc``) and is divided by ``Sample Weight``; a file without a sample weight
raises ReadError unless ``sample_mass=`` is given. The relative pressure is ``Press / P0`` per
point. There is no branch marker: the list is split after its highest relative pressure.

Header fields are found by their known labels (``Operator``, ``Date``, ``Sample ID``,
``Filename``, ``Sample Desc``, ``Comment``, ``Outgas Time``, ``Outgas Temp``, ``Sample Weight``,
``Analysis gas``, ``Molec. Wt``, ``Non-ideality``, ``Analysis Time``, ``Instrument``,
``Bath temp.``); labels that repeat on a line (the export's own operator and date) get a
`` (2)`` suffix. The raw header lines are kept in ``original_metadata`` as well.

Limits
------
The ``(Isotherm).txt`` / ``(Report).txt`` exports and ``.qps`` files are not covered. A file cut
at a line boundary cannot be told from a complete one (the format has no trailer).

Library choice
--------------
Own parser. ``adsorption-file-parser`` 0.3.0 reads these files correctly, but it is a heavy
dependency for a ~100-line format, it installs a stdout logging handler at import, and it leaves
the per-sample amount, the branch split and the validation to the caller anyway.
"""

from __future__ import annotations

import re

from .. import _source
from ._build import build_isotherm, parse_quantity, to_float
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_quantachrome"]

_LABELS = ("Operator", "Date", "Sample ID", "Filename", "Sample Desc", "Comment", "Outgas Time",
           "Outgas Temp", "Sample Weight", "Analysis gas", "Molec. Wt", "Non-ideality",
           "Analysis Time", "Instrument", "Bath temp.")
_LABEL_RE = re.compile("(" + "|".join(re.escape(lb) for lb in _LABELS) + "):")


def _sniff(head: bytes, path) -> bool:
    text = head.decode("latin-1", errors="replace")
    return "Quantachrome" in text and re.search(r"Press\s+P0\s+Volume @ STP", text) is not None


def _header_fields(lines) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in lines:
        hits = list(_LABEL_RE.finditer(line))
        for k, m in enumerate(hits):
            end = hits[k + 1].start() if k + 1 < len(hits) else len(line)
            key, n = m.group(1), 1
            while key in fields:
                n += 1
                key = f"{m.group(1)} ({n})"
            fields[key] = line[m.end():end].strip()
    return fields


@register_reader("quantachrome", extensions=(".txt",), sniff=_sniff, technique="sorption",
                 description="Quantachrome ASiQwin (Raw Analysis Data).txt isotherm")
def read_quantachrome(path, *, sample_mass: float | None = None):
    """Read a Quantachrome ASiQwin "(Raw Analysis Data).txt" isotherm.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    sample_mass : float, optional
        Sample mass in g, used only when the file gives none.

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset (technique ``"sorption"``); amounts per gram.

    Raises
    ------
    ReadError
        No column header, a row that is not numeric, no sample weight.

    Examples
    --------
    >>> ds = characterization.read("DUT-6_LP_N2 (Raw Analysis Data).txt")   # doctest: +SKIP
    """
    text, encoding = _source.read_text(path)
    lines = text.splitlines()
    try:
        hdr = next(i for i, ln in enumerate(lines)
                   if re.search(r"\bPress\b", ln) and "P0" in ln and "Volume" in ln)
    except StopIteration:
        raise ReadError(path, "no column header line 'Press  P0  Volume @ STP ...' found") from None
    fields = _header_fields(lines[:hdr])
    # column names and their start positions
    names = [(m.start(), m.group(0)) for m in re.finditer(r"\S+(?: @ \S+)?", lines[hdr])]
    # units line: the next non-empty line made only of words (no digits)
    units = {}
    j = hdr + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j < len(lines) and not re.search(r"\d", lines[j]):
        for m in re.finditer(r"\S+", lines[j]):
            nearest = min(names, key=lambda nm: abs(nm[0] - m.start()))
            units[nearest[1]] = m.group(0)
        j += 1
    col = {name: k for k, (_, name) in enumerate(names)}
    for needed in ("Press", "P0", "Volume @ STP"):
        if needed not in col:
            raise ReadError(path, f"column {needed!r} missing from the header "
                                  f"{[n for _, n in names]}", f"line {hdr + 1}")
    pressure, p0, volume, extra = [], [], [], []
    for k in range(j, len(lines)):
        ln = lines[k].strip()
        if not ln:
            continue
        cells = ln.split()
        if len(cells) != len(names):
            raise ReadError(path, f"expected {len(names)} numbers, got {len(cells)}: {ln!r}",
                            f"line {k + 1}")
        try:
            values = [to_float(c) for c in cells]
        except ValueError:
            raise ReadError(path, f"expected numbers, got {ln!r}", f"line {k + 1}") from None
        pressure.append(values[col["Press"]])
        p0.append(values[col["P0"]])
        volume.append(values[col["Volume @ STP"]])
        extra.append(values)
    if not pressure:
        raise ReadError(path, "no data rows after the column header", f"line {hdr + 1}")
    p_units = units.get("Press")
    if p_units is None or units.get("P0") != p_units:
        raise ReadError(path, f"pressure units not found under Press/P0 (units line: {units})",
                        f"line {hdr + 2}")
    amount_units = units.get("Volume @ STP")
    if amount_units is None:
        raise ReadError(path, "units of 'Volume @ STP' not given", f"line {hdr + 2}")

    mass = mass_units = None
    if fields.get("Sample Weight"):
        q = parse_quantity(fields["Sample Weight"])
        if q["value"] is None:
            raise ReadError(path, f"Sample Weight: expected a number, got "
                                  f"{fields['Sample Weight']!r}")
        mass, mass_units = q["value"], q["units"] or "g"
    elif sample_mass is not None:
        mass, mass_units = sample_mass, "g"
    temperature = t_units = None
    if fields.get("Bath temp."):
        q = parse_quantity(fields["Bath temp."])
        temperature, t_units = q["value"], (q["units"] or "K")
    metadata = {"format": "Quantachrome ASiQwin Raw Analysis Data", "encoding": encoding,
                "header": fields,
                "header_lines": [ln.rstrip() for ln in lines[:hdr] if ln.strip()],
                "columns": [n for _, n in names], "units": units}
    return build_isotherm(
        path, reader="quantachrome", amount=volume, amount_units=amount_units,
        pressure=pressure, saturation_pressure_values=p0, pressure_units=p_units,
        relative_pressure_note="Press / P0 (per point)",
        sample_mass=mass, sample_mass_units=mass_units or "g",
        temperature=temperature, temperature_units=t_units,
        adsorbate=fields.get("Analysis gas"), sample=fields.get("Sample ID"), metadata=metadata)
