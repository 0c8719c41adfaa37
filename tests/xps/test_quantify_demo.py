"""The XPS demo: Avantage-style survey exports -> recipe -> at.% per sputter step vs truth."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from characterization.cli.demos import xps as xps_demo  # noqa: E402
from characterization.cli.demos._common import summary_value  # noqa: E402
from characterization.cli.recipe import load_recipe  # noqa: E402
from characterization.cli.run import run_recipe  # noqa: E402


def test_demo_recovers_the_depth_profile(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    truth = xps_demo.write_inputs(inputs, small=True)
    (tmp_path / "recipe.toml").write_text(xps_demo.RECIPE)
    recipe = load_recipe(tmp_path / "recipe.toml")
    files = sorted(inputs.iterdir())
    report = run_recipe(recipe, files, tmp_path / "out", progress=False)
    assert report.errors == []
    assert len(report.summary) == len(truth) == 10
    for row in report.summary:
        true = truth[row["file"].split("/")[-1]]["atomic_percent"]
        for line in xps_demo.LINES:
            found = summary_value(row, f"quantify.atomic_percent[{line}]")
            err = summary_value(row, f"quantify.atomic_percent_stderr[{line}]")
            assert abs(found - true[line.split()[0]]) < max(4 * err, 0.5), (row["file"], line)
    lines = xps_demo.report(report.summary, truth)
    assert len(lines) == len(truth) + 2
    fig = xps_demo.overview_figure(files, tmp_path)
    ax = fig.axes[1]
    np.testing.assert_allclose(ax.containers[3].lines[0].get_xdata(), xps_demo.TIMES)


def test_si2p_demo_recovers_the_valence_profile(tmp_path):
    from characterization.cli.demos import xps_si2p

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    truth = xps_si2p.write_inputs(inputs, small=True)
    (tmp_path / "recipe.toml").write_text(xps_si2p.RECIPE)
    recipe = load_recipe(tmp_path / "recipe.toml")
    files = sorted(inputs.iterdir())
    report = run_recipe(recipe, files, tmp_path / "out", progress=False)
    assert report.errors == []
    assert len(report.summary) == len(truth) == 10
    surface = [t["average_valence"] for t in truth.values() if t["sputter_time_s"] == 0.0]
    np.testing.assert_allclose(surface, 1.33, atol=0.005)
    for row in report.summary:
        true = truth[row["file"].split("/")[-1]]["average_valence"]
        # the tolerance for the average valence at realistic counts
        assert abs(summary_value(row, "fit_si2p.average_valence") - true) < 0.05, row["file"]
    assert len(xps_si2p.report(report.summary, truth)) == len(truth) + 2
    fig = xps_si2p.overview_figure(files, tmp_path)
    valence = fig.axes[1].containers[0].lines[0].get_ydata()
    assert valence[0] > 1.25 and valence[-1] < 1.06
