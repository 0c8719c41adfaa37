"""``characterize report SHEET -o OUT``: the cross-technique sample report as files.

Runs :func:`characterization.report.report`'s machinery (every sheet row's recipe on its files,
in memory) and writes::

    OUT/table.csv          one row per sample (× state): value and stderr column per quantity
                           (empty: not measured or no finite value; table_long.csv tells which)
    OUT/table_long.csv     the tidy table: value, stderr, units, n, method, settings, files
    OUT/table.md           Markdown table (value ± error) with the methods and settings
    OUT/table.html         the same as an HTML table
    OUT/table.tex          the same as a LaTeX tabular (booktabs)
    OUT/figures/<sample>.pdf|png    one multi-panel figure per material (its fits)
    OUT/figures/comparison.pdf|png  each headline quantity across materials
    OUT/errors.csv         file, sample, state, stage, message of every failure or flag
    OUT/index.md           links to all of the above

A file that fails is listed in ``errors.csv`` and the report completes without it; the exit
code is 1 then (2 for an invalid sheet).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import _output

#: Most panels in one material's figure.
MAX_MATERIAL_PANELS = 12
#: Most panels in the comparison figure.
MAX_COMPARISON_PANELS = 12


_TECHNIQUE_NAMES = {"xrd": "XRD", "raman_carbon": "Raman", "raman_silicon": "Raman Si",
                    "sorption": "N$_2$ sorption", "xps_si2p": "XPS Si 2p",
                    "nanoindent": "Nanoindentation", "exafs": "EXAFS"}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "sample"


def _material_draws(runs):
    """(title, draw) per default panel of the figure steps of the first file of each
    technique and state of one material (replicates are in the table, not repeated here)."""
    from ..plot import default_panel
    from ..report import FIGURE_STEPS

    draws, seen = [], set()
    for run in runs:
        if (run.key, run.row.state) in seen:
            continue
        seen.add((run.key, run.row.state))
        for label in FIGURE_STEPS.get(run.key, ()):
            step = next((s for s in (run.recipe.steps if run.recipe else ())
                         if s.label == label), None)
            if step is None or label not in run.results:
                continue
            panel = default_panel(step.qualname)
            if panel is None:
                continue
            title = f"{_TECHNIQUE_NAMES.get(run.key, run.key)}: " + " ".join(
                x for x in (run.file.stem, run.row.state) if x)
            draws.append((title, lambda ax, p=panel, r=run.results[label],
                          d=run.inputs[label]: p(r, data=d, ax=ax)))
    return draws[:MAX_MATERIAL_PANELS]


_UNITS = {"1/cm": "cm$^{-1}$", "m^2/g": "m$^2$ g$^{-1}$", "cm^3/g": "cm$^3$ g$^{-1}$",
          "1": ""}


def _comparison_draws(long):
    """One bar chart per quantity (and label) measured on at least two materials (or states),
    or on one when nothing is shared: the materials side by side with their errors."""
    import numpy as np

    from ..plot.overview import sample_colors

    rows = list(dict.fromkeys(zip(long["sample"], long["state"])))
    names = [" ".join(x for x in r if x) for r in rows]
    samples = list(dict.fromkeys(long["sample"]))
    colors = dict(zip(samples, sample_colors(len(samples))))
    groups = [(key, part) for key, part in long.groupby(["quantity", "label", "units"],
                                                        sort=False)
              if np.isfinite(part["value"].to_numpy(float)).any()]
    shared = [(k, p) for k, p in groups if np.isfinite(p["value"].to_numpy(float)).sum() >= 2]
    chosen = shared or groups
    # one panel per quantity first (its first label), further labels (XRD reflections) after
    firsts = {}
    for k, _ in chosen:
        firsts.setdefault(k[0], k)
    chosen = ([g for g in chosen if firsts[g[0][0]] == g[0]]
              + [g for g in chosen if firsts[g[0][0]] != g[0]])
    draws = []
    for (q, label, units), part in chosen:
        by_row = {(r.sample, r.state): (r.value, r.stderr) for r in part.itertuples()}
        bounds = {(r.sample, r.state) for r in part.itertuples()
                  if r.flag and r.n == 0 and "lower bound" in r.flag}
        title = part["long_name"].iloc[0] + (f" [{label}]" if label else "")
        unit_text = _UNITS.get(units, units)

        def draw(ax, by_row=by_row, title=title, unit_text=unit_text, bounds=bounds):
            here = [r for r in rows if r in by_row]        # the materials measured
            labels = [names[rows.index(r)] for r in here]
            x = np.arange(len(here))
            v = np.array([by_row[r][0] for r in here], float)
            e = np.array([by_row[r][1] for r in here], float)
            ax.bar(x, np.where(np.isfinite(v), v, 0.0), yerr=np.where(np.isfinite(e), e, 0.0),
                   color=[colors[r[0]] for r in here], capsize=2, width=0.6)
            for xi, vi, r in zip(x, v, here):
                if not np.isfinite(vi):
                    ax.text(xi, 0, "n/a", ha="center", va="bottom", fontsize=6, color="0.4")
                elif r in bounds:                  # a lower bound, not an estimate
                    ax.text(xi, vi, "≥", ha="center", va="bottom", fontsize=7)
            tilt = len(here) > 2 or sum(map(len, labels)) > 24
            ax.set_xticks(x, labels, rotation=30 if tilt else 0,
                          ha="right" if tilt else "center", fontsize=6)
            ax.set_xlim(-0.6, max(len(here), 2) - 0.4)
            ax.set_title(title, fontsize=7)
            if unit_text:
                ax.set_ylabel(unit_text)
            ax.tick_params(axis="x", top=False)
            ax.set_ylim(top=ax.get_ylim()[1] * 1.15)     # room for the panel letter
        draws.append(("", draw))
    return draws[:MAX_COMPARISON_PANELS]


def write_report(sheet, out) -> dict:
    """Run the sheet and write every report file into ``out``; returns a dict of what was
    written (``tables``, ``figures``, ``errors``, ``n_files``)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from ..plot import style
    from ..report import html, latex, long_table, markdown, read_sheet, run_sheet, wide_table
    from .figure import compose, save

    out = Path(out)
    rows = read_sheet(sheet)
    runs, errors = run_sheet(rows, source=str(sheet))
    long = long_table(runs)
    wide = wide_table(long)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "table.csv": lambda tmp: wide.to_csv(tmp, index=False, na_rep=""),
        "table_long.csv": lambda tmp: long.to_csv(tmp, index=False, na_rep="nan"),
    }
    for name, write in tables.items():
        _output.atomic_write(out / name, write)
    for name, text in (("table.md", markdown(long)), ("table.html", html(long)),
                       ("table.tex", latex(long))):
        _output.atomic_write_text(out / name, text)
    figures: dict[str, list[Path]] = {}
    by_sample: dict[str, list] = {}
    for run in runs:
        if run.results:
            by_sample.setdefault(run.row.sample, []).append(run)
    with style():
        for sample, sample_runs in by_sample.items():
            draws = _material_draws(sample_runs)
            if not draws:
                continue
            width = {1: "single", 2: "onehalf"}.get(len(draws), "double")
            fig, errs = compose(draws, width=width, columns=min(3, len(draws)),
                                title=sample, aspect=0.9)
            figures[sample] = save(fig, out / "figures" / _slug(sample), ("pdf", "png"))
            errors += [{"file": "", "sample": sample, "state": "", "stage": "figure",
                        "message": m, "flagged": True} for m in errs]
        draws = _comparison_draws(long)
        if draws:
            fig, _ = compose(draws, width={1: "single", 2: "onehalf"}.get(len(draws), "double"),
                             columns=min(3, len(draws)),
                             title="Headline numbers across materials", aspect=0.75)
            figures["comparison"] = save(fig, out / "figures" / "comparison", ("pdf", "png"))
    _output.write_csv(errors, out / "errors.csv",
                      columns=["file", "sample", "state", "stage", "message", "flagged"])
    _output.atomic_write_text(out / "index.md", _index(sheet, long, figures, errors, runs))
    return {"tables": [out / n for n in (*tables, "table.md", "table.html", "table.tex")],
            "figures": figures, "errors": errors, "n_files": len(runs)}


