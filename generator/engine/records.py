"""A snapshot on disk as a small index and records written once, so a save costs what changed.

Most of what an engine keeps (parsed files, articles, render jobs, rendered
pages: the classes named in :data:`RECORD_CLASSES`) is the same objects from one
build to the next; an edit makes a handful of new ones. So a snapshot is saved
as two kinds of file::

    engine-<key>.pickle             the index: the snapshot, each record in it a reference,
                                    then a header naming the segments, then where it starts
    engine-<key>.records/<digest>   a segment: records new in one save, pickled with one
                                    memo (:mod:`generator.engine.segments`)
    engine-<key>.records/<digest>.text   the long texts of that segment's records (the
                                    parsed HTML), read only when used

A segment is named by the digest of its bytes and never changes once written.
Loading a snapshot loads the segments its references name and remembers which
object came from where; saving it again writes only the records it does not
know (in new segments of bounded size: a large site's first save writes
several) and an index that refers to the others. References between records
(a render job's article) go through the same mechanism, so an object shared by
several records is one object again after loading.

A segment that is missing, of the wrong size or checksum, or unreadable makes
the whole snapshot unreadable: the build then starts from nothing, which gives
the same output as a resumed one. Segments no index refers to are removed
after each save; when the live records are too scattered (many segments, or
segments mostly of records no longer used) a save writes every record anew.
Short of that, a segment mostly of records no longer used at the last save
(an edit's, once the next edit replaced them) has its live records written
again with the new ones, and is dropped: see :meth:`RecordStore.rewritten`.

Records must not change after they are made (the engine's memos are frozen
dataclasses, replaced rather than changed): a record known from a load is
saved by reference without looking at it again.
"""

from __future__ import annotations

import copyreg
import os
import pickle
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from generator.engine.segments import (
    NEW,
    RECORD_CLASSES,
    SEGMENT_RECORDS,
    SEGMENT_SUFFIX,
    TEXT_SUFFIX,
    Known,
    Segment,
    Unpickler,
    UnreadableState,
    Written,
    _record,
    read_segment,
    record_types,
    write_segments,
)
from generator.free_memory import return_free_memory

__all__ = ["RECORD_CLASSES", "SEGMENT_SUFFIX", "RecordStore", "Segment", "UnreadableState"]

# More segments than this, or fewer live records than this share of those stored,
# and a save writes every record again into new segments.
MAX_SEGMENTS = 64
MIN_LIVE_SHARE = 0.5
_OFFSET_SIZE = 8  # the index file ends with where its header starts


