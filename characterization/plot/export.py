"""Saving a figure as a journal asks: vector PDF/SVG with real text, PNG at 600 dpi.

DESIGN §7 sanctions vector export in the figure helper; analysis never writes files.
"""

from __future__ import annotations

from pathlib import Path

#: Formats :func:`export` writes, with their rcParams.
FORMATS = ("pdf", "svg", "png", "eps", "tif", "tiff", "jpg")
_EXPORT_RC = {
    "pdf.fonttype": 42,       # TrueType (Type 42): fonts embedded, text selectable/editable
    "ps.fonttype": 42,
    "svg.fonttype": "none",   # text as <text> elements, not paths
    "pdf.compression": 6,
}


def export(fig, path, formats=("pdf", "svg", "png"), *, dpi: int = 600, transparent=False,
           metadata=None) -> list[Path]:
    """Write ``fig`` in several formats next to each other; returns the paths written.

    PDF with TrueType (Type 42) fonts embedded and SVG with text kept as ``<text>`` (editable
    in Illustrator/Inkscape, searchable), PNG (and other raster formats) at ``dpi``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or path-like
        File name with or without suffix: ``"S3"`` or ``"S3.pdf"`` both give ``S3.pdf``,
        ``S3.svg``, ``S3.png``. The folder is created when missing.
    formats : sequence of str
        Any of ``pdf``, ``svg``, ``png``, ``eps``, ``tif``, ``jpg``.
    dpi : int
        Resolution of raster formats (600 dpi for line art in most journals).
    transparent : bool
        Transparent background.
    metadata : dict, optional
        Document metadata passed to matplotlib (``{"Title": ...}``); "Creator" defaults to
        ``characterization <version>``.

    Returns
    -------
    list of pathlib.Path

    Examples
    --------
    >>> import matplotlib, tempfile, pathlib
    >>> matplotlib.use("Agg")
    >>> from characterization.plot import export, new_figure
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.suffix for p in export(fig, pathlib.Path(tmp) / "S1", formats=("pdf", "svg"))]
    ['.pdf', '.svg']
    """
    import matplotlib as mpl

    from .. import __version__

    path = Path(path)
    if path.suffix.lower().lstrip(".") in FORMATS:
        path = path.with_suffix("")
    bad = [f for f in formats if f.lower() not in FORMATS]
    if bad:
        raise ValueError(f"formats {bad} not supported; use {list(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    with mpl.rc_context(_EXPORT_RC):
        for fmt in formats:
            fmt = fmt.lower()
            out = path.with_name(f"{path.name}.{fmt}")
            meta = None
            if fmt in ("pdf", "svg", "png", "eps"):
                meta = {"Creator": f"characterization {__version__}", **(metadata or {})}
                if fmt == "eps":
                    meta = {"Creator": meta["Creator"]}
            fig.savefig(out, format=fmt, dpi=dpi, transparent=transparent, metadata=meta)
            written.append(out)
    return written