def _index(sheet, long, figures, errors, runs) -> str:
    from ..report import markdown

    lines = [f"# Sample report: {Path(sheet).name}", "",
             f"{len(runs)} file(s), {len(set(long['sample']))} material(s), "
             f"{sum(not e['flagged'] for e in errors)} failure(s), "
             f"{sum(bool(e['flagged']) for e in errors)} flagged result(s) "
             "([errors.csv](errors.csv)).", "",
             "Tables: [CSV](table.csv) · [tidy CSV](table_long.csv) · [Markdown](table.md) · "
             "[HTML](table.html) · [LaTeX](table.tex)", "", "## Figures", ""]
    for name, paths in figures.items():
        links = " · ".join(f"[{p.suffix[1:].upper()}](figures/{p.name})" for p in paths)
        lines.append(f"- {name}: {links}")
    lines += ["", "## Table", "", markdown(long)]
    return "\n".join(lines)


def report_command(sheet, out) -> int:
    """CLI entry: 0 when every file succeeded, 1 when some failed, 2 for an invalid sheet."""
    from ..report import SheetError

    try:
        done = write_report(sheet, out)
    except SheetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = [e for e in done["errors"] if not e["flagged"]]
    print(f"{done['n_files']} file(s) analysed; tables and figures in {out} (index.md)")
    for e in done["errors"][:10]:
        print(f"  {'flagged' if e['flagged'] else 'failed'}: {e['file']} {e['stage']}: "
              f"{e['message']}")
    if failed:
        print(f"error: {len(failed)} failure(s), see {Path(out) / 'errors.csv'}",
              file=sys.stderr)
        return 1
    return 0
