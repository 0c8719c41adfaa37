r"""The Caglioti instrument resolution function from the peak widths of a standard.

:func:`caglioti` fits it to a peak table of a line-profile standard (LaB6, Si, CeO2);
:func:`instrument_fwhm` evaluates it. Peak tables and the Thompson–Cox–Hastings split of
pseudo-Voigt widths into Lorentzian and Gaussian parts are described in
:mod:`characterization.xrd.peak_table`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError
from ._linear import fit_over_peaks, wls
from .peak_table import check_positive, check_table, lorentz_gauss, var_or, voigt_fwhm

__all__ = ["caglioti", "instrument_fwhm", "as_instrument"]


# ----------------------------------------------------------------------------- caglioti

_WEIGHTS = (None, "stderr")


def _line_weights(value, sigma):
    """Weights 1/σ² of a per-line quantity: equal (σ None), else 0 where σ is not finite."""
    if sigma is None:
        return np.where(np.isfinite(value), 1.0, 0.0)
    ok = np.isfinite(sigma) & (sigma > 0)
    return np.where(ok, 1.0 / np.where(ok, sigma, 1.0) ** 2, 0.0)


def _caglioti_kernel(lorentz, weighted):
    def kernel(center, fwhm, sigma, f_l, f_g):
        check_positive(fwhm, "fwhm", "caglioti")
        theta = np.deg2rad(center) / 2.0
        t = np.tan(theta)
        if lorentz:
            h_g, h_l = f_g, f_l
        else:
            h_g = fwhm
        y = h_g ** 2
        # σ(H²) = 2 H σ_H; the components are scaled with the total width's σ
        sig_g = 2.0 * h_g * sigma * np.where(fwhm > 0, h_g / fwhm, 0.0) if weighted else None
        design = np.stack([t ** 2, t, np.ones_like(t)], axis=-1)
        c1, s1, r1, chi1 = wls(design, y, _line_weights(y, sig_g), return_redchi=True)
        if not lorentz:
            return c1, s1, r1, chi1
        sig_l = sigma * np.where(fwhm > 0, h_l / fwhm, 0.0) if weighted else None
        design_l = np.stack([t, 1.0 / np.cos(theta)], axis=-1)
        c2, s2, _ = wls(design_l, h_l, _line_weights(h_l, sig_l))
        return (np.concatenate([c1, c2], axis=-1), np.concatenate([s1, s2], axis=-1), r1, chi1)
    return kernel


@public("xrd", headline=("U", "V", "W", "r_squared"))
def caglioti(ds: xr.Dataset, *, lorentz: bool = False, weights=None) -> xr.Dataset:
    r"""Fit the Caglioti instrument resolution function to the peak widths of a standard.

    .. math:: H^2 = U \tan^2\theta + V \tan\theta + W

    is fitted by linear least squares over the ``peak`` dim of a line-profile standard
    (LaB6 SRM 660, Si SRM 640, CeO2 ...), independently for every batch entry. With
    ``lorentz=True`` the widths are first split into Gaussian and Lorentzian parts
    (``fwhm_gauss``/``fwhm_lorentz`` as given, or from ``eta`` by the Thompson–Cox–Hastings
    split of :mod:`characterization.xrd.peak_table`: :math:`f_L = q(\eta)\,H` with
    :math:`\eta = 1.36603 q - 0.47719 q^2 + 0.11116 q^3`, and :math:`f_G` such that the
    Olivero–Longbothum Voigt width of :math:`(f_L, f_G)` is H); :math:`H_G^2` is fitted to U, V,
    W and the Lorentzian part to

    .. math:: H_L = X \tan\theta + Y / \cos\theta .

    Weighting (``weights``):

    * ``None`` (default): every line counts equally (ordinary least squares on :math:`H^2`),
      as most published Caglioti fits and Rietveld programs' reports do;
    * ``"stderr"``: weights :math:`1/\sigma_{H^2}^2`, :math:`\sigma_{H^2} = 2H\sigma_H` from the
      peak table's ``fwhm_stderr`` (per-line fit errors, e.g. of
      :func:`~characterization.xrd.fit_pattern`); lines without a finite ``fwhm_stderr`` are
      left out.

    In both cases the standard errors come from the covariance scaled by the reduced
    chi-square :math:`\chi^2/\nu` (scipy ``curve_fit(absolute_sigma=False)``): they describe
    the scatter of the lines about the Caglioti curve, not only the per-line fit errors. The
    reported ``redchi`` says how the two compare: with ``weights="stderr"``, ``redchi`` ≫ 1
    means the widths scatter more than their fit errors (the Caglioti form or the standard's
    own broadening is not exact) and the per-line errors alone would understate U, V, W's
    uncertainty by :math:`\sqrt{\chi^2/\nu}`.

    Parameters
    ----------
    ds : xarray.Dataset
        Peak table of the standard (``center``, ``fwhm`` in deg, ``peak`` dim, any batch dims;
        ``fwhm_stderr`` for ``weights="stderr"``; ``eta`` or ``fwhm_lorentz``/``fwhm_gauss``
        for ``lorentz=True``).
    lorentz : bool
        Also fit the Lorentzian X, Y (needs ``eta`` or ``fwhm_lorentz``/``fwhm_gauss``).
    weights : {None, "stderr"}
        Line weights of the fit (see above).

    Returns
    -------
    xarray.Dataset
        ``U``, ``V``, ``W`` (deg²) and, with ``lorentz``, ``X``, ``Y`` (deg), each with a
        ``*_stderr`` (covariance scaled by χ²/dof; NaN with exactly 3 (2) lines), ``r_squared``
        and ``redchi`` (χ²/dof, in deg⁴ when unweighted, 1 when weighted) of the H² fit. Usable
        as ``instrument=`` of :func:`scherrer` and :func:`williamson_hall`, and by
        :func:`instrument_fwhm`; saved as netCDF it reads back with
        ``characterization.read``.

    Notes
    -----
    The standard's own size/strain broadening is assumed negligible. θ is half the fitted 2θ;
    the wavelength is not used. At least 3 lines (2 for X, Y) are needed, otherwise NaN.

    References
    ----------
    G. Caglioti, A. Paoletti, F. P. Ricci, Nucl. Instrum. 3 (1958) 223.
    P. Thompson, D. E. Cox, J. B. Hastings, J. Appl. Cryst. 20 (1987) 79.

    Examples
    --------
    >>> import numpy as np
    >>> from characterization.xrd import peak_table
    >>> tt = np.array([21.36, 30.39, 37.44, 43.51, 48.96, 53.99])
    >>> t = np.tan(np.deg2rad(tt) / 2)
    >>> std = peak_table(tt, np.sqrt(0.004 * t**2 - 0.002 * t + 0.0025))
    >>> round(float(caglioti(std).U), 6)
    0.004
    """
    check_table(ds, "caglioti")
    if weights not in _WEIGHTS:
        raise AnalysisError(f"caglioti: weights must be None (equal weights) or 'stderr' "
                            f"(1/σ² from fwhm_stderr), got {weights!r}")
    weighted = weights == "stderr"
    if weighted and "fwhm_stderr" not in ds.variables:
        raise AnalysisError("caglioti(weights='stderr') needs a 'fwhm_stderr' variable in the "
                            "peak table; use weights=None for equal weights")
    f_l, f_g = lorentz_gauss(ds, "caglioti")
    if lorentz and f_l is None:
        raise AnalysisError("caglioti(lorentz=True) needs 'eta' or 'fwhm_lorentz'/'fwhm_gauss' "
                            "in the peak table")
    if not lorentz:
        f_l = f_g = np.nan
    n = 5 if lorentz else 3
    coef, err, r2, redchi = fit_over_peaks(
        _caglioti_kernel(lorentz, weighted),
        [ds["center"], ds["fwhm"], var_or(ds, "fwhm_stderr"), f_l, f_g], n, n_scalar=2)
    names = ["U", "V", "W", "X", "Y"][:n]
    units = ["deg^2"] * 3 + ["deg"] * 2
    out = xr.Dataset()
    for i, (name, unit) in enumerate(zip(names, units)):
        out[name] = coef.isel(param=i, drop=True).assign_attrs(
            units=unit, long_name=f"Caglioti parameter {name}")
        out[f"{name}_stderr"] = err.isel(param=i, drop=True).assign_attrs(
            units=unit, long_name=f"standard error of Caglioti parameter {name}")
    out["r_squared"] = r2.assign_attrs(units="1", long_name="coefficient of determination of H²")
    out["redchi"] = redchi.assign_attrs(
        units="1" if weighted else "deg^4",
        long_name="reduced chi-square of the H² fit" + ("" if weighted else " (unweighted)"))
    for c in ds.coords:
        if c not in ("peak", "wavelength") and "peak" not in ds[c].dims:
            out = out.assign_coords({c: ds[c]})
    out.attrs["method"] = "weighted least squares" if weighted else "least squares"
    out.attrs["equation"] = "H_G^2 = U tan^2(theta) + V tan(theta) + W" + (
        "; H_L = X tan(theta) + Y / cos(theta)" if lorentz else "")
    return out


def as_instrument(instrument, who="instrument_fwhm"):
    """A :func:`caglioti` result as a Dataset: a Dataset with U, V, W (X, Y) as is, a mapping of
    the coefficients (``{"U": .., "V": .., "W": ..}``, as recipes give them) converted; None
    and plain numbers are returned as they are. Paths are refused (analysis opens no files)."""
    from collections.abc import Mapping
    from os import PathLike

    if isinstance(instrument, (str, bytes, PathLike)):
        raise AnalysisError(f"{who}: instrument={instrument!r} is a path; read the saved "
                            "caglioti() result first (instrument=characterization.read(path)) or "
                            "give its coefficients {'U': .., 'V': .., 'W': ..}")
    if isinstance(instrument, xr.Dataset):
        if not {"U", "V", "W"} <= set(instrument.data_vars):
            raise AnalysisError(f"{who}: instrument must be a caglioti() result with U, V, W; "
                                f"has {sorted(instrument.data_vars)}")
        return instrument[[k for k in "UVWXY" if k in instrument.data_vars]]
    if not isinstance(instrument, Mapping):
        return instrument
    unknown = sorted(set(instrument) - set("UVWXY"))
    if unknown or not {"U", "V", "W"} <= set(instrument):
        raise AnalysisError(f"{who}: instrument given as a mapping needs the Caglioti "
                            f"coefficients U, V, W (and optionally X, Y) in deg², got keys "
                            f"{sorted(instrument)}")
    try:
        values = {key: float(value) for key, value in instrument.items()}
    except (TypeError, ValueError):
        raise AnalysisError(f"{who}: instrument coefficients must be numbers, got "
                            f"{instrument!r}") from None
    return xr.Dataset({key: xr.DataArray(v, attrs={"units": "deg^2" if key in "UVW" else "deg"})
                       for key, v in values.items()})


def instrument_fwhm(instrument, two_theta) -> xr.Dataset:
    r"""Evaluate a :func:`caglioti` result at positions 2θ.

    .. math:: H_G = \sqrt{U\tan^2\theta + V\tan\theta + W}, \quad
              H_L = X\tan\theta + Y/\cos\theta, \quad
              H = 0.5346 H_L + \sqrt{0.2166 H_L^2 + H_G^2}

    (Olivero–Longbothum for the total). Without X, Y the instrument is taken as Gaussian
    (H_L = 0). Negative H² (extrapolation far outside the standard's range) gives NaN.

    Parameters
    ----------
    instrument : xarray.Dataset or mapping
        Result of :func:`caglioti`, or its coefficients ``{"U": .., "V": .., "W": ..}``.
    two_theta : float, array_like or xarray.DataArray
        Positions in degrees; plain arrays get a ``two_theta`` dim.

    Returns
    -------
    xarray.Dataset
        ``fwhm_gauss``, ``fwhm_lorentz``, ``fwhm`` (deg).

    Examples
    --------
    >>> import xarray as xr
    >>> inst = xr.Dataset({"U": 0.0, "V": 0.0, "W": 0.01})
    >>> float(instrument_fwhm(inst, 30.0).fwhm)
    0.1
    """
    instrument = as_instrument(instrument)
    if not isinstance(instrument, xr.Dataset):
        raise AnalysisError("instrument must be a caglioti() result with U, V, W")
    if not isinstance(two_theta, xr.DataArray):
        arr = np.asarray(two_theta, dtype=float)
        two_theta = xr.DataArray(arr, dims=() if arr.ndim == 0 else ("two_theta",))
    inst = instrument.reset_coords(drop=True)
    theta = np.deg2rad(two_theta) / 2.0
    t = np.tan(theta)
    h2 = inst["U"] * t ** 2 + inst["V"] * t + inst["W"]
    h_g = np.sqrt(h2.where(h2 >= 0))
    if "X" in inst and "Y" in inst:
        h_l = inst["X"] * t + inst["Y"] / np.cos(theta)
    else:
        h_l = xr.zeros_like(h_g)
    out = xr.Dataset({
        "fwhm_gauss": h_g.assign_attrs(units="deg", long_name="instrumental Gaussian FWHM"),
        "fwhm_lorentz": h_l.assign_attrs(units="deg", long_name="instrumental Lorentzian FWHM"),
    })
    out["fwhm"] = voigt_fwhm(out["fwhm_lorentz"], out["fwhm_gauss"]).assign_attrs(
        units="deg", long_name="instrumental FWHM (Olivero–Longbothum)")
    return out
