"""Example inputs of the sorption functions (synthetic isotherms with a ``sample`` batch dim)."""

from __future__ import annotations

import numpy as np

from characterization.sorption import kelvin_kernel
from characterization.synthetic.isotherms import isotherms, kelvin_model_isotherms


def _bet():
    return isotherms(n_samples=4, seed=3), {}


def _micropore():
    return isotherms(n_samples=4, kind="I", seed=11), {}


def _total_pore_volume():
    return isotherms(n_samples=4, kind="IV", seed=13), {"p": 0.95}


def _microporous_with_film():
    return isotherms(n_samples=4, kind="I", film="harkins_jura", surface_area=80.0, seed=5)


def _tplot():
    return _microporous_with_film(), {"bet_area": 500.0}


def _alpha_s():
    reference = isotherms(kind="II", film="harkins_jura", surface_area=80.0, variation=0.0,
                          noise=0.0, seed=9).isel(sample=0, drop=True)
    return _microporous_with_film(), {"reference": reference, "reference_area": 80.0,
                                      "bet_area": 500.0}


def _classical_psd():
    return (isotherms(n_samples=4, kind="IV", mesopore_width=8.0, surface_area=250.0, seed=11),
            {"branch": "desorption", "pore_widths": np.geomspace(1, 100, 60)})


def _kernel_psd():
    ds = kelvin_model_isotherms([5.0, 7.0, 9.0], volumes=[0.4, 0.5, 0.6], noise=0.003, seed=1)
    kernel = kelvin_kernel(np.geomspace(2.0, 40.0, 40), np.linspace(0.02, 0.99, 98))
    return ds, {"model": kernel, "regularization": "gcv"}


EXAMPLES = {
    "sorption.bet": _bet,
    "sorption.langmuir": _micropore,
    "sorption.dubinin_radushkevich": _micropore,
    "sorption.total_pore_volume": _total_pore_volume,
    "sorption.tplot": _tplot,
    "sorption.alpha_s": _alpha_s,
    "sorption.bjh": _classical_psd,
    "sorption.dollimore_heal": _classical_psd,
    "sorption.kernel_psd": _kernel_psd,
}
