"""Table assembly with exact inputs: labels, pooling (mean ± s/√n), NaN never replaced by the
others, status-flagged lower bounds, ratios, the wide layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from characterization.report import SheetRow, long_table, markdown, wide_table
from characterization.report.run import FileRun


def _run(sample, key, results, state="", name="f.csv"):
    row = SheetRow(line=2, pattern=name, files=[Path(name)], sample=sample, state=state,
                   group=sample)
    return FileRun(row=row, file=Path(name), key=key, results=results,
                   args={k: {"p": 1} for k in results})


def _da(values, units, dims=(), coords=None):
    return xr.DataArray(np.asarray(values, float), dims=dims, coords=coords,
                        attrs={"units": units})


def _scherrer(sizes, errs):
    coords = {"peak": ["Si 111", "Si 220"]}
    return xr.Dataset({"crystallite_size": _da(sizes, "nm", ("peak",), coords),
                       "crystallite_size_stderr": _da(errs, "nm", ("peak",), coords)},
                      attrs={"function": "characterization.xrd.scherrer"})


def test_labels_single_values_and_settings():
    t = long_table([_run("A", "xrd", {"scherrer": _scherrer([10.0, 12.0], [0.5, 0.7])})])
    assert list(t["label"]) == ["Si 111", "Si 220"]
    assert list(t["value"]) == [10.0, 12.0] and list(t["stderr"]) == [0.5, 0.7]
    assert set(t["units"]) == {"nm"} and set(t["settings"]) == {"p=1"}
    assert set(t["method"]) == {"characterization.xrd.scherrer"}


def test_pooling_is_mean_and_standard_error_and_skips_nan():
    runs = [_run("A", "xrd", {"scherrer": _scherrer([v, np.nan], [0.1, np.nan])},
                 name=f"{k}.xy") for k, v in enumerate([10.0, 11.0, 13.0])]
    t = long_table(runs).set_index("label")
    assert t.loc["Si 111", "value"] == pytest.approx(np.mean([10, 11, 13]))
    assert t.loc["Si 111", "stderr"] == pytest.approx(np.std([10, 11, 13], ddof=1) / np.sqrt(3))
    assert t.loc["Si 111", "n"] == 3 and "mean of 3" in t.loc["Si 111", "method"]
    assert np.isnan(t.loc["Si 220", "value"]) and t.loc["Si 220", "n"] == 0   # no number made up
    assert t.loc["Si 111", "files"] == "0.xy; 1.xy; 2.xy"


def test_status_lower_bound_is_flagged_not_pooled():
    codes = "0: ok; 1: lower bound: size >= d_max, reported as d_max; 3: out of range; NaN"

    def conf(size, status):
        return {"confinement_size": xr.Dataset({
            "size_richter": _da([size], "nm", ("sample",)),
            "size_richter_stderr": _da([0.2], "nm", ("sample",)),
            "status_richter": xr.DataArray([status], dims=("sample",),
                                           attrs={"units": "1", "codes": codes})})}

    t = long_table([_run("wafer", "raman_silicon", conf(20.0, 1))])
    row = t[t.quantity == "si_size"].iloc[0]
    assert row.value == 20.0 and np.isnan(row.stderr) and row.n == 0
    assert row.flag == "1 of 1: lower bound: size >= d_max, reported as d_max"
    assert "| wafer | ≥ 20 |" in markdown(t)
    mixed = long_table([_run("n", "raman_silicon", conf(4.0, 0), name="a"),
                        _run("n", "raman_silicon", conf(20.0, 1), name="b")])
    row = mixed[mixed.quantity == "si_size"].iloc[0]
    assert row.value == 4.0 and row.n == 1 and row.flag.startswith("1 of 2: lower bound")
    wide = wide_table(mixed)
    assert "si_size_flag" in wide.columns


def test_ratio_and_wide_layout():
    energies = xr.Dataset({"elastic_work": _da([2e-10, 4e-10], "J", ("indent",)),
                           "plastic_work": _da([8e-10, 8e-10], "J", ("indent",))})
    runs = [_run("steel", "nanoindent", {"energies": energies}, state="as cast"),
            _run("A", "xrd", {"scherrer": _scherrer([10.0, 12.0], [0.5, 0.7])})]
    t = long_table(runs)
    we = t[t.quantity == "we_wp"].iloc[0]
    assert we.units == "1" and we.value == pytest.approx(0.375) and we.n == 2
    wide = wide_table(t)
    assert list(wide.columns[:2]) == ["sample", "state"]
    assert list(wide["sample"]) == ["steel", "A"]
    assert "crystallite_size[Si 220] (nm)" in wide.columns and "we_wp" in wide.columns
    assert np.isnan(wide.loc[0, "crystallite_size[Si 111] (nm)"])      # not measured on steel


def test_step_warnings_reach_the_table():
    run = _run("A", "xrd", {"scherrer": _scherrer([10.0, 12.0], [0.5, 0.7])})
    run.step_warnings["scherrer"] = "width at a bound"
    t = long_table([run])
    assert set(t["warnings"]) == {"width at a bound"}
