"""Example inputs of the ``xps`` namespace (contract and vocabulary tests, docs)."""

from __future__ import annotations

from characterization.synthetic.xps import si2p_spectra


def _si2p(n=3, seed=1):
    ds = si2p_spectra(n, seed=seed)
    ds.attrs.pop("ground_truth")
    return ds


def subtract_background_example():
    return _si2p(), {"background": "shirley", "range": (96.0, 107.0)}


def reference_energy_example():
    ds = si2p_spectra(3, fractions=[1.0], shifts=[0.0], fwhm=[1.1], e0=285.0, splitting=0.0,
                      ratio=0.0, energy=(279.0, 291.0, 0.1), seed=2)
    ds.attrs.pop("ground_truth")
    return ds, {"reference": 284.8}


def calibrate_example():
    return _si2p(), {"shift": -0.2}


def fit_region_example():
    from characterization.fit import Param
    from characterization.xps import doublet

    fw = {"fwhm": Param(1.0, min=0.3, max=3.0), "m": Param(30.0, vary=False)}
    ds = si2p_spectra(3, fractions=[0.6, 0, 0, 0, 0.4], seed=3)
    ds.attrs.pop("ground_truth")
    peaks = (doublet("Si0", splitting=0.61, ratio=0.5, center=99.4, **fw)
             + doublet("Si4", splitting=0.61, ratio=0.5, center=103.3, **fw))
    return ds, {"model": peaks, "background": "active"}


def fit_si2p_example():
    return _si2p(), {}


def fit_oxidation_states_example():
    return _si2p(), {"states": {0: 0.0, 1: 0.95, 2: 1.75, 3: 2.48, 4: 3.9}, "element": "Si",
                     "e0": 99.4, "splitting": 0.61, "ratio": 0.5, "n_draws": 3}


def fit_regions_example():
    from characterization.fit import Param, Peak, Tie
    from characterization.xps import stack_regions

    common = {"fractions": [1.0], "shifts": [0.0], "fwhm": [1.3], "splitting": 0.0,
              "ratio": 0.0, "n_spectra": 3}
    si = si2p_spectra(e0=103.5, energy=(99.0, 108.0, 0.1), seed=4, **common)
    o = si2p_spectra(e0=532.9, energy=(528.0, 538.0, 0.1), seed=5, **common)
    for d in (si, o):
        d.attrs.pop("ground_truth")
    fw = {"fwhm": Param(1.2, min=0.5, max=3.0), "m": Param(30.0, vary=False)}
    model = {"Si_2p": [Peak("Si4", "gl", center=103.4, **fw)],
             "O_1s": [Peak("O", "gl", center=532.8, **fw)]}
    return stack_regions({"Si_2p": si, "O_1s": o}), {
        "model": model, "ties": {"O_1s/O.center": Tie("Si_2p/Si4.center", offset=429.4)}}


EXAMPLES = {"xps.fit_regions": fit_regions_example,
            "xps.fit_region": fit_region_example,
            "xps.fit_si2p": fit_si2p_example,
            "xps.fit_oxidation_states": fit_oxidation_states_example,
            "xps.subtract_background": subtract_background_example,
            "xps.reference_energy": reference_energy_example,
            "xps.calibrate": calibrate_example}
