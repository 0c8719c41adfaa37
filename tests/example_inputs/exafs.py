"""Example inputs of the ``exafs`` public functions (one block per EXAFS engineer)."""

from __future__ import annotations

EXAMPLES: dict = {}


# --- FEFF paths (exafs_feff) ---
def feff_paths():
    """A structure Dataset of fcc Cu; one short FEFF run (first shell only), no cache."""
    from characterization.exafs import structures

    return structures.to_dataset(structures.cu()), {"absorber": "Cu", "radius": 4.0,
                                                    "r_max": 2.6, "cache": False}


EXAMPLES["exafs.feff_paths"] = feff_paths
# --- end FEFF paths ---