@dataclass
class RecordStore:
    """The segments of one saved snapshot, and which objects in memory came from them.

    One store serves one load and the saves that follow it (``sitegen build``
    loads once and saves once)::

        store = RecordStore(folder)
        snapshot = store.load(index_stream)      # None if a segment is damaged
        ...
        store.save(index_stream, new_snapshot)   # writes the new records only
    """

    folder: Path
    # One flat tuple per record: at 10,000 articles there are 170,000 of them.
    _known: Known = field(default_factory=dict)
    _segments: dict[str, Segment] = field(default_factory=dict)
    # Records of each segment the last save's index referred to (its new ones: all).
    _live: dict[str, int] = field(default_factory=dict)

    # -- loading ------------------------------------------------------------------------

    def load(self, stream: BinaryIO) -> Any:
        """The value an index holds, its records loaded; raise :class:`UnreadableState`
        when a segment it names is not as it was written."""
        header = _header(stream)
        if not isinstance(header, dict) or not isinstance(header.get("segments"), dict):
            raise UnreadableState("not an index")
        reader = _Reader(stream, self, header["segments"], header.get("new", []))
        try:
            value = reader.load()
        except BaseException:
            self._known.clear()  # nothing of a load that failed is used
            raise
        self._segments = dict(header["segments"])
        self._live = dict(header.get("live", {}))
        return value

    def _remember(self, value: Any, segment: str, position: int) -> None:
        self._known[id(value)] = (value, segment, position)

    # -- saving -------------------------------------------------------------------------

    def save(self, stream: BinaryIO, value: Any) -> None:
        """Write ``value``'s index into ``stream`` and its new records into new segments.

        The index goes straight into the file (``stream`` must be seekable), its header
        (the segments it names) after it: a large site's index is never in memory whole.
        Segments no longer referred to are removed by :meth:`remove_unused`, once
        the index is in place."""
        start = stream.tell()
        self._forget(self.rewritten())
        fresh, used = self._pickle_index(stream, value)
        if self._scattered(used):
            self._known.clear()  # every record is written anew
            stream.seek(start)
            stream.truncate()
            fresh, used = self._pickle_index(stream, value)
        return_free_memory()  # what the index's memo held (see write_segments)
        written = self._write_segments(fresh)
        fresh.clear()  # each record is known now by its segment
        segments = dict(self._segments)
        segments.update((each.name, each.segment) for each in written)
        segments = _with_uses([*used, *(each.name for each in written)], segments)
        new = [(each.name, each.numbers) for each in written]
        live = {**used, **{each.name: each.segment.records for each in written}}
        header = {"segments": segments, "new": new, "live": live}
        header_at = stream.tell()
        pickle.dump(header, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.write(header_at.to_bytes(_OFFSET_SIZE, "little"))
        self._segments, self._live = segments, live

    def rewritten(self) -> set[str]:
        """The segments whose live records the next save writes again, so that they go.

        Those with fewer than ``MIN_LIVE_SHARE`` of their records referred to at the last
        save (each edit's segment once the next edit replaced most of it, which would
        otherwise be loaded by every build after it for a record or two), with the
        segments that refer into them, whose references would keep them: when that is
        at most a segment's worth of records (``SEGMENT_RECORDS``)."""
        users: dict[str, list[str]] = {}
        for name, segment in self._segments.items():
            for used in segment.uses:
                users.setdefault(used, []).append(name)
        chosen: set[str] = set()
        for name, segment in self._segments.items():
            if self._live.get(name, segment.records) >= MIN_LIVE_SHARE * segment.records:
                continue
            with_users = _closure([name], users)
            if sum(self._segments[each].records for each in with_users | chosen) <= SEGMENT_RECORDS:
                chosen |= with_users
        return chosen

    def _forget(self, segments: set[str]) -> None:
        """Take the records of ``segments`` for new ones: the save writes those still used."""
        if segments:
            for key in [key for key, known in self._known.items() if known[1] in segments]:
                del self._known[key]

    def remove_unused(self) -> None:
        """Remove the segments (and leftover temporary files) the last save does not use."""
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except OSError:
            return
        for name in names:
            if name.removesuffix(TEXT_SUFFIX) not in self._segments:
                (self.folder / name).unlink(missing_ok=True)

    def _pickle_index(self, stream: BinaryIO, value: Any) -> tuple[list, dict[str, int]]:
        pickler = _IndexPickler(stream, self)
        pickler.dump(value)
        return pickler.references.fresh, pickler.references.used

    def _scattered(self, used: dict[str, int]) -> bool:
        """Whether the live records are spread too thin to keep loading those segments."""
        if len(_with_uses(used, self._segments)) + 1 > MAX_SEGMENTS:
            return True
        stored = sum(self._segments[name].records for name in used)
        return stored > 0 and sum(used.values()) < MIN_LIVE_SHARE * stored

    def _write_segments(self, fresh: list) -> list[Written]:
        try:
            return write_segments(self.folder, fresh, self._known)
        except BaseException:
            self._known.clear()  # records of segments no index will name: written anew
            raise


def _with_uses(names, segments: dict[str, Segment]) -> dict[str, Segment]:
    """``names`` and the segments their records refer to, at any depth, by name."""
    uses = {name: segment.uses for name, segment in segments.items()}
    return {name: segments[name] for name in sorted(_closure(names, uses))}


def _closure(names, edges: dict[str, Any]) -> set[str]:
    """``names`` and every name reached from them through ``edges``, at any depth."""
    reached: set[str] = set()
    waiting = list(names)
    while waiting:
        name = waiting.pop()
        if name not in reached:
            reached.add(name)
            waiting.extend(edges.get(name, ()))
    return reached


class _IndexPickler(pickle.Pickler):
    """Pickles a snapshot with each record as a reference; collects the records not yet stored.

    Records are told by the pickler's ``dispatch_table`` rather than ``reducer_override``:
    the latter is a call into Python for every dict, tuple and object of the index (about
    300,000 at 10,000 articles), the former for the records only."""

    def __init__(self, stream: BinaryIO, store: RecordStore) -> None:
        # The table is read when the pickler is made: set before. Its functions belong to
        # another object: a pickler referring to itself would be freed, with all its memo
        # holds, only by the cyclic garbage collector (half a second at 10,000 articles).
        self.references = references = _References(store)
        self.dispatch_table = {
            **copyreg.dispatch_table,
            **{cls: references.reduce for cls in record_types()},
        }
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)


