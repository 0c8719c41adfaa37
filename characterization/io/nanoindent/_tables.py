"""Vendor tables of NanoSuite / InView workbooks: results, inputs and per-cycle sheets.

A table sheet has a header row, a units row, and one row per test (first cell the test number,
``"1"``) or per test and cycle (``"1-2"`` in NanoSuite, ``"1:2"`` under a ``"Test 1"`` row in
InView). The functions here turn such rows into per-test values keyed by test number.
"""

from __future__ import annotations

import re

import numpy as np

from ._build import SENTINEL, _number, snake

#: Vendor column labels (lower case, spaces collapsed) -> name of the quantity.
CANONICAL = {
    "e": "modulus", "avg e": "modulus", "e average over defined range": "modulus",
    "avg modulus [100-200 nm]": "modulus", "modulus": "modulus", "cycle eu": "modulus",
    "h": "hardness", "avg h": "hardness", "h average over defined range": "hardness",
    "avg hardness [100-200 nm]": "hardness", "hardness": "hardness", "cycle hu": "hardness",
    "stiffness": "stiffness", "cycle su": "stiffness",
    "drift": "drift_rate", "drift correction": "drift_rate",
    "pmax": "max_load", "cycle pmax": "max_load", "cycle hmax": "max_displacement",
    "maximum displacement": "max_displacement", "displacement": "displacement", "load": "load",
    "cycle eru": "reduced_modulus", "cycle acu": "contact_area", "cycle hcu": "contact_depth",
    "poverS2".lower(): "p_over_s2",
}

#: Input columns -> (per-test coordinate name, units when the file gives none).
INPUTS = {
    "poissons ratio": ("sample_poisson_ratio", "1"),
    "poisson's ratio of sample": ("sample_poisson_ratio", "1"),
    "x test position": ("x", "µm"), "y test position": ("y", "µm"),
    "x_position": ("x", "µm"), "y_position": ("y", "µm"),
    "frame stiffness correction": ("frame_stiffness_correction", "N/m"),
    "harmonic frame stiffness correction": ("harmonic_frame_stiffness_correction", "N/m"),
    "perform drift correction": ("drift_correction_enabled", "1"),
    "drift correction? (1-y": ("drift_correction_enabled", "1"),
    "number of loading cycles": ("n_cycles", "1"),
    "number of times to load": ("n_cycles", "1"),
}


def norm(label) -> str:
    """Lower-case label with spaces collapsed."""
    return re.sub(r"\s+", " ", str(label)).strip().lower()


def unit_text(u) -> str:
    """A units cell cleaned of mojibake (``Âµm`` -> ``µm``) and filler words."""
    u = str(u or "").strip().replace("Â", "").replace("\u03bc", "µ")
    if u.lower() in ("none", "integer", "index", ""):
        return "1"
    return "µm" if u == "um" else u


def number(v) -> float:
    """A cell as float; text, blanks and the DBL_MAX sentinel as NaN."""
    if isinstance(v, bool):
        return float(v)
    f = _number(v)
    return f if abs(f) < SENTINEL else np.nan


def header_at(rows) -> int | None:
    """Index of the header row: the first row whose first cell is ``"Test"`` or empty
    followed by labelled columns (tolerating note rows above it)."""
    for i, r in enumerate(rows[:20]):
        cells = [str(c).strip() for c in r]
        if len([c for c in cells[1:] if c]) >= 1 and cells[0].lower() in ("test", ""):
            if i + 1 < len(rows):
                return i
    return None


def test_key(cell) -> tuple[int | None, int | None]:
    """(test, cycle) of a table row's first cell: ``1``/``"1"`` -> (1, None); ``"1-2"`` or
    ``"1:2"`` -> (1, 2); anything else (None, None)."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return (int(cell), None) if float(cell).is_integer() else (None, None)
    m = re.fullmatch(r"\s*(\d+)\s*(?:[-:]\s*(\d+))?\s*", str(cell))
    if not m:
        return None, None
    return int(m.group(1)), (int(m.group(2)) if m.group(2) else None)


def parse_table(rows):
    """``(columns, per_test, per_cycle, text)`` of a table sheet.

    ``columns`` lists ``(label, units)``; ``per_test[test][label]`` the numeric values;
    ``per_cycle[test][cycle][label]``; ``text[test][label]`` the text cells (tip names).
    """
    h = header_at(rows)
    if h is None:
        return [], {}, {}, {}
    labels = [str(c).strip() for c in rows[h]]
    units = [unit_text(c) for c in rows[h + 1]] if h + 1 < len(rows) else []
    units += ["1"] * (len(labels) - len(units))
    columns = [(lab, units[j]) for j, lab in enumerate(labels) if j and lab]
    per_test, per_cycle, text = {}, {}, {}
    for r in rows[h + 2:]:
        if not r:
            continue
        first = r[0]
        test, cycle = test_key(first)
        if test is None:
            continue
        values = {lab: number(r[j]) for j, lab in enumerate(labels) if j and lab and j < len(r)}
        texts = {lab: str(r[j]).strip() for j, lab in enumerate(labels)
                 if j and lab and j < len(r) and isinstance(r[j], str) and r[j].strip()}
        if cycle is not None:
            per_cycle.setdefault(test, {})[cycle] = values
        else:
            per_test.setdefault(test, {}).update(values)
            text.setdefault(test, {}).update(texts)
    return columns, per_test, per_cycle, text


def vendor_name(label: str) -> str:
    """``vendor_<quantity>`` for a results column."""
    return "vendor_" + CANONICAL.get(norm(label), snake(label))
