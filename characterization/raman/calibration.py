"""Raman-shift calibration against the crystalline-Si phonon (520.7 cm-1) or another band.

:func:`si_offset` fits the reference band of one or many reference measurements with the
batched fit engine and returns the offset ``reference_position - measured position`` with its
standard error; :func:`calibrate_shift` applies it to a whole batch of spectra.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError
from .._apply import apply_kernel
from .._steps import signal_last, units_of
from .preprocess import check_window

SI_POSITION = 520.7
SHAPES = ("lorentzian", "pseudo_voigt", "voigt", "gaussian")


@public("raman", headline=("offset", "measured_center"))
def si_offset(reference: xr.Dataset, *, reference_position: float = SI_POSITION,
              range: tuple[float, float] = (500.0, 540.0), shape: str = "lorentzian",
              background: str = "linear", dim: str | None = None,
              var: str | None = None) -> xr.Dataset:
    r"""Shift-axis offset from the fitted position of a reference band (default Si, 520.7 cm-1).

    .. math:: \delta = \tilde\nu_\text{ref} - \hat\nu, \qquad
              \sigma_\delta = \sigma_{\hat\nu}

    where :math:`\hat\nu` is the band position fitted inside ``range`` (one peak of shape
    ``shape`` on a ``background``; batched Levenberg–Marquardt,
    :func:`characterization.fit.fit_peaks`) and :math:`\sigma_{\hat\nu}` its standard error.
    Adding :math:`\delta` to the measured axis puts the band at ``reference_position``.

    Parameters
    ----------
    reference : xarray.Dataset
        Raman spectra of the reference (crystalline Si wafer, or any sample with a known
        band); any batch dims.
    reference_position : float
        Accepted position of the band (1/cm). 520.7 for unstrained crystalline Si at room
        temperature (values 520.5–521 are in use; keep one within a study).
    range : (float, float)
        Fit window around the band on the signal axis, in signal units.
    shape : {"lorentzian", "pseudo_voigt", "voigt", "gaussian"}
        Line shape. The position of a symmetric band hardly depends on it (a few 0.01 1/cm on
        good data); the FWHM does.
    background : str
        Background of the fit model (``"linear"``, ``"constant"``, ``"polynomial(2)"`` ...).
    dim, var : str, optional
        Signal dim and variable; default ``raman_shift`` and ``intensity``.

    Returns
    -------
    xarray.Dataset
        Batch dims of ``reference`` with ``offset``, ``offset_stderr``, ``measured_center``,
        ``measured_center_stderr``, ``fwhm``, ``fwhm_stderr`` (signal units) and ``success``
        (bool). Failed fits give NaN and ``success=False``: not converged, band outside the
        range, no finite error, height below five standard errors or FWHM below half a
        channel (a spectrum without the band). Scalar coordinate ``reference_position``.

    Notes
    -----
    Assumptions: the reference band is the strongest feature in ``range``; the offset is a
    constant shift of the axis (a zero-point error). A dispersion (scale) error, which varies
    with shift, needs several reference bands (e.g. polystyrene) and is not corrected here.
    The standard error is statistical only (``scale_covar``); the reference value itself
    (520.5–520.7 1/cm in the literature; temperature: about -0.022 1/cm per K near 300 K;
    strain) is usually the larger uncertainty.

    References
    ----------
    ASTM E1840-96 (2022), Standard Guide for Raman Shift Standards for Spectrometer
    Calibration; M. Balkanski, R. F. Wallis, E. Haro, Phys. Rev. B 28, 1928 (1983)
    (temperature dependence of the Si phonon).

    Examples
    --------
    >>> import characterization as ch
    >>> from characterization.synthetic.raman_silicon import si_reference_spectra
    >>> ref = si_reference_spectra(2, 0, [-1.0, 0.5])   # Si bands at 519.7 and 521.2 1/cm
    >>> ch.raman.si_offset(ref).offset.round(1).values.tolist()
    [1.0, -0.5]
    """
    from ..fit import Model, Peak, fit_peaks

    lo, hi = check_window(range, "range", "si_offset")
    if shape not in SHAPES:
        raise AnalysisError(f"si_offset: shape must be one of {SHAPES}, got {shape!r}")
    position = float(reference_position)
    x_units = units_of(reference[dim], dim, "si_offset")
    fit_model = Model([Peak("band", shape, center=0.5 * (lo + hi))], background=background)
    # components=True: fit_peaks(components=False) fails on dask input (output_sizes bug)
    fit = fit_peaks(reference, fit_model, dim=dim, var=var, range=(lo, hi))
    center = fit.center.sel(peak="band", drop=True)
    center_err = fit.center_stderr.sel(peak="band", drop=True)
    height = fit.height.sel(peak="band", drop=True)
    x = np.asarray(reference[dim].values, dtype=float)
    step = float(np.median(np.abs(np.diff(x)))) if x.size > 1 else 0.0
    # a usable band: converged, inside the window, a finite error, a height of at least five
    # standard errors and a width of at least half a channel (a flat spectrum fails)
    inside = (fit.success & (center >= lo) & (center <= hi) & np.isfinite(center_err)
              & (center_err > 0) & (height > 5 * fit.height_stderr.sel(peak="band", drop=True))
              & (fit.fwhm.sel(peak="band", drop=True) >= 0.5 * step))
    center, center_err = center.where(inside), center_err.where(inside)
    out = xr.Dataset()
    specs = {"offset": (position - center, "Raman-shift offset (add to the axis)"),
             "offset_stderr": (center_err, "Standard error of the offset"),
             "measured_center": (center, "Fitted reference band position"),
             "measured_center_stderr": (center_err, "Standard error of the band position"),
             "fwhm": (fit.fwhm.sel(peak="band", drop=True).where(inside),
                      "Fitted reference band FWHM"),
             "fwhm_stderr": (fit.fwhm_stderr.sel(peak="band", drop=True).where(inside),
                             "Standard error of the FWHM")}
    for name, (da, long_name) in specs.items():
        out[name] = da.reset_coords(drop=True).variable
        out[name].attrs = {"units": x_units, "long_name": long_name}
    out["success"] = inside.reset_coords(drop=True).variable
    out["success"].attrs = {"units": "1", "long_name": "Reference band fitted inside the window"}
    batch = [d for d in reference[var].dims if d != dim]
    out = out.assign_coords({c: v for c, v in reference.coords.items()
                             if c != dim and set(v.dims) <= set(batch)})
    out = out.assign_coords(reference_position=((), position, {
        "units": x_units, "long_name": "Accepted position of the reference band"}))
    out.attrs = {"method": "reference band position (batched LM fit)",
                 "parameters": {"range": [lo, hi]}}
    return out


@public("raman", transform=True, headline=("calibration_offset",))
def calibrate_shift(ds: xr.Dataset, reference: xr.Dataset, *,
                    reference_position: float = SI_POSITION,
                    range: tuple[float, float] = (500.0, 540.0), shape: str = "lorentzian",
                    background: str = "linear", dim: str | None = None,
                    var: str | None = None) -> xr.Dataset:
    r"""Correct the Raman-shift axis of a batch with the offset from a reference measurement.

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra to correct; any batch dims, eager or dask.
    reference : xarray.Dataset
        Either reference spectra (fitted with :func:`si_offset` using ``reference_position``,
        ``range``, ``shape``, ``background``) or a result of :func:`si_offset`.
        Batch dims of the reference that ``ds`` also has (e.g. one Si measurement per
        ``sample``) give one offset per spectrum; the other batch dims (repeats of the
        reference) are averaged, weighted by ``1/stderr^2`` (failed fits left out).
    reference_position : float
        Accepted position of the reference band (1/cm), as in :func:`si_offset`.
    range : (float, float)
        Fit window of the reference band on the signal axis, as in :func:`si_offset`.
    shape : {"lorentzian", "pseudo_voigt", "voigt", "gaussian"}
        Line shape of the reference band, as in :func:`si_offset`.
    background : str
        Background of the reference fit, as in :func:`si_offset`.
    dim, var : str, optional
        Signal dim and variable of ``ds`` (and of reference spectra); default ``raman_shift``
        and ``intensity``.

    Returns
    -------
    xarray.Dataset
        One offset for the whole batch (a reference without batch dims, or averaged): the
        signal coordinate is replaced by ``raman_shift + offset`` and the original values are
        kept as the coordinate ``raman_shift_uncalibrated`` (``<dim>_uncalibrated``) on the
        same dim; the data are not touched. Offsets that differ along batch dims: a shared
        dim coordinate cannot carry
        them, so every variable along the signal dim is linearly interpolated onto the
        (unchanged) grid at the calibrated positions, i.e. ``y_cal(x) = y(x - offset)``
        (points falling outside the measured range become NaN; boolean masks are moved to
        the nearest channel), and ``raman_shift_uncalibrated(..., raman_shift)`` records where
        each value was measured. Both cases add ``calibration_offset`` and
        ``calibration_offset_stderr`` (signal units) and provenance attrs.

    Notes
    -----
    Averaging repeats: ``δ = Σ w_i δ_i / Σ w_i`` with ``w_i = 1/σ_i^2`` and
    ``σ_δ = (Σ w_i)^{-1/2} max(1, χ²/(n - 1))^{1/2}`` (the Birge ratio enlarges the error when
    the repeats scatter more than their own errors say). A missing or failed reference gives
    a NaN offset and an all-NaN axis or spectrum rather than an uncorrected one that looks
    calibrated.

    Examples
    --------
    >>> import characterization as ch
    >>> from characterization.synthetic.raman_silicon import si_reference_spectra
    >>> ds = ch.synthetic.peak_spectra(3, seed=0)
    >>> ref = si_reference_spectra(1, 0, [-1.5]).isel(sample=0)   # Si measured at 519.2
    >>> out = ch.raman.calibrate_shift(ds, ref)
    >>> round(float(out.calibration_offset), 1), "raman_shift_uncalibrated" in out.coords
    (1.5, True)
    """
    if not isinstance(reference, xr.Dataset):
        raise AnalysisError(f"calibrate_shift: reference must be an xarray.Dataset (Si spectra "
                            f"or a si_offset result), got {type(reference).__name__}")
    if "offset" in reference.data_vars and "offset_stderr" in reference.data_vars:
        off = reference
        try:
            used = json.loads(reference.attrs.get("parameters", "{}"))
        except (TypeError, json.JSONDecodeError):
            used = {}
        fit_params = {"reference": "si_offset result",
                      **{k: used[k] for k in ("range", "shape", "background") if k in used}}
    else:
        fit_params = {"reference": "spectra", "range": list(range), "shape": shape,
                      "background": background}
        off = si_offset(reference, reference_position=reference_position, range=range,
                        shape=shape, background=background, dim=dim)
    x_units = units_of(ds[dim], dim, "calibrate_shift")
    if units_of(off["offset"], "offset", "calibrate_shift") != x_units:
        raise AnalysisError(f"calibrate_shift: offset is in {off['offset'].attrs['units']!r}, "
                            f"the axis in {x_units!r}")
    batch = [d for d in ds[var].dims if d != dim]
    delta, sigma = _combine(off, batch)
    out = ds.copy(deep=False)
    x_attrs = dict(ds[dim].attrs)
    uncal_name = f"{dim}_uncalibrated"
    if delta.ndim == 0:
        d = float(delta)
        out = out.assign_coords({dim: (dim, ds[dim].values + d, x_attrs)})
        out = out.assign_coords({uncal_name: (dim, ds[dim].values, {
            **x_attrs, "long_name": f"{x_attrs.get('long_name', dim)} (uncalibrated)"})})
        how = "axis shifted"
    else:
        out = _resample(out, dim, delta)
        uncal = (ds[dim] - delta).transpose(*delta.dims, dim).reset_coords(drop=True)
        out = out.assign_coords({uncal_name: (uncal.dims, uncal.values, {
            **x_attrs, "long_name": f"{x_attrs.get('long_name', dim)} (uncalibrated)"})})
        how = "spectra interpolated onto the original grid"
    for name, da, long_name in (("calibration_offset", delta, "Raman-shift offset applied"),
                                ("calibration_offset_stderr", sigma,
                                 "Standard error of the offset")):
        out[name] = da.reset_coords(drop=True).variable
        out[name].attrs = {"units": x_units, "long_name": long_name}
    params = {"reference_position": float(off["reference_position"])
              if "reference_position" in off.coords else reference_position,
              **fit_params, "application": how, "dim": dim}
    if delta.ndim == 0:
        params.update(offset=float(delta), offset_stderr=float(sigma))
    out.attrs = {"method": "constant Raman-shift offset from a reference band",
                 "parameters": params}
    return out


def _combine(off, batch):
    """Inverse-variance mean of the offsets over reference dims that ``ds`` lacks."""
    delta, sigma = off["offset"], off["offset_stderr"]
    extra = [d for d in delta.dims if d not in batch]
    if not extra:
        return delta.reset_coords(drop=True), sigma.reset_coords(drop=True)
    ok = np.isfinite(delta) & np.isfinite(sigma) & (sigma > 0)
    w = xr.where(ok, 1.0 / sigma.where(ok) ** 2, 0.0)
    wsum = w.sum(extra)
    mean = (w * delta.fillna(0.0)).sum(extra) / wsum.where(wsum > 0)
    n = ok.sum(extra)
    chi2 = (w * (delta.fillna(0.0) - mean) ** 2).sum(extra)
    birge = xr.where(n > 1, chi2 / (n - 1).clip(min=1), 1.0).clip(min=1.0)
    err = np.sqrt(birge / wsum.where(wsum > 0))
    return mean.reset_coords(drop=True), err.reset_coords(drop=True)


def _resample(ds, dim, delta):
    """Every variable along ``dim`` at the calibrated positions: ``y(x - delta)``."""
    x = np.asarray(ds[dim].values, dtype=float)
    kernel = functools.partial(_shift_kernel, x=x)
    for d in delta.dims:
        same = (delta.sizes[d] == ds.sizes[d]) and (
            d not in delta.indexes or d not in ds.indexes
            or delta.indexes[d].equals(ds.indexes[d]))
        if not same:
            raise AnalysisError(f"calibrate_shift: the reference's {d!r} labels differ from the "
                                f"data's; select matching references first")
    for name, da in ds.data_vars.items():
        if dim not in da.dims:
            continue
        if da.dtype.kind not in "fiub":
            raise AnalysisError(f"calibrate_shift: cannot resample variable {name!r} of dtype "
                                f"{da.dtype}; drop it first")
        src = signal_last(da.astype(float), dim)
        shift = delta.broadcast_like(src.isel({dim: 0}, drop=True)).reset_coords(drop=True)
        moved = apply_kernel(kernel, src, shift, input_core_dims=[[dim], []],
                             output_core_dims=[[dim]])
        moved = moved.transpose(*[d for d in delta.dims if d not in da.dims], *da.dims)
        if da.dtype.kind == "b":
            moved = moved >= 0.5
        ds[name] = moved.variable
        ds[name].attrs = dict(da.attrs)
    return ds


def _shift_kernel(y, delta, *, x):
    """``y(x - delta)`` by linear interpolation, row by row; NaN outside the measured range."""
    flat = np.asarray(y, dtype=float).reshape(-1, y.shape[-1])
    d = np.broadcast_to(np.asarray(delta, dtype=float), y.shape[:-1]).reshape(-1)
    order = np.argsort(x)
    xs = x[order]
    out = np.full(flat.shape, np.nan)
    for i, (row, di) in enumerate(zip(flat, d)):
        if np.isfinite(di):
            out[i, order] = np.interp(xs - di, xs, row[order], left=np.nan, right=np.nan)
    return out.reshape(y.shape)
