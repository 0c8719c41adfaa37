"""Units and long names of everything :func:`~characterization.fit.fit_peaks` returns."""

from __future__ import annotations

import json
import re

from .derived import QUANTITIES
from .solver import STATUS

_QUANTITY_NAMES = {"center": "Peak position (maximum)", "fwhm": "Peak FWHM",
                   "height": "Peak height", "area": "Peak area"}


def _wrap(u: str) -> str:
    return u if re.fullmatch(r"[A-Za-z_]+", u) else f"({u})"


def units_of(y_units: str, x_units: str, y_power: int, x_power: int) -> str:
    """Pint-parsable units string of ``y**y_power * x**x_power`` (``y_power`` 0 or 1).

    >>> units_of("count", "1/cm", 1, 1)
    'count * (1/cm)'
    """
    if y_power == 0 and x_power == 0:
        return "1"
    if y_power == 0:
        return x_units if x_power == 1 else f"{_wrap(x_units)}**{x_power}"
    if x_power == 0:
        return y_units
    if x_power == 1:
        return f"{y_units} * {_wrap(x_units)}"
    if x_power == -1:
        return f"{_wrap(y_units)} / {_wrap(x_units)}"
    return f"{_wrap(y_units)} / {_wrap(x_units)}**{-x_power}"


def label(result, slots, x_units, y_units, weighted, criterion=None):
    """Set units/long names in place; ``slots`` are the ParamSlots in ``param`` order."""
    param_units = [units_of(y_units, x_units, s.y_power, s.x_power) for s in slots]
    result.coords["param_units"] = ("param", param_units,
                                    {"units": "", "long_name": "Units of each parameter"})
    result.coords["param_long_name"] = ("param", [s.long_name for s in slots],
                                        {"units": "", "long_name": "Description of each parameter"})
    text = {"units": "", "long_name": "Label"}
    for name, long_name in (("param", "Parameter"), ("cov_i", "Parameter"), ("cov_j", "Parameter"),
                            ("peak", "Peak"), ("component", "Model component"),
                            ("candidate", "Candidate model")):
        if name in result.coords:
            result[name].attrs = {**text, "long_name": long_name}
    chi_units = "1" if weighted else f"{_wrap(y_units)}**2"
    per_peak = {"center": x_units, "fwhm": x_units, "height": y_units,
                "area": units_of(y_units, x_units, 1, 1)}
    attrs = {
        "value": ("", "Fitted parameter value (units per parameter: param_units)"),
        "stderr": ("", "Standard error of the parameter (units per parameter: param_units)"),
        "covariance": ("", "Parameter covariance (units: param_units of cov_i x cov_j)"),
        "at_bound": ("1", "Free parameter at (within a tolerance of) a bound"),
        "best_fit": (y_units, "Best-fit model"),
        "components": (y_units, "Model component"),
        "chisqr": (chi_units, "Chi-square"),
        "redchi": (chi_units, "Reduced chi-square"),
        "noise": (y_units, "Noise level (scaled MAD of the residual minus its running mean)"),
        "success": ("1", "Fit converged and a peak is detected"),
        "nfev": ("1", "Model evaluations (each with analytic Jacobian)"),
        "status": ("1", "Fit status (>0 converged, <0 failed; codes in attrs)"),
        "detected": ("1", "Peak height significant (effective standard errors)"),
        "selected_model": ("", "Candidate model chosen for this spectrum"),
    }
    if criterion:
        attrs[criterion] = ("1", f"{criterion.upper()} of each candidate model (NaN: failed)")
    for q in QUANTITIES:
        attrs[q] = (per_peak[q], _QUANTITY_NAMES[q])
        attrs[f"{q}_stderr"] = (per_peak[q], f"Standard error of {_QUANTITY_NAMES[q].lower()}")
    for name, (units, long_name) in attrs.items():
        if name in result:
            result[name].attrs = {"units": units, "long_name": long_name}
    result["status"].attrs["codes"] = json.dumps({str(k): v for k, v in STATUS.items()})
