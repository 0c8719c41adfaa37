"""Example inputs of the nanoindentation Oliver–Pharr, CSM and grid functions.

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


def _oliver_pharr():
    return _indents(), {"tip": "berkovich", "unloading_range": (0.5, 1.0)}


EXAMPLES = {
    "nanoindent.oliver_pharr": _oliver_pharr,
}
