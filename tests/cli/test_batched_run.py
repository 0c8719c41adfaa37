"""Batched recipes: inputs stacked by signal axis give the per-file results, failures stay per
file."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization.cli import main
from characterization.cli.demos._common import write_text_export

RECIPE = """
[read]
technique = "raman"

[raman.remove_spikes]

[fit.fit_peaks]
input = "remove_spikes"
range = [1000, 1800]
model = { background = "linear", peaks = [
  { name = "D", shape = "lorentzian", center = 1350, fwhm = 60 },
  { name = "G", shape = "lorentzian", center = 1590, fwhm = 40 } ] }
"""


def _rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _write_carbon(folder: Path, n: int, *, seed: int = 3, n_points: int = 600,
                  stem: str = "c") -> list[Path]:
    rng = np.random.default_rng(seed)
    x = np.linspace(900.0, 1900.0, n_points)
    files = []
    for i in range(n):
        d, g = rng.uniform(300, 900), rng.uniform(800, 1200)
        y = (d / (1 + ((x - 1350) / 30) ** 2) + g / (1 + ((x - 1590) / 20) ** 2)
             + 50 + rng.normal(0, 5, x.size))
        path = folder / f"{stem}_{i:03d}.txt"
        write_text_export(path, x, y, columns="Raman shift (cm-1)\tIntensity (counts)")
        files.append(path)
    return files


def _store(out: Path, name: str, step: str):
    row = next(r for r in _rows(out / "index.csv") if Path(r["file"]).name == name)
    with xr.open_dataset(out / "batches" / row["batch"] / f"{step}.nc") as ds:
        return ds.sel(sample=row["sample"]).load()


def test_batches_equal_the_per_file_path(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    files = _write_carbon(folder, 7)
    files += _write_carbon(folder, 3, seed=4, n_points=500, stem="other_axis")
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE)
    out = tmp_path / "out"
    assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress",
                 "--batch-size", "4"]) == 0
    index = _rows(out / "index.csv")
    batches = {r["batch"] for r in index}
    # chunks of 4 consecutive files, grouped by axis: c_000-003 | c_004-006 + other_axis_000
    # (two batches) | other_axis_001-002
    assert len(batches) == 4
    assert sorted(len([r for r in index if r["batch"] == b]) for b in batches) == [1, 2, 3, 4]
    assert all(r["status"] == "ok" for r in index)
    summary = {Path(r["file"]).name: r for r in _rows(out / "summary.csv")}
    assert len(summary) == 10
    for f in files:
        single = ch.fit.fit_peaks(ch.raman.remove_spikes(ch.read(f, technique="raman")),
                                  range=[1000, 1800], model={
                                      "background": "linear", "peaks": [
                                          {"name": "D", "shape": "lorentzian", "center": 1350,
                                           "fwhm": 60},
                                          {"name": "G", "shape": "lorentzian", "center": 1590,
                                           "fwhm": 40}]})
        stored = _store(out, f.name, "fit_peaks")
        for var in ("center", "height", "fwhm", "redchi"):
            np.testing.assert_allclose(stored[var].values, single[var].values, rtol=1e-6,
                                       atol=1e-9, err_msg=f"{f.name} {var}")
        g = float(single["center"].sel(peak="G"))
        col = next(k for k in summary[f.name] if k.startswith("fit_peaks.center[G]"))
        assert float(summary[f.name][col]) == pytest.approx(g, rel=1e-9)
        despiked = _store(out, f.name, "remove_spikes")
        np.testing.assert_allclose(despiked["intensity"].values,
                                   ch.raman.remove_spikes(ch.read(f, technique="raman"))
                                   ["intensity"].values, rtol=1e-12)


def test_a_failing_file_does_not_fail_its_batch(tmp_path):
    """A file that raises inside a batched step is isolated by re-running that batch file by
    file: only it is recorded, its batch mates keep results equal to their single-file ones."""
    from characterization.cli.demos import sorption as sorption_demo

    folder = tmp_path / "in"
    folder.mkdir()
    sorption_demo.write_inputs(folder, small=True)
    files = sorted(folder.glob("*.csv"))
    # same number of points (same batch) but the isotherm stops at p/p0 = 0.855 < 0.93
    short = files[1]
    lines = short.read_text().splitlines()
    short.write_text("\n".join([lines[0]] + [f"{float(a) * 0.9:.6e},{b}" for a, b in
                                            (ln.split(",") for ln in lines[1:])]) + "\n")
    recipe = tmp_path / "r.toml"
    recipe.write_text('[read]\ntechnique = "sorption"\n[sorption.total_pore_volume]\n'
                      'p = 0.93\nerrors = "raise"\n[sorption.bet]\n')
    out = tmp_path / "out"
    assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"]) == 1
    index = {Path(r["file"]).name: r for r in _rows(out / "index.csv")}
    assert len({r["batch"] for r in index.values()}) == 1          # one stacked batch
    errors = _rows(out / "errors.csv")
    assert [(Path(e["file"]).name, e["stage"]) for e in errors] == [
        (short.name, "sorption.total_pore_volume")]
    assert index[short.name]["status"] == "failed"
    for f in files:
        single = ch.sorption.bet(ch.read(f, technique="sorption"))
        assert float(_store(out, f.name, "bet")["bet_area"]) == pytest.approx(
            float(single["bet_area"]), rel=1e-9)
        if f != short:
            assert index[f.name]["status"] == "ok"
            one = ch.sorption.total_pore_volume(ch.read(f, technique="sorption"), p=0.93)
            assert float(_store(out, f.name, "total_pore_volume")["total_pore_volume"]) == (
                pytest.approx(float(one["total_pore_volume"]), rel=1e-12))


def test_flagged_results_are_listed_kept_and_not_retried(tmp_path, capsys):
    """success = False (here: a total pore volume at p/p0 = 0.999 that the isotherms do not
    reach) is listed per file in errors.csv with the reason, keeps its NaN results in the
    store, does not change the exit code and is not recomputed on resume."""
    from characterization.cli.demos import sorption as sorption_demo

    folder = tmp_path / "in"
    folder.mkdir()
    sorption_demo.write_inputs(folder, small=True)
    files = sorted(folder.glob("*.csv"))
    recipe = tmp_path / "r.toml"
    recipe.write_text('[read]\ntechnique = "sorption"\n[sorption.total_pore_volume]\n'
                      'p = 0.999\n[sorption.bet]\n')
    out = tmp_path / "out"
    assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"]) == 0
    errors = _rows(out / "errors.csv")
    assert sorted(Path(e["file"]).name for e in errors) == [f.name for f in files]
    assert all(e["stage"] == "sorption.total_pore_volume" and "success = False" in e["message"]
               and "not extrapolated" in e["message"] for e in errors)
    assert {r["status"] for r in _rows(out / "index.csv")} == {"flagged"}
    for f in files:
        assert np.isnan(float(_store(out, f.name, "total_pore_volume")["total_pore_volume"]))
        assert float(_store(out, f.name, "bet")["bet_area"]) > 0
    capsys.readouterr()
    assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"]) == 0
    assert f"{len(files)} already complete" in capsys.readouterr().out
    assert len(_rows(out / "errors.csv")) == len(files)


def test_summary_is_the_declared_headline_and_tables_hold_everything(tmp_path):
    from characterization import _api
    from characterization.cli.demos import sorption as sorption_demo

    assert _api.get("sorption.bet").headline == ("bet_area", "c_constant", "p_min", "p_max",
                                                 "n_points")
    folder = tmp_path / "in"
    folder.mkdir()
    sorption_demo.write_inputs(folder, small=True)
    recipe = tmp_path / "r.toml"
    recipe.write_text('[read]\ntechnique = "sorption"\n[sorption.bet]\n')
    out = tmp_path / "out"
    assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"]) == 0
    with open(out / "summary.csv", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["file", "sample", "bet.bet_area (m^2/g)", "bet.bet_area_stderr (m^2/g)",
                      "bet.c_constant (1)", "bet.c_constant_stderr (1)", "bet.p_min (1)",
                      "bet.p_max (1)", "bet.n_points (1)", "bet.success (1)"]
    table = _rows(out / "tables" / "bet.csv")
    files = sorted(folder.glob("*.csv"))
    for f in files:
        stored = _store(out, f.name, "bet")
        mine = {(r["variable"], r["index"]): r for r in table if Path(r["file"]).name == f.name}
        assert float(mine[("bet_area", "")]["value"]) == pytest.approx(
            float(stored["bet_area"]), rel=1e-12)
        assert mine[("bet_area", "")]["units"] == "m^2/g"
        assert mine[("message", "")]["value"] == str(stored["message"].values)
        # a per-point mask (65 values per spectrum > MAX_SUMMARY_VALUES) stays in the store
        assert stored.sizes["point"] == 65 and not any(v == "used" for v, _ in mine)
        assert {v for v, _ in mine} >= {"bet_area", "bet_area_stderr", "c_constant", "slope",
                                        "intercept", "r_squared", "criterion_monotonic"}


def test_headline_label_selection_and_fallback():
    from characterization.cli import _summary

    res = xr.Dataset(
        {"center": (("sample", "peak"), [[1350.0, 1590.0]], {"units": "1/cm"}),
         "center_stderr": (("sample", "peak"), [[0.5, 0.1]], {"units": "1/cm"}),
         "id_ig_height": (("sample",), [0.4], {"units": "1"}),
         "success": (("sample",), [True], {"units": "1"})},
        coords={"sample": ["a"], "peak": ["D1", "G"]})
    rows = _summary.headline_rows("raman.fit_carbon", res, ["sample"], "fit_carbon")
    assert rows == [{"sample": "a", "fit_carbon.id_ig_height (1)": 0.4,
                     "fit_carbon.center[G] (1/cm)": 1590.0,
                     "fit_carbon.center_stderr[G] (1/cm)": 0.1,
                     "fit_carbon.center[D1] (1/cm)": 1350.0,
                     "fit_carbon.center_stderr[D1] (1/cm)": 0.5,
                     "fit_carbon.success (1)": True}]


def test_resample_puts_differing_axes_in_one_batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    first = _write_carbon(folder, 3)                                   # 600 points
    other = _write_carbon(folder, 2, seed=4, n_points=500, stem="other_axis")
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE.replace('technique = "raman"',
                                     'technique = "raman"\nresample = true'))
    out = tmp_path / "out"
    assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"]) == 0
    index = _rows(out / "index.csv")
    assert len({r["batch"] for r in index}) == 1
    ref_axis = ch.read(first[0], technique="raman")["raman_shift"].values  # c_000 comes first
    summary = {Path(r["file"]).name: r for r in _rows(out / "summary.csv")}
    model = {"background": "linear", "peaks": [
        {"name": "D", "shape": "lorentzian", "center": 1350, "fwhm": 60},
        {"name": "G", "shape": "lorentzian", "center": 1590, "fwhm": 40}]}
    for f in other:
        assert "resampled (linear)" in summary[f.name]["read_warnings"]
        data = ch.read(f, technique="raman").interp(raman_shift=ref_axis)
        data["raman_shift"].attrs = ch.read(f, technique="raman")["raman_shift"].attrs
        single = ch.fit.fit_peaks(ch.raman.remove_spikes(data), range=[1000, 1800], model=model)
        np.testing.assert_allclose(_store(out, f.name, "fit_peaks")["center"].values,
                                   single["center"].values, rtol=1e-6)
    for f in first:
        assert not summary[f.name].get("read_warnings")
    recipe.write_text('[read]\nresample = "yes"\n[sorption.bet]\n')
    assert main(["run", str(recipe), str(folder), "-o", str(tmp_path / "o2")]) == 2


def test_every_declared_headline_exists_in_its_functions_result():
    """Headlines are declared with the functions; a renamed result variable must not leave a
    declaration pointing at nothing (the contract examples are the results checked)."""
    from example_inputs import all_examples

    from characterization import _api
    from characterization.cli import _summary

    examples = all_examples()
    checked = 0
    for qualname, entry in sorted(_api.load_all().items()):
        if entry.headline is None:
            assert qualname == "fit.propagate"    # its result variable is named by the caller
            continue
        make = examples[qualname]
        ds, kwargs = make()
        result = entry.func(ds, **kwargs)
        dims = [d for d in ("sample",) if d in result.dims]
        for name in entry.headline:
            assert _summary._select(result, name, dims) is not None, (qualname, name)
        checked += 1
    assert checked >= 30


def test_store_results_skips_the_intermediate_transform(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _write_carbon(folder, 4)
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE + '\n[output]\nstore = "results"\n')
    assert main(["run", str(recipe), str(folder), "-o", str(tmp_path / "out"),
                 "--no-progress", "--workers", "1"]) == 0
    (batch,) = (tmp_path / "out" / "batches").iterdir()
    names = {p.name for p in batch.iterdir()}
    assert "fit_peaks.nc" in names and "remove_spikes.nc" not in names
    assert "remove_spikes.table.csv" in names           # its small numbers are still tabled
    full = tmp_path / "full.toml"
    full.write_text(RECIPE)
    assert main(["run", str(full), str(folder), "-o", str(tmp_path / "out_all"),
                 "--no-progress", "--workers", "1"]) == 0
    a = _store(tmp_path / "out", "c_002.txt", "fit_peaks")
    b = _store(tmp_path / "out_all", "c_002.txt", "fit_peaks")
    xr.testing.assert_identical(a, b)
    bad = tmp_path / "bad.toml"
    bad.write_text(RECIPE + '\n[output]\nstore = "headline"\n')
    assert main(["run", str(bad), str(folder), "-o", str(tmp_path / "x")]) == 2


def test_outputs_get_the_usual_file_mode(tmp_path):
    # atomic writes go through mkstemp (0600): the renamed output must get open()'s mode
    from characterization.cli._output import atomic_write_text

    out = atomic_write_text(tmp_path / "a.csv", "x\n")
    plain = tmp_path / "b.csv"
    plain.write_text("x\n")
    assert out.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
