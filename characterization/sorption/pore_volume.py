"""Total pore volume at a chosen p/p0 (Gurvich rule) and the 4V/A mean pore width."""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError
from ._apply import Output, apply_isotherm_kernel
from ._match import match_point
from .tplot import _bet_area_array, resolve_liquid_molar_volume as _vm_liq


def _tpv_kernel(x, n, mask, *, p):
    b = x.shape[0]
    amount, used, highest = np.full(b, np.nan), np.full(b, np.nan), np.full(b, np.nan)
    for k in range(b):
        ok = mask[k] & np.isfinite(x[k]) & np.isfinite(n[k])
        xs, ns = x[k, ok], n[k, ok]
        if xs.size == 0:
            continue
        order = np.argsort(xs, kind="stable")
        xs, ns = xs[order], ns[order]
        highest[k] = xs[-1]
        at, _ = match_point(xs, p)
        if at >= 0:                      # a measured point named to the precision typed
            amount[k], used[k] = ns[at], xs[at]
        elif xs[0] <= p <= xs[-1]:
            amount[k], used[k] = np.interp(p, xs, ns), p
    return amount, used, highest


@public("sorption", headline=("total_pore_volume", "mean_pore_width", "relative_pressure_used"))
def total_pore_volume(ds: xr.Dataset, *, p: float = 0.95, branch: str = "adsorption",
                      bet_area=None, liquid_molar_volume=None, density_conversion_factor=None,
                      errors: str = "warn") -> xr.Dataset:
    r"""Total pore volume from the amount at ``p`` (Gurvich rule) and the 4V/A pore width.

    .. math:: V_p = n(p/p_0)\,V_{m,liq}, \qquad \bar d = 4 V_p / S_{BET}

    ``p`` is matched to a measured point of ``branch`` to the precision typed (``0.988027597``
    finds the point 0.98802759678, ``0.995`` the point 0.99501; never looser than ±0.0005), and
    that point's amount is used, as a person reading the data table would; otherwise n(p) is
    linearly interpolated between the two measured points around ``p``. A ``p`` beyond the
    measured points is never extrapolated: that isotherm gets NaN and a message naming the
    highest point (some instrument software silently uses the last point instead, e.g. a
    "total pore volume at 0.99" from an isotherm that stops at 0.962).

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``amount`` mmol/g), any batch dims.
    p : float
        Relative pressure, typically 0.95–0.99 (pores up to ≈40–200 nm for N2 at 77 K).
    branch : {"adsorption", "desorption"}
        Branch read (instrument reports give both).
    bet_area : float, DataArray or Dataset, optional
        For the mean pore width; default the automatic BET area.
    liquid_molar_volume : float, optional
        V_m,liq (cm³/mol) converting the amount to liquid volume; default the adsorptive's.
    density_conversion_factor : float, optional
        Micromeritics' DCF (V_m,liq = DCF × 22 414 cm³/mol), to match a report; not together
        with ``liquid_molar_volume``.
    errors : {"warn", "nan", "raise"}
        When ``p`` lies outside an isotherm's measured range the result is NaN with
        ``success=False``; ``"warn"`` (default) also warns, ``"raise"`` raises.

    Returns
    -------
    xarray.Dataset
        ``total_pore_volume`` (cm³/g liquid), ``amount_at_p`` (mmol/g),
        ``relative_pressure_used`` (the measured point matched, or ``p`` when interpolated),
        ``mean_pore_width`` (nm, 4V/A), ``highest_relative_pressure``, ``success``.

    References
    ----------
    .. [1] L. Gurvich, J. Phys. Chem. Soc. Russ. 47 (1915) 805. .. [2] ISO 15901-2:2022.
    """
    if errors not in ("warn", "raise", "nan"):
        raise AnalysisError(f"errors must be 'warn', 'nan' or 'raise', not {errors!r}")
    if not 0 < p < 1.01:
        raise AnalysisError(f"p must be a relative pressure in (0, 1], not {p}")
    vm = _vm_liq(ds, liquid_molar_volume, density_conversion_factor)
    outs = [Output("amount_at_p", "mmol/g", f"Amount adsorbed at p/p0 = {p}"),
            Output("relative_pressure_used", "1", "Measured p/p0 matched (or p interpolated)"),
            Output("highest_relative_pressure", "1", "Highest measured p/p0 on the branch")]
    res = apply_isotherm_kernel(ds, _tpv_kernel, outs, branch=branch, p=float(p))
    res["total_pore_volume"] = (res["amount_at_p"] * 1e-3 * vm).assign_attrs(
        units="cm^3/g", long_name=f"Total pore volume at p/p0 = {p}")
    bet, source = _bet_area_array(ds, bet_area, branch)
    res["mean_pore_width"] = (4e3 * res["total_pore_volume"] / bet).assign_attrs(
        units="nm", long_name="Mean pore width 4V/A")
    res["success"] = np.isfinite(res["amount_at_p"]).assign_attrs(
        units="1", long_name="p within the measured range")
    res.attrs["method"] = "total pore volume (Gurvich)"
    res.attrs["parameters"] = {"liquid_molar_volume": vm, "bet_area": source}
    if errors != "nan" and isinstance(res["success"].data, np.ndarray) \
            and not bool(res["success"].all()):
        top = res["highest_relative_pressure"].where(~res["success"], drop=True)
        msg = (f"p/p0 = {p} lies outside the measured {branch} branch of "
               f"{int((~res['success']).sum())} isotherm(s) (highest measured p/p0: "
               + ", ".join(f"{v:.4g}" for v in np.ravel(top.values)) + "); not extrapolated")
        if errors == "raise":
            raise AnalysisError(msg)
        warnings.warn(msg, stacklevel=2)
    return res
