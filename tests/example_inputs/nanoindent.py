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


def _events():
    return _indents(), {"min_excursion": 2.0}


def _zero_point():
    return _indents(approach_time=2.0, surface_offset=-30.0), {}


def _correct_drift():
    return _indents(drift_hold_time=4.0, drift_rate=0.2), {}


def _correct_frame_compliance():
    return _indents(frame_compliance=0.25), {"frame_stiffness": 4e6}


EXAMPLES = {
    "nanoindent.correct_drift": _correct_drift,
    "nanoindent.correct_frame_compliance": _correct_frame_compliance,
    "nanoindent.zero_point": _zero_point,
    "nanoindent.events": _events,
    "nanoindent.energies": _energies,
    "nanoindent.segment": _segment,
}
