r"""EXAFS background removal with larch's AUTOBK (``exafs.subtract_background``).

Two engines, both mapped over the batch by :func:`characterization._apply.apply_kernel` (lazily,
chunk by chunk, on dask input): ``engine="larch"`` runs ``larch.xafs.autobk`` per spectrum (the
larch Group lives only inside the kernel; ``background`` and ``chi`` are harvested into the
Dataset); ``engine="batched"`` builds larch's residual (affine in the spline coefficients except
for the clamp scale) for every spectrum of the chunk and solves them together with the batched
Levenberg–Marquardt (:mod:`._autobk`), about 6x faster than the larch loop.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from . import _autobk as AB
from . import _kernels as K
from ._common import REASON, attach, check_increasing, join_reasons
from ._larch import group, harvest, require
from .normalization import normalize_arrays

MODELS = ("autobk",)
ENGINES = ("larch", "batched")
_BLOCK = 256
_OUT = (
    ("background", "1", "μ0(E) background"),
    ("chi", "1", "EXAFS χ(k)"),
    ("background_reason", None, "Why background removal failed or was limited"),
)


def k_grid(energy, k_step) -> np.ndarray:
    """The uniform output k grid: 0 … k of the full energy span, step ``k_step``.

    It depends only on the energy axis (never on a spectrum's E0), so every spectrum of a batch,
    and a spectrum on its own, get the same grid; points beyond a spectrum's data are NaN.
    """
    span = float(np.nanmax(energy) - np.nanmin(energy))
    return k_step * np.arange(int(1.01 + float(K.etok(span)) / k_step), dtype="float64")


def _check_one(energy, mu, e0, step, *, k_range, k_step):
    """Finite points of one spectrum and its notes, or the reason it cannot be treated."""
    fin = np.isfinite(mu) & np.isfinite(energy)
    idx = np.nonzero(fin)[0]
    if idx.size < 10:
        return None, f"only {idx.size} finite points", []
    ef = energy[idx]
    if not (np.isfinite(e0) and ef[0] < e0 < ef[-1]):
        return None, "no E0 inside the data (normalize first)", []
    if not (np.isfinite(step) and step > 0):
        return None, "no positive edge step (normalize first)", []
    kmax_data = float(K.etok(ef[-1] - e0))
    k_lo, k_hi = k_range
    notes = []
    if k_lo >= kmax_data:
        return None, (f"k_range {tuple(k_range)} starts beyond the data "
                      f"(k_max {kmax_data:.2f} 1/angstrom)"), []
    if k_hi is not None and k_hi > kmax_data + k_step:
        notes.append(f"k_range ends beyond the data: clipped to {kmax_data:.2f} 1/angstrom")
    return idx, "", notes


def _autobk_one(energy, mu, e0, step, *, nk, rbkg, k_range, k_weight, dk, taper, clamp_lo,
                clamp_hi, k_step, nfft):
    autobk = require("larch.xafs").autobk
    bkg = np.full(energy.shape, np.nan)
    chi = np.full(nk, np.nan)
    idx, why, notes = _check_one(energy, mu, e0, step, k_range=k_range, k_step=k_step)
    if idx is None:
        return bkg, chi, why
    ef, muf = energy[idx], mu[idx]
    k_lo, k_hi = k_range
    g = group(energy=ef, mu=muf)
    try:
        autobk(g, rbkg=rbkg, e0=float(e0), edge_step=float(step), kmin=k_lo, kmax=k_hi,
               kweight=k_weight, dk=dk, win=taper, nclamp=3,
               clamp_lo=clamp_lo, clamp_hi=clamp_hi, kstep=k_step, nfft=nfft)
    except Exception as exc:  # larch raises plain exceptions from its spline fit
        if isinstance(exc, TypeError) and "NoneType" in str(exc):
            # larch's leastsq returned no covariance: a spline knot the k-weighted window does
            # not constrain (seen with taper="kaiser" and dk=0, as Athena projects store)
            return bkg, chi, ("autobk failed: singular spline fit (a knot the window does not "
                              "constrain); use dk > 0 or taper='hanning'")
        return bkg, chi, f"autobk failed: {type(exc).__name__}: {exc}"
    got = harvest(g, "bkg", "chi")
    if not isinstance(got["chi"], np.ndarray):
        return bkg, chi, "autobk returned no chi(k)"
    bkg[idx] = got["bkg"]
    m = min(nk, got["chi"].size)
    chi[:m] = got["chi"][:m]
    return bkg, chi, join_reasons(*notes)


def _flat_batch(mu, e0, step, nk):
    """The batch as rows (spectra) plus NaN outputs to fill: background, χ(k), reason."""
    shape, n = mu.shape[:-1], mu.shape[-1]
    flat = mu.reshape(-1, n)
    e0 = np.broadcast_to(e0, shape).reshape(-1)
    step = np.broadcast_to(step, shape).reshape(-1)
    bkg = np.full(flat.shape, np.nan)
    chi = np.full((flat.shape[0], nk), np.nan)
    reason = np.full(flat.shape[0], "", dtype=REASON)
    return shape, n, flat, e0, step, bkg, chi, reason


def _background_kernel(mu, e0, step, *, energy, nk, **kw):
    shape, n, flat, e0, step, bkg, chi, reason = _flat_batch(mu, e0, step, nk)
    for b in range(flat.shape[0]):
        bkg[b], chi[b], reason[b] = _autobk_one(energy, flat[b], e0[b], step[b], nk=nk, **kw)
    return bkg.reshape(shape + (n,)), chi.reshape(shape + (nk,)), reason.reshape(shape)


def _batched_block(rows, flat, e0, step, energy, bkg, chi, reason, *, nk, k_range, k_step,
                   **kw):
    """Set up, solve and harvest the spectra ``rows`` of the flat batch (outputs in place)."""
    todo, parts, kept, notes = [], [], [], []
    for b in rows:
        idx, why, note = _check_one(energy, flat[b], e0[b], step[b], k_range=k_range,
                                    k_step=k_step)
        if idx is None:
            reason[b] = why
            continue
        try:
            part = AB.setup(energy[idx], flat[b, idx], float(e0[b]), float(step[b]),
                            k_lo=k_range[0], k_hi=k_range[1], k_step=k_step, **kw)
        except (ValueError, np.linalg.LinAlgError) as exc:  # scipy spline set-up refused
            reason[b] = f"autobk failed: {type(exc).__name__}: {exc}"
            continue
        todo.append(b)
        parts.append(part)
        kept.append(idx)
        notes.append(note)
    if not parts:
        return
    coefs, _status, why = AB.solve(parts)
    for b, part, idx, c, w, note in zip(todo, parts, kept, coefs, why, notes):
        if w:
            reason[b] = w
            continue
        bk, ch = AB.outputs(part, c, flat[b, idx], step[b])
        bkg[b, idx] = bk
        m = min(nk, ch.size)
        chi[b, :m] = ch[:m]
        reason[b] = join_reasons(*note)


def _batched_kernel(mu, e0, step, *, energy, nk, rbkg, k_range, k_weight, dk, taper, clamp_lo,
                    clamp_hi, k_step, nfft):
    """The chunk in batched AUTOBK solves of ``_BLOCK`` spectra (:mod:`._autobk`), no larch."""
    shape, n, flat, e0, step, bkg, chi, reason = _flat_batch(mu, e0, step, nk)
    # blocks of _BLOCK spectra bound the memory of the per-spectrum bases (~0.2 MB each)
    for first in range(0, flat.shape[0], _BLOCK):
        rows = range(first, min(first + _BLOCK, flat.shape[0]))
        _batched_block(rows, flat, e0, step, energy, bkg, chi, reason, nk=nk, rbkg=rbkg,
                       k_range=k_range, k_weight=k_weight, dk=dk, taper=taper,
                       clamp_lo=clamp_lo, clamp_hi=clamp_hi, k_step=k_step, nfft=nfft)
    return bkg.reshape(shape + (n,)), chi.reshape(shape + (nk,)), reason.reshape(shape)


def _edge_of(ds, dim, var):
    """(e0, edge_step) DataArrays: from a prior normalize, else computed with larch defaults."""
    if "e0" in ds.data_vars and "edge_step" in ds.data_vars:
        return ds["e0"].drop_attrs(), ds["edge_step"].drop_attrs()
    res = apply_kernel(normalize_arrays, ds[var], np.nan, np.nan,
                       input_core_dims=[[dim], [], []],
                       output_core_dims=[[dim]] * 4 + [[]] * 3 + [["bound"]] * 2 + [[]],
                       output_dtypes=[float] * 9 + [REASON], output_sizes={"bound": 2},
                       kwargs=dict(energy=ds[dim].values, pre_range=None, post_range=None,
                                   pre_degree=1, post_degree=None, victoreen=0))
    return res[4], res[5]


@public("exafs", batch_dim="sample", transform=True, headline=())
def subtract_background(ds: xr.Dataset, *, model: str = "autobk", rbkg: float = 1.0,
                        k_range=(0, None), k_weight: float = 2, dk: float = 0.1,
                        taper: str = "hanning", clamp_lo: float = 0, clamp_hi: float = 1,
                        k_step: float = 0.05, nfft: int = 2048, engine: str = "larch",
                        dim: str | None = None,
                        var: str | None = None, errors: str = "nan") -> xr.Dataset:
    r"""Remove the smooth atomic background μ0(E) and extract χ(k) (AUTOBK, through larch).

    .. math::

        \chi(k) = \frac{\mu(E) - \mu_0(E)}{\Delta\mu_0}, \qquad
        k = \sqrt{2 m_e (E - E_0)/\hbar^2},

    where μ0 is a cubic spline in k with :math:`N = 1 + 2 r_{bkg}(k_{max}-k_{min})/\pi` knots
    chosen so that the Fourier transform of χ(k)·k^w·Ω(k) below ``rbkg`` is minimal, with
    optional clamps at the spline ends (Newville et al. 1993). Done per spectrum by
    ``larch.xafs.autobk`` (the numbers are larch's), or with ``engine="batched"`` for the whole
    batch at once with larch's residual (same minimum), with E0 and the edge step of a prior
    :func:`normalize` (else larch's defaults).

    Parameters
    ----------
    ds : xarray.Dataset
        ``mu(..., energy)`` (eV), ideally with ``e0`` and ``edge_step`` from :func:`normalize`.
    model : {"autobk"}
        Background model (only AUTOBK).
    rbkg : float
        R below which χ(R) is minimised (angstrom); sets the number of spline knots.
    k_range : (float, float or None)
        k range of the spline (1/angstrom); None as upper bound: the end of the data. An upper
        bound beyond the data is clipped (reason recorded).
    k_weight : float
        k weight of χ(k) in the FT that is minimised.
    dk : float
        Sill width of the FT window (1/angstrom).
    taper : str
        FT window shape (larch's ``win``: "hanning", "kaiser", ...).
    clamp_lo, clamp_hi : float
        Weights of the low- and high-k spline clamps (0 = off; larch defaults 0 and 1).
    k_step : float
        Step of the output k grid (1/angstrom).
    nfft : int
        FFT length used inside AUTOBK.
    engine : {"larch", "batched"}
        ``"larch"``: ``larch.xafs.autobk`` per spectrum (its numbers). ``"batched"``: the same
        spline, knots, residual and clamps solved for the whole batch (chunk) at once with the
        package's batched Levenberg–Marquardt and the exact Jacobian (no larch; see
        :mod:`characterization.exafs._autobk`); equal to larch's minimum within larch's own
        stopping tolerance (ftol 1e-6), several times faster.
    dim, var : str, optional
        Signal dim and μ variable (default ``energy``, ``mu``).
    errors : {"nan", "raise"}
        A spectrum AUTOBK cannot treat gives NaN and its ``background_reason``; ``"raise"``
        raises instead.

    Returns
    -------
    xarray.Dataset
        The input plus ``background`` (energy; equal to μ below E0, as larch), ``chi(..., k)``
        on k = 0, k_step, … up to the k of the whole energy span (NaN beyond each spectrum's
        data) and ``background_reason``.

    Notes
    -----
    Assumptions: one edge, E0 and edge step right (normalise first). Limitations: with
    ``engine="larch"`` the spline is fitted per spectrum; uncertainties of χ(k) are not
    propagated (no ``delta_chi``).

    References
    ----------
    M. Newville, P. Līviņš, Y. Yacoby, J. J. Rehr & E. A. Stern, Phys. Rev. B 47, 14126 (1993);
    M. Newville, J. Phys.: Conf. Ser. 430, 012007 (2013).

    Examples
    --------
    >>> from characterization import exafs, synthetic
    >>> ds = exafs.normalize(synthetic.xas_spectra(2, seed=0))
    >>> out = exafs.subtract_background(ds, rbkg=1.0, k_weight=2)
    >>> out.chi.dims
    ('sample', 'k')
    >>> fast = exafs.subtract_background(ds, rbkg=1.0, k_weight=2, engine="batched")
    >>> bool(abs(fast.chi - out.chi).max() < 1e-3 * abs(out.chi).max())
    True
    """
    fname = "exafs.subtract_background"
    if model not in MODELS:
        raise AnalysisError(f"{fname}: unknown model {model!r}; known: {', '.join(MODELS)}")
    if engine not in ENGINES:
        raise AnalysisError(f"{fname}: unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    if errors not in ("nan", "raise"):
        raise AnalysisError(f"{fname}: errors must be 'nan' or 'raise', got {errors!r}")
    if len(k_range) != 2 or k_range[0] is None or k_range[0] < 0:
        raise AnalysisError(f"{fname}: k_range must be (k_min >= 0, k_max or None), "
                            f"got {k_range!r}")
    if k_range[1] is not None and k_range[1] <= k_range[0]:
        raise AnalysisError(f"{fname}: k_range {tuple(k_range)} is empty")
    try:
        taper = K.taper_name(taper)
    except ValueError as exc:
        raise AnalysisError(f"{fname}: {exc}") from None
    if not rbkg > 0 or not k_step > 0:
        raise AnalysisError(f"{fname}: rbkg and k_step must be positive")
    ds = check_increasing(ds, dim, fname)
    e0, step = _edge_of(ds, dim, var)
    k = k_grid(ds[dim].values, k_step)
    bkg, chi, reason = apply_kernel(
        _background_kernel if engine == "larch" else _batched_kernel, ds[var], e0, step,
        input_core_dims=[[dim], [], []], output_core_dims=[[dim], ["k"], []],
        output_dtypes=[float, float, REASON], output_sizes={"k": k.size},
        kwargs=dict(energy=ds[dim].values, nk=k.size, rbkg=float(rbkg),
                    k_range=(float(k_range[0]), None if k_range[1] is None
                             else float(k_range[1])),
                    k_weight=k_weight, dk=float(dk), taper=taper, clamp_lo=float(clamp_lo),
                    clamp_hi=float(clamp_hi), k_step=float(k_step), nfft=int(nfft)))
    # a new chi(k) makes earlier chi(k), chi(R) and chi(q) stale: drop them
    out = ds.drop_dims([d for d in ("k", "r", "q") if d in ds.dims])
    out = out.drop_vars([n for n, _, _ in _OUT if n in out.data_vars])
    out = out.assign(background=bkg, chi=chi.assign_coords(k=("k", k)),
                     background_reason=reason)
    out["k"].attrs = {"units": "1/angstrom", "long_name": "Photoelectron wavenumber k"}
    attach(out, _OUT)
    if errors == "raise":
        failed = out["background_reason"].where(out["chi"].isnull().all("k"), "").values.ravel()
        failed = [str(r) for r in failed if r]
        if failed:
            raise AnalysisError(f"{fname}: {failed[0]}")
    out.attrs["method"] = ("autobk (larch, per spectrum)" if engine == "larch"
                           else "autobk (batched Levenberg-Marquardt, larch's residual)")
    return out
