"""Numpy kernels of the XPS inelastic backgrounds: linear, Shirley, Tougaard.

Every kernel takes ``y`` of shape ``(..., n)`` (leading dims are spectra, any number) and the
energy axis ``x`` of shape ``(n,)``, and returns the background with the shape of ``y``. The axis
may be ascending or descending; ``losses_at_high_x`` says on which side of the axis the
inelastically scattered electrons lie (True for a binding-energy axis, False for a
kinetic-energy axis). Internally the spectrum is put in "loss order": index 0 is the no-loss end
(low binding energy), the last index the loss end (high binding energy).
"""

from __future__ import annotations

import numpy as np

#: Universal inelastic cross sections K(T) = B T / ((C - C' T^2)^2 + D T^2) with C' = -1, D = 0
#: (two-parameter, U2: B T / (C + T^2)^2) and C' = 1 (three-parameter, U3).
#: Defaults: Tougaard, Surf. Interface Anal. 25 (1997) 137: U2 for metals and their oxides
#: (B = 2866 eV^2, C = 1643 eV^2), U3 for polymers (C = 551 eV^2, D = 436 eV^2; B is scaled).
CROSS_SECTIONS = {
    "U2": {"B": 2866.0, "C": 1643.0, "D": 0.0},
    "U3": {"B": None, "C": 551.0, "D": 436.0},
}


def loss_order(x: np.ndarray, losses_at_high_x: bool) -> np.ndarray:
    """Index array putting ``x`` in loss order (no-loss end first); checks monotonicity."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 3:
        raise ValueError(f"the energy axis needs at least 3 points, got shape {x.shape}")
    step = np.diff(x)
    if not (np.all(step > 0) or np.all(step < 0)):
        raise ValueError("the energy axis must be strictly monotonic (sorted, no repeated "
                         "energies)")
    ascending = step[0] > 0
    order = np.arange(x.size)
    return order if ascending == losses_at_high_x else order[::-1]


def endpoint_means(y: np.ndarray, n_average: int) -> tuple[np.ndarray, np.ndarray]:
    """Means of the first and last ``n_average`` points (loss order): (no-loss end, loss end)."""
    n = int(n_average)
    if n < 1 or 2 * n > y.shape[-1]:
        raise ValueError(f"n_average={n_average} must be >= 1 and at most half the "
                         f"{y.shape[-1]} points")
    return y[..., :n].mean(axis=-1), y[..., -n:].mean(axis=-1)


def cumulative_trapezoid(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Running trapezoid integral of ``y`` over the positive spacings ``|dt|``, 0 at index 0."""
    h = np.abs(np.diff(t))
    out = np.zeros_like(y)
    np.cumsum(0.5 * (y[..., 1:] + y[..., :-1]) * h, axis=-1, out=out[..., 1:])
    return out


def linear_kernel(y, *, x, n_average=1, losses_at_high_x=True):
    """Straight line through the averaged end points (each at the mean energy of its points)."""
    order = loss_order(x, losses_at_high_x)
    ys = np.asarray(y, dtype=float)[..., order]
    t = np.asarray(x, dtype=float)[order]
    lo, hi = endpoint_means(ys, n_average)
    t0, t1 = endpoint_means(t, n_average)
    frac = (t - t0) / (t1 - t0)
    bg = lo[..., None] + (hi - lo)[..., None] * frac
    out = np.empty_like(bg)
    out[..., order] = bg
    return out


