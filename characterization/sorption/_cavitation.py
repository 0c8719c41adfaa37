"""Cavitation in ink-bottle pores: find where the hysteresis loop closes, flag a steep closure.

When the necks of ink-bottle pores are narrower than ≈ 5–6 nm (N2 at 77 K), the bodies do not
empty at their Kelvin pressure but by cavitation of the stretched liquid, at a pressure set by
the fluid, not by the pores: for N2 at 77 K the desorption branch then drops steeply and the
loop closes at p/p0 ≈ 0.40–0.48 (Ar at 87 K: ≈ 0.34–0.42) [1]_. BJH/DH on that branch turn the
drop into a phantom peak near 3.4–4 nm.

The loop's closure is found from the data, not assumed inside a fixed window of the drop:
with g(x) = n_des(x) − n_ads(x) the loop height on the desorption points (the adsorption branch
interpolated), g_max its maximum (a loop when ≥ 2 % of the adsorption branch's rise over the
same p/p0 span), x₁₀ and x₈₀ the p/p0 where g, followed down the desorption
branch, last falls below 10 % and 80 % of g_max (linear interpolation between points), the
closure is x₁₀ and the closure is steep when x₈₀ − x₁₀ ≤ 0.08. A loop (g_max ≥ 2 % of the
largest amount) that closes steeply with x₁₀ inside the cavitation range of the adsorptive is
flagged — whether the steep drop starts inside that range (0.46 → 0.44) or above it
(0.50 → 0.45).

References
----------
.. [1] M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051 (IUPAC technical report).
"""

from __future__ import annotations

import warnings

import numpy as np

from .adsorbates import Adsorptive

#: Loop height below which an isotherm has no loop (fraction of the adsorption branch's rise
#: over the p/p0 span of the desorption points, so a small mesopore loop on top of a large
#: micropore uptake still counts).
MIN_LOOP = 0.02
#: Widest p/p0 span of a steep closure (from 10 % to 80 % of the loop height).
STEEP_SPAN = 0.08


class CavitationWarning(UserWarning):
    """The desorption branch closes where cavitation, not pore emptying, controls it."""


def cavitation_window(gas: Adsorptive, temperature: float):
    """p/p0 window of the cavitation-controlled desorption closure, or None if not tabulated.

    The range in which a cavitation-controlled loop closes (its x₁₀): N2 at 70–80 K
    (0.40, 0.48); Ar at 84–90 K (0.34, 0.42) (Thommes et al. 2015 [1]_).
    """
    if gas.name == "N2" and 70.0 <= temperature <= 80.0:
        return (0.40, 0.48)
    if gas.name == "Ar" and 84.0 <= temperature <= 90.0:
        return (0.34, 0.42)
    return None


def _crossing(xs, g, level):
    """Lowest p/p0 above which g (on ascending ``xs``, ending at the loop's widest point) stays
    ≥ ``level``: linear interpolation between the last point below it and the next one."""
    below = np.flatnonzero(g < level)
    if below.size == 0:
        return float(xs[0])
    k = int(below[-1])
    if k == xs.size - 1:
        return np.nan
    x0, x1, g0, g1 = xs[k], xs[k + 1], g[k], g[k + 1]
    return float(x0 + (level - g0) / (g1 - g0) * (x1 - x0))


def loop_closure(x, n, desorption):
    """(x₁₀, x₈₀, g_max) of one isotherm (1-D arrays; ``desorption`` marks its points)."""
    good = np.isfinite(x) & np.isfinite(n) & (x > 0) & (x < 1)
    d, a = good & desorption, good & ~desorption
    if d.sum() < 3 or a.sum() < 3:
        return np.nan, np.nan, np.nan
    od, oa = np.argsort(x[d]), np.argsort(x[a])
    xd, nd = x[d][od], n[d][od]
    xa, na = x[a][oa], n[a][oa]
    inside = (xd >= xa[0]) & (xd <= xa[-1])
    if inside.sum() < 3:
        return np.nan, np.nan, np.nan
    xd, nd = xd[inside], nd[inside]
    g = nd - np.interp(xd, xa, na)
    gmax = float(g.max())
    rise = float(np.interp(xd[-1], xa, na) - np.interp(xd[0], xa, na))
    if not gmax >= MIN_LOOP * max(rise, 0.0) or not gmax > 0:
        return np.nan, np.nan, gmax
    top = int(np.argmax(g))
    xs, gs = xd[:top + 1], g[:top + 1]      # from the low-pressure end up to the widest point
    return _crossing(xs, gs, 0.1 * gmax), _crossing(xs, gs, 0.8 * gmax), gmax


def cavitation_kernel(x, n, mask, *, window, warn):
    """Per isotherm: (flag, closure x₁₀) for (B, P) arrays; ``mask`` marks desorption points."""
    flag = np.zeros(x.shape[0], bool)
    closure = np.full(x.shape[0], np.nan)
    for b in range(x.shape[0]):
        x10, x80, _ = loop_closure(x[b], n[b], mask[b])
        closure[b] = x10
        if window is not None and np.isfinite(x10) and np.isfinite(x80):
            flag[b] = (x80 - x10 <= STEEP_SPAN) and window[0] <= x10 <= window[1]
    if warn and flag.any():   # lazy (dask) inputs: warn when the chunk is computed
        warn_cavitation(f"{int(flag.sum())} isotherm(s)", window, stacklevel=2)
    return flag, closure


def warn_cavitation(which, window, stacklevel):
    """Emit :class:`CavitationWarning` for ``which`` isotherms."""
    warnings.warn(
        f"the hysteresis loop of {which} closes steeply at p/p0 in {window[0]:.2f}–"
        f"{window[1]:.2f} (result variable loop_closure): evaporation there is controlled by "
        "cavitation (tensile-strength effect), so the desorption PSD peak near 3.4–4 nm is an "
        "artefact; use branch='adsorption' (result variable cavitation_suspected)",
        CavitationWarning, stacklevel=stacklevel + 1)
