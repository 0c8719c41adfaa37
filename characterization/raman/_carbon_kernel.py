"""Numpy core of :func:`characterization.raman.fit_carbon`: every candidate band model fitted
to the whole batch with the batched engine, BIC selection per spectrum, I_D/I_G with errors.

Arrays in, arrays out (no xarray, no dask), so the wrapper runs it eagerly or per dask block
with identical numbers: every spectrum is solved independently. Parallelism is dask's: chunk
the batch dims and every block is fitted on its own worker.
"""

from __future__ import annotations

import numpy as np

from ..fit import _kernels
from ..fit.derived import _steps
from ..fit.solver import SolverOptions

QUANTITIES = ("center", "fwhm", "height", "area")
#: Spectra handed to the engine at once (bounds the memory of best-fit and covariance arrays;
#: results do not depend on it).
CHUNK = 4096
NO_MODEL = "none"


class Candidate:
    """One band model compiled for the kernel: peak columns, labels and the D/G peaks."""

    def __init__(self, name, model, labels, d_peak, g_peak, param_labels):
        self.name = name
        self.model = model
        self.labels = labels                  # peak name -> label on the peak dim
        self.n_free = sum(1 for s in model.slots if s.free)
        cols, start = {}, 0
        for peak in model.peaks:
            cols[peak.name] = (peak, slice(start, start + len(peak.params)))
            start += len(peak.params)
        self.cols = cols
        self.d_peak, self.g_peak = d_peak, g_peak
        self.param_labels = param_labels      # labels of model.parameter_names, in order


def outputs(n_peaks, n_cand, n_params, n_points, best_fit):
    """(name, core shape, dtype) of every kernel output, in order."""
    out = [(q, (n_peaks,), float) for q in QUANTITIES]
    out += [(f"{q}_stderr", (n_peaks,), float) for q in QUANTITIES]
    out += [(name, (), float) for name in ("id_ig_height", "id_ig_height_stderr", "id_ig_area",
                                           "id_ig_area_stderr", "chisqr", "redchi")]
    out += [("success", (), bool), ("n_points", (), np.int64), ("model", (), "<U32"),
            ("bic", (n_cand,), float), ("value", (n_params,), float),
            ("stderr", (n_params,), float)]
    if best_fit:
        out.append(("best_fit", (n_points,), float))
    return out


def fit_candidates(y, w=None, *, x, candidates, peak_labels, param_labels, options: SolverOptions,
                   domain, best_fit):
    """Fit every candidate to ``y`` (..., N); return the outputs of :func:`outputs` as a tuple."""
    y = np.asarray(y, dtype=float)
    lead, n = y.shape[:-1], y.shape[-1]
    yb = y.reshape(-1, n)
    wb = None if w is None else np.broadcast_to(np.asarray(w, dtype=float), y.shape).reshape(-1, n)
    spec = outputs(len(peak_labels), len(candidates), len(param_labels), n, best_fit)
    chunk = min(CHUNK, max(yb.shape[0], 1))
    parts = [_fit_chunk(yb[s:s + chunk], None if wb is None else wb[s:s + chunk], x, candidates,
                        peak_labels, param_labels, options, domain, best_fit, spec)
             for s in range(0, yb.shape[0], chunk)]
    result = []
    for k, (name, core, dtype) in enumerate(spec):
        arr = (np.concatenate([p[k] for p in parts]) if parts
               else np.zeros((0, *core), dtype=dtype))
        result.append(arr.reshape(lead + core))
    return tuple(result)


