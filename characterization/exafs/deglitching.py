r"""Single-point glitch removal (``exafs.deglitch``): robust residuals of a local fit."""

from __future__ import annotations

import numpy as np
import xarray as xr
from numpy.lib.stride_tricks import sliding_window_view

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._common import attach


def prediction_weights(x, half):
    """(N, 2·half) weights predicting y_i from its neighbours y_{i±1..half} (NaN at the ends).

    The prediction is the value at x_i of the least-squares polynomial (degree 2, or 1 for
    half = 1) through the neighbours: linear in y, so it is computed once per grid.
    """
    n = x.size
    offsets = np.r_[np.arange(-half, 0), np.arange(1, half + 1)]
    degree = min(2, 2 * half - 1)
    w = np.full((n, offsets.size), np.nan)
    inner = np.arange(half, n - half)
    if inner.size == 0:
        return w, offsets
    dx = x[inner[:, None] + offsets[None, :]] - x[inner, None]          # (M, 2h)
    scale = np.abs(dx).max(axis=1, keepdims=True)
    v = (dx / scale)[..., None] ** np.arange(degree + 1)               # (M, 2h, d+1)
    pinv = np.linalg.pinv(v)                                            # (M, d+1, 2h)
    w[inner] = pinv[:, 0, :]
    return w, offsets


def _residuals(y, w, idx):
    return y - np.einsum("...nj,nj->...n", y[..., idx], w)


LOCAL_POINTS = 15


def local_scale(resid, half):
    """Robust local noise scale 1.4826 · median|r| over ±``half`` points (batched).

    Local, because the misfit of the neighbour quadratic grows where the oscillations are
    strong (low k) and a single scale for the whole spectrum would call them glitches.
    """
    a = np.abs(resid)
    pad = np.pad(a, [(0, 0)] * (a.ndim - 1) + [(half, half)], mode="constant",
                 constant_values=np.nan)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return 1.4826 * np.nanmedian(sliding_window_view(pad, 2 * half + 1, axis=-1),
                                         axis=-1)


def glitch_mask(y, *, x, threshold, width, lo, hi, max_iterations=20):
    """Batched: True where y_i is an isolated outlier of the curve through its neighbours.

    r_i = y_i − p_i(x_i), p_i the quadratic fitted to the neighbours (not y_i). Points with
    |r_i| above ``threshold`` · 1.4826 · MAD(r) that are local maxima of |r| are glitches; they
    are replaced by p_i and the search repeats (a glitch also disturbs its neighbours'
    residuals, so two close glitches are found one pass after the other).
    """
    half = width // 2
    w, offsets = prediction_weights(x, half)
    n = x.size
    idx = np.clip(np.arange(n)[:, None] + offsets[None, :], 0, n - 1)
    if lo is None:   # default: from 20 eV above the edge (maximum derivative) to the end
        d = np.gradient(np.where(np.isfinite(y), y, 0.0), x, axis=-1)
        lo = x[np.argmax(d, axis=-1)][..., None] + 20.0
    inside = (x >= lo) & (x <= hi)
    work = np.array(y, dtype=float, copy=True)
    resid = _residuals(work, w, idx)
    sigma = local_scale(resid, LOCAL_POINTS)
    mask = np.zeros(work.shape, bool)
    for _ in range(max_iterations):
        a = np.where(np.isfinite(resid), np.abs(resid), 0.0)
        a_pad = np.pad(a, [(0, 0)] * (work.ndim - 1) + [(1, 1)], mode="constant",
                       constant_values=0)
        local_max = (a >= a_pad[..., :-2]) & (a >= a_pad[..., 2:])
        # a glitch pulls its neighbours' predictions: their residuals have the opposite sign
        # (a smooth feature the quadratic misses gives same-sign residuals on neighbours)
        r = np.where(np.isfinite(resid), resid, 0.0)
        r_pad = np.pad(r, [(0, 0)] * (work.ndim - 1) + [(1, 1)], mode="constant",
                       constant_values=0)
        opposite = (r * r_pad[..., :-2] < 0) & (r * r_pad[..., 2:] < 0)
        new = inside & np.isfinite(resid) & (a > threshold * sigma) & local_max & opposite
        if not new.any():
            break
        work = np.where(new, work - resid, work)
        mask |= new
        resid = _residuals(work, w, idx)
    return mask


