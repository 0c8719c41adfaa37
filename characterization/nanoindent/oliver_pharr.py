r"""Oliver–Pharr analysis of the unloading curve: stiffness, contact depth, hardness, modulus."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from . import area as _area
from ._unloading import REASONS, unloading_kernel

__all__ = ["oliver_pharr"]

#: mN/nm -> N/m
_MN_PER_NM = 1e6


def _reason_kernel(status):
    table = np.array(list(REASONS.values()) + ["unknown status"])
    return table[np.clip(np.asarray(status, int), 0, len(table) - 1)]


def _scalar(ds, name, given, default=None):
    """A tip/sample constant: the argument, else the Dataset's coordinate, else ``default``."""
    if given is not None:
        return given
    if name in ds.coords or name in ds.data_vars:
        return ds[name]
    return default


def _resolve_area(ds, tip, area):
    """(coefficients or None, description) of the area function to use."""
    if isinstance(area, str):
        if area != "ideal":
            raise AnalysisError(f"nanoindent.oliver_pharr: area={area!r}; give 'ideal', a "
                                "sequence of coefficients C0..Cn, or None (the file's)")
        return None, "ideal"
    if area is not None:
        coeff = np.asarray(area, dtype=float).ravel()
        if coeff.size == 0 or not np.isfinite(coeff).any():
            raise AnalysisError("nanoindent.oliver_pharr: area coefficients are empty")
        return coeff, "polynomial"
    coeff = ds.attrs.get("area_coefficients")
    if coeff is not None and tip in ("berkovich", "cone"):
        coeff = np.asarray(coeff, dtype=float).ravel()
        if coeff.size and np.isfinite(coeff).any():
            return coeff, "polynomial (from the file)"
    return None, "ideal"


@public("nanoindent", batch_dim="indent",
        headline=("hardness", "modulus", "reduced_modulus", "stiffness", "contact_depth"))
