"""Example inputs of the XPS quantification functions (synthetic surveys with a batch dim)."""

from __future__ import annotations

from characterization.synthetic.xps_survey import survey


def _quantify():
    ds = survey({"C": [60.0, 55.0, 50.0], "O": [30.0, 32.0, 35.0], "Si": [10.0, 13.0, 15.0]},
                be_range=(0.0, 700.0), step=1.0, seed=4)
    return ds, {"peaks": ["C 1s", "O 1s", "Si 2p"]}


EXAMPLES = {"xps.quantify": _quantify}
