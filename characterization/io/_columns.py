"""Columns of a delimited text file: what each holds and in which unit.

* :class:`Column` and :func:`parse_column`: a header cell split into label and unit
  (``"Intensity (counts)"``, ``"Energy [eV]"``, ``"BE/eV"``, ``"2th_deg"``).
* Column roles: :data:`ROLE_PATTERNS` (regular expressions on the label for "angle", "binding",
  "load", "relative_pressure" ...), :func:`role_of`, :func:`is_role`, :func:`find`, and
  :func:`infer_technique`, which names the technique only when the header is unambiguous.
* Choosing columns: :func:`resolve` (the ``x=``/``y=`` options, by index or name),
  :func:`distinct` and :func:`sanitize` (a label as a variable name).
* Units of a column: :func:`convert_column` (to the convention's unit, through
  :mod:`characterization.io._units`, or ReadError) and :func:`free_units` (a column kept as is).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import ReadError
from ._units import INTENSITY_UNITS, UnitError, canonical_unit, conversion_factor


@dataclass
class Column:
    """One column header: the cell as written, its label and its unit (as written)."""

    raw: str
    label: str
    unit: str | None = None


def parse_column(token: str) -> Column:
    """Split ``"Intensity (counts)"`` / ``"Energy [eV]"`` / ``"BE/eV"`` into label and unit."""
    text = token.strip()
    m = re.fullmatch(r"(?P<label>.*?)(?P<sp>\s*)[(\[]\s*(?P<unit>[^()\[\]]*?)\s*[)\]]", text)
    if m and m["label"] and (m["sp"] or canonical_unit(m["unit"]) is not None):
        return Column(token, m["label"].strip(), m["unit"])
    for pattern in (r"(?P<label>.*?\S)\s*/\s*(?P<unit>[^/]+)", r"(?P<label>.+?)_(?P<unit>[^_]+)"):
        m = re.fullmatch(pattern, text)
        if (m and canonical_unit(m["unit"]) not in (None, "1")
                and canonical_unit(m["label"]) is None):
            return Column(token, m["label"].strip(), m["unit"].strip())
    return Column(token, text, None)


# --------------------------------------------------------------------------- roles
#: Role -> regular expression (case-insensitive) searched in a column label.
ROLE_PATTERNS = {
    "angle": r"2\s*[-_]?\s*th|two\s*[-_]?\s*theta|^theta$|angle|2θ|^tth$",
    "raman": r"raman",
    "wavenumber": r"wave\s*-?numbers?",
    "binding": r"binding|^b\.?e\.?(?:[\s_]|$)",
    "kinetic": r"kinetic|^k\.?e\.?(?:[\s_]|$)",
    "energy": r"^energy|^e$|^e[\s_]|^ene$",
    "mu": r"^x?mu(?:\b|_|$)|^μ|absorption|^norm",
    "intensity": r"intens|count|cps|^i$|^y$|signal|^int$|dark\s*subtracted|raw\s*data",
    # among several intensity columns, a processed one wins (B&W Tek: "Dark Subtracted #1"
    # over "Raw data #1" and the "Dark" and "Reference" frames)
    "intensity_processed": r"dark\s*subtracted|background\s*subtracted|corrected|processed",
    "load": r"load|force|^p$",
    "displacement": r"displacement|depth|^h$",
    "time": r"^time|^t$",
    "segment": r"segment",
    "relative_pressure": r"p\s*/\s*p\s*[0o°s]|relative\s*pressure|^p[\s_]?rel|^prel$",
    "amount": r"quantity|amount|volume|uptake|adsorbed|^[nv][\s_]?ads|loading|^[nv]$",
}
_ROLE_RE = {k: re.compile(v, re.I) for k, v in ROLE_PATTERNS.items()}


def is_role(label: str, role: str) -> bool:
    """True when ``label`` looks like a column of ``role`` (a key of :data:`ROLE_PATTERNS`)."""
    return bool(_ROLE_RE[role].search(label))


def role_of(label: str) -> list[str]:
    """Every role whose pattern matches ``label``."""
    return [role for role, rx in _ROLE_RE.items() if rx.search(label.strip())]


def find(cols, role, exclude=()) -> int | None:
    """Index of the first column of ``role`` not in ``exclude``, else None.

    For ``"intensity"`` a processed column (dark- or background-subtracted) is preferred.
    """
    if role == "intensity":
        preferred = find(cols, "intensity_processed", exclude)
        if preferred is not None:
            return preferred
    for j, c in enumerate(cols):
        if c is not None and j not in exclude and is_role(c.label, role):
            return j
    return None


def infer_technique(cols) -> str:
    """Technique the headers name unambiguously, else ``"spectrum"``."""
    has = {role: find(cols, role) is not None for role in ROLE_PATTERNS}
    raman_unit = any(c is not None and canonical_unit(c.unit) == "1/cm" for c in cols)
    rules = {
        "xrd": has["angle"],
        "raman": has["raman"] or has["wavenumber"] or raman_unit,
        "xps": has["binding"],
        "exafs": has["energy"] and has["mu"],
        "nanoindent": has["load"] and has["displacement"],
        "sorption": has["relative_pressure"],
    }
    found = [t for t, ok in rules.items() if ok]
    return found[0] if len(found) == 1 else "spectrum"


# --------------------------------------------------------------------------- choosing columns
def resolve(path, spec, cols, what) -> int | None:
    """Column index from ``x=``/``y=`` (index or header name)."""
    if spec is None:
        return None
    n = len(cols)
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if -n <= spec < n:
            return int(spec) % n
    else:
        key = str(spec).strip().lower()
        for j, c in enumerate(cols):
            if c is not None and key in (c.raw.lower(), c.label.lower(), sanitize(c.label)):
                return j
    names = [c.raw if c is not None else f"#{j}" for j, c in enumerate(cols)]
    raise ReadError(path, f"{what}={spec!r} matches no column; columns are {names} "
                          f"(or an index 0..{n - 1})")


def distinct(path, cols, *indices) -> None:
    """ReadError when ``x=``/``y=`` (or the defaults) pick the same column twice."""
    picked = [j for j in indices if j is not None]
    if len(set(picked)) < len(picked):
        j = next(j for j in picked if picked.count(j) > 1)
        name = cols[j].raw if cols[j] is not None else f"#{j}"
        raise ReadError(path, f"column {name!r} was chosen for two roles (x and y); pass "
                              "x= and y= naming different columns")


def sanitize(label: str) -> str:
    """``label`` as a variable name: lower case, ``θ`` -> theta, runs of others -> ``_``."""
    s = label.strip().lower().replace("θ", "theta").replace("µ", "u").replace("μ", "u")
    return re.sub(r"[^0-9a-z]+", "_", s).strip("_")


# --------------------------------------------------------------------------- units of a column
def convert_column(path, values, col: Column | None, target: str, what: str, *,
                   relabel=False):
    """``(values, attrs, factor)`` of ``col`` in ``target`` units.

    Converts explicitly by a known factor (recording ``original_units``) or raises ReadError.
    With ``relabel`` (intensities), arbitrary or unrecognised units are labelled ``target``
    and counts/s stay counts/s, since no dwell time is known to convert them.
    """
    if col is None or not col.unit:
        return values, {"units": target}, 1.0
    canon = canonical_unit(col.unit)
    if canon == target:
        return values, {"units": target}, 1.0
    try:
        factor = conversion_factor(col.unit, target)
    except UnitError:
        if relabel and canon in INTENSITY_UNITS and target in INTENSITY_UNITS:
            return values, {"units": canon}, 1.0
        if relabel and canon in (None, "a.u.", "1"):
            if canon is None:
                warnings.warn(f"{path}: unit {col.unit!r} of column {col.raw!r} not "
                              f"recognised; {what} labelled {target!r}", stacklevel=4)
            return values, {"units": target, "original_units": col.unit}, 1.0
        reason = "unknown unit" if canon is None else f"cannot be converted to {target!r}"
        raise ReadError(path, f"column {col.raw!r}: unit {col.unit!r} {reason} "
                              f"(expected {what} in {target!r})") from None
    return values * factor, {"units": target, "original_units": col.unit}, factor


def free_units(col: Column | None) -> dict:
    """Units attrs of a column kept as it is (extra columns, generic spectra)."""
    if col is None or not col.unit:
        return {"units": ""}
    canon = canonical_unit(col.unit)
    if canon is not None and canon != "a.u.":
        return {"units": canon}
    return {"units": "", "original_units": col.unit}