def _deglitch_kernel(y, *, x, threshold, width, lo, hi, replace):
    with np.errstate(all="ignore"):
        mask = glitch_mask(y, x=x, threshold=threshold, width=width, lo=lo, hi=hi)
    out = np.where(mask, np.nan, y)
    if replace == "interpolate":
        flat, fm = out.reshape(-1, out.shape[-1]), mask.reshape(-1, out.shape[-1])
        for b in np.nonzero(fm.any(axis=-1))[0]:
            ok = np.isfinite(flat[b])
            flat[b, fm[b]] = np.interp(x[fm[b]], x[ok], flat[b, ok])
        out = flat.reshape(y.shape)
    return out, mask


@public("exafs", batch_dim="sample", transform=True, headline=("n_glitches",))
def deglitch(ds: xr.Dataset, *, threshold: float = 6.0, range=None, window: int = 2,
             replace: str = "interpolate", dim: str | None = None,
             var: str | None = None) -> xr.Dataset:
    r"""Find single-point glitches and replace them (interpolation or NaN), recording them.

    .. math::

        r_i = y_i - p_i(E_i), \qquad
        \text{glitch: } |r_i| > t \cdot 1.4826\,\operatorname{median}_{|j-i|\le 15}|r_j|
        \ \text{and}\ |r_i| \ge \max(|r_{i-1}|, |r_{i+1}|)
        \ \text{and}\ r_{i\pm 1} r_i < 0

    where :math:`p_i` is the quadratic least-squares fit to the ``window`` neighbours on each
    side of point i (not the point itself), so the prediction follows the oscillations.
    A glitch pulls its neighbours' predictions, so their residuals have the opposite sign;
    a smooth feature the quadratic misses gives same-sign residuals and is kept.
    Found points are replaced by their prediction and the search is repeated (a glitch
    disturbs its neighbours' residuals, so close glitches are found in turn). The noise scale
    is local (median of |r| over ±15 points), as the misfit of the quadratic grows where the
    oscillations are strong. Vectorised over the
    batch.

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra on energy.
    threshold : float
        t, in robust standard deviations.
    range : (float, float), optional
        Energy window searched (eV); default from 20 eV above the edge (maximum of dμ/dE) to
        the end: the edge and XANES hold sharp real features, give a range to search there.
    window : int
        Half-width w of the neighbourhood whose median a point is compared with (points).
    replace : {"interpolate", "nan"}
        Linear interpolation from the neighbours, or NaN (later steps skip NaN points).
    dim, var : str, optional
        Signal dim and variable (default ``energy``, ``mu``).

    Returns
    -------
    xarray.Dataset
        ``var`` with the glitches replaced, the mask ``glitch`` (bool on energy) and
        ``n_glitches`` per spectrum.

    Notes
    -----
    Assumptions: glitches are a few isolated points; the data are sampled densely enough that
    a quadratic through 2·window neighbours follows the spectrum. Limitations: broad glitches
    (several eV) and glitches on a sharp white line may be missed; check ``glitch``.

    References
    ----------
    P. J. Rousseeuw & C. Croux, J. Am. Stat. Assoc. 88, 1273 (1993) (MAD scale).

    Examples
    --------
    >>> from characterization import exafs, synthetic
    >>> ds = synthetic.xas_spectra(2, glitches=3, glitch_size=0.08, noise=0.001, seed=2)
    >>> out = exafs.deglitch(ds)
    >>> bool((out.glitch == ds.glitch_true).all())
    True
    """
    fname = "exafs.deglitch"
    if replace not in ("interpolate", "nan"):
        raise AnalysisError(f"{fname}: replace must be 'interpolate' or 'nan'")
    if int(window) < 1 or threshold <= 0:
        raise AnalysisError(f"{fname}: window >= 1 and threshold > 0 needed")
    x = np.asarray(ds[dim].values, dtype=float)
    lo, hi = (None, np.inf) if range is None else sorted(float(v) for v in range)
    y, mask = apply_kernel(_deglitch_kernel, ds[var], input_core_dims=[[dim]],
                           output_core_dims=[[dim], [dim]], output_dtypes=[float, bool],
                           kwargs=dict(x=x, threshold=float(threshold), width=2 * int(window) + 1,
                                       lo=lo, hi=hi, replace=replace))
    out = ds.assign({var: y.transpose(*ds[var].dims).assign_attrs(ds[var].attrs),
                     "glitch": mask, "n_glitches": mask.sum(dim).astype(float)})
    attach(out, [("glitch", None, f"Glitch points removed from {var}"),
                 ("n_glitches", "1", "Number of glitch points")])
    out.attrs["method"] = "neighbour-quadratic residual, MAD threshold, iterated"
    return out
