"""``[figure.<name>]`` recipe sections and ``characterize figure``: checked before running,
built after a run and from existing run outputs."""

from __future__ import annotations

import pytest

from characterization.cli import main
from characterization.cli.demos import raman_carbon, sorption
from characterization.cli.recipe import RecipeError, load_recipe, parse_recipe

STEPS = {"raman": {"remove_spikes": {}, "fit_carbon": {"input": "remove_spikes"}}}


def _figure(**section):
    return {**STEPS, "figure": {"S1": section}}


@pytest.mark.parametrize("section, message", [
    ({"panels": [{"panel": "raman.carbon_fitt", "step": "fit_carbon"}]},
     r"\[figure.S1\] panel 1: panel 'raman.carbon_fitt' is not a panel function.*carbon_fit"),
    ({"panels": [{"panel": "tem.image", "step": "fit_carbon"}]}, r"no panel module 'tem'"),
    ({"panels": [{"panel": "raman.carbon_fit", "step": "fit_silicon"}]},
     r"\[figure.S1\] panel 1: step 'fit_silicon' is not a step of the recipe"),
    ({"panels": [{"panel": "raman.carbon_fit"}]}, r"panel 1: step = \.\.\. is missing"),
    ({"panels": [{"panel": "raman.carbon_fit", "step": "fit_carbon", "colour": "red"}]},
     r"panel 1: unknown keys \['colour'\]"),
    ({"panels": [{"panel": "raman.carbon_fit", "step": "fit_carbon",
                  "options": {"residuals": False}}]}, r"has no option\(s\) \['residuals'\]"),
    ({"panels": [{"panel": "raman.carbon_fit", "step": "fit_carbon",
                  "select": {"file": "*"}}]}, r"select = .*sample"),
    ({"panels": []}, r"\[figure.S1\]: panels = \[\.\.\.\] is missing or empty"),
    ({"panels": [{"panel": "raman.carbon_fit", "step": "fit_carbon"}], "formats": ["jpg"]},
     r"formats = \['jpg'\]"),
    ({"panels": [{"panel": "raman.carbon_fit", "step": "fit_carbon"}], "width": "wide"},
     r"width = 'wide'"),
    ({"panels": [{"panel": "raman.carbon_fit", "step": "fit_carbon"}], "dpi": 300},
     r"\[figure.S1\]: unknown keys \['dpi'\]"),
])
def test_bad_figure_sections_fail_before_running(section, message):
    with pytest.raises(RecipeError, match=message):
        parse_recipe(_figure(**section), source="r.toml")


def test_good_section_is_parsed():
    recipe = parse_recipe(_figure(panels=[
        {"panel": "raman.carbon_fit", "step": "fit_carbon", "select": {"sample": "m*"},
         "options": {"residual": False}, "max": 2},
        {"panel": "raman.spikes", "step": "remove_spikes"}], width="single", columns=1,
        formats=["svg"]), source="r.toml")
    (fig,) = recipe.figures
    assert fig.name == "S1" and fig.width == "single" and fig.formats == ("svg",)
    assert [p.per_file for p in fig.panels] == [True, True]
    assert fig.panels[0].select == {"sample": "m*"} and fig.panels[0].max == 2


FIGURE = """
[figure.S1]
title = "Carbon D/G fits"
formats = ["pdf", "png", "svg"]
panels = [ { panel = "raman.carbon_fit", step = "fit_carbon", select = { sample = "*" } },
           { panel = "raman.spikes", step = "remove_spikes", max = 1 } ]
"""


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    root = tmp_path_factory.mktemp("figure_recipe")
    (root / "in").mkdir()
    raman_carbon.write_inputs(root / "in", small=True)
    recipe = root / "recipe.toml"
    recipe.write_text(raman_carbon.RECIPE + FIGURE)
    rc = main(["run", str(recipe), str(root / "in"), "-o", str(root / "out"), "--no-progress"])
    assert rc == 0
    return root


def test_run_builds_the_named_figure(run_out):
    out = run_out / "out" / "figures"
    for fmt in ("pdf", "png", "svg"):
        assert (out / f"S1.{fmt}").stat().st_size > 1000
    svg = (out / "S1.svg").read_text()
    assert "Carbon D/G fits" in svg                            # text kept as text
    assert svg.count("(a)") == 1 and "(d)" in svg and "(e)" not in svg   # 3 fits + 1 spikes
    assert "Raman shift" in svg
    assert b"/FontFile2" in (out / "S1.pdf").read_bytes()


def test_figure_command_rebuilds_from_results(run_out, capsys):
    only = run_out / "figures_only.toml"
    only.write_text('[read]\ntechnique = "raman"\n' + FIGURE.replace("S1", "S2")
                    .replace('"*"', '"graphite*"').replace(', "svg"', ""))
    rc = main(["figure", str(run_out / "out"), "--recipe", str(only), "-o",
               str(run_out / "fig")])
    assert rc == 0, capsys.readouterr().err
    assert (run_out / "fig" / "figures" / "S2.pdf").stat().st_size > 1000
    assert (run_out / "fig" / "figures" / "S2.png").read_bytes()[:4] == b"\x89PNG"
    # the run's own recipe works as the figure recipe too
    rc = main(["figure", str(run_out / "out"), "--recipe", str(run_out / "recipe.toml"),
               "-o", str(run_out / "fig2")])
    assert rc == 0 and (run_out / "fig2" / "figures" / "S1.png").exists()


def test_figure_command_checks_steps_against_the_results(run_out, capsys):
    bad = run_out / "bad.toml"
    bad.write_text('[figure.S3]\npanels = [{ panel = "sorption.bet_plot", step = "bet" }]\n')
    assert main(["figure", str(run_out / "out"), "--recipe", str(bad)]) == 2
    assert "[figure.S3] panel 1: step 'bet' is not a step" in capsys.readouterr().err
    assert main(["figure", str(run_out / "nowhere"), "--recipe", str(bad)]) == 2


def test_panel_over_all_samples(tmp_path):
    """A panel without ``index`` (energy_bars style) gets every selected result at once;
    sorption isotherms are drawn from the data read again."""
    (tmp_path / "in").mkdir()
    sorption.write_inputs(tmp_path / "in", small=True)
    recipe = tmp_path / "r.toml"
    recipe.write_text(sorption.RECIPE.replace("figures = true", "figures = false") + """
[figure.iso]
width = "single"
columns = 1
formats = ["png"]
panels = [ { panel = "sorption.isotherm", step = "bet", select = { sample = "SiC*" }, max = 1 },
           { panel = "sorption.bet_plot", step = "bet", max = 1 } ]
""")
    assert load_recipe(recipe).figures[0].columns == 1
    assert main(["run", str(recipe), str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                 "--no-progress"]) == 0
    assert (tmp_path / "out" / "figures" / "iso.png").stat().st_size > 1000
    from characterization.cli.figure import build_figures

    rec = load_recipe(recipe)
    errors = build_figures(rec.figures, [tmp_path / "out"], tmp_path / "again",
                           read_options=rec.read_options)
    assert errors == []                                    # every panel drawn
