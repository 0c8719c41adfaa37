r"""2θ calibration: zero shift and Bragg–Brentano specimen displacement.

* :func:`displacement_shift`: the peak shift of a specimen displacement (plain numpy);
* :func:`correct_two_theta`: remove a zero shift and a specimen displacement from a pattern's
  axis or a peak table's ``center``;
* :func:`fit_two_theta_correction`: fit both from the peaks of a standard.

Sign convention of the specimen displacement ``s`` (mm) used throughout: **s > 0 means the
specimen surface lies below the goniometer (focusing-circle) axis**, i.e. recessed, away from
the tube and detector; then the peaks appear at *lower* 2θ by
:math:`2 s \cos\theta / R` (radians). A specimen surface standing proud of the axis (s < 0,
over-filled holder) shifts the peaks to higher 2θ. Geometry: a ray diffracted at a surface
displaced by ``s`` along its normal runs parallel to the ideal ray at a perpendicular distance
:math:`2 s\cos\theta`, which the receiving slit at distance R sees as an angle
:math:`2 s \cos\theta / R` (Klug & Alexander 1974, §5-2; Cullity & Stock 2001, §11-3).
"""


from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._linear import wls
from .axes import _need_axis, _number

__all__ = ["displacement_shift", "correct_two_theta", "fit_two_theta_correction"]

_DEG = 180.0 / np.pi
_MODELS = ("zero", "displacement")
#: Where a goniometer radius (mm) may be stored: coords/variables, then Dataset attrs.
RADIUS_NAMES = ("goniometer_radius", "radius")


def displacement_shift(two_theta, displacement, radius):
    r"""Peak shift (deg) of a specimen displacement: :math:`\Delta 2\theta = -2 s\cos\theta/R`.

    ``displacement`` s and ``radius`` R in mm; s > 0 = surface below the goniometer axis,
    giving a negative shift (module docstring). ``two_theta`` is the true (unshifted) 2θ.
    """
    return -2.0 * displacement * np.cos(np.deg2rad(two_theta) / 2.0) / radius * _DEG


# ----------------------------------------------------------------------------- helpers

def _radius(ds, radius, function, needed):
    """Goniometer radius R (mm): argument, else coord/attr ``goniometer_radius``/``radius``."""
    if radius is None:
        for name in RADIUS_NAMES:
            if name in ds.variables and ds[name].ndim == 0:
                units = ds[name].attrs.get("units", "mm")
                if units not in ("mm", "millimeter", "millimetre"):
                    raise AnalysisError(f"{function}: {name!r} has units {units!r}; "
                                        "give radius= in mm")
                radius = float(ds[name])
                break
            if name in ds.attrs:
                radius = ds.attrs[name]
                break
    if radius is None:
        if needed:
            raise AnalysisError(f"{function}: a specimen displacement needs the goniometer "
                                "radius R in mm: pass radius= (e.g. 240 for many Bragg–Brentano "
                                "diffractometers) or store a 'goniometer_radius' coord (mm)")
        return None
    r = _number(radius, "radius", function)
    if r <= 0:
        raise AnalysisError(f"{function}: radius must be > 0 mm, got {r}")
    return r


def _as_param(value, name, function, ds):
    """A float or a DataArray over batch dims of ``ds`` (e.g. a fit result's variable)."""
    if isinstance(value, xr.DataArray):
        bad = [d for d in value.dims if d not in ds.dims or d in ("two_theta", "peak")]
        if bad:
            raise AnalysisError(f"{function}: {name} has dims {bad} that are not batch dims "
                                f"of the Dataset ({list(ds.dims)})")
        if not np.isfinite(np.asarray(value.values, dtype=float)).all():
            raise AnalysisError(f"{function}: {name} has non-finite values")
        return value.reset_coords(drop=True).astype(float)
    return _number(value, name, function)


def _true_two_theta(observed, zero_shift, displacement, radius, n_iter=4):
    r"""Invert :math:`2\theta_{obs} = 2\theta + z + \Delta_{disp}(2\theta)` by fixed point."""
    tt = observed - zero_shift
    if radius is None:
        return tt
    target = observed - zero_shift
    for _ in range(n_iter):       # contraction factor ~ s/R: a few steps reach 1e-12 deg
        tt = target - displacement_shift(tt, displacement, radius)
    return tt


# ----------------------------------------------------------------------------- correct_two_theta

