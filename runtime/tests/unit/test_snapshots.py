"""A read model's snapshot comes back as written, or not at all."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from runtime.replica import SnapshotFile


@pytest.fixture
def snapshot(tmp_path: Path) -> SnapshotFile:
    return SnapshotFile(tmp_path / "needs.snapshot", "needs needs.events code-1")


def test_a_snapshot_comes_back_with_its_offsets(snapshot: SnapshotFile) -> None:
    snapshot.save({"needs": {"n1": 3}}, {0: 12, 1: 0, 2: 7})
    loaded = snapshot.load()
    assert loaded is not None
    assert loaded.state == {"needs": {"n1": 3}} and loaded.positions == {0: 12, 1: 0, 2: 7}
    assert not list(snapshot.path.parent.glob("*.partial"))


def test_none_when_there_is_none(snapshot: SnapshotFile) -> None:
    assert snapshot.load() is None


def test_one_of_other_code_or_another_topic_is_passed_over(snapshot: SnapshotFile) -> None:
    snapshot.save({"needs": {}}, {0: 1})
    assert SnapshotFile(snapshot.path, "needs needs.events code-2").load() is None
    assert SnapshotFile(snapshot.path, "needs other.events code-1").load() is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body[: len(body) - 5],  # cut short
        lambda body: body[:-40] + bytes(b ^ 0xFF for b in body[-40:-39]) + body[-39:],  # one byte flipped
        lambda body: b"not a snapshot at all",
        lambda body: body.split(b"\n", 1)[0] + b"\n{broken json\n" + body.split(b"\n", 2)[2],
        lambda body: b"",
    ],
    ids=["cut short", "flipped", "foreign", "broken header", "empty"],
)
def test_a_damaged_snapshot_is_passed_over(snapshot: SnapshotFile, damage: Callable[[bytes], bytes]) -> None:
    snapshot.save({"needs": {"n1": 3}}, {0: 12})
    body = snapshot.path.read_bytes()
    snapshot.path.write_bytes(damage(body))
    assert snapshot.load() is None


def test_one_written_aside_is_the_state_at_that_moment_while_this_process_goes_on(snapshot: SnapshotFile) -> None:
    state = {"needs": {f"n{n}": n for n in range(50_000)}}
    assert snapshot.save_aside(state, {0: 7})
    assert not snapshot.save_aside(state, {0: 8})  # one at a time
    state["needs"]["later"] = -1  # after the fork: not in it
    while (written := snapshot.written()) is None:
        time.sleep(0.01)
    assert written[0] is True
    loaded = snapshot.load()
    assert loaded is not None and loaded.positions == {0: 7}
    assert len(loaded.state["needs"]) == 50_000 and "later" not in loaded.state["needs"]  # type: ignore[index]


def test_a_snapshot_written_now_stops_the_one_being_written_aside(snapshot: SnapshotFile) -> None:
    assert snapshot.save_aside({"needs": {n: n for n in range(200_000)}}, {0: 1})
    snapshot.abandon()
    snapshot.save({"needs": {}}, {0: 2})
    time.sleep(0.2)
    loaded = snapshot.load()
    assert loaded is not None and loaded.positions == {0: 2} and snapshot.written() is None
