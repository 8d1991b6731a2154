"""A value saved to and loaded from an index file through a record store, as the
tests of the saved state do it (``state.py`` does the same for a whole snapshot)."""

from __future__ import annotations

from pathlib import Path

from generator.engine.records import RecordStore


def save_at(store: RecordStore, index: Path, value) -> None:
    with index.open("wb") as stream:
        store.save(stream, value)


def load_from(store: RecordStore, index: Path):
    with index.open("rb") as stream:
        return store.load(stream)