def shirley_kernel(y, *, x, n_average=1, max_iter=100, tol=1e-6, losses_at_high_x=True):
    """Iterated Shirley background (Proctor & Sherwood 1982), batched.

    Returns ``(background, n_iter, converged)``; ``n_iter`` and ``converged`` have the batch
    shape. A spectrum whose net area above the current background is not positive, or with a
    non-finite value, gets a NaN background and ``converged=False``.
    """
    order = loss_order(x, losses_at_high_x)
    ys = np.asarray(y, dtype=float)[..., order]
    t = np.asarray(x, dtype=float)[order]
    lo, hi = endpoint_means(ys, n_average)
    lo, hi = lo[..., None], hi[..., None]
    step = hi - lo
    scale = np.maximum(np.abs(step), np.finfo(float).tiny)
    bg = np.broadcast_to(lo, ys.shape).copy()
    shape = ys.shape[:-1]
    n_iter = np.zeros(shape, dtype=np.int64)
    active = np.isfinite(ys).all(axis=-1)
    converged = np.zeros(shape, dtype=bool)
    failed = ~active
    for _ in range(int(max_iter)):
        if not active.any():
            break
        q = cumulative_trapezoid(ys - bg, t)
        total = q[..., -1:]
        bad = ~(total > 0)
        frac = np.clip(np.divide(q, total, out=np.zeros_like(q), where=~bad), 0.0, 1.0)
        new = lo + step * frac
        change = np.max(np.abs(new - bg), axis=-1) / scale[..., 0]
        bad = bad[..., 0] & active
        failed |= bad
        upd = active & ~bad
        bg = np.where(upd[..., None], new, bg)
        n_iter += upd
        done = upd & (change <= tol)
        converged |= done
        active &= ~(done | bad)
    bg = np.where((failed | ~converged)[..., None], np.nan, bg)
    out = np.empty_like(bg)
    out[..., order] = bg
    return out, n_iter, converged & ~failed


def tougaard_matrix(x, c, d, cross_section, losses_at_high_x=True):
    """Matrix ``M`` with ``(M @ s)[i] = ∫ K(T) s(E_i - T) dT / B`` in the loss order.

    Row ``i`` holds ``K(t_i - t_j)/B`` times trapezoid weights for ``j < i`` (electrons of
    lower loss that lost ``T = t_i - t_j``); ``K(0) = 0``.
    """
    order = loss_order(x, losses_at_high_x)
    t = np.asarray(x, dtype=float)[order]
    t = np.abs(t - t[0])
    T = t[:, None] - t[None, :]
    T = np.where(T > 0, T, 0.0)
    cprime = -1.0 if cross_section == "U2" else 1.0
    k = T / ((c - cprime * T ** 2) ** 2 + d * T ** 2)
    h = np.diff(t)
    w = np.zeros(t.size)
    w[:-1] += 0.5 * h
    w[1:] += 0.5 * h
    # trapezoid over [t0, t_i]: the weight of the last node t_i is irrelevant (K(0) = 0)
    return k * w[None, :], order


def tougaard_kernel(y, *, x, n_average=1, cross_section="U2", b=None, c=None, d=None,
                    losses_at_high_x=True):
    """Tougaard background ``y0 + B ∫ K(T) (y(E - T) - y0) dT``, batched.

    ``y0`` is the mean of the no-loss end. With ``b=None`` the factor B is chosen per spectrum so
    that the background meets the mean of the loss end (over ``n_average`` points); a
    spectrum where that needs B <= 0 gets NaN. Returns ``(background, b)``.
    """
    cs = CROSS_SECTIONS[cross_section]
    c = cs["C"] if c is None else float(c)
    d = cs["D"] if d is None else float(d)
    matrix, order = tougaard_matrix(x, c, d, cross_section, losses_at_high_x)
    ys = np.asarray(y, dtype=float)[..., order]
    lo, hi = endpoint_means(ys, n_average)
    s = ys - lo[..., None]
    loss = s @ matrix.T
    n = int(n_average)
    if b is None:
        reach = loss[..., -n:].mean(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            bb = (hi - lo) / reach
        bb = np.where(np.isfinite(bb) & (bb > 0), bb, np.nan)
    else:
        bb = np.full(ys.shape[:-1], float(b))
    bg = lo[..., None] + bb[..., None] * loss
    out = np.empty_like(bg)
    out[..., order] = bg
    return out, bb
