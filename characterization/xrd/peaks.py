r"""Peak fitting of XRD patterns with Kα1/Kα2 doublets, giving a line-broadening peak table.

:func:`fit_pattern` fits one Kα1/Kα2 doublet (:class:`~characterization.fit.lineshapes.
KAlphaDoublet` of a pseudo-Voigt, Voigt, Pearson VII, split pseudo-Voigt, Gaussian or
Lorentzian) per reflection with the batched engine :func:`characterization.fit.fit_peaks`; the
Kα2 line sits at

.. math:: 2\theta_2 = 2\arcsin\!\left(\frac{\lambda_2}{\lambda_1}\sin\theta_1\right)

with the same FWHM and shape and ``alpha2_ratio`` times the Kα1 area (both ratios fixed from
the pattern's ``wavelength``, ``wavelength_alpha2``, ``alpha2_ratio`` coords). Reported
positions, widths, heights and areas are those of the Kα1 component, which is what Scherrer
and Williamson–Hall analyses need (no separate Kα2 stripping, e.g. Rachinger 1948, is needed).

Lorentzian / Gaussian parts of the widths (``fwhm_lorentz``, ``fwhm_gauss``)
-----------------------------------------------------------------------------
* ``voigt``: the fitted ``fwhm_l`` and ``fwhm_g`` (exact);
* ``gaussian`` / ``lorentzian``: ``(0, F)`` / ``(F, 0)``;
* ``pseudo_voigt`` and ``split_pseudo_voigt`` (with ``F = (F_l + F_r)/2``): the split of
  :mod:`characterization.xrd.instrument` (Thompson–Cox–Hastings: ``f_L = q(η) F`` and
  ``f_G`` such that the Olivero–Longbothum Voigt width of ``(f_L, f_G)`` is ``F``), the same
  one :func:`scherrer` and :func:`williamson_hall` apply to ``eta``;
* ``pearson7``: the Voigt with the same FWHM ``2w`` and integral breadth ``β`` (shape factor
  ``φ = 2w/β``), from the empirical relations of de Keijser et al. (1982),

  .. math:: \beta_L/\beta = 2.0207 - 0.4803\,\varphi - 1.7756\,\varphi^2, \quad
            \beta_G/\beta = 0.6420 + 1.4187\sqrt{\varphi - 2/\pi} - 2.2043\,\varphi
            + 1.8706\,\varphi^2,

  ``f_L = 2β_L/π``, ``f_G = β_G\sqrt{4\ln 2/\pi}`` (≈ 1 % accurate; φ is clipped to the Voigt
  range ``[2/π, \sqrt{4\ln2/π}]``, so super-Lorentzian Pearson VII, ``m < 1``, count as
  Lorentzian).

References
----------
T. H. de Keijser, J. I. Langford, E. J. Mittemeijer, A. B. P. Vogels, J. Appl. Cryst. 15, 308
(1982); J. J. Olivero, R. L. Longbothum, J. Quant. Spectrosc. Radiat. Transfer 17, 233 (1977).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from ._detection import apply_detection
from ._grouped_fit import combine_group_fits, window_groups
from ._peak_positions import (auto_positions, estimate_fwhm, merge_coincident,
                              positions_from_dataset)

__all__ = ["fit_pattern"]

#: Line shapes accepted by :func:`fit_pattern` (single-line names; doublets are "kalpha_"+name).
SHAPES = ("pseudo_voigt", "voigt", "pearson7", "split_pseudo_voigt", "gaussian", "lorentzian")
#: Shape parameters reported as peak-table variables, per shape: name -> (units, long name).
_REPORTED = {"pseudo_voigt": {"eta": ("1", "Lorentzian fraction")},
             "split_pseudo_voigt": {"eta": ("1", "Lorentzian fraction"),
                                    "fwhm_left": ("deg", "FWHM, left half"),
                                    "fwhm_right": ("deg", "FWHM, right half")},
             "pearson7": {"m": ("1", "Pearson VII exponent")}}
_VOIGT_FWHM_RATIO = 0.5346 + np.sqrt(0.2166 + 1.0)   # Voigt FWHM / F when F_G = F_L = F
_PHI_L, _PHI_G = 2.0 / np.pi, np.sqrt(4.0 * np.log(2.0) / np.pi)
#: Default window (and width bound) in units of the broadest line's estimated FWHM.
_WINDOW_PER_FWHM = 2.5
#: A width within this fraction of its bound counts as "at the bound".
_AT_BOUND = 1e-3


def _scalar_coord(ds, name):
    if name not in ds.coords or ds[name].ndim != 0:
        return None
    value = float(ds[name])
    return value if np.isfinite(value) else None


# ----------------------------------------------------------------------------- derived widths

def _de_keijser(fwhm, ib):
    """(f_L, f_G) of the Voigt with the same FWHM and integral breadth (de Keijser 1982)."""
    phi = np.clip(fwhm / ib, _PHI_L, _PHI_G)
    b_l = ib * (2.0207 - 0.4803 * phi - 1.7756 * phi ** 2)
    b_g = ib * (0.6420 + 1.4187 * np.sqrt(phi - _PHI_L) - 2.2043 * phi + 1.8706 * phi ** 2)
    return np.maximum(b_l, 0.0) * 2.0 / np.pi, np.maximum(b_g, 0.0) * _PHI_G


def _line_quantities(key, single, th):
    """Integral breadth, f_L and f_G of the Kα1 line from its shape parameters ``th``."""
    from .peak_table import split_eta

    ib = single.area_per_height([t[:, None] for t in th])[0][:, 0]
    fwhm = single.fwhm([t[:, None] for t in th])[:, 0]
    if key == "voigt":
        f_l, f_g = th[1] + 0 * ib, th[0] + 0 * ib
    elif key == "gaussian":
        f_l, f_g = 0 * fwhm, fwhm
    elif key == "lorentzian":
        f_l, f_g = fwhm, 0 * fwhm
    elif key in ("pseudo_voigt", "split_pseudo_voigt"):
        f_l, f_g = split_eta(fwhm, np.clip(th[-1], 0.0, 1.0))
    else:                                          # pearson7
        f_l, f_g = _de_keijser(fwhm, ib)
    return np.stack([ib, f_l, f_g])


def _values_kernel(key, single, cols):
    """Kernel: values (..., P) -> integral breadth, f_L, f_G of every peak, each (..., peak)."""
    def kernel(values):
        batch = values.shape[:-1]
        v = values.reshape(-1, values.shape[-1])
        out = np.full((3, v.shape[0], len(cols)), np.nan)
        with np.errstate(all="ignore"):
            for k, col in enumerate(cols):
                out[:, :, k] = _line_quantities(key, single, [v[:, i] for i in col])
        return tuple(a.reshape(*batch, len(cols)) for a in out)
    return kernel


def _quantity(key, single, q):
    """``function(*shape parameters) -> quantity q`` (0: integral breadth, 1: f_L, 2: f_G),
    for :func:`characterization.fit.propagate`."""
    def function(*theta):
        return _line_quantities(key, single, [np.asarray(t, dtype=float) for t in theta])[q]
    return function


def _param_by_peak(res, names, labels):
    out = res.sel(param=names).rename(param="peak")
    out = out.drop_vars([c for c in out.coords if c in ("peak", "param_units")
                         or "param" in out[c].dims], errors="ignore")
    return out.assign_coords(peak=labels)


def _peak_table(res, key, single, labels):
    """Add integral breadth, f_L / f_G and the reported shape parameters to a fit result."""
    names = list(res["param"].values)
    cols = [[names.index(f"p{j}.{sp.name}") for sp in single.shape_params]
            for j in range(len(labels))]
    from ..fit import propagate

    outs = apply_kernel(
        _values_kernel(key, single, cols), res["value"].reset_coords(drop=True),
        input_core_dims=[["param"]], output_core_dims=[["peak"]] * 3,
        output_sizes={"peak": len(labels)})
    errors = []
    for q in range(3):          # first-order errors from the full covariance (fit.propagate)
        per_peak = [propagate(res, _quantity(key, single, q), units="deg",
                              params=[f"p{j}.{sp.name}" for sp in single.shape_params])
                    ["quantity_stderr"].reset_coords(drop=True)
                    for j in range(len(labels))]
        errors.append(xr.concat(per_peak, dim="peak").transpose(*outs[q].dims))
    info = [("integral_breadth", "integral breadth (area/height) of the Kα1 line"),
            ("fwhm_lorentz", "Lorentzian FWHM component"),
            ("fwhm_gauss", "Gaussian FWHM component")]
    new = {}
    for i, (name, long_name) in enumerate(info):
        new[name] = outs[i].assign_coords(peak=labels).assign_attrs(units="deg",
                                                                     long_name=long_name)
        new[f"{name}_stderr"] = errors[i].assign_coords(peak=labels).assign_attrs(
            units="deg", long_name=f"standard error of the {long_name}")
    for pname, (units, long_name) in _REPORTED.get(key, {}).items():
        pnames = [f"p{j}.{pname}" for j in range(len(labels))]
        new[pname] = _param_by_peak(res["value"], pnames, labels).assign_attrs(
            units=units, long_name=long_name)
        new[f"{pname}_stderr"] = _param_by_peak(res["stderr"], pnames, labels).assign_attrs(
            units=units, long_name=f"standard error of the {long_name.lower()}")
    return res.assign(new)


# ----------------------------------------------------------------------------- fit_pattern

def _start_params(key, fwhm, eta, doublet, k, ratio, max_width):
    """Shape-parameter specs of every peak: widths in ``[0, max_width]`` (the fit window; a
    wider line cannot be told from the background), starting at ``fwhm`` if given."""
    from ..fit import Param

    params = {}
    if key in ("pseudo_voigt", "split_pseudo_voigt"):
        params["eta"] = Param(eta, min=0.0, max=1.0)
    f = None if fwhm is None else float(fwhm)
    widths = {"voigt": ("fwhm_g", "fwhm_l"),
              "split_pseudo_voigt": ("fwhm_left", "fwhm_right")}.get(key, ("fwhm",))
    for name in widths:
        start = f / _VOIGT_FWHM_RATIO if (f is not None and key == "voigt") else f
        if start is not None:
            start = min(start, max_width)
        params[name] = Param(start, min=0.0, max=max_width)
    if doublet:
        params["wavelength_ratio"] = Param(k, vary=False)
        params["alpha2_ratio"] = Param(ratio, vary=False)
    return params


def _widths_at_bound(res, single, max_width, n_peak):
    """Per peak: a width parameter sits at its upper bound ``max_width`` (the engine's
    ``at_bound`` flag on a width above half the bound), or the line's FWHM at 0: the data did
    not determine the width and derived sizes must not use it. (One Voigt component at its
    lower bound 0 is not flagged: a purely Lorentzian line is a legitimate answer.)"""
    names = list(res["param"].values)
    flags = []
    for j in range(n_peak):
        cols = [names.index(f"p{j}.{sp.name}") for sp in single.shape_params
                if sp.kind == "width"]
        v = res["value"].isel(param=cols)
        if "at_bound" in res:
            upper = res["at_bound"].isel(param=cols) & (v > 0.5 * max_width)
        else:
            upper = v >= (1.0 - _AT_BOUND) * max_width
        hit = upper.any("param") | (res["fwhm"].isel(peak=j, drop=True) <= _AT_BOUND * max_width)
        flags.append(hit.drop_vars([c for c in hit.coords if c != "param"
                                    and "param" in hit[c].dims], errors="ignore"))
    out = xr.concat(flags, dim="peak").assign_coords(peak=res["peak"])
    out = out.transpose(*[d for d in out.dims if d != "peak"], "peak")
    return out.reset_coords(drop=True).assign_attrs(
        long_name=f"width at its fit bound ({max_width:.4g} deg, or FWHM 0)")


def _center_bounds(positions, window, max_shift):
    """Bounds of each Kα1 position: ``± max_shift`` if given, else ``± window/2`` cut at the
    midpoints to the neighbouring starting positions (peaks cannot swap)."""
    if max_shift is not None:
        return positions - float(max_shift), positions + float(max_shift)
    lower, upper = positions - 0.5 * window, positions + 0.5 * window
    order = np.argsort(positions, kind="stable")
    p = positions[order]
    mid = 0.5 * (p[1:] + p[:-1])
    distinct = np.diff(p) > 1e-6
    lo_sorted, hi_sorted = lower[order], upper[order]
    hi_sorted[:-1] = np.where(distinct, np.minimum(hi_sorted[:-1], mid), hi_sorted[:-1])
    lo_sorted[1:] = np.where(distinct, np.maximum(lo_sorted[1:], mid), lo_sorted[1:])
    lower[order], upper[order] = lo_sorted, hi_sorted
    return lower, upper


@public("xrd", headline=("center", "fwhm", "area", "redchi"))
def fit_pattern(ds: xr.Dataset, *, peaks, shape: str = "pseudo_voigt", kalpha2: bool = True,
                background=None, window=None, fwhm=None, eta: float = 0.5,
                max_shift: float | None = None, weights="poisson", names=None,
                group: bool = False, min_snr: float = 8.0, dim: str | None = None,
                var: str | None = None, fit_kwargs: dict | None = None) -> xr.Dataset:
    r"""Fit Kα1/Kα2 doublets to XRD patterns and return a peak table.

    Every pattern (any batch dims) is fitted at once by :func:`characterization.fit.fit_peaks`
    with the model

    .. math:: y(2\theta) = b(2\theta) + \sum_j A_j\,\bigl[p(2\theta - 2\theta_{1j}) +
              R\,p(2\theta - 2\theta_{2j})\bigr], \quad
              2\theta_{2j} = 2\arcsin\bigl(\tfrac{\lambda_2}{\lambda_1}\sin\theta_{1j}\bigr)

    ``p`` the unit-area profile ``shape`` (own width/shape parameters per reflection, shared
    by its two lines), ``R`` the Kα2/Kα1 intensity ratio and ``b`` the background, over the
    range ``[min(peaks) - window, max(peaks) + window]`` (or one such range per group of
    peaks with ``group=True``).

    Parameters
    ----------
    ds : xarray.Dataset
        XRD patterns: dim ``two_theta`` (deg), variable ``intensity``, scalar coords
        ``wavelength`` (Kα1, Å) and, for the doublet, ``wavelength_alpha2`` (Å) and
        ``alpha2_ratio`` (as made by the readers of :mod:`characterization.io`).
    peaks : sequence of float, xarray.Dataset or "auto"
        Approximate Kα1 positions 2θ (deg), one per reflection (starting values); or a
        Dataset of reflections with a ``two_theta`` variable on dims ``reflection`` or
        (``phase``, ``reflection``), NaN-padded, and optionally a ``label`` coord (as made by
        ``characterization.xrd.peaks_from_phases`` / ``reference_pattern``): it is flattened,
        NaN and reflections outside the measured range are dropped, reflections closer than
        two 2θ steps (or 0.005°) are merged into one peak (labels joined by ``"+"``) and the
        labels (prefixed with the ``phase`` when the labels do not depend on it) name the
        peaks; or ``"auto"``: the peaks of the batch-mean pattern found as
        :func:`~characterization.xrd.phase_check` finds them (Gaussian smoothing, prominence
        above ``min_snr`` × the local counting-noise level; see
        ``characterization.xrd._peak_positions.find_pattern_peaks``), less the Kα2 (and, with
        a ``wavelength_beta`` coord, Kβ) satellites of stronger peaks.
    shape : {"pseudo_voigt", "voigt", "pearson7", "split_pseudo_voigt", "gaussian", "lorentzian"}
        Profile of each line (see :mod:`characterization.fit.lineshapes`).
    kalpha2 : bool
        Fit Kα1/Kα2 doublets (default). Without Kα2 information in ``ds`` or with False,
        single lines are fitted.
    background : str, optional
        Background model (see :class:`characterization.fit.Background`); default
        ``"chebyshev(3)"``, or ``"chebyshev(1)"`` per group with ``group=True``.
    window : float, optional
        Margin (deg) around the outermost peaks, and the upper bound of every width; default
        ``max(1.0, 10 * fwhm)`` with ``fwhm`` given, else ``max(1.0, 2.5 * F)`` with ``F`` the
        broadest first FWHM estimate from the data (half-prominence width of each line in the
        smoothed batch-mean pattern; ``attrs["window"]``), so that lines broader than 1° (a
        few-nm crystallite) are not pinned at a fixed bound. Lines narrower than 0.4° keep the
        1° default, so the result of a pattern does not depend on the batch it is fitted in.
    fwhm : float, optional
        Starting FWHM (deg); default guessed from the data (Voigt: split equally between
        ``fwhm_g`` and ``fwhm_l``; split pseudo-Voigt: both halves).
    eta : float
        Starting Lorentzian fraction (pseudo-Voigts).
    max_shift : float, optional
        Each Kα1 position is bounded to ``peaks[j] ± max_shift`` (deg); default
        ``± window / 2`` cut at the midpoints between neighbouring starting positions (so
        that overlapping peaks cannot swap). Every width parameter is bounded to
        ``[0, window]``, so that a peak cannot turn into a broad hump that imitates the
        background; a width that ends at a bound is flagged ``fwhm_at_bound``.
    weights : None or "poisson"
        Residual weights passed to ``fit_peaks`` (default counting statistics).
    names : sequence of str, optional
        Labels of the peaks (e.g. ``["111", "220"]``); default the Dataset labels, else
        ``p0, p1, ...`` (in the order of ``peaks``; ``"auto"`` peaks in increasing 2θ).
    group : bool
        Split the peaks into groups whose windows ``[p - window, p + window]`` do not
        overlap and fit each group over its own range with its own background (what
        profile-fitting programs do for long patterns); the results are concatenated along
        ``peak`` (parameters along ``param``, background coefficients renamed
        ``background<g>.c<k>``, block-diagonal ``covariance``, ``best_fit`` NaN between
        groups). ``chisqr`` and ``nfev`` are summed, ``redchi`` pooled, ``success`` is True
        when every group converged. Peaks in one window are always fitted together.
    min_snr : float
        Prominence threshold of ``peaks="auto"`` in noise standard deviations.
    dim, var : str, optional
        Signal dim (2θ, deg) and intensity variable; default the XRD convention's
        (``two_theta``, ``intensity``).
    fit_kwargs : dict, optional
        Options passed to :func:`characterization.fit.fit_peaks` (``max_nfev``,
        ``components``, ``xtol`` ...).

    Returns
    -------
    xarray.Dataset
        The ``fit_peaks`` result (``value``, ``stderr``, ``covariance``, ``best_fit`` ...)
        plus a peak table on the ``peak`` dim, for the Kα1 line (the doublet's total area is
        ``area * (1 + alpha2_ratio)``): ``center``, ``fwhm``, ``height``, ``area``,
        ``integral_breadth`` (= area/height, deg), ``fwhm_lorentz`` and ``fwhm_gauss`` (deg;
        see the module docstring for how each shape gives them), each with ``*_stderr``
        (first-order propagation of the full parameter covariance), the shape parameters
        ``eta`` (pseudo-Voigts), ``fwhm_left``/``fwhm_right`` (split) or ``m`` (Pearson VII)
        with stderr, and the ``wavelength`` coords, so that :func:`characterization.xrd.
        scherrer`, :func:`~characterization.xrd.williamson_hall` and
        :func:`~characterization.xrd.caglioti` accept it directly; ``fwhm_at_bound`` (bool
        per peak: a width parameter ended at 0 or at its bound, so the width is not
        determined by the data: the size functions refuse it);
        ``detected`` (bool per peak: area > 3 × its standard error, see
        :mod:`characterization.xrd._detection`; the per-peak values of an undetected line are
        NaN), ``reason`` (per pattern: "constant data", "no peak detected", "<peak> not
        detected", "<peak> width at bound"; "" when all is well) and ``success`` False where
        no line is detected. ``attrs``: ``shape``,
        ``kalpha2`` (1/0), ``groups`` (the fitted 2θ ranges, flat: lo0, hi0, lo1, hi1 ...).

    Notes
    -----
    Assumptions and limitations: Kα2 has the shape and width of Kα1 (see
    :mod:`characterization.fit.lineshapes._doublet`); starting positions must be within about
    a FWHM of the truth for overlapping reflections (use ``max_shift`` to keep close peaks
    apart); one background for the whole window (a Chebyshev series; long windows over a
    curved amorphous background need a higher degree or ``group=True``).

    References
    ----------
    G. Hölzer et al., Phys. Rev. A 56, 4554 (1997) (Cu Kα lines); P. Thompson, D. E. Cox,
    J. B. Hastings, J. Appl. Cryst. 20, 79 (1987) (pseudo-Voigt); W. A. Rachinger,
    J. Sci. Instrum. 25, 254 (1948); T. H. de Keijser et al., J. Appl. Cryst. 15, 308 (1982).

    Examples
    --------
    >>> from characterization import xrd
    >>> from characterization.synthetic import kalpha_patterns
    >>> res = xrd.fit_pattern(kalpha_patterns(), peaks=[28.44, 47.30, 56.12])
    >>> xrd.scherrer(res).crystallite_size.dims
    ('sample', 'peak')
    >>> auto = xrd.fit_pattern(kalpha_patterns(), peaks="auto", shape="voigt")
    >>> [round(float(c), 2) for c in auto.center.isel(sample=0)]
    [28.44, 47.3, 56.12]
    """
    from ..fit import Model, Param, Peak, fit_peaks
    from ..fit.lineshapes import canonical_name, get_lineshape

    fit_kwargs = dict(fit_kwargs or {})
    clash = sorted(set(fit_kwargs) & {"dim", "var", "range", "weights"})
    if clash:
        raise AnalysisError(f"fit_pattern: fit_kwargs must not set {clash}; they are "
                            "fit_pattern's own arguments")
    try:
        key = canonical_name(shape)
    except ValueError:
        key = None
    if key not in SHAPES:
        raise AnalysisError(f"shape must be one of {list(SHAPES)}, got {shape!r}")
    if "wavelength" not in ds.variables:
        raise AnalysisError("fit_pattern needs a 'wavelength' coord (Kα1, Å)")
    lam1 = _scalar_coord(ds, "wavelength")
    lam2 = _scalar_coord(ds, "wavelength_alpha2")
    ratio = _scalar_coord(ds, "alpha2_ratio")
    doublet = bool(kalpha2) and lam1 is not None and lam2 is not None and ratio is not None
    k = lam2 / lam1 if doublet else None
    tt = np.asarray(ds[dim].values, dtype=float)
    lo, hi = float(np.nanmin(tt)), float(np.nanmax(tt))
    dx = float(np.nanmedian(np.abs(np.diff(np.sort(tt))))) if tt.size > 1 else 0.0

    labels = None
    if isinstance(peaks, str):
        if peaks != "auto":
            raise AnalysisError(f"peaks must be positions, a Dataset or 'auto', got {peaks!r}")
        positions = np.sort(auto_positions(ds[var], dim, lam1 if doublet else None, lam2,
                                           _scalar_coord(ds, "wavelength_beta"),
                                           float(min_snr)))
    elif isinstance(peaks, xr.Dataset):
        positions, labels, _ = positions_from_dataset(peaks, lo, hi)
        if positions.size == 0:
            raise AnalysisError(f"no reflection of the peaks Dataset lies in the measured 2θ "
                                f"range {lo:.4g}–{hi:.4g}°")
        positions, labels = merge_coincident(positions, labels, max(2.0 * dx, 0.005))
    else:
        try:
            positions = np.atleast_1d(np.asarray(peaks, dtype=float))
        except (TypeError, ValueError):
            raise AnalysisError(f"peaks must be a sequence of 2θ, got {peaks!r}") from None
        if positions.ndim != 1 or positions.size == 0 or not np.all(np.isfinite(positions)):
            raise AnalysisError(f"peaks must be a non-empty sequence of finite 2θ, got {peaks!r}")
        outside = positions[(positions < lo) | (positions > hi)]
        if outside.size:
            raise AnalysisError(f"peaks {outside.tolist()} lie outside the measured 2θ range "
                                f"{lo:.4g}–{hi:.4g}°")
    if names is not None:
        labels = [str(n) for n in names]
    elif labels is None:
        labels = [f"p{j}" for j in range(positions.size)]
    if len(labels) != positions.size:
        raise AnalysisError(f"names must have one label per peak ({positions.size}), "
                            f"got {len(labels)}")
    if len(set(labels)) != len(labels):
        seen: dict[str, int] = {}
        unique = []
        for lab in labels:
            seen[lab] = seen.get(lab, 0) + 1
            unique.append(lab if seen[lab] == 1 else f"{lab}#{seen[lab]}")
        labels = unique

    estimate = estimate_fwhm(ds[var], dim, positions)
    if window is None:
        if fwhm is not None:
            window = max(1.0, 10.0 * float(fwhm))
        else:                   # adapt to the data: lines broader than ~0.3° widen the window
            broadest = float(np.nanmax(estimate)) if np.isfinite(estimate).any() else 0.0
            window = max(1.0, _WINDOW_PER_FWHM * broadest)
    window = float(window)
    if background is None:
        background = "chebyshev(1)" if group else "chebyshev(3)"
    line_shape = get_lineshape("kalpha_" + key if doublet else key)
    single = line_shape.single if doublet else line_shape
    params = _start_params(key, fwhm, eta, doublet, k, ratio, window)
    lower, upper = _center_bounds(positions, window, max_shift)

    def fit_group(idx):
        peak_list = []
        for j in idx:
            pos = float(positions[j])
            center = Param(pos, min=float(lower[j]), max=float(upper[j]))
            peak_list.append(Peak(f"p{j}", line_shape.name, center=center, **params))
        model = Model(peak_list, background=background)
        rng = (float(positions[idx].min()) - window, float(positions[idx].max()) + window)
        res = fit_peaks(ds, model, dim=dim, var=var, range=rng, weights=weights,
                        **fit_kwargs)
        return res, rng

    index_groups = window_groups(positions, window) if group else [list(range(positions.size))]
    fits = [fit_group(np.asarray(g)) for g in index_groups]
    if len(fits) == 1:
        res = fits[0][0]
    else:
        res = combine_group_fits([r for r, _ in fits], dim)
    order = [j for g in index_groups for j in g]
    res = res.assign_coords(peak=[labels[j] for j in order])
    if group:                                  # back to the order of ``peaks``
        res = res.isel(peak=np.argsort(order, kind="stable"))
    res = _peak_table(res, key, single, labels)
    res["fwhm_at_bound"] = _widths_at_bound(res, single, window, len(labels))
    res.attrs["window"] = window
    res = apply_detection(res, ds[var], dim, [r for _, r in fits])
    for name in ("wavelength", "wavelength_alpha2", "alpha2_ratio"):
        if name in ds.coords and name not in res.coords:
            res = res.assign_coords({name: ds[name]})
    res.attrs.pop("parameters", None)          # fit_peaks' own record; fit_pattern's is written
    res.attrs["method"] = ("kalpha doublet " if doublet else "") + key
    res.attrs["kalpha2"] = int(doublet)
    res.attrs["shape"] = key
    res.attrs["lineshape"] = line_shape.name
    res.attrs["groups"] = [float(v) for _, r in fits for v in r]   # lo0, hi0, lo1, hi1 ...
    res.attrs["fwhm_lorentz_gauss"] = {
        "voigt": "fitted fwhm_l, fwhm_g", "gaussian": "(0, fwhm)", "lorentzian": "(fwhm, 0)",
        "pseudo_voigt": "Thompson-Cox-Hastings: f_L = q(eta) fwhm, f_G from Olivero-Longbothum",
        "split_pseudo_voigt": "Thompson-Cox-Hastings: f_L = q(eta) fwhm, f_G from "
                              "Olivero-Longbothum",
        "pearson7": "Voigt of equal FWHM and integral breadth (de Keijser et al. 1982)"}[key]
    return res
