r"""Thermal-drift and load-frame-compliance corrections of the indentation displacement."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._kernels import valid_length
from ._labels import canonical_labels, require


def _drift_one(h, t, seg, *, settle_fraction):
    n = valid_length(h, t)
    lab = canonical_labels(seg[:n])
    idx = np.flatnonzero(lab == "drift_hold")
    if idx.size < 5:
        return np.nan, np.nan
    # the hold's last contiguous run, without its first settle_fraction (anelastic recovery)
    breaks = np.flatnonzero(np.diff(idx) > 1)
    if breaks.size:
        idx = idx[breaks[-1] + 1:]
    idx = idx[int(round(settle_fraction * idx.size)):]
    if idx.size < 5:
        return np.nan, np.nan
    tt, hh = t[idx], h[idx]
    a = np.vstack([tt - tt.mean(), np.ones_like(tt)]).T
    coef, res, *_ = np.linalg.lstsq(a, hh, rcond=None)
    resid = hh - a @ coef
    dof = max(idx.size - 2, 1)
    s2 = float(resid @ resid) / dof
    stderr = np.sqrt(s2 / float(np.sum((tt - tt.mean()) ** 2)))
    return float(coef[0]), float(stderr)


def _drift_kernel(h, t, seg, **kw):
    n = h.shape[-1]
    shape = np.broadcast_shapes(h.shape[:-1], t.shape[:-1], seg.shape[:-1])
    h, t = np.broadcast_to(h, shape + (n,)), np.broadcast_to(t, shape + (n,))
    seg = np.broadcast_to(seg, shape + (n,))
    rate, err = np.full(shape, np.nan), np.full(shape, np.nan)
    for i in np.ndindex(shape):
        rate[i], err[i] = _drift_one(h[i], t[i], seg[i], **kw)
    return rate, err


@public("nanoindent", batch_dim="indent", transform=True,
        headline=("drift_rate", "drift_already_corrected"))
def correct_drift(ds: xr.Dataset, *, rate: float | None = None, settle_fraction: float = 0.2,
                  errors: str = "nan") -> xr.Dataset:
    r"""Measure the thermal drift rate in the drift hold and remove it from the displacement.

    The rate is the least-squares slope :math:`\dot h_d` of displacement against time over the
    points labelled ``"drift_hold"`` (the hold at low load during unloading, or a post-test
    hold; :func:`segment` or file markers), after dropping the first ``settle_fraction`` of
    them (anelastic recovery and creep-back dominate there); its standard error comes from
    the fit residuals. The correction is

    .. math:: h_{corr}(t) = h(t) - \dot h_d\,(t - t_0)

    with :math:`t_0` the time of the surface contact (``surface_index`` from
    :func:`zero_point`) or of the first point.

    **Exports already drift-corrected** are detected and left alone: the data declare it
    (``drift_correction_enabled`` true, as NanoSuite writes in its inputs), or the vendor
    measured a drift (``vendor_drift_rate`` more than 3 standard errors from zero) that the
    exported hold no longer shows (measured rate within 3 standard errors of zero).

    Parameters
    ----------
    ds : xarray.Dataset
        Indentation data with ``displacement``, coord ``time`` and ``segment`` labels.
    rate : float, optional
        Drift rate to remove (nm/s) instead of measuring it (e.g. from a separate
        calibration).
    settle_fraction : float
        Leading fraction of the drift hold left out of the fit.
    errors : {"nan", "raise"}
        A test without a drift hold (and no ``rate``): ``"nan"`` leaves it uncorrected with a
        NaN rate, ``"raise"`` raises AnalysisError.

    Returns
    -------
    xarray.Dataset
        The input with the corrected ``displacement`` and per test ``drift_rate`` (nm/s, as
        measured or given), ``drift_rate_stderr``, ``drift_already_corrected`` and
        ``drift_corrected`` (the correction was applied).

    Notes
    -----
    Assumptions: the drift is constant over the test (ISO 14577-1, 7.4). Limitations: a hold
    at peak load measures creep plus drift and must not be used; a test whose hold is shorter
    than 5 points after ``settle_fraction`` gets no rate.

    References
    ----------
    ISO 14577-1:2015, 7.4 (thermal drift). Oliver, W. C. & Pharr, G. M., J. Mater. Res. 7,
    1564–1583 (1992).

    Examples
    --------
    >>> from characterization.synthetic import indentation_curves
    >>> from characterization.nanoindent import correct_drift
    >>> ds = indentation_curves(2, drift_rate=0.1, drift_hold_time=30.0, seed=1)
    >>> [round(float(v), 4) for v in correct_drift(ds).drift_rate.values]
    [0.1, 0.1]
    """
    require(ds, "correct_drift", ("displacement",))
    if errors not in ("nan", "raise"):
        raise AnalysisError(f"correct_drift: errors must be 'nan' or 'raise', not {errors!r}")
    if "time" not in ds.coords:
        raise AnalysisError("correct_drift: the data have no 'time' coordinate")
    disp, time = ds["displacement"], ds["time"]
    if rate is not None:
        measured = xr.full_like(disp.isel(point=0, drop=True), float(rate), dtype=float)
        stderr = xr.full_like(measured, np.nan)
    else:
        if "segment" not in ds.coords:
            raise AnalysisError("correct_drift: no 'segment' labels; run "
                                "characterization.nanoindent.segment(ds) first or pass rate=")
        seg = ds["segment"].broadcast_like(disp)
        measured, stderr = apply_kernel(
            _drift_kernel, disp, time, seg, input_core_dims=[["point"]] * 3,
            output_core_dims=[(), ()], kwargs={"settle_fraction": float(settle_fraction)})
        if errors == "raise" and bool(measured.isnull().any()):
            raise AnalysisError("correct_drift: no drift hold of at least 5 points in test(s) "
                                f"{np.flatnonzero(measured.isnull().values.ravel()).tolist()}")
    flagged = ds["drift_correction_enabled"].astype(bool) if "drift_correction_enabled" in \
        ds.variables else xr.zeros_like(measured, dtype=bool)
    if "vendor_drift_rate" in ds.variables and rate is None:
        vendor = ds["vendor_drift_rate"]
        flagged = flagged | ((np.abs(vendor) > 3 * stderr) & (np.abs(measured) < 3 * stderr))
    apply = ~flagged & measured.notnull()
    t0 = time.isel(point=0, drop=True)
    if "surface_index" in ds.data_vars:
        index = ds["surface_index"].fillna(0).astype(int)
        t0 = time.broadcast_like(disp).isel(point=index)
    shift = xr.where(apply, measured, 0.0) * (time - t0)
    out = ds.copy()
    out["displacement"] = (disp - shift).transpose(*disp.dims).assign_attrs(disp.attrs)
    units = f"{disp.attrs.get('units', 'nm')}/{time.attrs.get('units', 's')}"
    out["drift_rate"] = measured.assign_attrs(units=units, long_name="Thermal drift rate")
    out["drift_rate_stderr"] = stderr.assign_attrs(units=units,
                                                   long_name="Standard error of the drift rate")
    out["drift_already_corrected"] = flagged.assign_attrs(
        long_name="The export was already drift-corrected")
    out["drift_corrected"] = apply.assign_attrs(long_name="Drift correction applied")
    out.attrs["method"] = "linear fit of the drift hold" if rate is None else "given rate"
    return out


@public("nanoindent", batch_dim="indent", transform=True, headline=("frame_compliance",))
def correct_frame_compliance(ds: xr.Dataset, *, frame_compliance: float | None = None,
                             frame_stiffness: float | None = None) -> xr.Dataset:
    r"""Remove the load-frame deflection from the displacement: :math:`h = h_m - C_f P`.

    The instrument measures the displacement of the indenter column, which includes the
    elastic deflection of the load frame, :math:`C_f P` with :math:`C_f = 1/K_f`. The frame
    compliance is given in nm/mN (``frame_compliance``) or as a frame stiffness :math:`K_f`
    in N/m (``frame_stiffness``; :math:`C_f = 10^6/K_f` nm/mN); with neither, a
    ``frame_stiffness`` variable or coordinate of the data (N/m) is used.

    Parameters
    ----------
    ds : xarray.Dataset
        Indentation data (``load``, ``displacement``).
    frame_compliance : float, optional
        :math:`C_f`, nm/mN (displacement units per load unit of the data).
    frame_stiffness : float, optional
        :math:`K_f`, N/m.

    Returns
    -------
    xarray.Dataset
        The input with the corrected ``displacement`` and ``frame_compliance`` (nm/mN).

    Raises
    ------
    AnalysisError
        No compliance given or found, both given, or a non-positive stiffness.

    Notes
    -----
    Assumptions: a linear-elastic frame. Limitations: the stiffness measured by the
    unloading then excludes the frame (1/S = 1/S_measured − C_f); NanoSuite's "Displacement
    Into Surface" and InView's "Depth" are already frame-corrected (do not correct twice).

    References
    ----------
    ISO 14577-2:2015, Annex C (frame compliance). Oliver, W. C. & Pharr, G. M., J. Mater. Res.
    7, 1564–1583 (1992).

    Examples
    --------
    >>> from characterization.synthetic import indentation_curves
    >>> from characterization.nanoindent import correct_frame_compliance
    >>> ds = indentation_curves(1, frame_compliance=0.2, seed=1)
    >>> out = correct_frame_compliance(ds, frame_stiffness=5e6)
    >>> float(out.frame_compliance)
    0.2
    """
    require(ds, "correct_frame_compliance")
    if frame_compliance is not None and frame_stiffness is not None:
        raise AnalysisError("correct_frame_compliance: give frame_compliance or "
                            "frame_stiffness, not both")
    if frame_compliance is None:
        if frame_stiffness is None:
            if "frame_stiffness" not in ds.variables:
                raise AnalysisError("correct_frame_compliance: no frame_compliance or "
                                    "frame_stiffness given, and the data have none")
            stiffness = ds["frame_stiffness"]
        else:
            stiffness = xr.DataArray(float(frame_stiffness))
        if bool((stiffness <= 0).any()):
            raise AnalysisError("correct_frame_compliance: frame stiffness must be > 0 N/m")
        compliance = 1e6 / stiffness
    else:
        compliance = xr.DataArray(float(frame_compliance))
    out = ds.copy()
    disp = ds["displacement"]
    out["displacement"] = (disp - compliance * ds["load"]).transpose(*disp.dims).assign_attrs(
        disp.attrs)
    out["frame_compliance"] = compliance.assign_attrs(units="nm/mN",
                                                      long_name="Load-frame compliance C_f")
    out.attrs["method"] = "h - C_f P"
    return out
