"""Derived per-peak quantities (position of the maximum, FWHM, height, area) and their errors.

Values come from each line shape's :meth:`~.lineshapes.LineShape.derived` (analytic where
possible, numeric for the Voigt and GL FWHM). Standard errors propagate the full parameter
covariance (ties and correlations included) to first order,
``sigma_q^2 = g^T C g`` with ``g = d q / d p`` from central differences of the (cheap, smooth)
derived-value functions.
"""

from __future__ import annotations

import numpy as np

from ._layout import Layout

QUANTITIES = ("center", "fwhm", "height", "area")
_REL_STEP = 1.0e-6


def peak_quantities(layout: Layout, p_all: np.ndarray, cov_all: np.ndarray | None = None):
    """Derived quantities of every peak.

    Parameters
    ----------
    layout : Layout
    p_all : ndarray (B, P)
        All parameter values.
    cov_all : ndarray (B, P, P), optional
        Their covariance; without it the standard errors are NaN.

    Returns
    -------
    values, stderr : dict of ndarray (B, K)
        Keyed by :data:`QUANTITIES`, one column per peak.
    """
    n_spec, n_peaks = p_all.shape[0], len(layout.peaks)
    values = {q: np.full((n_spec, n_peaks), np.nan) for q in QUANTITIES}
    stderr = {q: np.full((n_spec, n_peaks), np.nan) for q in QUANTITIES}
    for k, (shape, amplitude_type, cols) in enumerate(layout.peaks):
        p = p_all[:, cols]

        def evaluate(q, shape=shape, amplitude_type=amplitude_type):
            with np.errstate(all="ignore"):
                out = shape.derived(q[:, 0:1], q[:, 1:2], [q[:, j:j + 1] for j in
                                                         range(2, q.shape[1])], amplitude_type)
            return np.stack([np.broadcast_to(out[name], (q.shape[0], 1))[:, 0]
                             for name in QUANTITIES], axis=1)

        base = evaluate(p)
        for j, name in enumerate(QUANTITIES):
            values[name][:, k] = base[:, j]
        if cov_all is None:
            continue
        steps = _steps(shape, p)
        grad = np.empty((n_spec, len(QUANTITIES), p.shape[1]))
        for j in range(p.shape[1]):
            hi, lo = p.copy(), p.copy()
            hi[:, j] += steps[:, j]
            lo[:, j] -= steps[:, j]
            grad[:, :, j] = (evaluate(hi) - evaluate(lo)) / (2.0 * steps[:, j:j + 1])
        cov = cov_all[:, cols, cols]
        with np.errstate(invalid="ignore"):
            var = np.einsum("bqi,bij,bqj->bq", grad, cov, grad)
            err = np.sqrt(np.where(var >= 0, var, np.nan))
        for j, name in enumerate(QUANTITIES):
            stderr[name][:, k] = err[:, j]
    return values, stderr


def _steps(shape, p):
    """Finite-difference steps: relative for amplitude and widths, width-scaled for center,
    at least 1e-6 for dimensionless shape parameters."""
    steps = _REL_STEP * np.abs(p)
    width = np.abs(p[:, 2]) if p.shape[1] > 2 else np.ones(p.shape[0])
    steps[:, 1] = _REL_STEP * np.maximum(np.abs(p[:, 1]), width)
    for j, sp in enumerate(shape.shape_params):
        if sp.kind == "dimensionless":
            steps[:, 2 + j] = _REL_STEP * np.maximum(np.abs(p[:, 2 + j]), 1.0)
    return np.where(steps > 0, steps, _REL_STEP)
