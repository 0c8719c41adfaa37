r"""The Faas-corrected BJH walk (the "Faas correction" option of Micromeritics' BJH).

Standard BJH assigns each desorption interval a pore group whose width is fixed when it empties
and subtracts the film thinning of earlier groups with a mean-curvature correction. The Faas
variant (G.S. Faas, 1981, as implemented in Micromeritics' software) follows every emptied
group as a *core* of radius R_j (from the pore axis to the film surface) that widens as the
film on its wall thins, so the volume desorbed from old walls is an exact annulus:

.. math::

    \Delta V_{walls,i} = \sum_{j} \pi\,[(R_j + \Delta t_i)^2 - R_j^2]\,L_j, \qquad
    V_{cap,i} = \Delta V_i - \Delta V_{walls,i}

* V_cap > 0: a new group opens. Its mean Kelvin radius is the weighted mean
  r̄_K = r₁r₂(r₁+r₂)/(r₁²+r₂²) of the interval ends, its pore radius r̄_p = r̄_K + t(x(r̄_K)),
  its core R = r̄_p − t(x_{i+1}) (the film it keeps at the end of the interval), and its length
  L = V_cap/(πR²). Its pore volume and area are those of the whole pore,
  V = π r̄_p² L and A = 2π r̄_p L, at the mean diameter 2 r̄_p between the interval's
  diameters 2(r_K + t) — the numbers of the vendor's interval table;
* V_cap ≤ 0 (no new cores: the walls alone desorb): the film thinning of the interval is
  re-estimated as Δt = ΔV / Σ 2πR_j L_j, so the walls give exactly the volume measured and no
  negative volume arises;
* then every earlier core widens, R_j ← R_j + Δt.

The last interval opens no group (as in the vendor software). Cylindrical pores only.

Validated on the desorption branch of a Micromeritics 3Flex report (Sample_L: cumulative
area 17–3000 Å 90.74 vs 90.58 m²/g, volume 0.1698 vs 0.1663 cm³/g, 4V/A 74.9 vs 73.5 Å; the
interval table agrees within ≈ 1 % per row). The vendor's adsorption-branch Faas numbers are not
reproduced by this walk (it gives ≈ 1.5× the volume of the small-pore rows), so
:func:`~characterization.sorption.bjh` refuses ``faas_correction=True`` on the adsorption branch
rather than return an unvalidated number.
"""

from __future__ import annotations

import numpy as np


def faas_walk(X, N, ok, kconst, *, factor, thickness, vm):
    """Faas BJH on rows of points sorted by decreasing p/p0 (``ok`` marks the valid ones).

    Returns ``(vol, area, lo, hi, hbar, used)`` arrays of shape (B, M) (M intervals): the
    group opened in interval i (volume cm³/g, area m²/g, width edges and mean radius in nm).
    """
    B, P = X.shape
    M = max(int(ok.sum(axis=1).max(initial=0)) - 1, 1)
    vol, area = np.zeros((B, M)), np.zeros((B, M))
    lo, hi, hbar = (np.full((B, M), np.nan) for _ in range(3))
    used = np.zeros((B, M), bool)
    for b in range(B):
        m = int(ok[b].sum())
        if m < 3:
            continue
        x, n = X[b, :m], N[b, :m]
        k = factor * float(kconst[b])
        with np.errstate(divide="ignore", invalid="ignore"):
            rk = k / -np.log(x)
        t = thickness(x)
        dt_all = t[:-1] - t[1:]
        dv_all = (n[:-1] - n[1:]) * vm * 1e-3                 # cm³ liquid / g
        radius, length, pore, opened = [], [], [], []   # core, length, pore radius, interval
        for i in range(m - 1):
            dt = dt_all[i]
            r = np.asarray(radius)
            ln = np.asarray(length)
            walls = float(np.sum(np.pi * ((r + dt) ** 2 - r ** 2) * ln)) if r.size else 0.0
            cap = dv_all[i] - walls
            before = len(radius)
            if cap > 0.0:
                if i < m - 2:
                    r1, r2 = rk[i], rk[i + 1]
                    rbar = r1 * r2 * (r1 + r2) / (r1 ** 2 + r2 ** 2)
                    core = rbar + float(thickness(np.exp(-k / rbar))) - t[i + 1]
                    radius.append(core)
                    length.append(cap / (np.pi * core ** 2))
                    pore.append(rbar + float(thickness(np.exp(-k / rbar))))
                    opened.append(i)
            elif r.size:
                wall_area = float(np.sum(2.0 * np.pi * r * ln))
                if wall_area > 0:
                    dt = dv_all[i] / wall_area
            for j in range(before):
                radius[j] += dt
        if not radius:
            continue
        rp, ln, cols = np.asarray(pore), np.asarray(length), np.asarray(opened)
        vol[b, cols] = np.pi * rp ** 2 * ln
        area[b, cols] = 2e3 * np.pi * rp * ln          # cm³/(g nm) → m²/g
        lo[b, cols], hi[b, cols] = 2 * (rk[cols + 1] + t[cols + 1]), 2 * (rk[cols] + t[cols])
        hbar[b, cols] = rp
        used[b, cols] = True
    return vol, area, lo, hi, hbar, used
