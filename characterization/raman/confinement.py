r"""Crystallite size of silicon from the phonon-confinement shift of its Raman line.

Two routes from the shift :math:`\Delta\omega = \omega - \omega_\mathrm{bulk}` (1/cm) of the
first-order optical phonon to a diameter :math:`D` (nm):

* **Zi et al. (1997)**: the empirical relation fitted to their bond-polarizability (BPM)
  lattice-dynamical calculation for Si spheres,
  :math:`\Delta\omega = -A\,(a/D)^\gamma`, inverted in closed form;
* **Richter–Wang–Ley / Campbell–Fauchet phonon-confinement model (PCM)**, computed here: the
  line shape

  .. math:: I(\omega; D) \propto \int_{\mathrm{BZ}} \frac{\exp(-q^2 D^2 / 2\alpha)}
            {(\omega - \omega(q))^2 + (\Gamma_0/2)^2}\, d^3q

  is integrated numerically on a grid of :math:`D` once (cached per parameter set), its
  maximum and FWHM are located, and the measured shift (or FWHM) is inverted by interpolation.

Only numpy is imported at module level; nothing is computed at import.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from .._api import provenance_attrs
from ..errors import AnalysisError

#: Lattice constant of Si (nm), the length unit of Zi's relation and of the wavevector 2π/a.
LATTICE_CONSTANT = 0.543
#: Zi et al., PRB 55, 9263 (1997), spheres: Δω = -A (a/D)^γ.
ZI_A = 47.41
ZI_GAMMA = 1.44
#: Campbell–Fauchet (1986) confinement exponent; Richter et al. (1981) used alpha = 2.
ALPHA_CAMPBELL_FAUCHET = 8.0 * math.pi ** 2
#: Averaged Si optical-phonon dispersion of Paillard et al. (1999): ω²(q) = A + B cos(πq/2).
PAILLARD_A = 1.714e5
PAILLARD_B = 1.000e5
#: Quadratic dispersion ω(q) = ω(0) - 120 q² (q in units of 2π/a).
QUADRATIC_COEFFICIENT = 120.0
DISPERSIONS = ("paillard", "quadratic")
MODELS = ("both", "zi", "richter")

#: Status codes of the size variables.
STATUS = {0: "ok",
          1: "lower bound: |shift| below what d_max gives (size >= d_max, reported as d_max)",
          2: "positive shift (or FWHM below the bulk width): not phonon confinement; NaN",
          3: "shift (or FWHM) beyond what d_min gives: outside the model's range; NaN",
          4: "no measured value (NaN input)"}

_N_Q = 800          # Gauss-Legendre nodes over the occupied part of the zone
_TABLE_SIZES = (1.0, 100.0, 241)


# ------------------------------------------------------------------ the PCM kernel
def _dispersion_offset(q, dispersion):
    """ω(q) − ω(0) (1/cm) of the Si optical branch, q in units of 2π/a (0..1, spherical BZ)."""
    if dispersion == "paillard":
        return np.sqrt(PAILLARD_A + PAILLARD_B * np.cos(0.5 * np.pi * q)) - math.sqrt(
            PAILLARD_A + PAILLARD_B)
    if dispersion == "quadratic":
        return -QUADRATIC_COEFFICIENT * q * q
    raise AnalysisError(f"dispersion must be one of {DISPERSIONS}, got {dispersion!r}")


@functools.lru_cache(maxsize=1)
def _legendre():
    return np.polynomial.legendre.leggauss(_N_Q)


def _nodes(size, alpha, dispersion):
    """Quadrature of the q integral for one diameter: phonon offsets δ_i and weights w_i.

    With q in units of 2π/a the confinement factor is exp(-c q²), c = 2π² D² / (α a²);
    d³q over a sphere of radius 1 gives the q² factor. Nodes cover [0, min(1, sqrt(40/c))].
    """
    c = 2.0 * math.pi ** 2 * size ** 2 / (alpha * LATTICE_CONSTANT ** 2)
    q_hi = min(1.0, math.sqrt(40.0 / c))
    t, w = _legendre()
    q = 0.5 * q_hi * (t + 1.0)
    weight = 0.5 * q_hi * w * q * q * np.exp(-c * q * q)
    return _dispersion_offset(q, dispersion), weight / weight.sum()


def _lorentz_sum(omega, offsets, weights, half, order=0):
    """Σ w_i L(ω - δ_i) (order 0) or its first derivative (order 1); ω (..., ) broadcast."""
    d = np.asarray(omega, dtype=float)[..., None] - offsets
    den = d * d + half * half
    if order == 0:
        return (weights / den).sum(axis=-1)
    return (weights * (-2.0 * d) / (den * den)).sum(axis=-1)


def _bisect(func, lo, hi, n=60):
    """Root of a scalar function with a sign change on [lo, hi] (bisection)."""
    f_lo = func(lo)
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        f_mid = func(mid)
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _line_properties(size, alpha, dispersion, gamma0):
    """Peak offset from ω(0), FWHM, low/high half-width ratio and peak value for one D."""
    offsets, weights = _nodes(size, alpha, dispersion)
    half = 0.5 * gamma0
    step = gamma0 / 8.0
    grid = np.arange(offsets.min() - 8.0 * gamma0, 8.0 * gamma0 + step, step)
    values = _lorentz_sum(grid, offsets, weights, half)
    k = int(np.clip(np.argmax(values), 1, grid.size - 2))
    peak = _bisect(lambda w: _lorentz_sum(w, offsets, weights, half, 1), grid[k - 1],
                   grid[k + 1])
    top = float(_lorentz_sum(peak, offsets, weights, half))

    def excess(w):
        return float(_lorentz_sum(w, offsets, weights, half)) - 0.5 * top

    below = values < 0.5 * top
    i_left = np.flatnonzero(below[:k])[-1]
    i_right = k + np.flatnonzero(below[k:])[0]
    left = _bisect(excess, grid[i_left], grid[i_left + 1])
    right = _bisect(excess, grid[i_right - 1], grid[i_right])
    return peak, right - left, (peak - left) / (right - peak), top


@functools.lru_cache(maxsize=16)
def _table(alpha, dispersion, gamma0):
    """Model curves on a geometric grid of diameters (computed once per parameter set)."""
    sizes = np.geomspace(*_TABLE_SIZES[:2], _TABLE_SIZES[2])
    props = np.array([_line_properties(d, alpha, dispersion, gamma0)[:3] for d in sizes])
    shift, fwhm, asym = props.T
    if not np.all(np.diff(shift) > 0):
        raise AnalysisError("phonon-confinement shift is not monotonic in D for these "
                            f"parameters (alpha={alpha}, dispersion={dispersion!r}, "
                            f"gamma0={gamma0}); cannot invert")
    # Below ~1.4 nm (alpha = 8 pi^2) the whole zone is sampled and the FWHM stops growing:
    # the FWHM is invertible only from the first D after which it decreases monotonically.
    rising = np.flatnonzero(np.diff(fwhm) >= 0)
    fwhm_start = int(rising[-1] + 1) if rising.size else 0
    for a in (sizes, shift, fwhm, asym):
        a.setflags(write=False)
    return sizes, shift, fwhm, asym, fwhm_start


def _check_model_params(alpha, dispersion, gamma0):
    if dispersion not in DISPERSIONS:
        raise AnalysisError(f"dispersion must be one of {DISPERSIONS}, got {dispersion!r}")
    if not (np.isfinite(alpha) and alpha > 0 and np.isfinite(gamma0) and gamma0 > 0):
        raise AnalysisError(f"alpha and gamma0 must be positive numbers, got {alpha}, {gamma0}")
    return float(alpha), str(dispersion), float(gamma0)


def confinement_curve(sizes=None, *, alpha: float = ALPHA_CAMPBELL_FAUCHET,
                      dispersion: str = "paillard", gamma0: float = 3.5) -> xr.Dataset:
    r"""Peak shift, FWHM and asymmetry of the phonon-confinement (PCM) line versus diameter.

    Evaluates the model of :func:`confinement_size` (see there for the equation and
    parameters) at ``sizes`` (nm; default: the internal table, 1–100 nm, 241 geometric steps).

    Returns
    -------
    xarray.Dataset
        Dim ``diameter`` (nm) with ``peak_shift`` (peak maximum minus ω(0), 1/cm),
        ``fwhm`` (1/cm) and ``asymmetry`` (low- over high-wavenumber half width, 1).

    Examples
    --------
    >>> curve = confinement_curve([5.0, 10.0])
    >>> curve.peak_shift.round(1).values.tolist()
    [-4.0, -1.4]
    """
    alpha, dispersion, gamma0 = _check_model_params(alpha, dispersion, gamma0)
    if sizes is None:
        sizes, shift, fwhm, asym, _ = _table(alpha, dispersion, gamma0)
    else:
        sizes = np.atleast_1d(np.asarray(sizes, dtype=float))
        if not np.all(sizes > 0):
            raise AnalysisError("sizes must be positive (nm)")
        shift, fwhm, asym = np.array([_line_properties(d, alpha, dispersion, gamma0)[:3]
                                      for d in sizes]).T
    ds = xr.Dataset(
        {"peak_shift": ("diameter", np.array(shift),
                        {"units": "1/cm", "long_name": "PCM peak shift from ω(q=0)"}),
         "fwhm": ("diameter", np.array(fwhm), {"units": "1/cm", "long_name": "PCM line FWHM"}),
         "asymmetry": ("diameter", np.array(asym),
                       {"units": "1", "long_name": "PCM half-width ratio low/high wavenumber"})},
        coords={"diameter": ("diameter", np.array(sizes),
                             {"units": "nm", "long_name": "Crystallite diameter"})})
    ds.attrs.update(provenance_attrs("raman.confinement_curve",
                                     "Richter-Wang-Ley / Campbell-Fauchet phonon confinement",
                                     {"alpha": alpha, "dispersion": dispersion,
                                      "gamma0": gamma0}))
    return ds


def confinement_line_shape(raman_shift, size, *, bulk_position: float = 520.7,
                           alpha: float = ALPHA_CAMPBELL_FAUCHET, dispersion: str = "paillard",
                           gamma0: float = 3.5) -> np.ndarray:
    """PCM line shape of a sphere of diameter ``size`` (nm) on ``raman_shift`` (1/cm).

    ω(q) is shifted so that ω(0) = ``bulk_position``; the result has unit maximum. Used by
    :mod:`characterization.synthetic.raman_silicon`. ``raman_shift`` and ``bulk_position``
    broadcast (e.g. (N,) and (B, 1) give (B, N)).
    """
    alpha, dispersion, gamma0 = _check_model_params(alpha, dispersion, gamma0)
    offsets, weights = _nodes(float(size), alpha, dispersion)
    _, _, _, top = _line_properties(float(size), alpha, dispersion, gamma0)
    x = np.asarray(raman_shift, dtype=float) - np.asarray(bulk_position, dtype=float)
    flat = x.ravel()
    out = np.empty_like(flat)
    for start in range(0, flat.size, 8192):         # bounded memory: chunk x _N_Q floats
        out[start:start + 8192] = _lorentz_sum(flat[start:start + 8192], offsets, weights,
                                               0.5 * gamma0)
    return (out / top).reshape(x.shape)


# ------------------------------------------------------------------ inversion kernels
def _zi_kernel(shift, shift_err, d_min, d_max):
    """Zi: D = a (A / -Δω)^(1/γ); σ_D = D σ_Δω / (γ |Δω|). Returns size, stderr, status."""
    with np.errstate(all="ignore"):
        size = LATTICE_CONSTANT * (ZI_A / -shift) ** (1.0 / ZI_GAMMA)
        err = size * shift_err / (ZI_GAMMA * np.abs(shift))
    return _classify(shift, size, err, d_min, d_max, shift_at=lambda d: -ZI_A * (
        LATTICE_CONSTANT / d) ** ZI_GAMMA)


def _richter_kernel(value, value_err, d_min, d_max, *, table, kind):
    """Invert the PCM table: log D interpolated against the shift (or against the FWHM)."""
    sizes, shift, fwhm, _, start = table
    if kind == "fwhm":
        sizes, fwhm = sizes[start:], fwhm[start:]
        d_min = max(d_min, sizes[0])
    log_d = np.log(sizes)
    xp = shift if kind == "shift" else fwhm[::-1]
    fp = log_d if kind == "shift" else log_d[::-1]
    slope = np.gradient(fp, xp)
    with np.errstate(all="ignore"):
        size = np.exp(np.interp(value, xp, fp, left=np.nan, right=np.nan))
        err = size * np.abs(np.interp(value, xp, slope)) * value_err
    if kind == "shift":
        return _classify(value, size, err, d_min, d_max,
                         shift_at=lambda d: np.interp(np.log(d), log_d, shift))
    bulk = fwhm[-1]
    return _classify(bulk - value, size, err, d_min, d_max,
                     shift_at=lambda d: bulk - np.interp(np.log(d), log_d, fwhm))


def _classify(shift, size, err, d_min, d_max, *, shift_at):
    """Apply the validity rules; ``shift`` is negative under confinement."""
    shift = np.asarray(shift, dtype=float)
    status = np.zeros(shift.shape, dtype=np.int64)
    at_min, at_max = shift_at(d_min), shift_at(d_max)
    missing = ~np.isfinite(shift)
    positive = shift > 0
    too_small = shift < at_min
    lower = ~positive & (shift > at_max)
    status[lower] = 1
    status[too_small] = 3
    status[positive] = 2
    status[missing] = 4
    size = np.where(status == 0, size, np.where(status == 1, d_max, np.nan))
    err = np.where(status == 0, err, np.nan)
    return size, err, status


# ------------------------------------------------------------------ the public function
@public("raman", accepts=(xr.Dataset, xr.DataArray, float, int),
        headline=("peak_shift", "size_zi", "size_richter"))
def confinement_size(ds_or_result, *, model: str = "both", reference: float = 520.7,
                     alpha: float = ALPHA_CAMPBELL_FAUCHET, dispersion: str = "paillard",
                     gamma0: float = 3.5, d_min: float = 1.5, d_max: float = 20.0,
                     use_fwhm: bool = False, fit_kwargs: dict | None = None) -> xr.Dataset:
    r"""Si crystallite diameter from the phonon-confinement red shift of the Raman line.

    **(a) Zi et al. (1997)**, spheres: :math:`\Delta\omega = -A\,(a/D)^{\gamma}`, inverted as

    .. math:: D = a\,\left(\frac{A}{-\Delta\omega}\right)^{1/\gamma}, \qquad
              a = 0.543\ \mathrm{nm},\ A = 47.41\ \mathrm{cm^{-1}},\ \gamma = 1.44

    (the relation Zi et al. fitted to their bond-polarizability-model calculation for Si
    spheres; their columns have other constants).

    **(b) Phonon-confinement model** (Richter, Wang & Ley 1981; Campbell & Fauchet 1986),
    computed here for a sphere of diameter :math:`D`:

    .. math:: I(\omega) \propto \int_0^{1} \frac{4\pi q^2\,
              \exp\!\left(-\frac{2\pi^2 q^2 D^2}{\alpha a^2}\right)}
              {\left(\omega - \omega(q)\right)^2 + (\Gamma_0/2)^2}\,dq

    i.e. :math:`\exp(-q_\mathrm{phys}^2 D^2/2\alpha)` with :math:`q_\mathrm{phys} = 2\pi q/a`,
    over a spherical Brillouin zone of radius :math:`2\pi/a` (isotropic dispersion). Defaults:
    :math:`\alpha = 8\pi^2` (Campbell–Fauchet; ``alpha=2`` is Richter's original, much weaker
    confinement), the averaged optical dispersion of Paillard et al. (1999)
    :math:`\omega^2(q) = A + B\cos(\pi q/2)`, :math:`A = 1.714\times10^5`,
    :math:`B = 1.000\times10^5\ \mathrm{cm^{-2}}` (``dispersion="quadratic"``:
    :math:`\omega(0) - 120\,q^2`; the two agree to < 0.1 cm⁻¹ for D ≥ 3 nm), and
    :math:`\Gamma_0 = 3.5\ \mathrm{cm^{-1}}`. The model's peak maximum minus :math:`\omega(0)`
    and its FWHM are tabulated on 1–100 nm (241 geometric steps, 800-node Gauss–Legendre
    quadrature, maximum and half-height points by bisection; computed once per parameter
    set and cached) and the measured shift is inverted by interpolating :math:`\ln D`.

    Parameters
    ----------
    ds_or_result : xarray.Dataset, xarray.DataArray or number
        A :func:`~characterization.raman.fit_silicon` result (uses ``peak_shift``,
        ``peak_shift_stderr`` and ``fwhm``), any Dataset with a ``peak_shift`` variable
        (1/cm), a
        DataArray of shifts, or a Raman spectra Dataset, which is first fitted with
        ``fit_silicon(ds, reference=reference, **fit_kwargs)``.
    model : {"both", "zi", "richter"}
        Which sizes to return.
    reference : float
        Bulk Si position (1/cm) used only when spectra are given. Use the position of a bulk
        Si wafer measured on the same instrument the same day: a calibration offset of
        1 cm⁻¹ is as large as the confinement shift of a 10 nm crystal.
    alpha, dispersion, gamma0 : float, str, float
        PCM parameters (above). Set ``gamma0`` to the FWHM of your bulk reference.
    d_min, d_max : float
        Validity range (nm). Shifts beyond what ``d_min`` gives are NaN (status 3: the
        continuum model is meaningless for crystals of a few unit cells); shifts smaller
        than what ``d_max`` gives are reported as ``d_max`` with status 1 (lower bound: the
        shift is then below 0.5 cm⁻¹, comparable to calibration and strain effects).
        Positive shifts give NaN (status 2).
    use_fwhm : bool
        Also invert the measured FWHM with the PCM (``size_richter_fwhm``). The measured
        width also holds instrumental, strain and size-distribution broadening, so this size
        is a lower bound unless ``gamma0`` is the reference's measured FWHM.
    fit_kwargs : dict, optional
        Keyword arguments for :func:`fit_silicon` when spectra are given.

    Returns
    -------
    xarray.Dataset
        Batch dims of the input with ``peak_shift`` (1/cm, the input), and per model
        ``size_zi`` / ``size_richter`` (nm), ``*_stderr`` (nm, propagated from
        ``peak_shift_stderr``: :math:`\sigma_D = |dD/d\Delta\omega|\,\sigma_{\Delta\omega}`) and
        ``status_*`` (codes in attrs, :data:`STATUS`); with ``use_fwhm`` also
        ``size_richter_fwhm``. Each size variable names its model in ``attrs["model"]``.

    Warns
    -----
    UserWarning
        When any shift is positive or outside the model's range (eager inputs only; for
        dask inputs only the status variables record it).

    Notes
    -----
    Assumptions: spherical, strain-free crystals of one size (a size distribution weights
    the larger crystals), no heating by the laser (which also red-shifts), and a shift
    measured against a bulk reference on the same instrument. The two models differ: at
    5 and 10 nm the Campbell–Fauchet PCM gives about twice Zi's shift, so its sizes are
    larger for the same shift; report the model with the number. Below ~2 nm neither is
    reliable.

    References
    ----------
    H. Richter, Z. P. Wang, L. Ley, Solid State Commun. 39, 625 (1981);
    I. H. Campbell, P. M. Fauchet, Solid State Commun. 58, 739 (1986);
    J. Zi et al., Phys. Rev. B 55, 9263 (1997);
    V. Paillard, P. Puech, M. A. Laguna, R. Carles, B. Kohn, F. Huisken,
    J. Appl. Phys. 86, 1921 (1999).

    Examples
    --------
    >>> import xarray as xr
    >>> res = confinement_size(xr.DataArray([-8.2, -1.0], dims="sample",
    ...                                     attrs={"units": "1/cm"}))
    >>> res.size_zi.round(2).values.tolist(), res.size_richter.round(1).values.tolist()
    ([1.84, 7.92], [3.2, 12.8])
    """
    if model not in MODELS:
        raise AnalysisError(f"model must be one of {MODELS}, got {model!r}")
    alpha, dispersion, gamma0 = _check_model_params(alpha, dispersion, gamma0)
    if not (0 < d_min < d_max):
        raise AnalysisError(f"need 0 < d_min < d_max, got {d_min}, {d_max}")
    shift, shift_err, fwhm, fwhm_err = _inputs(ds_or_result, reference, fit_kwargs)
    if use_fwhm and fwhm is None:
        raise AnalysisError("use_fwhm=True needs a 'fwhm' variable (a fit_silicon result)")
    out = xr.Dataset({"peak_shift": shift.copy()})
    out["peak_shift"].attrs = {"units": "1/cm",
                               "long_name": "Raman shift from bulk Si, ω - ω_ref"}
    models = ("zi", "richter") if model == "both" else (model,)
    table = _table(alpha, dispersion, gamma0) if model != "zi" else None
    jobs = []
    if "zi" in models:
        jobs.append(("size_zi", functools.partial(_zi_kernel, d_min=d_min, d_max=d_max), shift,
                     shift_err, f"Zi et al. PRB 55, 9263 (1997), spheres: A={ZI_A} 1/cm, "
                                f"gamma={ZI_GAMMA}, a={LATTICE_CONSTANT} nm"))
    pcm = (f"Richter-Wang-Ley/Campbell-Fauchet PCM: alpha={alpha:.6g}, dispersion={dispersion}, "
           f"gamma0={gamma0} 1/cm, a={LATTICE_CONSTANT} nm, sphere")
    if "richter" in models:
        jobs.append(("size_richter", functools.partial(_richter_kernel, d_min=d_min,
                                                        d_max=d_max, table=table,
                                                        kind="shift"),
                     shift, shift_err, pcm + ", from the peak shift"))
    if use_fwhm:
        table = table or _table(alpha, dispersion, gamma0)
        jobs.append(("size_richter_fwhm", functools.partial(_richter_kernel, d_min=d_min,
                                                             d_max=d_max, table=table,
                                                             kind="fwhm"),
                     fwhm, fwhm_err, pcm + ", from the FWHM"))
    for name, kernel, value, err, description in jobs:
        size, size_err, status = apply_kernel(
            kernel, value, err, input_core_dims=[[], []], output_core_dims=[[], [], []],
            output_dtypes=[float, float, np.int64])
        suffix = name[len("size_"):]
        out[name] = size.assign_attrs(units="nm", long_name=f"Crystallite diameter ({suffix})",
                                      model=description)
        out[f"{name}_stderr"] = size_err.assign_attrs(
            units="nm", long_name=f"Standard error of the diameter ({suffix})")
        out[f"status_{suffix}"] = status.assign_attrs(
            units="1", long_name=f"Size status ({suffix})",
            codes="; ".join(f"{k}: {v}" for k, v in STATUS.items()))
    _warn(out)
    out.attrs = {"method": "Si crystallite size from the Raman phonon-confinement shift",
                 "parameters": {"zi": {"A": ZI_A, "gamma": ZI_GAMMA, "a": LATTICE_CONSTANT}}}
    return out


def _inputs(obj, reference, fit_kwargs):
    """(peak_shift, its stderr, fwhm, fwhm_stderr) as DataArrays (fwhm ones may be None)."""
    if isinstance(obj, (int, float, np.ndarray, list, tuple)) and not isinstance(obj, bool):
        obj = xr.DataArray(np.asarray(obj, dtype=float), attrs={"units": "1/cm"})
    if isinstance(obj, xr.DataArray):
        units = obj.attrs.get("units", "1/cm")
        if units not in ("1/cm", "cm^-1", "cm**-1", "1 / cm"):
            raise AnalysisError(f"shift must be in 1/cm, got units {units!r}")
        return obj, xr.full_like(obj, np.nan, dtype=float), None, None
    if not isinstance(obj, xr.Dataset):
        raise AnalysisError(f"expected a Dataset, DataArray or numbers, got {type(obj).__name__}")
    if "peak_shift" not in obj.data_vars:
        from .silicon import fit_silicon

        obj = fit_silicon(obj, **{"reference": reference, **(fit_kwargs or {})})
    shift = obj["peak_shift"]
    if shift.attrs.get("units", "1/cm") != "1/cm":
        raise AnalysisError(f"'peak_shift' must be in 1/cm, got {shift.attrs['units']!r}")
    err = obj["peak_shift_stderr"] if "peak_shift_stderr" in obj else xr.full_like(shift, np.nan)
    fwhm = obj["fwhm"] if "fwhm" in obj else None
    fwhm_err = None
    if fwhm is not None:
        fwhm_err = obj["fwhm_stderr"] if "fwhm_stderr" in obj else xr.full_like(fwhm, np.nan)
    return shift, err, fwhm, fwhm_err


def _warn(out):
    status = [out[n] for n in out.data_vars if n.startswith("status_")]
    if any(s.chunks is not None for s in status):
        return
    for s in status:
        codes = np.asarray(s.values)
        for code in (2, 3):
            n = int((codes == code).sum())
            if n:
                warnings.warn(f"{s.attrs['long_name']}: {n} value(s) with status {code} "
                              f"({STATUS[code]})", UserWarning, stacklevel=4)
