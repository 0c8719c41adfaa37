"""Example inputs of the ``xps`` namespace (contract and vocabulary tests, docs)."""

from __future__ import annotations

from characterization.synthetic.xps import si2p_spectra


def _si2p(n=3, seed=1):
    ds = si2p_spectra(n, seed=seed)
    ds.attrs.pop("ground_truth")
    return ds


def subtract_background_example():
    return _si2p(), {"background": "shirley", "range": (96.0, 107.0)}


EXAMPLES = {"xps.subtract_background": subtract_background_example}
