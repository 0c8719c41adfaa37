"""Axis labels from ``long_name`` and ``units`` attrs."""

from __future__ import annotations

import re

_PRETTY = {
    "1/cm": "cm$^{-1}$", "cm^-1": "cm$^{-1}$", "deg": "°", "degree": "°", "angstrom": "Å",
    "1/angstrom": "Å$^{-1}$", "count": "counts", "count/s": "counts s$^{-1}$", "1": "",
    "m^2/g": "m$^2$ g$^{-1}$", "cm^3/g": "cm$^3$ g$^{-1}$", "mmol/g": "mmol g$^{-1}$",
    "count*1/cm": "counts cm$^{-1}$",
}


def pretty_units(units: str | None) -> str:
    """Units for an axis label: ``"1/cm"`` -> ``"cm$^{-1}$"``; unknown strings pass through."""
    if not units:
        return ""
    if units in _PRETTY:
        return _PRETTY[units]
    return re.sub(r"\^(-?\d+)", r"$^{\1}$", units)


def axis_label(da, fallback: str = "") -> str:
    """``"long_name (units)"`` of a DataArray, e.g. ``"Raman shift (cm$^{-1}$)"``."""
    name = da.attrs.get("long_name") or getattr(da, "name", None) or fallback
    units = pretty_units(da.attrs.get("units"))
    return f"{name} ({units})" if units else str(name)