def _fit_chunk(y, w, x, candidates, peak_labels, param_labels, options, domain, best_fit, spec):
    n_spec, n = y.shape
    valid = np.isfinite(y)
    if w is not None:
        valid &= np.isfinite(w) & (w != 0)
    n_valid = valid.sum(axis=1)
    fits, bic = [], np.full((n_spec, len(candidates)), np.nan)
    for m, cand in enumerate(candidates):
        out = _kernels.fit_arrays(x, y, cand.model, weights=w, domain=domain, options=options,
                                  components=False)
        with np.errstate(all="ignore"):
            chi = np.maximum(out["chisqr"], np.finfo(float).tiny)
            b = n_valid * np.log(chi / n_valid) + cand.n_free * np.log(n_valid)
        bic[:, m] = np.where(out["success"] & np.isfinite(b), b, np.nan)
        fits.append(out)
    score = np.where(np.isfinite(bic), bic, np.inf)
    choice = np.where(np.isfinite(bic).any(axis=1), np.argmin(score, axis=1), -1)

    arrays = {name: (np.full((n_spec, *core), np.nan) if dtype is float
                     else np.zeros((n_spec, *core), dtype=dtype))
              for name, core, dtype in spec}
    arrays["model"][:] = NO_MODEL
    arrays["bic"] = bic
    arrays["n_points"] = n_valid.astype(np.int64)
    peak_index = {lab: k for k, lab in enumerate(peak_labels)}
    param_index = {lab: k for k, lab in enumerate(param_labels)}
    for m, (cand, out) in enumerate(zip(candidates, fits)):
        rows = np.flatnonzero(choice == m)
        if rows.size == 0:
            continue
        arrays["model"][rows] = cand.name
        arrays["success"][rows] = True
        for name in ("chisqr", "redchi"):
            arrays[name][rows] = out[name][rows]
        for j, peak in enumerate(cand.model.peaks):
            k = peak_index[cand.labels[peak.name]]
            for q in QUANTITIES:
                arrays[q][rows, k] = out[q][rows, j]
                arrays[f"{q}_stderr"][rows, k] = out[f"{q}_stderr"][rows, j]
        pk = [param_index[lab] for lab in cand.param_labels]
        arrays["value"][np.ix_(rows, pk)] = out["value"][rows]
        arrays["stderr"][np.ix_(rows, pk)] = out["stderr"][rows]
        if best_fit:
            arrays["best_fit"][rows] = out["best_fit"][rows]
        if cand.d_peak is None or cand.g_peak is None:
            continue
        p, cov = out["value"][rows], out["covariance"][rows]
        for q in ("height", "area"):
            ratio, err = ratio_with_error(cand, p, cov, q)
            arrays[f"id_ig_{q}"][rows] = ratio
            arrays[f"id_ig_{q}_stderr"][rows] = err
    return tuple(arrays[name] for name, _, _ in spec)


def ratio_with_error(cand: Candidate, p, cov, quantity):
    r"""``q(D)/q(G)`` and its first-order standard error ``sqrt(g^T C g)``.

    ``g`` is the gradient of the ratio w.r.t. the parameters of both peaks (central
    differences, steps as :mod:`characterization.fit.derived`), ``C`` their block of the
    fit covariance, so the correlation between the overlapping D and G bands is included.
    """
    (pd, sd), (pg, sg) = cand.cols[cand.d_peak], cand.cols[cand.g_peak]
    cols = np.r_[np.arange(sd.start, sd.stop), np.arange(sg.start, sg.stop)]
    nd = sd.stop - sd.start

    def ratio(v):
        with np.errstate(all="ignore"):
            num = _quantity(pd, v[:, :nd], quantity)
            den = _quantity(pg, v[:, nd:], quantity)
            return num / den

    v = p[:, cols]
    base = ratio(v)
    steps = np.concatenate([_steps(pd.lineshape, v[:, :nd]), _steps(pg.lineshape, v[:, nd:])],
                           axis=1)
    grad = np.empty_like(v)
    sub = cov[:, cols[:, None], cols[None, :]]
    with np.errstate(all="ignore"):         # a vanishing G band gives inf/NaN, not warnings
        for j in range(v.shape[1]):
            hi, lo = v.copy(), v.copy()
            hi[:, j] += steps[:, j]
            lo[:, j] -= steps[:, j]
            grad[:, j] = (ratio(hi) - ratio(lo)) / (2.0 * steps[:, j])
        var = np.einsum("bi,bij,bj->b", grad, sub, grad)
        err = np.sqrt(np.where(var >= 0, var, np.nan))
    return base, err


def _quantity(peak, v, quantity):
    theta = [v[:, j:j + 1] for j in range(2, v.shape[1])]
    out = peak.lineshape.derived(v[:, 0:1], v[:, 1:2], theta, peak.amplitude_type)
    return np.broadcast_to(out[quantity], (v.shape[0], 1))[:, 0]
