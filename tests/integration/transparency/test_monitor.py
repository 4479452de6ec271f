"""The monitor: compact ranges, and a fake registry caught rewriting, dropping or forking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli.log import monitor_once
from api.cli.main import main
from registry.trust.merkle import MemoryTree, leaf_hash
from registry.trust.signed_note import verifier_key
from registry.trust.tlog_errors import MonitorError
from registry.trust.tlog_monitor import CompactRange, MonitorState
from tests.integration.transparency.fake_log import FakeLog, entry


def test_compact_range_roots_equal_the_memory_tree() -> None:
    tree, compact = MemoryTree(), CompactRange()
    assert compact.root() == tree.root()
    for i in range(70):
        leaf = leaf_hash(entry(i).encode())
        tree.append_leaf_hash(leaf)
        compact.append(leaf)
        assert compact.root() == tree.root()
        restored = CompactRange(compact.size, compact.hashes)  # what the state file keeps
        assert restored.root() == tree.root()


async def run(fake: FakeLog, state: MonitorState | None, key: str | None = None) -> MonitorState:
    async with fake.client() as client:
        return (await monitor_once(client, state, key)).state


async def test_first_run_pins_the_key_and_later_runs_verify_growth() -> None:
    fake = FakeLog(13)
    state = await run(fake, None)
    assert (state.size, state.key) == (13, fake.verifier_key)
    assert MonitorState.from_json(state.to_json()) == state
    fake.grow(20)
    async with fake.client() as client:
        update = await monitor_once(client, state, None)
    assert (update.old_size, update.new_entries, update.state.size) == (13, 20, 33)
    assert update.by_type == {"certificate.issued": 20}
    assert (await run(fake, update.state)).size == 33  # nothing new: still consistent


async def test_a_rewritten_new_entry_is_detected() -> None:
    fake = FakeLog(10)
    state = await run(fake, None)
    fake.grow(6)
    fake.served[12] = entry(999)  # the registry serves other content than it logged
    with pytest.raises(MonitorError, match="do not hash to the signed root"):
        await run(fake, state)


async def test_a_rewritten_past_entry_is_a_fork() -> None:
    fake = FakeLog(10)
    state = await run(fake, None)
    fake.entries[3] = entry(999, "certificate.revoked")  # history rewritten, tree rebuilt
    fake.grow(5)  # and a new checkpoint signed over it
    with pytest.raises(MonitorError, match="fork"):
        await run(fake, state)


async def test_a_dropped_entry_is_detected() -> None:
    fake = FakeLog(8)
    state = await run(fake, None)
    fake.grow(4)
    fake.served[9] = None  # one entry quietly left out
    with pytest.raises(MonitorError, match="entry 9 is missing"):
        await run(fake, state)
    fake.served.clear()
    del fake.entries[5]  # a past entry dropped and the log re-signed without it
    with pytest.raises(MonitorError, match="fork"):
        await run(fake, state)


async def test_a_forked_checkpoint_is_detected() -> None:
    fake = FakeLog(10)
    state = await run(fake, None)
    twin = FakeLog(0, key=fake.key)  # same key, another history of the same size
    twin.entries = [entry(i + 100) for i in range(10)]
    with pytest.raises(MonitorError, match="fork: two different signed roots"):
        await run(twin, state)
    twin.grow(3)
    with pytest.raises(MonitorError, match="fork"):
        await run(twin, state)


async def test_a_shrunk_log_or_another_key_is_detected() -> None:
    fake = FakeLog(10)
    state = await run(fake, None)
    del fake.entries[8:]
    with pytest.raises(MonitorError, match="shrank"):
        await run(fake, state)
    impostor = FakeLog(12)  # a different key entirely
    with pytest.raises(MonitorError, match="not validly signed"):
        await run(impostor, state)
    with pytest.raises(MonitorError, match="--key differs"):
        await run(fake, state, key=impostor.verifier_key)


def test_the_command_line_over_real_http(tmp_path: Path) -> None:
    fake, state_file, runner = FakeLog(6), tmp_path / "state.json", CliRunner()
    with fake.serve() as url:
        args = ["log", "monitor", url, "--state", str(state_file)]
        first = runner.invoke(main, args)
        assert first.exit_code == 0, first.output
        assert "size 0 -> 6" in first.output
        fake.grow(3)
        second = runner.invoke(main, [*args, "--json"])
        assert second.exit_code == 0, second.output
        assert '"new_entries": 3' in second.output
        saved = state_file.read_text()
        fake.entries[1] = entry(555)
        fake.grow(1)
        third = runner.invoke(main, args)
        assert third.exit_code == 1
        assert "LOG INCONSISTENCY" in third.output
        assert "fork" in third.output
        assert state_file.read_text() == saved  # a failed run never moves the state
        shown = runner.invoke(main, ["log", "show", url, "--count", "3", "--json"])
        assert shown.exit_code == 0, shown.output
        assert [json.loads(line)["index"] for line in shown.output.splitlines()] == [7, 8, 9]
        oldest = runner.invoke(main, ["log", "show", url, "--start", "0", "--count", "2"])
        assert oldest.output.startswith("0 {")
    unreachable = runner.invoke(main, args)
    assert unreachable.exit_code == 2
    assert "cannot read the log" in unreachable.output


async def test_a_key_given_on_first_use_is_pinned_and_must_name_the_origin() -> None:
    fake = FakeLog(4)
    state = await run(fake, None, key=fake.verifier_key)
    assert state.key == fake.verifier_key
    other_origin = verifier_key("other.example/log", fake.key.public_key())
    with pytest.raises(MonitorError, match="not validly signed"):
        await run(fake, None, key=other_origin)  # same key pair, another log's name
