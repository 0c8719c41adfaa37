"""t-plot and α_s: external area and micropore volume from a comparison plot."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError
from ._apply import apply_isotherm_kernel, isotherm_arrays
from ._linear import fit_lines, line_outputs, longest_linear_window
from .adsorbates import STP_MOLAR_VOLUME, ds_adsorptive
from ._report import report_thickness, report_thickness_range, report_value
from .thickness import thickness_function


def resolve_liquid_molar_volume(ds, liquid_molar_volume=None,
                                density_conversion_factor=None) -> float:
    """V_m,liq (cm³/mol): given, from Micromeritics' DCF (× 22 414), or the adsorptive's."""
    if liquid_molar_volume is not None and density_conversion_factor is not None:
        raise AnalysisError("give liquid_molar_volume or density_conversion_factor, not both")
    if density_conversion_factor is not None:
        return float(density_conversion_factor) * STP_MOLAR_VOLUME
    if liquid_molar_volume is not None:
        return float(liquid_molar_volume)
    return ds_adsorptive(ds).liquid_molar_volume


def _bet_area_array(ds, bet_area, branch):
    """BET area per isotherm as a DataArray over the batch dims (computed when None)."""
    if bet_area is None:
        from .bet import bet

        return bet(ds, branch=branch, errors="nan")["bet_area"], "computed (automatic BET)"
    if isinstance(bet_area, xr.Dataset):
        return bet_area["bet_area"], "given (BET result)"
    return xr.DataArray(bet_area), "given"


def _comparison_kernel(x, n, mask, *, abscissa, window, auto, min_points, min_r2):
    u = abscissa(np.where(mask & (x > 0) & (x < 1), x, np.nan))
    ok = mask & np.isfinite(u) & np.isfinite(n)
    if auto:
        select = np.zeros_like(ok)
        for k in range(x.shape[0]):
            cand = ok[k] & (u[k] >= window[0]) & (u[k] <= window[1])
            select[k] = longest_linear_window(u[k], n[k], cand, min_points, min_r2)
    else:
        select = ok & (u >= window[0]) & (u <= window[1])
    res = fit_lines(u, n, select)
    return tuple(res[k] for k in ("slope", "intercept", "slope_stderr", "intercept_stderr",
                                  "r_squared", "n_points", "used"))


def _derive(res, vm_liq, area_scale, bet, abscissa_name):
    """External area, micropore volume and area from a comparison-plot line."""
    res["external_area"] = (res["slope"] * area_scale).assign_attrs(
        units="m^2/g", long_name="External surface area")
    res["external_area_stderr"] = (res["slope_stderr"] * area_scale).assign_attrs(
        units="m^2/g", long_name="Standard error of the external area")
    res["micropore_volume"] = (res["intercept"] * 1e-3 * vm_liq).assign_attrs(
        units="cm^3/g", long_name="Micropore volume (liquid)")
    res["micropore_volume_stderr"] = (res["intercept_stderr"] * 1e-3 * vm_liq).assign_attrs(
        units="cm^3/g", long_name="Standard error of the micropore volume")
    s_micro = (bet - res["external_area"]).where(res["micropore_volume"] >= 0)
    res["micropore_area"] = s_micro.assign_attrs(
        units="m^2/g", long_name="Micropore area S_BET − S_ext (NaN when V_micro < 0)")
    res["bet_area"] = bet.assign_attrs(units="m^2/g", long_name="BET area used")
    res["success"] = ((res["n_points"] >= 2) & np.isfinite(res["slope"])).assign_attrs(
        units="1", long_name="Line fitted")
    res.attrs["abscissa"] = abscissa_name
    return res


@public("sorption", headline=("external_area", "micropore_volume", "micropore_area", "r_squared"))
def tplot(ds: xr.Dataset, *, thickness="harkins_jura", thickness_range=(0.35, 0.50),
          branch: str = "adsorption", bet_area=None, liquid_molar_volume=None,
          density_conversion_factor=None, min_points: int = 3,
          min_r2: float = 0.995) -> xr.Dataset:
    r"""t-plot (de Boer): external area, micropore volume and micropore area.

    The amount adsorbed is plotted against the statistical film thickness t(p/p0) of a
    non-porous reference; on the linear range

    .. math:: n = n_0 + s\,t, \qquad S_{ext} = s\,V_{m,liq}, \qquad
              V_{micro} = n_0 V_{m,liq}, \qquad S_{micro} = S_{BET} - S_{ext}

    with n in mmol/g, t in nm, V_m,liq in cm³/mol (S in m²/g, V in cm³/g of liquid). This is
    Micromeritics' convention S_ext = slope[cm³ STP/g/Å]·DCF·10⁴, V_micro = intercept·DCF.

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``amount`` mmol/g), any batch dims.
    thickness : str, callable or (p/p0, t) table
        ``"harkins_jura"`` (default), ``"halsey"``, ``"kjs"`` or a user curve, see
        :func:`characterization.sorption.thickness.thickness_function`; ``"report"`` takes the
        curve of the instrument report the reader stored (a Micromeritics user-defined table
        such as SIO2OH.THK, or the equation it names) and, unless ``liquid_molar_volume`` or
        ``density_conversion_factor`` is given, the report's density conversion factor.
    thickness_range : (float, float), "auto" or "report"
        Thickness range in nm (default 0.35–0.50 nm, the usual 3.5–5 Å). ``"auto"`` takes the
        longest run of points in t 0.35–0.8 nm with a positive slope and r² ≥ ``min_r2``;
        ``"report"`` the range printed in the instrument report.
    branch : {"adsorption", "desorption"}
        Branch fitted.
    bet_area : float, DataArray or Dataset, optional
        BET area for S_micro; a :func:`bet` result may be passed. Default: automatic BET.
    liquid_molar_volume : float, optional
        V_m,liq (cm³/mol) of the adsorbed film; default the adsorptive's bulk liquid.
    density_conversion_factor : float, optional
        Micromeritics' DCF (V_m,liq = DCF × 22 414 cm³/mol), to match a report; not together
        with ``liquid_molar_volume``.
    min_points : int
        Fewest points of an ``"auto"`` range.
    min_r2 : float
        Lowest r² of an ``"auto"`` range.

    Returns
    -------
    xarray.Dataset
        ``external_area``, ``micropore_volume``, ``micropore_area`` (NaN when V_micro < 0, as
        instrument software does), with standard errors; the line (``slope`` mmol/g/nm,
        ``intercept`` mmol/g, ``r_squared``, ``n_points``, ``used``) and ``bet_area`` used.

    Limitations
    -----------
    The thickness curve must suit the surface chemistry (Harkins–Jura for oxides, KJS for
    silicas, carbon-black STSA curves for carbons); a t-plot on strongly microporous solids
    measures the external area only where the micropores are filled (t > ~0.35 nm).

    References
    ----------
    .. [1] B.C. Lippens, J.H. de Boer, J. Catal. 4 (1965) 319.
    .. [2] M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051.

    Examples
    --------
    >>> from characterization.synthetic.isotherms import isotherms
    >>> from characterization.sorption import tplot
    >>> ds = isotherms(kind="I", film="harkins_jura", surface_area=80.0, variation=0)
    >>> round(float(tplot(ds, bet_area=500.0).external_area[0]))
    80
    """
    from_report = isinstance(thickness, str) and thickness == "report"
    t_of = report_thickness(ds) if from_report else thickness_function(thickness)
    if from_report and liquid_molar_volume is None and density_conversion_factor is None:
        density_conversion_factor = report_value(ds, "t_plot", "density_conversion_factor",
                                                 "t-plot density conversion factor")
    vm_liq = resolve_liquid_molar_volume(ds, liquid_molar_volume, density_conversion_factor)
    if isinstance(thickness_range, str) and thickness_range == "report":
        window, auto = report_thickness_range(ds), False
    elif isinstance(thickness_range, str):
        if thickness_range != "auto":
            raise AnalysisError("thickness_range must be (t_min, t_max) in nm, 'auto' or "
                                "'report'")
        window, auto = (0.35, 0.8), True
    else:
        window, auto = tuple(float(t) for t in thickness_range), False
    outs = line_outputs("mmol/g/nm", "mmol/g", "t-plot")
    res = apply_isotherm_kernel(ds, _comparison_kernel, outs, branch=branch, abscissa=t_of,
                                window=window, auto=auto, min_points=int(min_points),
                                min_r2=float(min_r2))
    bet, bet_source = _bet_area_array(ds, bet_area, branch)
    res = _derive(res, vm_liq, vm_liq, bet, "thickness")
    res.attrs["method"] = "t-plot"
    res.attrs["parameters"] = {"thickness": t_of.describe(), "liquid_molar_volume": vm_liq,
                               "bet_area": bet_source, "thickness_window": window}
    return res


def _alpha_function(reference: xr.Dataset, branch: str):
    x, n, mask = isotherm_arrays(reference, branch)
    if x.ndim != 1:
        raise AnalysisError("the α_s reference must be a single isotherm (no batch dims)")
    keep = mask.values & (x.values > 0) & (x.values < 1)
    xr_, nr = x.values[keep], n.values[keep]
    order = np.argsort(xr_)
    xr_, nr = xr_[order], nr[order]
    if xr_.size < 3 or xr_[0] > 0.4 or xr_[-1] < 0.4:
        raise AnalysisError("the α_s reference isotherm must span p/p0 = 0.4")
    n04 = float(np.interp(0.4, xr_, nr))

    def alpha(xq):
        return np.interp(xq, xr_, nr, left=np.nan, right=np.nan) / n04

    return alpha, n04


@public("sorption", headline=("external_area", "micropore_volume", "micropore_area", "r_squared"))
def alpha_s(ds: xr.Dataset, *, reference: xr.Dataset, reference_area: float | None = None,
            alpha_s_range=(0.8, 1.4), branch: str = "adsorption", bet_area=None,
            liquid_molar_volume=None, density_conversion_factor=None) -> xr.Dataset:
    r"""α_s comparison plot (Sing) against a non-porous reference isotherm.

    α_s(x) = n_ref(x) / n_ref(0.4). On the linear range n = n_0 + s·α_s:

    .. math:: S_{ext} = S_{ref}\,s / n_{ref}(0.4), \qquad V_{micro} = n_0 V_{m,liq}

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``amount`` mmol/g), any batch dims.
    reference : xarray.Dataset
        One isotherm of a non-porous reference of similar surface chemistry, spanning p/p0 0.4.
    reference_area : float, optional
        BET area of the reference (m²/g); default: its automatic BET area.
    alpha_s_range : (float, float)
        α_s range of the linear fit (default 0.8–1.4).
    branch : {"adsorption", "desorption"}
        Branch of both isotherms used.
    bet_area : float, DataArray or Dataset, optional
        BET area for S_micro; default the automatic BET area.
    liquid_molar_volume : float, optional
        V_m,liq (cm³/mol); default the adsorptive's bulk liquid.
    density_conversion_factor : float, optional
        Micromeritics' DCF, instead of ``liquid_molar_volume``.

    Returns
    -------
    xarray.Dataset
        As :func:`tplot`, with ``slope`` in mmol/g per unit α_s.

    Limitations
    -----------
    The reference must match the sample's surface chemistry; α_s inherits the reference
    isotherm's noise through the interpolation (no extrapolation beyond its points).

    References
    ----------
    .. [1] K.S.W. Sing, in Surface Area Determination, Butterworths (1970) 25.
    """
    alpha, n04 = _alpha_function(reference, branch)
    if reference_area is None:
        from .bet import bet

        reference_area = float(bet(reference, errors="raise")["bet_area"])
    vm_liq = resolve_liquid_molar_volume(ds, liquid_molar_volume, density_conversion_factor)
    outs = line_outputs("mmol/g", "mmol/g", "α_s plot")
    res = apply_isotherm_kernel(ds, _comparison_kernel, outs, branch=branch, abscissa=alpha,
                                window=tuple(alpha_s_range), auto=False, min_points=2,
                                min_r2=0.0)
    bet, bet_source = _bet_area_array(ds, bet_area, branch)
    res = _derive(res, vm_liq, reference_area / n04, bet, "alpha_s")
    res.attrs["method"] = "alpha_s"
    res.attrs["parameters"] = {"reference_area": reference_area,
                               "reference_amount_at_04": n04, "liquid_molar_volume": vm_liq,
                               "bet_area": bet_source}
    return res
