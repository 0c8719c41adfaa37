"""When a plain text table is obviously an X-ray diffraction pattern.

Used by the generic delimited reader (:mod:`characterization.io.delimited`) when the column
header does not name the technique (no ``2Theta``/``2θ``/``Angle`` column). A table is read as
XRD when one of these holds:

1. **The header lines say X-rays**: an X-ray wavelength (``Wavelength: 1.5406``, ``lambda =
   0.7093 A``, ``# Wavelength: 4.066e-11 m``; 0.05–5 Å once converted, under a key that does
   not name a laser or an excitation), an anode (``Anode: Cu``, ``Target = Mo``, ``Radiation:
   CuKa``, ``Tube Co``) or a 2θ quantity in a key (``Start 2Theta``, ``2θ step``).
2. **The axis can only be 2θ**: at least 50 points, strictly ascending on a uniform step
   (every step within 2 % + 2e-4 of the median: diffractometers move in constant steps, a
   Raman CCD axis is a polynomial with a varying step), step 0.001–0.25, the whole axis inside
   (0, 180], spanning at least 10, and non-negative intensities. A Raman spectrum reaches
   beyond 180 cm⁻¹ or steps by more than 0.25 cm⁻¹; sorption (p/p0 ≤ 1), nanoindentation
   (not monotonic) and EXAFS (keV energies) cannot pass. This rule is announced with a warning
   naming the evidence, since a narrow XPS region measured on a uniform 0.05 eV grid could
   pass it too: pass ``technique=`` to override.

Limitations: a pattern in d-spacing or q, a 2θ axis with a varying step (some position-
sensitive detector exports) or a scan shorter than 10° is not recognised from the axis alone.
"""

from __future__ import annotations

import re

import numpy as np

from ...xray_lines import ANODES

_WAVELENGTH_KEY = re.compile(r"wave\s*-?length|lambda|^wl\d?$|^λ", re.I)
_NOT_XRAY_KEY = re.compile(r"laser|excitation|raman|emission|absorb", re.I)
_LENGTH_UNITS = {"m": 1e10, "nm": 10.0, "a": 1.0, "å": 1.0, "angstrom": 1.0, "ang": 1.0,
                 "pm": 0.01}
_ANODE_KEY = re.compile(r"anode|target|tube|radiation|source", re.I)
_ANODE_VALUE = re.compile(r"^\s*(" + "|".join(ANODES) + r")(?:\s*[-_ ]?\s*k\s*[-_]?\s*"
                          r"(?:a|alpha|α|b|beta|β)\s*\d?)?\b", re.I)
_TWO_THETA_KEY = re.compile(r"2\s*[-_]?\s*theta|2\s*θ|two\s*[-_]?\s*theta|2th\b", re.I)

#: Axis rule limits (see the module docstring).
MIN_POINTS, MIN_SPAN, MAX_ANGLE = 50, 10.0, 180.0
STEP_RANGE = (0.001, 0.25)
STEP_RTOL, STEP_ATOL = 0.02, 2e-4


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    return str(value)


def xray_wavelength(key: str, value) -> float | None:
    """The X-ray wavelength (Å) of a ``key: value`` header entry, or None."""
    if not _WAVELENGTH_KEY.search(key.strip()) or _NOT_XRAY_KEY.search(key):
        return None
    m = re.match(r"\s*([-+]?\d*[.,]?\d+(?:[eE][-+]?\d+)?)\s*([A-Za-zÅμ]*)", _text(value))
    if not m:
        return None
    number = float(m.group(1).replace(",", "."))
    unit = m.group(2).lower()
    if unit in _LENGTH_UNITS:
        number *= _LENGTH_UNITS[unit]
    elif unit:
        return None
    return number if 0.05 <= number <= 5.0 else None


def metadata_evidence(meta: dict) -> str | None:
    """Why the header lines make the file XRD (a short phrase), or None."""
    for key, value in (meta or {}).items():
        key = str(key)
        if xray_wavelength(key, value) is not None:
            return f"X-ray wavelength in the header ({key}: {_text(value).strip()})"
        if _ANODE_KEY.search(key) and _ANODE_VALUE.match(_text(value)):
            return f"X-ray anode in the header ({key}: {_text(value).strip()})"
        if _TWO_THETA_KEY.search(key):
            return f"2θ quantity in the header ({key})"
    return None


def axis_evidence(x, y) -> str | None:
    """Why the (x, y) columns can only be a 2θ scan (a short phrase), or None."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < MIN_POINTS or not np.isfinite(x).all():
        return None
    steps = np.diff(x)
    step = float(np.median(steps))
    if not (STEP_RANGE[0] <= step <= STEP_RANGE[1]) or np.any(steps <= 0):
        return None
    if np.any(np.abs(steps - step) > STEP_RTOL * step + STEP_ATOL):
        return None
    if not (x[0] > 0 and x[-1] <= MAX_ANGLE and x[-1] - x[0] >= MIN_SPAN):
        return None
    if np.nanmin(y) < 0:
        return None
    return (f"ascending axis {x[0]:g}–{x[-1]:g} on a uniform step {step:.4g}: a 2θ scan (deg)")


def column_evidence(cols) -> str | None:
    """Why a column header makes the file XRD although its label names no angle (a unit such as
    HighScore's ``Pos. [°2Th.]``), or None."""
    for col in cols or ():
        if col is not None and _TWO_THETA_KEY.search(col.raw):
            return f"2θ column {col.raw!r}"
    return None


def anode(meta: dict) -> str | None:
    """The anode element a header names (``Anode: Cu``, ``Radiation = MoKa1``), or None."""
    for key, value in (meta or {}).items():
        if _ANODE_KEY.search(str(key)):
            m = _ANODE_VALUE.match(_text(value))
            if m:
                return m.group(1).capitalize()
    return None