@public("xrd", transform=True, headline=())
def correct_two_theta(ds: xr.Dataset, *, zero_shift=0.0, displacement=0.0,
                      radius: float | None = None) -> xr.Dataset:
    r"""Remove a zero shift and a specimen-displacement shift from 2θ.

    The observed position of a line whose true position is 2θ is

    .. math:: 2\theta_{obs} = 2\theta + z + \Delta_s(2\theta), \qquad
              \Delta_s = -\frac{2 s\cos\theta}{R}\cdot\frac{180}{\pi}\ \text{(deg)}

    and the corrected value is :math:`2\theta = 2\theta_{obs} - z - \Delta_s(2\theta)`,
    solved exactly by a few fixed-point steps (Δs evaluated at the corrected angle, so that
    :func:`fit_two_theta_correction` and this function are exact inverses).

    Parameters
    ----------
    ds : xarray.Dataset
        A pattern (dim ``two_theta``, deg: its coordinate is replaced) and/or a peak table
        (variable ``center`` over dim ``peak``, deg: replaced). A :func:`fit_pattern` result
        having both gets both corrected.
    zero_shift : float or xarray.DataArray
        z (deg), the detector zero error: observed = true + z. A DataArray over batch dims
        (e.g. ``fit.zero_shift``) is allowed for peak tables; for patterns it must be scalar
        (the 2θ axis is shared by all patterns).
    displacement : float or xarray.DataArray
        s (mm), specimen displacement, **s > 0 = specimen surface below the goniometer axis**
        (peaks observed too low). See :mod:`characterization.xrd.axes`.
    radius : float, optional
        Goniometer radius R (mm); required when ``displacement`` is not 0, else taken from a
        ``goniometer_radius`` (or ``radius``) coord (mm) or attr of ``ds``.

    Returns
    -------
    xarray.Dataset
        ``ds`` with the corrected ``two_theta`` coordinate (possibly non-uniform) and/or
        ``center``; everything else unchanged (stderr of ``center`` not propagated); attrs
        record the correction.

    Notes
    -----
    Bragg–Brentano (θ–2θ or θ–θ) focusing geometry and flat specimen assumed. Transparency
    (penetration) gives a shift of the same angular form for thick, weakly absorbing
    specimens and is absorbed in s. Not valid for parallel-beam geometry (insensitive to
    displacement) or Debye–Scherrer geometry.

    References
    ----------
    H. P. Klug, L. E. Alexander, X-Ray Diffraction Procedures, 2nd ed., Wiley (1974), ch. 5.
    B. D. Cullity, S. R. Stock, Elements of X-Ray Diffraction, 3rd ed. (2001), ch. 11.

    Examples
    --------
    >>> from characterization.xrd import correct_two_theta, peak_table
    >>> t = peak_table([28.46, 47.32], [0.1, 0.1])
    >>> correct_two_theta(t, zero_shift=0.02).center.values.round(6).tolist()
    [28.44, 47.3]
    """
    function = "correct_two_theta"
    z = _as_param(zero_shift, "zero_shift", function, ds)
    s = _as_param(displacement, "displacement", function, ds)
    has_s = isinstance(s, xr.DataArray) or s != 0.0
    r = _radius(ds, radius, function, needed=has_s)
    is_pattern = "two_theta" in ds.dims
    is_table = "center" in ds.data_vars and "peak" in ds["center"].dims
    if not (is_pattern or is_table):
        raise AnalysisError(f"{function}: needs a pattern (dim 'two_theta') or a peak table "
                            f"(variable 'center' over dim 'peak'); got dims {list(ds.dims)} "
                            f"and variables {list(ds.data_vars)}")
    out = ds.copy(deep=False)
    r_eff = r if has_s else None
    if is_pattern:
        _need_axis(ds, function)
        if isinstance(z, xr.DataArray) or isinstance(s, xr.DataArray):
            raise AnalysisError(f"{function}: for patterns zero_shift and displacement must be "
                                "numbers (the 2θ axis is shared by all patterns); correct each "
                                "pattern separately")
        x = np.asarray(ds["two_theta"].values, dtype=float)
        new = _true_two_theta(x, z, s, r_eff)
        out = out.assign_coords(two_theta=("two_theta", new, dict(ds["two_theta"].attrs)))
    if is_table:
        c = ds["center"]
        new_c = _true_two_theta(c, z, s, r_eff)
        out["center"] = new_c.transpose(*[d for d in new_c.dims if d not in c.dims], *c.dims)
        out["center"].attrs = {**c.attrs, "units": c.attrs.get("units", "deg")}

    def _plain(v):
        return v if isinstance(v, float) else np.asarray(v.values).tolist()

    out.attrs = {"method": "zero_shift+displacement",
                 "parameters": {"zero_shift": _plain(z), "displacement": _plain(s), "radius": r,
                                "sign": "s > 0: specimen surface below the goniometer axis"}}
    return out


