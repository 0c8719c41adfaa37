"""The peak-fitting least-squares problem in the form the solver wants (``linearize``)."""

from __future__ import annotations

import numpy as np

from ._gram import batched_gram, padded_rows
from ._layout import Layout


class PeakProblem:
    """Weighted residuals ``w (y - f(p))`` of a batch of spectra sharing one x grid.

    Parameters
    ----------
    layout : Layout
    y : ndarray (B, N)
        Data with invalid points already replaced by 0.
    weights : ndarray (B, N) or None
        Residual weights (``1/sigma``); 0 excludes a point. None = all ones.
    offsets : ndarray (B, P)
        Affine offsets of :meth:`Layout.offsets` (fixed values and ties).

    Notes
    -----
    The Jacobian buffer ((P + 1 + padding) x rows x N, parameter-major, residual after the
    Jacobian rows, zero rows up to a multiple of 4) is allocated once for the largest block and
    reused, so memory stays bounded by the solver's ``block_size`` whatever the batch size.
    """

    def __init__(self, layout: Layout, y: np.ndarray, weights: np.ndarray | None,
                 offsets: np.ndarray):
        self.layout = layout
        self.y = y
        self.weights = weights
        self.offsets = offsets
        self._f = np.empty((0, y.shape[1]))
        self._rows = padded_rows(layout.n_all + 1)     # Jacobian + residual + zero padding
        self._jac = np.empty((self._rows, 0, y.shape[1]))

    def _buffers(self, n_rows: int):
        if self._f.shape[0] < n_rows:
            self._f = np.empty((n_rows, self.y.shape[1]))
            self._jac = np.zeros((self._rows, n_rows, self.y.shape[1]))
            # background rows are the basis functions: constant unless weights rescale them
            self._jac[self.layout.background_cols] = self.layout.basis[:, None, :]
        return self._f[:n_rows], self._jac[:, :n_rows]

    def linearize(self, p_free: np.ndarray, rows: np.ndarray):
        """chi2 (b,), normal matrix ``J^T J`` (b, Pf, Pf) and ``J^T r`` (b, Pf) at ``p_free``.

        The weighted residual is stored as one extra row under the Jacobian, so a single
        batched GEMM of the augmented matrix ``[J; r]`` gives ``J^T J``, ``J^T r`` and
        ``chi2 = r^T r`` at once (and per spectrum bit-for-bit independent of which other
        spectra share the call, which keeps dask and eager results identical).
        """
        layout = self.layout
        n_all = layout.n_all
        p_all = layout.expand(p_free, self.offsets[rows])
        f, aug = self._buffers(rows.size)
        jac, resid = aug[:n_all], aug[n_all]
        with np.errstate(all="ignore"):
            layout.evaluate(p_all, f, jac, background_rows=self.weights is not None)
            np.subtract(self.y[rows], f, out=resid)
            if self.weights is not None:
                aug[:n_all + 1] *= self.weights[rows][None, :, :]
            gram = batched_gram(aug)
        jtj = gram[:, :n_all, :n_all]
        jtr = gram[:, :n_all, n_all]
        chi2 = gram[:, n_all, n_all].copy()
        return (chi2, *layout.reduce_normal(jtj, jtr))

    def step_limits(self, p_free: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Largest step (b, Pf) allowed per parameter in one iteration.

        A peak's center may move by at most its current width per step (a trust region in the
        natural unit of the problem): a weakly determined band (small amplitude, strong
        overlap) otherwise gets Gauss–Newton steps of thousands of x units and is lost outside
        the data. Large corrections still happen, over several steps. Other parameters: no
        limit.
        """
        limits = np.full(p_free.shape, np.inf)
        if not self.layout.center_limits:
            return limits
        p_all = self.layout.expand(p_free, self.offsets[rows])
        for free_pos, width_cols in self.layout.center_limits:
            width = np.abs(p_all[:, width_cols]).mean(axis=1)
            limits[:, free_pos] = np.maximum(width, 1e-12)
        return limits

    def values(self, p_free: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Model values (b, N) at ``p_free``."""
        p_all = self.layout.expand(p_free, self.offsets[rows])
        f = np.empty((rows.size, self.y.shape[1]))
        return self.layout.evaluate(p_all, f)
