"""The attack and bad-input tests' fixtures: a real registry of the module's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.security.target import Registry, started


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """A registry with the demo data, of the module's own: what the fuzzer does (it revokes,
    withdraws and suspends whatever it can name) never reaches another module's data."""
    yield from started(tmp_path_factory, demo=True)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """An empty registry of the module's own (quicker to start than the demo)."""
    yield from started(tmp_path_factory, demo=False)
