r"""Diffraction axes: 2θ ↔ d ↔ Q conversions and a change of wavelength.

Plain numpy functions (work on numbers, arrays and DataArrays; 2θ in degrees, λ and d in Å,
Q in 1/Å) from Bragg's law :math:`\lambda = 2 d \sin\theta` and :math:`Q = 4\pi\sin\theta/\lambda
= 2\pi/d`:

* :func:`d_spacing`, :func:`q_from_two_theta`, :func:`two_theta_from_d`,
  :func:`two_theta_from_q`.

Dataset functions (registered, ``ds.xrd.<name>``):

* :func:`add_axis_coords`: ``d_spacing`` and ``q`` coords along ``two_theta``;
* :func:`convert_wavelength`: re-express the 2θ axis for another wavelength (same d).

Zero-shift and specimen-displacement corrections of the axis are in
:mod:`characterization.xrd.calibration`.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError

__all__ = ["d_spacing", "q_from_two_theta", "two_theta_from_d", "two_theta_from_q",
           "add_axis_coords", "convert_wavelength"]


# ----------------------------------------------------------------------------- plain numpy

def d_spacing(two_theta, wavelength):
    r"""Interplanar spacing :math:`d = \lambda / (2\sin\theta)` (Å) at 2θ (deg).

    Examples
    --------
    >>> round(float(d_spacing(28.442, 1.540598)), 4)
    3.1356
    """
    with np.errstate(divide="ignore"):
        return wavelength / (2.0 * np.sin(np.deg2rad(two_theta) / 2.0))


def q_from_two_theta(two_theta, wavelength):
    r"""Scattering vector magnitude :math:`Q = 4\pi\sin\theta/\lambda` (1/Å) at 2θ (deg).

    Examples
    --------
    >>> round(float(q_from_two_theta(28.442, 1.540598)), 4)
    2.0038
    """
    return 4.0 * np.pi * np.sin(np.deg2rad(two_theta) / 2.0) / wavelength


def two_theta_from_d(d, wavelength):
    r""":math:`2\theta = 2\arcsin(\lambda / 2d)` (deg); NaN where :math:`\lambda/2d > 1`.

    Examples
    --------
    >>> round(float(two_theta_from_d(3.1356, 1.540598)), 3)
    28.442
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return 2.0 * np.rad2deg(np.arcsin(wavelength / (2.0 * d)))


def two_theta_from_q(q, wavelength):
    r""":math:`2\theta = 2\arcsin(Q\lambda / 4\pi)` (deg); NaN where :math:`Q\lambda/4\pi > 1`.

    Examples
    --------
    >>> round(float(two_theta_from_q(2.0038, 1.540598)), 3)
    28.442
    """
    with np.errstate(invalid="ignore"):
        return 2.0 * np.rad2deg(np.arcsin(q * wavelength / (4.0 * np.pi)))


# ----------------------------------------------------------------------------- helpers

def _need_axis(ds, function):
    if "two_theta" not in ds.dims or "two_theta" not in ds.coords \
            or ds["two_theta"].ndim != 1 or ds["two_theta"].dtype.kind not in "fiu":
        raise AnalysisError(f"{function}: needs a 'two_theta' dim with a 1-D numeric coordinate "
                            f"(deg); dims: {list(ds.dims)}")


def _wavelength(ds, function):
    if "wavelength" not in ds.variables:
        raise AnalysisError(f"{function}: the Dataset has no 'wavelength' coordinate (Kα1, Å)")
    wl = ds["wavelength"]
    if "two_theta" in wl.dims or "peak" in wl.dims:
        raise AnalysisError(f"{function}: 'wavelength' must be scalar or along batch dims")
    v = np.asarray(wl.values, dtype=float)
    if not (np.isfinite(v) & (v > 0)).all():
        raise AnalysisError(f"{function}: 'wavelength' must be finite and > 0 Å, "
                            f"got {v.ravel()[:5]}")
    return wl.reset_coords(drop=True).astype(float)