class _References:
    """What an index pickler writes for a record: a reference to where it is stored."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store
        self.fresh: list = []
        self.used: dict[str, int] = {}  # segment -> records referred to there

    def reduce(self, obj):
        known = self.store._known.get(id(obj))
        if known is not None and known[0] is obj and known[1] != NEW:
            segment = known[1]
            self.used[segment] = self.used.get(segment, 0) + 1
            return _record, known[1:]
        # Not remembered in the store: a record met again is in this pickler's memo, and
        # the index of a large site's first save would hold a second entry per record.
        self.fresh.append(obj)
        return _record, (NEW, len(self.fresh) - 1)


class _Reader:
    """Loads an index and, as its references are met, the segments they name.

    A reference to a record new in the index's save is (``NEW``, its number among
    them): the header lists the segments that save wrote and the numbers of their
    first entries."""

    def __init__(self, stream, store: RecordStore, segments: dict, new: list) -> None:
        self.stream, self.store, self.segments = stream, store, segments
        self.new = _NewRecords(new)
        self._loaded: dict[str, list] = {}

    def load(self) -> Any:
        return Unpickler(self.stream, self._resolve).load()

    def _resolve(self, segment: str, position: int) -> Any:
        if segment == NEW:
            segment, position = self.new.where(position)
        records = self._loaded.get(segment)
        if records is None:
            expected = self.segments.get(segment)
            if not isinstance(expected, Segment):
                raise UnreadableState(f"segment {segment} is not listed")
            records = read_segment(self.store.folder / segment, expected, self._resolve)
            self._loaded[segment] = records
        try:
            record = records[position]
        except (IndexError, TypeError):
            raise UnreadableState(f"segment {segment} has no record {position}") from None
        self.store._remember(record, segment, position)
        return record


class _NewRecords:
    """Where each record new in an index's save was written: (segment, entry) by number."""

    def __init__(self, new: list) -> None:
        self.names = [name for name, _numbers in new]
        numbers = [array("I", found) for _name, found in new]
        total = sum(len(found) for found in numbers)
        self.segment = array("I", bytes(4 * total))
        self.entry = array("I", bytes(4 * total))
        for which, found in enumerate(numbers):
            for entry, number in enumerate(found):
                self.segment[number] = which
                self.entry[number] = entry

    def where(self, number: int) -> tuple[str, int]:
        try:
            return self.names[self.segment[number]], self.entry[number]
        except (IndexError, TypeError):
            raise UnreadableState(f"no new record {number}") from None


def _header(stream: BinaryIO) -> Any:
    """The header written after an index (its place is in the file's last bytes); the
    stream is left at the start of the index."""
    start = stream.tell()
    try:
        stream.seek(-_OFFSET_SIZE, os.SEEK_END)
        header_at = int.from_bytes(stream.read(_OFFSET_SIZE), "little")
        if header_at < start:
            raise UnreadableState("not an index")
        stream.seek(header_at)
        header = pickle.load(stream)
        stream.seek(start)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError) as error:
        raise UnreadableState(f"not an index: {error}") from None
    return header
