"""The EXAFS demo: synthetic Sn K-edge CSVs through the recipe (normalize → AUTOBK → FT →
β-Sn shell fit with FEFF paths named in the recipe, and LCF against reference files named in
the recipe, normalised like the inputs)."""

from __future__ import annotations

import csv

import numpy as np

from characterization.cli.demos import exafs as exafs_demo
from characterization.cli.recipe import load_recipe
from characterization.cli.run import run_recipe


def test_exafs_demo_recipe_recovers_the_truth(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    truth = exafs_demo.write_inputs(inputs, small=True)
    (tmp_path / "recipe.toml").write_text(exafs_demo.RECIPE, encoding="utf-8")
    recipe = load_recipe(tmp_path / "recipe.toml")
    files = sorted(inputs.iterdir())
    report = run_recipe(recipe, files, tmp_path, progress=False)
    assert report.n_failed_files == 0
    rows = list(csv.DictReader(open(tmp_path / "summary.csv", encoding="utf-8")))
    assert len(rows) == 3
    shells = exafs_demo._shell_results(rows)
    for row in rows:
        t = truth[row["file"].split("/")[-1]]
        # the mixture's edge lies between the metal's and the Li-Sn phase's (1.5 eV lower)
        assert t["e0_metal"] - 2.1 < float(row["normalize.e0 (eV)"]) < t["e0_metal"] + 0.6
        assert abs(float(row["normalize.edge_step (1)"]) / t["edge_step"] - 1) < 0.02
        assert row["fit_lcf.success (1)"] == "True"
        assert abs(float(row["fit_lcf.weight[Sn metal] (1)"]) - t["metal_fraction"]) < 0.02
        assert row["fit_shells.success (1)"] == "True"
        fit = shells[row["sample"]]
        for key, truth_key in (("s02", "amplitude"), ("sigma2", "sigma2")):
            value, stderr = fit[key]
            assert 0 < stderr and abs(value - t[truth_key]) < 3 * stderr, (key, value, t)
    assert not list(csv.DictReader(open(tmp_path / "errors.csv", encoding="utf-8")))
    lines = exafs_demo.report(report.summary, truth)
    assert len(lines) == 6
    assert np.isfinite(float(lines[2].split()[1]))
