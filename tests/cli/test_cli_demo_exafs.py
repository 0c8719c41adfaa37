"""The EXAFS demo: synthetic Sn K-edge CSVs through the recipe (normalize → AUTOBK → FT)."""

from __future__ import annotations

import csv

import numpy as np

from characterization.cli.demos import exafs as exafs_demo
from characterization.cli.recipe import parse_recipe
from characterization.cli.run import run_recipe


def test_exafs_demo_recipe_recovers_e0_and_step(tmp_path):
    import tomllib

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    truth = exafs_demo.write_inputs(inputs, small=True)
    recipe = parse_recipe(tomllib.loads(exafs_demo.RECIPE), text=exafs_demo.RECIPE)
    files = sorted(inputs.iterdir())
    report = run_recipe(recipe, files, tmp_path / "out", progress=False)
    assert report.n_failed_files == 0
    rows = list(csv.DictReader(open(tmp_path / "out" / "summary.csv", encoding="utf-8")))
    assert len(rows) == 3
    for row in rows:
        t = truth[row["file"].split("/")[-1]]
        assert abs(float(row["normalize.e0 (eV)"]) - t["e0"]) < 0.6
        assert abs(float(row["normalize.edge_step (1)"]) / t["edge_step"] - 1) < 0.02
    assert not list(csv.DictReader(open(tmp_path / "out" / "errors.csv", encoding="utf-8")))
    lines = exafs_demo.report(report.summary, truth)
    assert len(lines) == 5 and np.isfinite(float(lines[1].split()[2]))
