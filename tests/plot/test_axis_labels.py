"""Axis labels typeset from long_name and units, and used by every panel."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import xarray as xr

from characterization.plot._labels import axis_label, pretty_name, pretty_units

PLOT = Path(__file__).resolve().parents[2] / "characterization" / "plot"


@pytest.mark.parametrize("units, expected", [
    ("1/cm", "cm$^{-1}$"), ("cm^-1", "cm$^{-1}$"), ("deg", "°"), ("angstrom", "Å"),
    ("1/angstrom", "Å$^{-1}$"), ("1/angstrom^3", "Å$^{-3}$"), ("m^2/g", "m$^2$ g$^{-1}$"),
    ("cm^3/g", "cm$^3$ g$^{-1}$"), ("mmol/g", "mmol g$^{-1}$"), ("eV", "eV"), ("mN", "mN"),
    ("nm", "nm"), ("GPa", "GPa"), ("count/s", "counts s$^{-1}$"), ("um", "µm"),
    ("cm^3/g/nm", "cm$^3$ g$^{-1}$ nm$^{-1}$"), ("1", ""), (None, ""),
    ("eV**2", "eV$^2$"), ("strange units (x)", "strange units (x)"),
])
def test_pretty_units(units, expected):
    assert pretty_units(units) == expected


def test_names_and_full_labels():
    assert pretty_name("Relative pressure p/p0") == "Relative pressure p/p$_0$"
    assert pretty_name("I_D/I_G") == "I$_D$/I$_G$"
    assert pretty_name("crystallite_size") == "crystallite_size"
    assert pretty_name("|chi(R)|") == "|χ(R)|"

    def da(name, **attrs):
        return xr.DataArray([1.0], name=name, attrs=attrs)

    assert axis_label(da("two_theta", long_name="2θ", units="deg")) == "2θ (°)"
    assert axis_label(da("chir_mag", long_name="|χ(R)|", units="1/angstrom^3")) == \
        "|χ(R)| (Å$^{-3}$)"
    assert axis_label(da("k", long_name="k", units="1/angstrom")) == "k (Å$^{-1}$)"
    assert axis_label(da("atomic_percent", long_name="Atomic concentration",
                         units="percent")) == "Atomic concentration (at.%)"
    assert axis_label(da("bet_area", long_name="BET area", units="m^2/g")) == \
        "BET area (m$^2$ g$^{-1}$)"
    assert axis_label(da("ratio", long_name="I_D/I_G", units="1")) == "I$_D$/I$_G$"
    assert axis_label(da("pore_volume", units="cm^3/g")) == "pore volume (cm$^3$ g$^{-1}$)"


def test_every_panel_module_labels_axes_through_axis_label():
    """A panel module that sets axis labels imports axis_label (no hand-written units)."""
    missing = []
    for path in sorted(PLOT.glob("*.py")):
        if path.name.startswith("_") or path.name in ("style.py", "figure.py", "export.py",
                                                       "overview.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Attribute)}
        uses = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        if calls & {"set_xlabel", "set_ylabel"} and "axis_label" not in uses:
            missing.append(path.name)
    assert not missing, f"panel modules labelling axes without axis_label: {missing}"