# ----------------------------------------------------------------------------- fit

def _fit_kernel(use_zero, use_disp, radius):
    def kernel(center, stderr, reference):
        theta = np.deg2rad(reference) / 2.0
        y = center - reference
        cols = []
        if use_zero:
            cols.append(np.ones_like(theta))
        if use_disp:
            cols.append(-2.0 * np.cos(theta) / radius * _DEG)
        design = np.stack(np.broadcast_arrays(*cols), axis=-1)
        design = np.broadcast_to(design, y.shape + (len(cols),))
        w = np.where(np.isfinite(stderr) & (stderr > 0),
                     1.0 / np.where(stderr > 0, stderr, 1.0) ** 2, 1.0)
        coef, err, r2 = wls(design, y, w)
        resid = y - np.einsum("...ni,...i->...n", np.where(np.isfinite(design), design, 0.0),
                              np.where(np.isfinite(coef), coef, np.nan))
        return coef, err, r2, resid
    return kernel


@public("xrd", headline=("zero_shift", "displacement", "r_squared"))
def fit_two_theta_correction(ds: xr.Dataset, *, reference, radius: float | None = None,
                             model=("zero", "displacement")) -> xr.Dataset:
    r"""Fit a zero shift and/or a specimen displacement to the peak positions of a standard.

    For each batch entry, the weighted linear least-squares fit over the peaks of

    .. math:: 2\theta_{obs,j} - 2\theta_{ref,j} = z - \frac{2 s}{R}\cos\theta_{ref,j}
              \cdot\frac{180}{\pi}

    with weights :math:`1/\sigma_j^2` from ``center_stderr`` (equal weights without it).

    Parameters
    ----------
    ds : xarray.Dataset
        Peak table of the standard (``center`` in deg over ``peak``, any batch dims, optional
        ``center_stderr``), e.g. from :func:`~characterization.xrd.fit_pattern` or
        :func:`~characterization.xrd.peak_table`.
    reference : array_like, xarray.DataArray or xarray.Dataset
        True 2θ (deg) of the same peaks, in the same order: a sequence of length ``peak``,
        a DataArray over ``peak`` (may also have batch dims), or a Dataset with a
        ``two_theta`` variable over ``peak`` (e.g. certified SRM 640/660 positions computed
        for the wavelength used).
    radius : float, optional
        Goniometer radius R (mm), needed for the displacement term; else taken from a
        ``goniometer_radius`` coord (mm) or attr.
    model : sequence of {"zero", "displacement"}
        Terms to fit (at least one). With only ``"zero"`` the radius is not needed.

    Returns
    -------
    xarray.Dataset
        ``zero_shift`` (deg), ``displacement`` (mm, s > 0 = specimen below the goniometer
        axis; NaN when not fitted), their ``*_stderr`` (covariance scaled by χ²/dof; NaN with
        as many peaks as terms), ``residual`` (deg, over ``peak``: observed − reference −
        model) and ``r_squared``, keeping the batch dims. Feed ``zero_shift`` and
        ``displacement`` to :func:`correct_two_theta`.

    Notes
    -----
    θ of the reference positions is used in the design matrix (exact for the forward model of
    :func:`correct_two_theta`). z and s are strongly correlated when the peaks cover a narrow
    2θ range (cos θ nearly constant): use peaks over a wide range (e.g. 20–140°). Other
    aberrations (axial divergence, transparency, flat-specimen error) are absorbed into z and
    s, partly. Peaks with NaN ``center`` are ignored; fewer usable peaks than terms give NaN.

    References
    ----------
    H. P. Klug, L. E. Alexander, X-Ray Diffraction Procedures, 2nd ed., Wiley (1974), ch. 5.
    NIST SRM 640e (silicon) and 660c (LaB6) certificates.

    Examples
    --------
    >>> import numpy as np
    >>> from characterization.xrd import (displacement_shift, fit_two_theta_correction,
    ...                                   peak_table)
    >>> ref = np.array([28.4427, 47.3024, 56.1227, 69.13, 76.3765, 88.028])
    >>> obs = ref + 0.03 + displacement_shift(ref, 0.1, 240.0)
    >>> fit = fit_two_theta_correction(peak_table(obs, np.full(6, 0.1)), reference=ref,
    ...                                radius=240.0)
    >>> round(float(fit.zero_shift), 6), round(float(fit.displacement), 6)
    (0.03, 0.1)
    """
    function = "fit_two_theta_correction"
    if "center" not in ds.data_vars or "peak" not in ds["center"].dims:
        raise AnalysisError(f"{function}: needs a peak table with a variable 'center' over dim "
                            f"'peak' (variables: {list(ds.data_vars)})")
    if isinstance(model, str):
        model = (model,)
    model = tuple(model)
    unknown = [m for m in model if m not in _MODELS]
    if unknown or not model or len(set(model)) != len(model):
        raise AnalysisError(f"{function}: model must be a non-empty subset of {_MODELS}, "
                            f"got {model!r}")
    use_zero, use_disp = "zero" in model, "displacement" in model
    r = _radius(ds, radius, function, needed=use_disp)
    n_peak = ds.sizes["peak"]
    if isinstance(reference, xr.Dataset):
        if "two_theta" not in reference.variables:
            raise AnalysisError(f"{function}: the reference Dataset has no 'two_theta' "
                                f"variable (variables: {list(reference.variables)})")
        reference = reference["two_theta"]
    if isinstance(reference, xr.DataArray):
        if "peak" not in reference.dims:
            raise AnalysisError(f"{function}: reference has no 'peak' dim "
                                f"(dims {reference.dims})")
        ref = reference.reset_coords(drop=True).drop_vars("peak", errors="ignore")
    else:
        arr = np.asarray(reference, dtype=float)
        if arr.ndim != 1:
            raise AnalysisError(f"{function}: reference must be 1-D (one 2θ per peak), "
                                f"got shape {arr.shape}")
        ref = xr.DataArray(arr, dims=("peak",))
    if ref.sizes["peak"] != n_peak:
        raise AnalysisError(f"{function}: reference has {ref.sizes['peak']} values but the peak "
                            f"table has {n_peak} peaks")
    rv = np.asarray(ref.values, dtype=float)
    if not ((rv > 0) & (rv < 180)).all():
        raise AnalysisError(f"{function}: reference 2θ must lie in (0, 180) deg")
    center = ds["center"].reset_coords(drop=True).drop_vars("peak", errors="ignore")
    stderr = (ds["center_stderr"].reset_coords(drop=True).drop_vars("peak", errors="ignore")
              if "center_stderr" in ds.data_vars else xr.DataArray(np.nan))
    n_param = int(use_zero) + int(use_disp)
    kernel = _fit_kernel(use_zero, use_disp, r if r is not None else 1.0)
    coef, err, r2, resid = apply_kernel(
        kernel, center, stderr, ref,
        input_core_dims=[["peak"], ["peak"] if "peak" in stderr.dims else [], ["peak"]],
        output_core_dims=[["param"], ["param"], [], ["peak"]],
        output_sizes={"param": n_param})
    out = xr.Dataset()
    i = 0
    nan = xr.full_like(r2, np.nan)
    for name, used, units, long in (("zero_shift", use_zero, "deg", "zero shift z (2θ)"),
                                    ("displacement", use_disp, "mm",
                                     "specimen displacement s (> 0: below the axis)")):
        value = coef.isel(param=i, drop=True) if used else nan
        sd = err.isel(param=i, drop=True) if used else nan
        i += int(used)
        out[name] = value.assign_attrs(units=units, long_name=long)
        out[f"{name}_stderr"] = sd.assign_attrs(units=units, long_name=f"standard error of {name}")
    out["residual"] = resid.transpose(*[d for d in resid.dims if d != "peak"], "peak") \
        .assign_attrs(units="deg", long_name="residual 2θ_obs − 2θ_ref − model")
    out["r_squared"] = r2.assign_attrs(units="1", long_name="coefficient of determination")
    keep = {c: ds[c] for c in ds.coords
            if all(d in out.dims for d in ds[c].dims)}
    out = out.assign_coords(keep)
    out.attrs = {"method": "weighted least squares",
                 "parameters": {"model": list(model), "radius": r,
                                "weighted": "center_stderr" in ds.data_vars,
                                "sign": "s > 0: specimen surface below the goniometer axis"}}
    out.attrs["equation"] = "2θ_obs − 2θ_ref = z − (2 s / R) cos θ_ref · 180/π"
    return out
