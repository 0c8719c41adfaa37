"""A :class:`~.model.Model` compiled against one x grid: the parameter vector the solver sees.

All ``P`` model parameters form the vector ``p_all``; the ``Pf`` free ones form ``p_free``.
Fixed parameters and linear ties make ``p_all`` an affine function of ``p_free``:

    p_all = p_free @ T.T + offsets        (T: (P, Pf), offsets: (B, P))

where a tie ``a = s * b + o`` to a free ``b`` puts ``s`` in ``T``, and ties to fixed
parameters (or chains of ties) are composed into ``offsets``. The Jacobian w.r.t. ``p_free`` is
then ``J_all @ T`` and the normal matrix ``T.T (J J^T) T``, which is how ties enter the solver
and the error propagation (``cov_all = T cov_free T.T``).
"""

from __future__ import annotations

import numpy as np

from .model import BACKGROUND, Model, iter_peak_columns


class Layout:
    """Model + x grid: parameter bookkeeping and batched evaluation with Jacobian.

    Parameters
    ----------
    model : Model
    x : ndarray, shape (N,)
        The x values of the fitted points (any order).
    domain : (float, float), optional
        x range mapped onto [-1, 1] by Chebyshev backgrounds; default (min x, max x).
    """

    def __init__(self, model: Model, x: np.ndarray, domain: tuple[float, float] | None = None):
        self.model = model
        self.x = np.ascontiguousarray(x, dtype=float)
        finite = self.x[np.isfinite(self.x)]
        if domain is None:
            domain = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.domain = domain
        self.slots = model.slots
        self.names = model.parameter_names
        self.n_all = len(self.slots)
        index = {n: i for i, n in enumerate(self.names)}

        self.peaks = [(peak.lineshape, peak.amplitude_type, cols)
                      for peak, cols in iter_peak_columns(model)]
        n_peak_params = sum(c.stop - c.start for *_, c in self.peaks)
        self.background_cols = slice(n_peak_params, self.n_all)
        self.basis = model.background.basis(self.x, self.domain)      # (n_bg, N)

        self.free_index = np.array([i for i, s in enumerate(self.slots) if s.free], dtype=int)
        self.n_free = len(self.free_index)
        free_pos = {int(i): k for k, i in enumerate(self.free_index)}
        # resolve every tie chain to its root: p_i = scale * p_root + offset
        self.roots: dict[int, tuple[int, float, float]] = {}
        for i, s in enumerate(self.slots):
            scale, offset, j = 1.0, 0.0, i
            while self.slots[j].tied:
                spec = self.slots[j].spec
                scale, offset = scale * spec.scale, offset + scale * spec.offset
                j = index[spec.ref]
            if j != i:
                self.roots[i] = (j, scale, offset)
        self.T = np.zeros((self.n_all, self.n_free))
        for i in range(self.n_all):
            if i in free_pos:
                self.T[i, free_pos[i]] = 1.0
            elif i in self.roots and self.roots[i][0] in free_pos:
                self.T[i, free_pos[self.roots[i][0]]] = self.roots[i][1]
        self.identity = self.n_free == self.n_all and not self.roots
        # free center parameters and the width columns of their peak (for step limits)
        self.center_limits = []
        for shape, _, cols in self.peaks:
            center = cols.start + 1
            widths = [cols.start + 2 + j for j, sp in enumerate(shape.shape_params)
                      if sp.kind == "width"]
            if center in free_pos and widths:
                self.center_limits.append((free_pos[center], widths))
        self.lower = np.array([self.slots[i].lower for i in self.free_index])
        self.upper = np.array([self.slots[i].upper for i in self.free_index])

    # ------------------------------------------------------------------ values
    def initial_values(self, n_spectra: int) -> np.ndarray:
        """(B, P) starting values from the specs: NaN where the data must decide (or tied)."""
        v = np.full((n_spectra, self.n_all), np.nan)
        for i, s in enumerate(self.slots):
            if not s.tied and s.spec.value is not None:
                v[:, i] = s.spec.value
        return v

    def apply_ties(self, values: np.ndarray) -> np.ndarray:
        """Fill the tied columns of ``values`` (B, P) from their roots (in place; returned)."""
        for i, (root, scale, offset) in self.roots.items():
            values[:, i] = scale * values[:, root] + offset
        return values

    def offsets(self, values: np.ndarray) -> np.ndarray:
        """Affine offsets (B, P): fixed values, tie offsets, ties to fixed parameters."""
        out = np.zeros_like(values)
        free = set(int(i) for i in self.free_index)
        for i, s in enumerate(self.slots):
            if i in self.roots:
                root, scale, offset = self.roots[i]
                out[:, i] = offset + (0.0 if root in free else scale * values[:, root])
            elif i not in free:
                out[:, i] = values[:, i]
        return out

    def expand(self, p_free: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """All parameters (B, P) from the free ones (B, Pf)."""
        return p_free @ self.T.T + offsets

    def reduce_normal(self, jtj: np.ndarray, jtr: np.ndarray):
        """Normal equations w.r.t. the free parameters: ``T.T jtj T`` and ``jtr T``."""
        if self.identity:
            return np.ascontiguousarray(jtj), np.ascontiguousarray(jtr)
        return self.T.T @ jtj @ self.T, jtr @ self.T

    def covariance_all(self, cov_free: np.ndarray) -> np.ndarray:
        """Covariance of all parameters (B, P, P) from that of the free ones (fixed: 0)."""
        return self.T @ cov_free @ self.T.T

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, p_all: np.ndarray, f_out: np.ndarray, jac_out: np.ndarray | None = None,
                 background_rows: bool = True):
        """Model values into ``f_out`` (B, N) and, optionally, d f / d p_all into ``jac_out``
        (P, B, N) (parameter-major, see :meth:`LineShape.profile_jac`). Both are overwritten,
        except the background rows of ``jac_out`` when ``background_rows`` is False (they are
        the basis functions, the same at every evaluation, so a caller may write them once)."""
        f_out[...] = 0.0
        for shape, amplitude_type, cols in self.peaks:
            a, c = cols.start, cols.start + 1
            theta = [p_all[:, k:k + 1] for k in range(cols.start + 2, cols.stop)]
            shape.accumulate(self.x, p_all[:, a:a + 1], p_all[:, c:c + 1], theta, amplitude_type,
                             f_out, None if jac_out is None else jac_out[cols])
        if self.basis.shape[0]:
            f_out += self._background(p_all)
            if jac_out is not None and background_rows:
                jac_out[self.background_cols] = self.basis[:, None, :]
        return f_out

    def components(self, p_all: np.ndarray) -> np.ndarray:
        """Each component (peaks, then background if any): (B, C, N)."""
        n_comp = len(self.peaks) + (1 if self.basis.shape[0] else 0)
        out = np.zeros((p_all.shape[0], n_comp, self.x.size))
        for k, (shape, amplitude_type, cols) in enumerate(self.peaks):
            theta = [p_all[:, j:j + 1] for j in range(cols.start + 2, cols.stop)]
            shape.accumulate(self.x, p_all[:, cols.start:cols.start + 1],
                             p_all[:, cols.start + 1:cols.start + 2], theta, amplitude_type,
                             out[:, k])
        if self.basis.shape[0]:
            out[:, -1] = self._background(p_all)
        return out

    def _background(self, p_all: np.ndarray) -> np.ndarray:
        """Background (B, N). An explicit sum, not a matmul: BLAS picks different kernels (and
        roundings) for different batch sizes, which would make results depend on chunking."""
        coefs = p_all[:, self.background_cols]
        out = coefs[:, :1] * self.basis[0]
        for k in range(1, self.basis.shape[0]):
            out += coefs[:, k:k + 1] * self.basis[k]
        return out

    @property
    def component_names(self) -> tuple[str, ...]:
        names = self.model.peak_names
        return (*names, BACKGROUND) if self.basis.shape[0] else names
