"""Example inputs of the ``fit`` namespace (contract and vocabulary tests, docs)."""

from __future__ import annotations

from characterization.fit import Model, Peak, fit_peaks
from characterization.synthetic.peaks import peak_spectra


def carbon_model() -> Model:
    return Model([Peak("D4", "lorentzian", center=1200), Peak("D1", "lorentzian", center=1350),
                  Peak("D3", "lorentzian", center=1500), Peak("G", "lorentzian", center=1590)],
                 background="linear")


def fit_peaks_example():
    ds = peak_spectra(4, n_points=400, seed=3)
    ds.attrs.pop("ground_truth")
    return ds, {"model": carbon_model()}


def propagate_example():
    ds, kwargs = fit_peaks_example()
    two = Model([Peak("D1", "lorentzian", center=1350), Peak("G", "lorentzian", center=1590)],
                background="linear")
    result = fit_peaks(ds, {"2band": two, "4band": kwargs["model"]}, components=False)
    return result, {"function": _ratio, "params": ["D1.height", "G.height"], "units": "1",
                    "name": "id_ig"}


def _ratio(d, g):
    return d / g


EXAMPLES = {"fit.fit_peaks": fit_peaks_example, "fit.propagate": propagate_example}
