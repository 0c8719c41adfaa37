"""Overview figures of a run, per-file panels on request, and one colour per sorption sample."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from characterization.cli import main  # noqa: E402
from characterization.cli.demos import sorption as sorption_demo  # noqa: E402
from characterization.plot.overview import (headline_columns, sample_colors,  # noqa: E402
                                            step_overview)


def _rows(n, seed=0):
    rng = np.random.default_rng(seed)
    return [{"file": f"f{i}", "sample": f"s{i}", "bet.bet_area (m^2/g)": rng.normal(300, 20),
             "bet.bet_area_stderr (m^2/g)": 2.0, "bet.c_constant (1)": rng.normal(80, 5),
             "bet.success (1)": True, "tplot.external_area (m^2/g)": 10.0} for i in range(n)]


def test_headline_columns_pair_values_with_their_errors():
    cols = list(_rows(1)[0]) + ["fit_carbon.center[G] (1/cm)",
                                "fit_carbon.center_stderr[G] (1/cm)"]
    assert headline_columns(cols, "bet") == [
        ("bet.bet_area (m^2/g)", "bet.bet_area_stderr (m^2/g)", "bet_area (m^2/g)"),
        ("bet.c_constant (1)", None, "c_constant")]
    assert headline_columns(cols, "fit_carbon") == [
        ("fit_carbon.center[G] (1/cm)", "fit_carbon.center_stderr[G] (1/cm)",
         "center[G] (1/cm)")]


@pytest.mark.parametrize("n", [5, 2000])
def test_step_overview_points_or_histograms(n):
    fig = step_overview(_rows(n), "bet")
    try:
        axes = [a for a in fig.axes if a.get_visible()]
        assert len(axes) == 2
        if n <= 40:
            assert [t.get_text() for t in axes[0].get_xticklabels()] == [f"s{i}"
                                                                        for i in range(n)]
        else:
            heights = sum(p.get_height() for p in axes[0].patches)
            assert heights == n       # every spectrum is in the histogram
            assert f"n = {n} of {n}" in " ".join(t.get_text() for t in axes[0].texts)
    finally:
        plt.close(fig)
    assert step_overview(_rows(3), "nothing") is None


def test_sample_colors_do_not_repeat():
    for n in (3, 10, 25):
        colors = [mcolors.to_hex(c) for c in sample_colors(n)]
        assert len(set(colors)) == n


def test_adsorption_and_desorption_of_a_sample_share_its_colour(tmp_path):
    import characterization as ch
    from characterization.plot.sorption import isotherm

    sorption_demo.write_inputs(tmp_path, small=True)
    ds = ch.read_many(sorted(tmp_path.glob("*.csv")), technique="sorption", join="outer")
    fig, ax = plt.subplots()
    try:
        for i in range(ds.sizes["sample"]):
            isotherm(ds, index=i, ax=ax)
        colors = [mcolors.to_hex(line.get_color()) for line in ax.lines]
        assert len(colors) == 2 * ds.sizes["sample"]
        pairs = list(zip(colors[::2], colors[1::2]))
        assert all(a == d for a, d in pairs)                     # one colour per sample
        assert len({a for a, _ in pairs}) == ds.sizes["sample"]  # different samples differ
    finally:
        plt.close(fig)


def test_run_writes_overviews_by_default_and_panels_per_file_on_request(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    sorption_demo.write_inputs(folder, small=True)
    recipe = tmp_path / "r.toml"
    for figures, expect_overview in (("true", True), ('"per-file"', False)):
        recipe.write_text('[read]\ntechnique = "sorption"\n[sorption.bet]\n'
                          f'[output]\nfigures = {figures}\n')
        out = tmp_path / f"out{expect_overview}"
        assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress"]) == 0
        assert (out / "figures" / "bet.png").exists() == expect_overview
        per_file = sorted(p.name for p in (out / "figures" / "bet").glob("*.png")) if (
            out / "figures" / "bet").exists() else []
        assert per_file == ([] if expect_overview else
                            sorted(f"{Path(f).stem}.png" for f in folder.glob("*.csv")))
    recipe.write_text('[sorption.bet]\n[output]\nfigures = "some"\n')
    assert main(["run", str(recipe), str(folder), "-o", str(tmp_path / "x")]) == 2
