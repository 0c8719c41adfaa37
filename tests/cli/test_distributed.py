"""``characterize run`` on dask.distributed: a LocalCluster and a separately started scheduler
with two workers (loopback only) give the serial run's results."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from characterization.cli import main

from test_batched_run import RECIPE, _rows, _write_carbon

ROOT = Path(__file__).resolve().parents[2]


def _inputs(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    _write_carbon(folder, 9)
    _write_carbon(folder, 3, seed=4, n_points=500, stem="other_axis")
    (folder / "broken.txt").write_text("not a spectrum\n")
    return folder


def _outputs(out: Path) -> dict:
    """Every table the run writes, as text (stores are compared through tables/)."""
    got = {name: (out / name).read_text() for name in ("summary.csv", "errors.csv",
                                                        "index.csv")}
    for p in sorted((out / "tables").glob("*.csv")):
        got[p.name] = p.read_text()
    return got


def _serial(tmp_path, folder, recipe) -> dict:
    out = tmp_path / "serial"
    assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress",
                 "--batch-size", "4", "--workers", "1"]) == 1
    return _outputs(out)


def test_local_cluster_equals_serial(tmp_path):
    folder = _inputs(tmp_path)
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE)
    serial = _serial(tmp_path, folder, recipe)
    out = tmp_path / "local"
    assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress",
                 "--batch-size", "4", "--workers", "2"]) == 1
    assert _outputs(out) == serial
    assert [Path(e["file"]).name for e in _rows(out / "errors.csv")] == ["broken.txt"]
    assert len(_rows(out / "summary.csv")) == 12


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_existing_scheduler_with_two_workers_equals_serial(tmp_path):
    folder = _inputs(tmp_path)
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE)
    serial = _serial(tmp_path, folder, recipe)
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [subprocess.Popen([*dask, "--host", "127.0.0.1", "--port", str(port),
                               "--dashboard-address", ":0", "--no-show"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads",
                 "1", "--nworkers", "1", "--host", "127.0.0.1", "--no-dashboard"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=90)
        out = tmp_path / "remote"
        assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress",
                     "--batch-size", "4", "--scheduler", address]) == 1
        assert _outputs(out) == serial
    finally:
        for p in procs[::-1]:
            p.terminate()
        deadline = time.monotonic() + 30
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_workers_option_is_checked(tmp_path, capsys):
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE)
    assert main(["run", str(recipe), str(tmp_path), "-o", str(tmp_path / "o"),
                 "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", str(recipe), str(tmp_path), "-o", str(tmp_path / "o"), "--workers", "2",
              "--scheduler", "tcp://127.0.0.1:1"])
