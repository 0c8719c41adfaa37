r"""Several candidate models fitted to every spectrum, the best kept per spectrum (numpy core).

Each candidate ``m`` is fitted to the whole batch by :func:`._kernels.fit_arrays`; its score per
spectrum is an information criterion of the converged fit,

.. math:: \mathrm{BIC}_m = n \ln(\chi^2_m / n) + k_m \ln n, \qquad
          \mathrm{AIC}_m = n \ln(\chi^2_m / n) + 2 k_m

(``n`` valid points, ``k_m`` free parameters; Schwarz 1978, Akaike 1974; the Gaussian
log-likelihood with the noise level profiled out). A failed candidate (no convergence, no peak
detected) scores NaN and is never chosen. Per spectrum the candidate with the lowest score wins,
and its outputs are written into arrays over the **union** of the candidates' parameter, peak
and component names (NaN / False where the chosen model lacks one), so the result keeps the
shape of a single-model fit.
"""

from __future__ import annotations

import numpy as np

from ._kernels import DETECTION_SIGMA, fit_arrays
from .solver import SolverOptions

CRITERIA = ("bic", "aic")
#: ``selected`` index of a spectrum where every candidate failed.
NONE_SELECTED = -1


class Union:
    """Name bookkeeping of the candidates: union lists and each candidate's positions in them."""

    def __init__(self, models):
        self.models = tuple(models)
        self.params = _union(m.parameter_names for m in self.models)
        self.peaks = _union(m.peak_names for m in self.models)
        self.components = _union(m.component_names for m in self.models)
        self.param_pos = [_positions(m.parameter_names, self.params) for m in self.models]
        self.peak_pos = [_positions(m.peak_names, self.peaks) for m in self.models]
        self.comp_pos = [_positions(m.component_names, self.components) for m in self.models]


def _union(name_lists) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for names in name_lists for n in names))


def _positions(names, union) -> np.ndarray:
    index = {n: i for i, n in enumerate(union)}
    return np.array([index[n] for n in names], dtype=int)


def score(chisqr, n_valid, n_free, criterion: str) -> np.ndarray:
    """Information criterion per spectrum; NaN where ``chisqr`` is NaN or ``n_valid`` < 1."""
    with np.errstate(all="ignore"):
        n = np.where(n_valid > 0, n_valid, np.nan).astype(float)
        chi = np.maximum(chisqr, np.finfo(float).tiny)
        penalty = n_free * np.log(n) if criterion == "bic" else 2.0 * n_free
        return n * np.log(chi / n) + penalty


def fit_candidates(x, y, models, *, weights=None, domain=None,
                   options: SolverOptions = SolverOptions(), components: bool = True,
                   criterion: str = "bic", detection_sigma: float = DETECTION_SIGMA) -> dict:
    """Fit every model of ``models`` to ``y`` (..., N) and keep the best per spectrum.

    Returns the outputs of :func:`fit_arrays` over the union of names (see :class:`Union`), plus
    ``score`` (..., M) (the criterion of every candidate) and ``selected`` (...) (index of the
    chosen candidate, :data:`NONE_SELECTED` where all failed).
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}")
    y = np.asarray(y, dtype=float)
    lead, n = y.shape[:-1], y.shape[-1]
    yb = y.reshape(-1, n)
    wb = None if weights is None else np.broadcast_to(
        np.asarray(weights, dtype=float), y.shape).reshape(-1, n)
    n_spec = yb.shape[0]
    valid = np.isfinite(yb) & np.isfinite(np.asarray(x, dtype=float))[None, :]
    if wb is not None:
        valid &= np.isfinite(wb) & (wb != 0)
    n_valid = valid.sum(axis=1)
    names = Union(models)
    fits = [fit_arrays(x, yb, m, weights=wb, domain=domain, options=options,
                       components=components, detection_sigma=detection_sigma) for m in models]
    scores = np.full((n_spec, len(models)), np.nan)
    for j, (model, out) in enumerate(zip(models, fits)):
        n_free = sum(1 for s in model.slots if s.free)
        scores[:, j] = np.where(out["success"], score(out["chisqr"], n_valid, n_free, criterion),
                                np.nan)
    finite = np.isfinite(scores)
    selected = np.where(finite.any(axis=1), np.argmin(np.where(finite, scores, np.inf), axis=1),
                        NONE_SELECTED)

    n_par, n_pk, n_cmp = len(names.params), len(names.peaks), len(names.components)
    first = fits[0]
    merged = {
        "value": np.full((n_spec, n_par), np.nan), "stderr": np.full((n_spec, n_par), np.nan),
        "covariance": np.full((n_spec, n_par, n_par), np.nan),
        "at_bound": np.zeros((n_spec, n_par), dtype=bool),
        "best_fit": np.full((n_spec, n), np.nan),
        "components": np.full((n_spec, n_cmp, n), np.nan) if components else None,
        "detected": np.zeros((n_spec, n_pk), dtype=bool),
    }
    for name in ("chisqr", "redchi", "noise"):
        merged[name] = np.full(n_spec, np.nan)
    merged["success"] = np.zeros(n_spec, dtype=bool)
    merged["nfev"] = np.zeros(n_spec, dtype=np.int64)
    # where every candidate failed, report the first candidate's failure
    merged["status"] = np.array(first["status"], dtype=np.int64)
    per_peak = [k for k in first if first[k] is not None and k not in merged
                and np.ndim(first[k]) == 2]
    for name in per_peak:
        merged[name] = np.full((n_spec, n_pk), np.nan)
    merged["nfev"][:] = sum(np.asarray(out["nfev"]) for out in fits)
    for j, out in enumerate(fits):
        rows = np.flatnonzero(selected == j)
        if rows.size == 0:
            continue
        pp, pk, pc = names.param_pos[j], names.peak_pos[j], names.comp_pos[j]
        for name in ("value", "stderr", "at_bound"):
            merged[name][np.ix_(rows, pp)] = out[name][rows]
        merged["covariance"][np.ix_(rows, pp, pp)] = out["covariance"][rows]
        merged["detected"][np.ix_(rows, pk)] = out["detected"][rows]
        for name in per_peak:
            merged[name][np.ix_(rows, pk)] = out[name][rows]
        if components:
            merged["components"][np.ix_(rows, pc)] = out["components"][rows]
        for name in ("best_fit", "chisqr", "redchi", "noise", "success", "status"):
            merged[name][rows] = out[name][rows]
    merged["score"] = scores
    merged["selected"] = selected.astype(np.int64)
    return {k: (None if v is None else v.reshape(lead + v.shape[1:])) for k, v in merged.items()}