def oliver_pharr(ds: xr.Dataset, *, tip: str = "berkovich",
                 unloading_range: tuple[float, float] = (0.5, 1.0), area=None,
                 tip_radius: float | None = None, punch_diameter: float | None = None,
                 epsilon: float | None = None, beta: float | None = None,
                 tip_modulus: float | None = None, tip_poisson_ratio: float | None = None,
                 sample_poisson_ratio: float | None = None, cycle: int | None = None,
                 dim: str = "point") -> xr.Dataset:
    r"""Hardness and modulus from the unloading curve (Oliver–Pharr), per indent.

    The upper part of the unloading branch, loads within ``unloading_range`` × :math:`P_{max}`,
    is fitted with the power law

    .. math:: P = \alpha\,(h - h_f)^m

    and the analysis follows Oliver and Pharr [1]_ and ISO 14577-1 [2]_:

    .. math::

        S = \left.\frac{dP}{dh}\right|_{h_{max}} = \alpha m (h_{max} - h_f)^{m-1}, \qquad
        h_c = h_{max} - \varepsilon \frac{P_{max}}{S}, \qquad H = \frac{P_{max}}{A(h_c)},

        E_r = \frac{\sqrt{\pi}}{2\beta}\frac{S}{\sqrt{A(h_c)}}, \qquad
        \frac{1}{E_r} = \frac{1-\nu^2}{E} + \frac{1-\nu_i^2}{E_i}.

    :math:`P_{max}, h_{max}` are the load and displacement at the start of unloading. The
    unloading branch starts at the first point labelled ``"unloading"`` in the ``segment``
    coordinate at or after the load maximum (KLA NanoSuite's "load on sample at the start of
    each unload": with it the stiffness of the FQ.xls cycles matches the vendor's within
    0.4 %); without labels, at the last point of the run at ≥ 99.9 % of the maximum load that
    follows the maximum (the end of a hold at peak load). It
    ends at the first point below the window's lower load (or at a drift hold).

    Parameters
    ----------
    ds : xarray.Dataset
        Indentation data: ``load`` (mN) and ``displacement`` (nm) along ``point``, optionally a
        batch dim ``indent`` (NaN-padded tests) and any other batch dims; optional coords
        ``segment``, ``cycle``, ``tip_modulus``, ``tip_poisson_ratio``,
        ``sample_poisson_ratio`` and ``attrs["area_coefficients"]``. The displacement must
        already be corrected for the zero point, thermal drift and frame compliance
        (``nanoindent`` preparation steps, or a vendor export that did it).
    tip : {"berkovich", "cone", "sphere", "flat_punch"}
        Indenter geometry: sets ε (0.75, 0.72, 0.75, 1.0), β (1.034, 1, 1, 1) and the ideal
        area function (:mod:`characterization.nanoindent.area`).
    unloading_range : (float, float)
        Fit window as fractions of :math:`P_{max}` (default the upper half, 0.5–1.0).
    area : None, "ideal" or sequence of float
        Area function: ``None`` uses the file's calibrated coefficients
        (``attrs["area_coefficients"]``, Berkovich/cone only) when present, else the ideal
        geometry; ``"ideal"`` forces the ideal geometry; a sequence gives calibrated
        :math:`C_0..C_n` (:math:`A = C_0 h_c^2 + C_1 h_c + C_2 h_c^{1/2} + \dots`, nm → nm²).
        The choice is recorded in ``attrs["parameters"]["area_function"]``.
    tip_radius : float, optional
        Sphere radius (nm), for ``tip="sphere"``.
    punch_diameter : float, optional
        Flat-punch diameter (nm), for ``tip="flat_punch"``: the area is the constant
        :math:`\pi D^2/4` (full contact assumed from the first point).
    epsilon, beta : float, optional
        Override the tip's ε and β (e.g. ``beta=1.0`` to match KLA NanoSuite, whose
        ReducedModulus uses β = 1). The values used are recorded.
    tip_modulus, tip_poisson_ratio : float, optional
        :math:`E_i` (GPa) and :math:`\nu_i`; default the Dataset's coords, else diamond
        (1141 GPa, 0.07).
    sample_poisson_ratio : float, optional
        :math:`\nu` of the sample; default the Dataset's ``sample_poisson_ratio``. Without
        either, the sample ``modulus`` is NaN (reason given) and only ``reduced_modulus`` is
        reported.
    cycle : int, optional
        Analyse only the points of this cycle (``cycle`` coordinate, from 1) of a multi-cycle
        test; default the whole curve (unloading from the overall maximum).
    dim : str
        The point dim.

    Returns
    -------
    xarray.Dataset
        On the batch dims: ``max_load`` (mN), ``max_depth`` (nm), ``stiffness`` (N/m),
        ``contact_depth`` (nm), ``contact_area`` (nm²), ``hardness`` (GPa),
        ``reduced_modulus`` (GPa), ``modulus`` (GPa), the fit's ``unloading_exponent`` m,
        ``final_depth`` :math:`h_f` (nm), ``unloading_r2``, ``n_fit_points`` and the fitted
        load window ``window_load_min``/``window_load_max`` (mN); ``success`` and ``reason``.

    Notes
    -----
    The power law is fitted by a vectorised least-squares solver (all indents at once; a
    golden-section search of :math:`h_f` on the log-log line, then Levenberg–Marquardt on
    :math:`\alpha, m, h_f`) rather than :func:`characterization.fit.fit_peaks`: the model is not
    a peak shape and a 10 000-indent map must not loop over indents. An indent whose fit has
    fewer than 4 points, does not converge, has m at its bound (outside 0.8–3) or
    :math:`h_f` at its bound (the window's smallest depth), R² < 0.95, or gives a non-positive stiffness, contact depth or area, gets NaN results,
    ``success=False`` and the reason.

    Limitations: pile-up is not corrected (it makes :math:`A` too small, H and E too high);
    the contact depth formula assumes elastic sink-in; the calibrated area function is valid
    only over its calibration depths.

    References
    ----------
    .. [1] W. C. Oliver, G. M. Pharr, J. Mater. Res. 7 (1992) 1564–1583;
           J. Mater. Res. 19 (2004) 3–20.
    .. [2] ISO 14577-1:2015, Metallic materials — Instrumented indentation test.

    Examples
    --------
    >>> from characterization.synthetic import indentation_curves
    >>> ds = indentation_curves(2, hardness=9.0, modulus=72.0)
    >>> op = oliver_pharr(ds)
    >>> [round(float(v), 1) for v in op.hardness]
    [9.0, 9.0]
    >>> op.success.values.tolist()
    [True, True]
    """
    lo, hi = sorted(float(v) for v in unloading_range)
    if not 0.0 <= lo < hi <= 1.0:
        raise AnalysisError("nanoindent.oliver_pharr: unloading_range must be fractions of "
                            f"P_max with 0 <= lo < hi <= 1, got {unloading_range}")
    eps_default, beta_default = _area.tip_constants(tip)
    eps = eps_default if epsilon is None else float(epsilon)
    beta_used = beta_default if beta is None else float(beta)
    for name in ("load", "displacement"):
        if name not in ds.data_vars:
            raise AnalysisError(f"nanoindent.oliver_pharr: the Dataset has no {name!r} "
                                f"variable (has {sorted(ds.data_vars)})")
    if tip == "sphere" and not (tip_radius or 0) > 0:
        raise AnalysisError("nanoindent.oliver_pharr: tip='sphere' needs tip_radius (nm)")
    if tip == "flat_punch" and not (punch_diameter or 0) > 0:
        raise AnalysisError("nanoindent.oliver_pharr: tip='flat_punch' needs punch_diameter "
                            "(nm)")
    load, depth = ds["load"], ds["displacement"]
    if dim not in load.dims:
        raise AnalysisError(f"nanoindent.oliver_pharr: dim {dim!r} not in {load.dims}")
    if "segment" in ds.coords:
        unloading = ds.coords["segment"] == "unloading"
    else:
        unloading = xr.zeros_like(load, dtype=bool)
    if cycle is not None:
        if "cycle" not in ds.coords:
            raise AnalysisError("nanoindent.oliver_pharr: cycle= given but the Dataset has "
                                "no 'cycle' coordinate (run nanoindent.segment first)")
        keep = ds.coords["cycle"] == int(cycle)
        load, depth = load.where(keep), depth.where(keep)
    load, depth, unloading = xr.broadcast(load, depth, unloading)
    outs = apply_kernel(unloading_kernel, load, depth, unloading,
                        input_core_dims=[[dim], [dim], [dim]],
                        output_core_dims=[()] * 10,
                        output_dtypes=[float] * 9 + [int],
                        kwargs={"lo": lo, "hi": hi})
    p_max, h_max, s_mn, m, h_f, r2, npts, wmin, wmax, status = outs
    coeff, area_kind = _resolve_area(ds, tip, area)
    h_c = h_max - eps * p_max / s_mn
    area_nm2 = _area_of(h_c, tip, coeff, tip_radius, punch_diameter)
    contact_ok = (h_c > 0) & (area_nm2 > 0)
    status = xr.where((status == 0) & ~contact_ok, 6, status)
    ok = status == 0
    stiffness = (s_mn * _MN_PER_NM).where(ok)
    hardness = (p_max / area_nm2 * 1e6).where(ok)
    e_r = (np.sqrt(np.pi) / (2 * beta_used) * stiffness / np.sqrt(area_nm2 * 1e-18)
           * 1e-9).where(ok)
    e_i = _scalar(ds, "tip_modulus", tip_modulus, 1141.0)
    nu_i = _scalar(ds, "tip_poisson_ratio", tip_poisson_ratio, 0.07)
    nu = _scalar(ds, "sample_poisson_ratio", sample_poisson_ratio, np.nan)
    modulus = (1 - nu ** 2) / (1 / e_r - (1 - nu_i ** 2) / e_i)
    modulus = modulus.where(modulus > 0)
    if isinstance(nu, xr.DataArray):
        modulus = modulus.drop_vars([c for c in modulus.coords if c not in e_r.coords],
                                    errors="ignore")
    reason = apply_kernel(_reason_kernel, status, input_core_dims=[[]],
                          output_dtypes=["<U80"])
    if not isinstance(nu, xr.DataArray) and not np.isfinite(nu):
        reason = xr.where(ok, "sample_poisson_ratio unknown: modulus not computed", reason)

    def var(da, units, long_name):
        return da.assign_attrs(units=units, long_name=long_name)

    out = xr.Dataset({
        "max_load": var(p_max, "mN", "Load at the start of unloading P_max"),
        "max_depth": var(h_max, "nm", "Displacement at the start of unloading h_max"),
        "stiffness": var(stiffness, "N/m", "Unloading stiffness S = dP/dh at h_max"),
        "contact_depth": var(h_c.where(ok), "nm", "Contact depth h_c"),
        "contact_area": var(area_nm2.where(ok), "nm**2", "Projected contact area A(h_c)"),
        "hardness": var(hardness, "GPa", "Hardness H = P_max/A"),
        "reduced_modulus": var(e_r, "GPa", "Reduced modulus E_r"),
        "modulus": var(modulus, "GPa", "Sample modulus E"),
        "unloading_exponent": var(m, "1", "Unloading power-law exponent m"),
        "final_depth": var(h_f, "nm", "Final depth h_f of the power law"),
        "unloading_r2": var(r2, "1", "R² of the unloading power-law fit"),
        "n_fit_points": var(npts, "1", "Points in the unloading fit window"),
        "window_load_min": var(wmin, "mN", "Lowest load in the fit window"),
        "window_load_max": var(wmax, "mN", "Highest load in the fit window"),
        "success": var(ok, "", "Analysis succeeded"),
        "reason": var(reason, "", "Why the analysis failed (empty when it succeeded)"),
    })
    out = out.drop_vars([c for c in out.coords if c not in out.dims and c not in ("tip",)],
                        errors="ignore")
    out.attrs["method"] = "oliver_pharr_power_law"
    out.attrs["parameters"] = {"epsilon": eps, "beta": beta_used, "area_function": area_kind,
                               "area_coefficients": None if coeff is None else coeff.tolist(),
                               "tip_modulus": _plain_scalar(e_i),
                               "tip_poisson_ratio": _plain_scalar(nu_i),
                               "sample_poisson_ratio": _plain_scalar(nu)}
    return out


def _plain_scalar(value):
    if isinstance(value, xr.DataArray):
        return value.values.tolist() if value.size <= 1000 else "per indent"
    value = float(value)
    return value if np.isfinite(value) else None


def _area_kernel(h_c, *, tip, coefficients, tip_radius, punch_diameter):
    return _area.area_function(h_c, tip, coefficients=coefficients, tip_radius=tip_radius,
                               punch_diameter=punch_diameter)


def _area_of(h_c, tip, coeff, tip_radius, punch_diameter):
    return apply_kernel(_area_kernel, h_c, input_core_dims=[[]],
                        kwargs={"tip": tip, "coefficients": coeff, "tip_radius": tip_radius,
                                "punch_diameter": punch_diameter})
