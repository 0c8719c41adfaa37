"""Report demo: one cross-technique table and figures from the other demos' synthetic files.

A sample sheet maps the synthetic exports of the XRD, Raman, sorption, XPS and nanoindentation
demos to four "materials" (a Si/CoSi2 composite after 2 h and 10 h of milling, graphite,
nano-Si with its SiOx surface before and after sputtering) and ``characterize report`` turns
it into ``report/table.{csv,md,html,tex}``, one figure per material and a comparison figure.
Runs after the other demos and reuses their ``inputs`` folders (writes them when absent).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

TITLE = "Sample report: one table and figure set across XRD, Raman, sorption, XPS, nanoindentation"

XRD_PEAKS = "[28.44, 28.80, 47.30, 47.92, 56.12, 56.87]"
XRD_NAMES = ('["Si 111", "CoSi2 111", "Si 220", "CoSi2 220", "Si 311", '
             '"CoSi2 311"]').replace('"', '""')

#: (demo, glob in its inputs, sample, state, extra option cells peaks,names,sample_poisson_ratio)
ROWS = (
    ("xrd", "SiCoSi2_milled_2h_*.xy", "Si/CoSi2 2 h", "", "xrd"),
    ("xrd", "SiCoSi2_milled_10h_*.xy", "Si/CoSi2 10 h", "", "xrd"),
    ("raman_carbon", "coated_*.txt", "Si/CoSi2 2 h", "", ""),
    ("raman_carbon", "milled_*.txt", "Si/CoSi2 10 h", "", ""),
    ("sorption", "SiC_composite_*.csv", "Si/CoSi2 10 h", "", ""),
    ("nanoindent", "silicide_*.csv", "Si/CoSi2 10 h", "", "nanoindent"),
    ("raman_carbon", "graphite_*.txt", "graphite", "", ""),
    ("nanoindent", "graphite_*.csv", "graphite", "", "nanoindent"),
    ("raman_silicon", "nanoSi_4nm_*.txt", "nano-Si", "", ""),
    ("xps_si2p", "SiOx_site1_t0000s_Si2p.csv", "nano-Si", "surface", ""),
    ("xps_si2p", "SiOx_site1_t0600s_Si2p.csv", "nano-Si", "sputtered 600 s", ""),
)


def sheet_text(root: str = "..") -> str:
    """The demo's sample sheet (paths relative to the report folder)."""
    lines = ["# sample sheet of the report demo: file or glob, sample, state, options",
             "file,sample,state,technique,peaks,names,sample_poisson_ratio"]
    for demo, pattern, sample, state, kind in ROWS:
        extra = (f',xrd,"{XRD_PEAKS}","{XRD_NAMES}",' if kind == "xrd"
                 else ",,,,0.2" if kind == "nanoindent" else ",,,,")
        lines.append(f"{root}/{demo}/inputs/{pattern},{sample},{state}{extra}")
    return "\n".join(lines) + "\n"


def run_demo(folder, *, small: bool = False) -> int:
    """Write the sheet into ``folder`` (``OUT/report``), write the other demos' inputs when
    absent, run the report; returns the number of failed files."""
    from .. import _output
    from ..report import write_report

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for demo in dict.fromkeys(r[0] for r in ROWS):
        inputs = folder.parent / demo / "inputs"
        if not inputs.is_dir() or not any(inputs.iterdir()):
            inputs.mkdir(parents=True, exist_ok=True)
            import_module(f".{demo}", __package__).write_inputs(inputs, small=small)
    sheet = folder / "sheet.csv"
    _output.atomic_write_text(sheet, sheet_text())
    done = write_report(sheet, folder)
    failed = [e for e in done["errors"] if not e["flagged"]]
    print(f"   {done['n_files']} files, {len(done['figures'])} figures; "
          f"table: {folder / 'table.md'}; index: {folder / 'index.md'}")
    for e in done["errors"]:
        print(f"   {'flagged' if e['flagged'] else 'FAILED'}: {e['file']} {e['stage']}: "
              f"{e['message']}")
    return len(failed)
