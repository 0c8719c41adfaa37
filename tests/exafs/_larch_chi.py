"""χ(k) built with larch directly (the independent reference path of the EXAFS fit tests)."""

from __future__ import annotations

import numpy as np
import xarray as xr


def larch_chi(files, *, column="mu", labels=None, dim="sample", coords=None, **autobk_kws):
    """Read μ(E) files with larch, run its autobk, return ``chi(dim, k)`` on one k grid."""
    from larch.io import read_ascii
    from larch.xafs import autobk

    chis, kk = [], None
    for f in files:
        g = read_ascii(str(f), labels=labels) if labels else read_ascii(str(f))
        autobk(g.energy, getattr(g, column), group=g, **autobk_kws)
        chis.append((g.k, g.chi))
    n = min(len(k) for k, _ in chis)
    kk = chis[0][0][:n]
    data = np.array([c[:n] for _, c in chis])
    ds = xr.Dataset({"chi": ((dim, "k"), data, {"units": "1", "long_name": "χ(k)"})},
                    coords={"k": ("k", kk, {"units": "1/angstrom", "long_name": "k"}),
                            dim: (dim, coords if coords is not None else np.arange(len(files)),
                                  {"units": "1", "long_name": dim})})
    return ds
