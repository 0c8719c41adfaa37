r"""Peak tables and the Caglioti instrument resolution function.

A *peak table* is an :class:`xarray.Dataset` with a ``peak`` dim (and any leading batch dims such
as ``sample``) holding ``center`` (2θ, deg), ``fwhm`` (deg), optionally ``eta`` (Lorentzian
fraction of a pseudo-Voigt, 1) or ``fwhm_lorentz`` / ``fwhm_gauss`` (deg), optional ``*_stderr``
and a scalar or batch coord ``wavelength`` (angstrom).

Splitting a width into Lorentzian and Gaussian parts
----------------------------------------------------
When ``fwhm_lorentz`` and ``fwhm_gauss`` are given they are used as they are. When only ``fwhm``
Γ and ``eta`` η of a pseudo-Voigt are given, the Thompson–Cox–Hastings relation between η and
the Lorentzian share of the width is inverted (Newton on the monotonic cubic, q ∈ [0, 1]):

.. math:: \eta = 1.36603\,q - 0.47719\,q^2 + 0.11116\,q^3, \qquad f_L = q\,\Gamma,

and the Gaussian part is chosen so that the Olivero–Longbothum Voigt width of
``(f_L, f_G)`` gives back Γ exactly:

.. math:: f_G = \sqrt{(\Gamma - 0.5346 f_L)^2 - 0.2166 f_L^2}, \qquad
          f_V \approx 0.5346 f_L + \sqrt{0.2166 f_L^2 + f_G^2}

(P. Thompson, D. E. Cox, J. B. Hastings, J. Appl. Cryst. 20 (1987) 79; Olivero & Longbothum,
J. Quant. Spectrosc. Radiat. Transfer 17 (1977) 233, accuracy ≈ 0.02 %). The simpler
:math:`f_L = \eta\Gamma` overstates the Lorentzian part (q = 0.42, not 0.5, at η = 0.5), which
understates the Gaussian part and can push it below an instrument's Gaussian width.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._provenance import provenance
from ..errors import AnalysisError

__all__ = ["peak_table", "caglioti", "instrument_fwhm", "voigt_fwhm"]

DEFAULT_WAVELENGTH = 1.5406  # Cu Kα1, angstrom


# ----------------------------------------------------------------------------- helpers

def voigt_fwhm(f_lorentz, f_gauss):
    r"""Olivero–Longbothum approximation of the Voigt FWHM from its Lorentzian and Gaussian FWHMs.

    .. math:: f_V \approx 0.5346 f_L + \sqrt{0.2166 f_L^2 + f_G^2}

    Works on numbers, numpy arrays and DataArrays. Exact for pure profiles; ≈ 0.02 % otherwise.

    References
    ----------
    J. J. Olivero, R. L. Longbothum, J. Quant. Spectrosc. Radiat. Transfer 17 (1977) 233.
    """
    return 0.5346 * f_lorentz + np.sqrt(0.2166 * f_lorentz ** 2 + f_gauss ** 2)


def tch_lorentz_share(eta):
    """Lorentzian share q = f_L/Γ of a pseudo-Voigt of mixing η (Thompson–Cox–Hastings
    relation inverted; see the module docstring). Works on numbers, arrays and DataArrays.

    Examples
    --------
    >>> [round(float(tch_lorentz_share(e)), 4) for e in (0.0, 0.5, 1.0)]
    [0.0, 0.4222, 1.0]
    """
    e = np.clip(eta, 0.0, 1.0)
    q = e * 1.0  # start at q = eta: the cubic lies above the diagonal on [0, 1]
    for _ in range(30):
        f = 1.36603 * q - 0.47719 * q ** 2 + 0.11116 * q ** 3 - e
        q = np.clip(q - f / (1.36603 - 0.95438 * q + 0.33348 * q ** 2), 0.0, 1.0)
    return q


def _split_eta(fwhm, eta):
    """Split of a pseudo-Voigt width into (f_L, f_G) (TCH; see the module docstring)."""
    f_l = tch_lorentz_share(eta) * fwhm
    g2 = (fwhm - 0.5346 * f_l) ** 2 - 0.2166 * f_l ** 2
    return f_l, np.sqrt(np.maximum(g2, 0.0))


def _check_table(ds, who):
    if not isinstance(ds, xr.Dataset):
        raise AnalysisError(f"{who} needs a peak-table xarray.Dataset, got {type(ds).__name__}")
    for name in ("center", "fwhm"):
        if name not in ds:
            raise AnalysisError(f"{who}: peak table has no variable {name!r} "
                                f"(has {sorted(ds.data_vars)})")
    if "peak" not in ds["fwhm"].dims:
        raise AnalysisError(f"{who}: 'fwhm' has no 'peak' dim (dims {ds['fwhm'].dims})")


def _check_positive(values, name, who):
    """Raise AnalysisError when any finite width is ≤ 0 (numpy values)."""
    v = np.asarray(values, dtype=float)
    bad = np.isfinite(v) & (v <= 0)
    if bad.any():
        raise AnalysisError(f"{who}: {name} must be > 0 deg, got {v[bad].ravel()[:5].tolist()} "
                            f"at {int(bad.sum())} position(s)")


def _var(ds, name, default=np.nan):
    return ds[name] if name in ds.variables else default


def _wavelength(ds):
    if "wavelength" not in ds.variables:
        raise AnalysisError("peak table has no 'wavelength' coord (angstrom); build it with "
                            "peak_table(..., wavelength=1.5406)")
    return ds["wavelength"]


def _wls(design, y, w):
    """Batched weighted linear least squares over the second-to-last axis of ``design``.

    design (..., n, p), y (..., n), w (..., n) with w = 0 for missing points. Returns coef (..., p),
    stderr (..., p) (covariance scaled by χ²/dof, as scipy ``curve_fit(absolute_sigma=False)``)
    and r² (weighted, ...). Batches with fewer than p usable points give NaN.
    """
    ok = np.isfinite(y) & np.isfinite(w) & np.all(np.isfinite(design), axis=-1) & (w > 0)
    w = np.where(ok, w, 0.0)
    y0 = np.where(ok, y, 0.0)
    a0 = np.where(ok[..., None], design, 0.0)
    p = design.shape[-1]
    ata = np.einsum("...ni,...n,...nj->...ij", a0, w, a0)
    aty = np.einsum("...ni,...n,...n->...i", a0, w, y0)
    n_ok = ok.sum(axis=-1)
    good = n_ok >= p
    eye = np.broadcast_to(np.eye(p), ata.shape)
    ata_safe = np.where(good[..., None, None], ata, eye)
    det_ok = np.abs(np.linalg.det(ata_safe)) > 0
    ata_safe = np.where(det_ok[..., None, None], ata_safe, eye)
    cov = np.linalg.inv(ata_safe)
    coef = np.einsum("...ij,...j->...i", cov, aty)
    resid = y0 - np.einsum("...ni,...i->...n", a0, coef)
    chi2 = np.sum(w * resid ** 2, axis=-1)
    dof = n_ok - p
    scale = np.where(dof > 0, chi2 / np.maximum(dof, 1), np.nan)
    stderr = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1) * scale[..., None])
    wsum = np.sum(w, axis=-1)
    ybar = np.sum(w * y0, axis=-1) / np.where(wsum > 0, wsum, 1.0)
    sst = np.sum(w * (y0 - ybar[..., None]) ** 2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = 1.0 - chi2 / sst
    bad = ~(good & det_ok)
    coef = np.where(bad[..., None], np.nan, coef)
    stderr = np.where(bad[..., None], np.nan, stderr)
    r2 = np.where(bad, np.nan, r2)
    return coef, stderr, r2


def _fit_over_peaks(kernel, inputs, n_param):
    """apply_ufunc a batched fit kernel over the ``peak`` core dim (dask-parallelised)."""
    inputs = [x if isinstance(x, xr.DataArray) else xr.DataArray(x) for x in inputs]
    inputs = [x.reset_coords(drop=True) for x in inputs]
    return xr.apply_ufunc(
        kernel, *inputs,
        input_core_dims=[["peak"] if "peak" in x.dims else [] for x in inputs],
        output_core_dims=[["param"], ["param"], []],
        dask="parallelized", output_dtypes=[float, float, float],
        dask_gufunc_kwargs={"output_sizes": {"param": n_param}})


def _lorentz_gauss(ds, who):
    """Observed (f_L, f_G) DataArrays from the peak table, or (None, None) if no shape info."""
    if "fwhm_lorentz" in ds and "fwhm_gauss" in ds:
        return ds["fwhm_lorentz"], ds["fwhm_gauss"]
    if "eta" in ds:
        eta = ds["eta"]
        return _split_eta(ds["fwhm"], eta.clip(0.0, 1.0))
    return None, None


# ----------------------------------------------------------------------------- peak_table

def peak_table(center, fwhm, eta=None, *, wavelength=DEFAULT_WAVELENGTH, fwhm_stderr=None,
               center_stderr=None, fwhm_lorentz=None, fwhm_gauss=None, hkl=None,
               dims=None) -> xr.Dataset:
    """Build a peak-table Dataset (the input of :func:`scherrer`, :func:`caglioti` ...).

    Parameters
    ----------
    center, fwhm : array_like
        Peak positions 2θ and full widths at half maximum, in degrees; shape ``(peak,)`` or
        ``(sample, peak)`` (or any shape matching ``dims``).
    eta : array_like, optional
        Lorentzian fraction of a pseudo-Voigt (0 = Gaussian, 1 = Lorentzian).
    wavelength : float or array_like
        X-ray wavelength in angstrom (default Cu Kα1 1.5406 Å); scalar or one per batch entry.
    fwhm_stderr, center_stderr, fwhm_lorentz, fwhm_gauss : array_like, optional
        Standard errors (deg) and Lorentzian/Gaussian FWHM components (deg).
    hkl : sequence of str, optional
        Labels of the peaks (string ``peak`` coord).
    dims : tuple of str, optional
        Dims of the arrays; default ``("peak",)`` for 1-D and ``("sample", "peak")`` for 2-D.

    Returns
    -------
    xarray.Dataset
        ``center``, ``fwhm`` (+ optional variables) with units and long names, coord
        ``wavelength`` (angstrom).

    Examples
    --------
    >>> t = peak_table([28.44, 47.30, 56.12], [0.30, 0.35, 0.40], eta=0.5)
    >>> float(t.wavelength)
    1.5406
    """
    center = np.asarray(center, dtype=float)
    if dims is None:
        dims = ("peak",) if center.ndim == 1 else ("sample", "peak")[-center.ndim:]
        if center.ndim > 2:
            raise AnalysisError("peak_table: give dims=... for arrays with more than 2 dims")
    dims = tuple(dims)
    spec = {"center": (center, "deg", "peak position 2θ"),
            "fwhm": (fwhm, "deg", "full width at half maximum"),
            "eta": (eta, "1", "Lorentzian fraction of the pseudo-Voigt"),
            "fwhm_lorentz": (fwhm_lorentz, "deg", "Lorentzian FWHM component"),
            "fwhm_gauss": (fwhm_gauss, "deg", "Gaussian FWHM component"),
            "fwhm_stderr": (fwhm_stderr, "deg", "standard error of the FWHM"),
            "center_stderr": (center_stderr, "deg", "standard error of the peak position")}
    data = {}
    for name, (value, units, long_name) in spec.items():
        if value is None:
            continue
        arr = np.broadcast_to(np.asarray(value, dtype=float), center.shape).copy()
        data[name] = xr.DataArray(arr, dims=dims, attrs={"units": units, "long_name": long_name})
    wl = np.asarray(wavelength, dtype=float)
    wl_dims = () if wl.ndim == 0 else dims[:wl.ndim]
    coords = {"wavelength": (wl_dims, wl, {"units": "angstrom", "long_name": "X-ray wavelength"})}
    if hkl is not None:
        coords["peak"] = ("peak", np.asarray(hkl, dtype=str))
    return xr.Dataset(data, coords=coords, attrs={"technique": "xrd"})


# ----------------------------------------------------------------------------- caglioti

def _caglioti_kernel(lorentz):
    def kernel(center, fwhm, fwhm_stderr, f_l, f_g):
        _check_positive(fwhm, "fwhm", "caglioti")
        theta = np.deg2rad(center) / 2.0
        t = np.tan(theta)
        if lorentz:
            h_g, h_l = f_g, f_l
        else:
            h_g = fwhm
        y = h_g ** 2
        sig = 2.0 * h_g * fwhm_stderr  # σ(H²) = 2 H σ_H (components scaled with σ_Γ)
        w = np.where(np.isfinite(sig) & (sig > 0), 1.0 / np.where(sig > 0, sig, 1.0) ** 2, 1.0)
        design = np.stack([t ** 2, t, np.ones_like(t)], axis=-1)
        c1, s1, r1 = _wls(design, y, w)
        if not lorentz:
            return c1, s1, r1
        sig_l = fwhm_stderr * np.where(fwhm > 0, h_l / fwhm, 0.0)
        w_l = np.where(np.isfinite(sig_l) & (sig_l > 0),
                       1.0 / np.where(sig_l > 0, sig_l, 1.0) ** 2, 1.0)
        design_l = np.stack([t, 1.0 / np.cos(theta)], axis=-1)
        c2, s2, _ = _wls(design_l, h_l, w_l)
        return (np.concatenate([c1, c2], axis=-1), np.concatenate([s1, s2], axis=-1), r1)
    return kernel


def _example_caglioti():
    rng = np.random.default_rng(0)
    two_theta = np.array([21.36, 30.39, 37.44, 43.51, 48.96, 53.99, 63.22, 67.55, 71.74, 75.85])
    uvw = np.array([[0.004, -0.002, 0.0025], [0.006, -0.003, 0.003], [0.003, -0.001, 0.002]])
    t = np.tan(np.deg2rad(two_theta) / 2)
    h = np.sqrt(uvw[:, :1] * t ** 2 + uvw[:, 1:2] * t + uvw[:, 2:])
    h = h * (1 + 0.005 * rng.standard_normal(h.shape))
    ds = peak_table(np.broadcast_to(two_theta, h.shape), h, fwhm_stderr=0.005 * h)
    ds = ds.assign_coords(sample=("sample", ["LaB6-a", "LaB6-b", "LaB6-c"]))
    return ds, {}


@public("xrd", example=_example_caglioti)
def caglioti(ds: xr.Dataset, *, lorentz: bool = False) -> xr.Dataset:
    r"""Fit the Caglioti instrument resolution function to the peak widths of a standard.

    .. math:: H^2 = U \tan^2\theta + V \tan\theta + W

    is fitted by weighted linear least squares (weights :math:`1/\sigma_{H^2}^2`,
    :math:`\sigma_{H^2} = 2H\sigma_H` when ``fwhm_stderr`` is given, else equal weights) over the
    ``peak`` dim of a line-profile standard (LaB6 SRM 660, Si SRM 640, CeO2 ...), independently
    for every batch entry. With ``lorentz=True`` the widths are first split into Gaussian and
    Lorentzian parts (``fwhm_gauss``/``fwhm_lorentz``, or the simple η split described in
    :mod:`characterization.xrd.instrument`); :math:`H_G^2` is fitted to U, V, W and the
    Lorentzian part to

    .. math:: H_L = X \tan\theta + Y / \cos\theta .

    Parameters
    ----------
    ds : xarray.Dataset
        Peak table of the standard (``center``, ``fwhm`` in deg, ``peak`` dim, any batch dims).
    lorentz : bool
        Also fit the Lorentzian X, Y (needs ``eta`` or ``fwhm_lorentz``/``fwhm_gauss``).

    Returns
    -------
    xarray.Dataset
        ``U``, ``V``, ``W`` (deg²) and, with ``lorentz``, ``X``, ``Y`` (deg), each with a
        ``*_stderr`` (covariance scaled by χ²/dof; NaN with exactly 3 (2) peaks), and
        ``r_squared`` of the H² fit. Usable as ``instrument=`` of :func:`scherrer` and
        :func:`williamson_hall`, and by :func:`instrument_fwhm`.

    Notes
    -----
    The standard's own size/strain broadening is assumed negligible. θ is half the fitted 2θ;
    the wavelength is not used. At least 3 peaks (2 for X, Y) are needed, otherwise NaN.

    References
    ----------
    G. Caglioti, A. Paoletti, F. P. Ricci, Nucl. Instrum. 3 (1958) 223.

    Examples
    --------
    >>> import numpy as np
    >>> tt = np.array([21.36, 30.39, 37.44, 43.51, 48.96, 53.99])
    >>> t = np.tan(np.deg2rad(tt) / 2)
    >>> std = peak_table(tt, np.sqrt(0.004 * t**2 - 0.002 * t + 0.0025))
    >>> round(float(caglioti(std).U), 6)
    0.004
    """
    _check_table(ds, "caglioti")
    f_l, f_g = _lorentz_gauss(ds, "caglioti")
    if lorentz and f_l is None:
        raise AnalysisError("caglioti(lorentz=True) needs 'eta' or 'fwhm_lorentz'/'fwhm_gauss' "
                            "in the peak table")
    if not lorentz:
        f_l = f_g = np.nan
    n = 5 if lorentz else 3
    coef, err, r2 = _fit_over_peaks(
        _caglioti_kernel(lorentz),
        [ds["center"], ds["fwhm"], _var(ds, "fwhm_stderr"), f_l, f_g], n)
    names = ["U", "V", "W", "X", "Y"][:n]
    units = ["deg^2"] * 3 + ["deg"] * 2
    out = xr.Dataset(attrs=provenance("caglioti", lorentz=lorentz))
    for i, (name, unit) in enumerate(zip(names, units)):
        out[name] = coef.isel(param=i, drop=True).assign_attrs(
            units=unit, long_name=f"Caglioti parameter {name}")
        out[f"{name}_stderr"] = err.isel(param=i, drop=True).assign_attrs(
            units=unit, long_name=f"standard error of Caglioti parameter {name}")
    out["r_squared"] = r2.assign_attrs(units="1", long_name="coefficient of determination of H²")
    for c in ds.coords:
        if c not in ("peak", "wavelength") and "peak" not in ds[c].dims:
            out = out.assign_coords({c: ds[c]})
    out.attrs["equation"] = "H_G^2 = U tan^2(theta) + V tan(theta) + W" + (
        "; H_L = X tan(theta) + Y / cos(theta)" if lorentz else "")
    return out


def instrument_fwhm(instrument: xr.Dataset, two_theta) -> xr.Dataset:
    r"""Evaluate a :func:`caglioti` result at positions 2θ.

    .. math:: H_G = \sqrt{U\tan^2\theta + V\tan\theta + W}, \quad
              H_L = X\tan\theta + Y/\cos\theta, \quad
              H = 0.5346 H_L + \sqrt{0.2166 H_L^2 + H_G^2}

    (Olivero–Longbothum for the total). Without X, Y the instrument is taken as Gaussian
    (H_L = 0). Negative H² (extrapolation far outside the standard's range) gives NaN.

    Parameters
    ----------
    instrument : xarray.Dataset
        Result of :func:`caglioti`.
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
    if not isinstance(instrument, xr.Dataset) or not all(k in instrument for k in "UVW"):
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
