"""Example inputs of the public Raman functions (contract and vocabulary tests, docs).

Each callable returns ``(Dataset, kwargs)``: a small seeded synthetic input with a batch dim
and the keyword arguments of a meaningful call.
"""

from __future__ import annotations

import numpy as np

from characterization.synthetic.peaks import peak_spectra
from characterization.synthetic.raman_carbon import carbon_spectra
from characterization.synthetic.raman_silicon import si_reference_spectra, silicon_spectra


def _peaks(n_points, seed):
    ds = peak_spectra(4, n_points=n_points, seed=seed)
    ds.attrs.pop("ground_truth")
    return ds


def subtract_background():
    ds = peak_spectra(4, n_points=400, seed=8, background="none")
    ds.attrs.pop("ground_truth")
    x = ds.raman_shift.values
    curve = 300.0 + 200.0 * np.exp(-(x - 900.0) / 400.0)
    ds["intensity"] = ds.intensity + curve
    ds.intensity.attrs.update(units="count", long_name="Intensity")
    return ds, {"method": "arpls", "lam": 1e5}


def crop():
    return _peaks(300, 5), {"range": (1100.0, 1700.0)}


def normalize():
    return _peaks(300, 6), {"method": "band", "range": (1550.0, 1650.0)}


def remove_spikes():
    ds = _peaks(1001, 7)                                  # 1 cm-1 steps
    y = ds.intensity.values.copy()
    y[0, 100] += 3000.0
    y[2, 650:652] += [1500.0, 900.0]
    ds["intensity"] = (ds.intensity.dims, y, ds.intensity.attrs)
    return ds, {"method": "single"}


def si_offset():
    return si_reference_spectra(4, 11, [-1.2, 0.4, 0.9, -0.3]), {}


def calibrate_shift():
    ds = _peaks(300, 12)
    return ds, {"reference": si_reference_spectra(1, 13, [-1.5]).isel(sample=0)}


def fit_carbon():
    ds = carbon_spectra(4, model=("2band", "4band"), x_range=(800, 2000), n_points=500, seed=2)
    del ds.attrs["ground_truth"]
    return ds, {"model": ["2band", "4band"]}


def crystallite_size():
    ds, _ = fit_carbon()
    return ds, {"formula": "cancado", "fit": {"model": "2band"}}


def fit_silicon():
    ds = silicon_spectra(4, amorphous=0.5, jitter=0.05, seed=4, n_points=241)
    ds.attrs.pop("ground_truth")
    return ds, {"shape": "voigt", "amorphous": "auto", "components": False}


def confinement_size():
    from characterization.raman import fit_silicon as fit

    ds = silicon_spectra(3, size=[3.0, 5.0, 8.0], noise=0.002, seed=2, jitter=0.0)
    res = fit(ds, shape="split_pseudo_voigt", amorphous=False, components=False)
    return res, {}


EXAMPLES = {f"raman.{f.__name__}": f for f in (
    subtract_background, crop, normalize, remove_spikes, si_offset, calibrate_shift, fit_carbon,
    crystallite_size, fit_silicon, confinement_size)}
