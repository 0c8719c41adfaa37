"""Example inputs of the nanoindentation preparation, energy and event functions.

Synthetic Berkovich indents (``characterization.synthetic.indentation_curves``) with a batch dim
``indent``; one indent has a pop-in so the batch is NaN-padded like a multi-test file.
"""

from __future__ import annotations

import numpy as np

from characterization.synthetic import indentation_curves


def _indents(**kwargs):
    options = dict(loading_time=6.0, hold_time=2.0, unloading_time=3.0, sampling_rate=20.0,
                   popin_load=[np.nan, 20.0, np.nan, np.nan], noise_load=0.005,
                   noise_displacement=0.05, seed=4)
    options.update(kwargs)
    return indentation_curves(4, **options)


def _segment():
    return _indents(drift_hold_time=2.0), {"source": "detect"}


def _energies():
    return _indents(drift_hold_time=2.0), {"unload_end": "drift_hold"}


EXAMPLES = {
    "nanoindent.energies": _energies,
    "nanoindent.segment": _segment,
}
