"""Helpers shared by the demo modules (they write synthetic instrument exports)."""

from __future__ import annotations


def write_text_export(path, x, y, *, columns: str, metadata=(), fmt: str = "{:.3f}\t{:.2f}",
                      comment: str = "# "):
    """Write a two-column text export with metadata lines and a column header line."""
    lines = [f"{comment}Synthetic export (characterization demo)"]
    lines += [f"{comment}{m}" for m in metadata]
    lines.append(columns)
    lines += [fmt.format(a, b) for a, b in zip(x, y)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def summary_value(row: dict, prefix: str, default=float("nan")):
    """The value of the first summary column starting with ``prefix`` (units vary)."""
    return next((v for k, v in row.items() if k.startswith(prefix)), default)
