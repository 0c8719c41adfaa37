"""ISO 9277-style text report of a BET result (returned as a string; nothing is written)."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ._bet_kernel import CRITERIA

_CRITERION_TEXT = {
    "c_positive": "1. C > 0 (positive intercept)",
    "monotonic": "2. n(1 − p/p0) increases over the range",
    "monolayer_in_range": "3. p/p0 at n_m from C, 1/(√C + 1), inside the range",
    "monolayer_consistent": "4. 1/(√C + 1) agrees with p/p0 read at n_m",
}


def _coord(ds, name, default="not recorded"):
    if ds is not None and name in ds.coords and ds[name].ndim == 0:
        v = ds[name].values.item()
        units = ds[name].attrs.get("units", "")
        return f"{v} {units}".strip()
    return default


def iso9277_report(result: xr.Dataset, isotherm: xr.Dataset | None = None) -> str:
    """A BET report laid out after ISO 9277:2022 §10 for one isotherm.

    Parameters
    ----------
    result : xarray.Dataset
        Output of :func:`characterization.sorption.bet` for a single isotherm (select one
        sample of a batch first: ``result.isel(sample=0)``).
    isotherm : xarray.Dataset, optional
        The isotherm analysed, for sample name, mass, temperature and adsorptive.

    Returns
    -------
    str
    """
    if result["bet_area"].ndim:
        raise ValueError("iso9277_report takes one isotherm; select it with .isel(...)")
    params = json.loads(result.attrs.get("parameters", "{}"))
    ok = bool(result["success"])
    lines = ["BET specific surface area — report after ISO 9277:2022", "=" * 56,
             f"Sample                : {_coord(isotherm, 'sample')}",
             f"Source file           : {_coord(isotherm, 'source_file')}",
             f"Sample mass           : {_coord(isotherm, 'sample_mass')}",
             f"Adsorptive            : {params.get('adsorptive', 'N2')}",
             f"Analysis temperature  : {_coord(isotherm, 'temperature')}",
             f"Cross-sectional area  : {params.get('cross_section')} nm²",
             f"Branch                : {params.get('branch', 'adsorption')}",
             f"Range selection       : {str(result['message'].values)}", ""]
    if not ok:
        lines.append("No BET area reported: " + str(result["message"].values))
        return "\n".join(lines)
    used = int(result["n_points"])
    lines += [
        f"Relative pressure range : {float(result['p_min']):.5f} – {float(result['p_max']):.5f}"
        f" ({used} points)",
        f"Slope                   : {float(result['slope']):.6g} g/mmol",
        f"Intercept               : {float(result['intercept']):.6g} g/mmol",
        f"Correlation r²          : {float(result['r_squared']):.7f}",
        f"BET constant C          : {float(result['c_constant']):.4g} ± "
        f"{float(result['c_constant_stderr']):.2g}",
        f"Monolayer amount n_m    : {float(result['monolayer_amount']):.5g} ± "
        f"{float(result['monolayer_amount_stderr']):.2g} mmol/g "
        f"({float(result['monolayer_amount']) * 22.414:.5g} cm³ STP/g)",
        f"BET surface area        : {float(result['bet_area']):.5g} ± "
        f"{float(result['bet_area_stderr']):.2g} m²/g", "",
        "Rouquerol consistency criteria:"]
    for name in CRITERIA:
        mark = "pass" if bool(result[f"criterion_{name}"]) else "FAIL"
        lines.append(f"  [{mark}] {_CRITERION_TEXT[name]}")
    dev = float(result["monolayer_pressure_deviation"])
    lines.append(f"  p/p0 at n_m: {float(result['monolayer_pressure']):.5f} (from C) vs "
                 f"{float(result['monolayer_pressure_isotherm']):.5f} (isotherm), deviation "
                 f"{dev * 100 if np.isfinite(dev) else float('nan'):.1f} % "
                 f"(tolerance {params.get('tolerance', 0.2) * 100:.0f} %)")
    lines.append(f"characterization {result.attrs.get('characterization_version', '')}")
    return "\n".join(lines)
