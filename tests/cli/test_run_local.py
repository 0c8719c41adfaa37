"""``--workers N``: this process and the workers of a cluster share one queue of inputs."""

from __future__ import annotations

import threading

import pytest

distributed = pytest.importorskip("distributed")

from characterization.cli import _cluster  # noqa: E402


def _fake_chunk(chunk, recipe, out):
    return [{"batch": f"b{chunk[0]['file']}", "files": [{"file": it["file"], "status": "ok"}
                                                        for it in chunk]}]


def _failing_chunk(chunk, recipe, out):
    if chunk[0]["file"] == "f3":
        raise OSError("disk full")
    return _fake_chunk(chunk, recipe, out)


class _Bar:
    def __init__(self):
        self.n = 0

    def update(self, n):
        self.n += n


@pytest.mark.parametrize("func", [_fake_chunk, _failing_chunk])
def test_drain_takes_chunks_from_the_back_until_the_queue_is_empty(func):
    items = [{"file": f"f{k}"} for k in range(6)]
    queue = _cluster.GuidedQueue(items, batch_size=1, n_processes=2)   # chunks of one file
    assert queue.popleft() == [items[0]]              # this process took the first one
    markers, errors, bar = [], [], _Bar()
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address=None) as client:
        _cluster._drain(queue, func, None, "out", client, 2, bar, markers, errors,
                        threading.Lock())
    assert not queue
    done = sorted(m["batch"] for m in markers)
    if func is _fake_chunk:
        assert done == [f"bf{k}" for k in range(1, 6)] and not errors
    else:
        assert done == [f"bf{k}" for k in (1, 2, 4, 5)]
        assert [e["file"] for e in errors] == ["f3"] and errors[0]["stage"] == "batch"
    assert bar.n == 5