def _number(value, name, function):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise AnalysisError(f"{function}: {name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise AnalysisError(f"{function}: {name} must be finite, got {v}")
    return v


# ----------------------------------------------------------------------------- add_axis_coords

@public("xrd", transform=True, headline=())
def add_axis_coords(ds: xr.Dataset) -> xr.Dataset:
    r"""Add ``d_spacing`` (Å) and ``q`` (1/Å) coordinates along the ``two_theta`` dim.

    .. math:: d = \frac{\lambda}{2\sin\theta}, \qquad Q = \frac{4\pi\sin\theta}{\lambda}
              = \frac{2\pi}{d}

    Parameters
    ----------
    ds : xarray.Dataset
        XRD patterns (dim ``two_theta`` in deg) with a ``wavelength`` coord (Kα1, Å), scalar
        or along batch dims (then the new coords have those dims too).

    Returns
    -------
    xarray.Dataset
        ``ds`` (``two_theta`` stays the dim) with the non-index coords ``d_spacing`` and
        ``q``; select with ``ds.swap_dims(two_theta="d_spacing")`` when needed.

    Notes
    -----
    Uses the Kα1 wavelength: for an unstripped pattern the Kα2 components sit at slightly
    wrong d and Q. 2θ = 0 gives d = inf.

    Examples
    --------
    >>> from characterization.synthetic import kalpha_patterns
    >>> from characterization.xrd import add_axis_coords
    >>> out = add_axis_coords(kalpha_patterns())
    >>> out.d_spacing.attrs["units"], out.q.attrs["units"]
    ('angstrom', '1/angstrom')
    """
    function = "add_axis_coords"
    _need_axis(ds, function)
    wl = _wavelength(ds, function)
    tt = ds["two_theta"].reset_coords(drop=True).astype(float)
    d = d_spacing(tt, wl)
    q = q_from_two_theta(tt, wl)
    d = d.transpose(*[x for x in d.dims if x != "two_theta"], "two_theta")
    q = q.transpose(*d.dims)
    out = ds.assign_coords(
        d_spacing=d.assign_attrs(units="angstrom", long_name="d-spacing"),
        q=q.assign_attrs(units="1/angstrom", long_name="Scattering vector Q"))
    out.attrs = {"method": "bragg"}
    return out


# ----------------------------------------------------------------------------- convert_wavelength

@public("xrd", transform=True, headline=())
def convert_wavelength(ds: xr.Dataset, wavelength) -> xr.Dataset:
    r"""Re-express the 2θ axis of patterns for another wavelength (same d-spacings).

    .. math:: \sin\theta_{new} = \frac{\lambda_{new}}{\lambda_{old}}\sin\theta_{old}

    e.g. to overlay a Mo Kα pattern on Cu Kα reference positions. Points with
    :math:`\sin\theta_{new} > 1` (d < λ_new/2: not observable at the new wavelength) are
    dropped.

    Parameters
    ----------
    ds : xarray.Dataset
        XRD patterns (dim ``two_theta`` in deg, any batch dims) with a scalar ``wavelength``
        coord (Å); every pattern of the Dataset must share it (the 2θ axis is shared).
    wavelength : float or str
        The new wavelength in Å, or an anode name (``"Cu"``, ``"Mo"``, ``"Co"``, ``"Fe"``,
        ``"Cr"``, ``"Ag"``: its Kα1 line, Hölzer et al. 1997).

    Returns
    -------
    xarray.Dataset
        ``ds`` on the new, generally non-uniform, 2θ axis (intensities and every other
        variable unchanged, point for point); ``wavelength`` set to the new value (attr
        ``converted_from``), ``wavelength_alpha2`` (if present) scaled by
        λ_new/λ_old so that the Kα2 components still sit where Bragg's law puts them;
        ``d_spacing`` and ``q`` coords, if present, are unchanged (they are invariant).

    Notes
    -----
    Only the axis is converted: intensities are not corrected for the different
    Lorentz-polarisation factor, absorption, anomalous scattering or instrumental widths,
    and peak widths in 2θ scale with the axis, not as a measurement at the new wavelength
    would give them. The Kα2/Kα1 ratio of the old source is kept.

    Examples
    --------
    >>> from characterization.synthetic import kalpha_patterns
    >>> from characterization.xrd import convert_wavelength
    >>> out = convert_wavelength(kalpha_patterns(), "Mo")
    >>> round(float(out.wavelength), 4), float(out.two_theta.max()) < 30
    (0.7093, True)
    """
    from ..xray_lines import ANODES

    function = "convert_wavelength"
    _need_axis(ds, function)
    if isinstance(wavelength, str):
        anode = wavelength.strip().capitalize()
        if anode not in ANODES:
            raise AnalysisError(f"{function}: unknown anode {wavelength!r}; known: "
                                f"{sorted(ANODES)} (or give the wavelength in Å)")
        new = ANODES[anode].kalpha1
    else:
        new = _number(wavelength, "wavelength", function)
    if new <= 0:
        raise AnalysisError(f"{function}: wavelength must be > 0 Å, got {new}")
    wl = _wavelength(ds, function)
    if wl.ndim != 0:
        raise AnalysisError(f"{function}: 'wavelength' varies along {list(wl.dims)}; the new "
                            "2θ axis would differ per pattern: convert each group separately")
    old = float(wl)
    x = np.asarray(ds["two_theta"].values, dtype=float)
    s = (new / old) * np.sin(np.deg2rad(x) / 2.0)
    keep = np.isfinite(s) & (np.abs(s) <= 1.0)
    if not keep.any():
        raise AnalysisError(f"{function}: no point of the pattern is observable at "
                            f"{new} Å (all have λ_new/(2d) > 1)")
    new_tt = 2.0 * np.rad2deg(np.arcsin(s[keep]))
    out = ds.isel(two_theta=np.flatnonzero(keep))
    out = out.assign_coords(two_theta=("two_theta", new_tt, dict(ds["two_theta"].attrs)))
    wl_attrs = {**ds["wavelength"].attrs, "units": "angstrom",
                "converted_from": old}
    wl_attrs.pop("source", None)
    out = out.assign_coords(wavelength=((), new, wl_attrs))
    if "wavelength_alpha2" in ds.coords and ds["wavelength_alpha2"].ndim == 0:
        out = out.assign_coords(wavelength_alpha2=(
            (), float(ds["wavelength_alpha2"]) * new / old,
            {**ds["wavelength_alpha2"].attrs, "units": "angstrom",
             "long_name": "Effective Kα2 wavelength (scaled with the axis conversion)"}))
    out.attrs = {"method": "bragg", "parameters": {"wavelength": new, "wavelength_old": old,
                                                   "n_dropped": int((~keep).sum())}}
    return out


