"""The vocabulary table of DESIGN §4 holds for every public function (keywords and results).

Walks the registry of public functions: a keyword (or result variable) that names a concept of the
table with a word the table rejects fails here, so a new technique cannot drift back.
"""

from __future__ import annotations

import inspect

import pytest

from characterization import _api
from example_inputs import all_examples

ENTRIES = _api.load_all()
EXAMPLES = all_examples()

#: keyword -> the table's word for that concept
BANNED_KEYWORDS = {
    "band": "range", "p_range": "range", "pressure_range": "range",
    "two_theta_range": "range", "shift_range": "range", "energy_range": "range",
    "t_range": "thickness_range", "alpha_range": "alpha_s_range",
    "axis": "dim", "column": "var", "variable": "var",
    "baseline": "background",
    "position": "center",
    "max_nfev": "fit_kwargs", "fit_options": "fit_kwargs",
    "on_error": "errors",
}

BANNED_RESULT_VARIABLES = {"position": "center", "position_stderr": "center_stderr",
                           "baseline": "background"}


@pytest.mark.parametrize("qualname", sorted(ENTRIES))
def test_keywords_use_the_vocabulary(qualname):
    entry = ENTRIES[qualname]
    params = inspect.signature(entry.func).parameters
    if entry.namespace == "fit" and entry.name == "fit_peaks":
        allowed = {"max_nfev"}          # the engine takes its options directly
    else:
        allowed = set()
    wrong = {name: BANNED_KEYWORDS[name] for name in params
             if name in BANNED_KEYWORDS and name not in allowed}
    assert not wrong, f"{qualname}: use {wrong} (DESIGN §4)"
    if "window" in params:
        default = params["window"].default
        assert not (isinstance(default, tuple) and len(default) == 2), \
            f"{qualname}: window= is a half-width; a (lo, hi) pair is range="
    assert "baseline" not in entry.name, f"{qualname}: the function is subtract_background"


@pytest.mark.parametrize("qualname", sorted(ENTRIES))
def test_result_variables_use_the_vocabulary(qualname):
    entry = ENTRIES[qualname]
    make = EXAMPLES[qualname]
    ds, kwargs = make()
    result = entry.func(ds, **kwargs)
    wrong = {n: BANNED_RESULT_VARIABLES[n] for n in result.variables
             if n in BANNED_RESULT_VARIABLES}
    assert not wrong, f"{qualname}: result variables {wrong} (DESIGN §4)"


def test_every_public_function_has_an_example():
    missing = [q for q in ENTRIES if q not in EXAMPLES]
    assert not missing
