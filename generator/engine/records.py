"""A snapshot on disk as a small index and records written once, so a save costs what changed.

Most of what an engine keeps (parsed files, articles, render jobs, rendered
pages: the classes named in :data:`RECORD_CLASSES`) is the same objects from one
build to the next; an edit makes a handful of new ones. So a snapshot is saved
as two kinds of file::

    engine-<key>.pickle             the index: the snapshot, each record in it a reference,
                                    then a header naming the segments, then where it starts
    engine-<key>.records/<digest>   a segment: the records new in one save, in one pickle

A segment is named by the digest of its bytes and never changes once written.
Loading a snapshot loads the segments its references name and remembers which
object came from where; saving it again writes only the records it does not
know (one new segment) and an index that refers to the others. References
between records (a render job's article) go through the same mechanism, so an
object shared by several records is one object again after loading.

A segment that is missing, of the wrong size or checksum, or unreadable makes
the whole snapshot unreadable: the build then starts from nothing, which gives
the same output as a resumed one. Segments no index refers to are removed
after each save; when the live records are too scattered (many segments, or
segments mostly of records no longer used) a save writes every record anew
into one segment.

Records must not change after they are made (the engine's memos are frozen
dataclasses, replaced rather than changed): a record known from a load is
saved by reference without looking at it again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

# The classes whose instances are saved as records, by module and name (so that
# this module imports no stage): the large, unchanging memos of the engine.
RECORD_CLASSES = frozenset(
    {
        "generator.discover.SourceFile",
        "generator.parse.ParsedFile",
        "generator.model.Article",
        "generator.plan.RenderJob",
        "generator.engine.render_pass.RenderedPage",
        "generator.lint.scan.PageScan",
        "generator.lint.memo._Checked",
        "generator.readability.Score",
    }
)
# More segments than this, or fewer live records than this share of those stored,
# and a save writes every record again into one segment.
MAX_SEGMENTS = 24
MIN_LIVE_SHARE = 0.5
SEGMENT_SUFFIX = ".seg"
_NEW = ""  # in an index, the segment written with it
_OFFSET_SIZE = 8  # the index file ends with where its header starts


class UnreadableState(Exception):
    """A segment the index refers to is missing or damaged."""


def _record(segment: str, position: int):
    """Stands in a pickle for a record kept in a segment; :class:`_Reader` resolves it."""
    raise UnreadableState("a record reference read without its store")


@dataclass(frozen=True)
class Segment:
    """What an index knows of a segment: enough to tell it intact, and how many records.

    Reading checks the size and a CRC-32 rather than the digest that names the
    segment: at 10,000 articles hashing the segments again took half a second."""

    size: int
    crc: int
    records: int


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
    # id(record) -> (record, segment, position); the record is held so its id stays its own.
    # One flat tuple per record: at 10,000 articles there are 170,000 of them.
    _known: dict[int, tuple[Any, str, int]] = field(default_factory=dict)
    _segments: dict[str, Segment] = field(default_factory=dict)

    # -- loading ------------------------------------------------------------------------

    def load(self, stream: BinaryIO) -> Any:
        """The value an index holds, its records loaded; raise :class:`UnreadableState`
        when a segment it names is not as it was written."""
        header = _header(stream)
        if not isinstance(header, dict) or not isinstance(header.get("segments"), dict):
            raise UnreadableState("not an index")
        reader = _Reader(stream, self, header["segments"], header.get("new", _NEW))
        try:
            value = reader.load()
        except BaseException:
            self._known.clear()  # nothing of a load that failed is used
            raise
        self._segments = dict(header["segments"])
        return value

    def _read_segment(self, name: str, expected: Segment, resolve) -> list:
        """The records of a segment, read as a stream (a large site's segment is hundreds
        of MB: never in memory whole), checked against its size and checksum."""
        try:
            with (self.folder / name).open("rb", buffering=1 << 20) as raw:
                stream = _CheckingReader(raw)
                records = _Unpickler(stream, resolve).load()
                stream.read_to_end()
        except (OSError, pickle.UnpicklingError, EOFError) as error:
            raise UnreadableState(f"segment {name}: {error}") from None
        if stream.size != expected.size or stream.crc != expected.crc:
            raise UnreadableState(f"segment {name} is damaged")
        if not isinstance(records, list):
            raise UnreadableState(f"segment {name} holds no records")
        return records

    def _remember(self, value: Any, segment: str, position: int) -> None:
        self._known[id(value)] = (value, segment, position)

    # -- saving -------------------------------------------------------------------------

    def save(self, stream: BinaryIO, value: Any) -> None:
        """Write ``value``'s index into ``stream`` and its new records into a new segment.

        The index goes straight into the file (``stream`` must be seekable), its header
        (the segments it names) after it: a large site's index is never in memory whole.
        Segments no longer referred to are removed by :meth:`remove_unused`, once
        the index is in place."""
        start = stream.tell()
        fresh, used = self._pickle_index(stream, value)
        if self._scattered(used, len(fresh)):
            self._known.clear()  # every record is written anew, into one segment
            stream.seek(start)
            stream.truncate()
            fresh, used = self._pickle_index(stream, value)
        segments = {name: self._segments[name] for name in sorted(used)}
        new = ""
        if fresh:
            new, segment, used_by_fresh = self._write_segment(fresh)
            segments[new] = segment
            segments.update({name: self._segments[name] for name in used_by_fresh})
            for position, record in enumerate(fresh):
                self._remember(record, new, position)
        header_at = stream.tell()
        pickle.dump({"segments": segments, "new": new}, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.write(header_at.to_bytes(_OFFSET_SIZE, "little"))
        self._segments = segments

    def remove_unused(self) -> None:
        """Remove the segments (and leftover temporary files) the last save does not use."""
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except OSError:
            return
        for name in names:
            if name not in self._segments:
                (self.folder / name).unlink(missing_ok=True)

    def _pickle_index(self, stream: BinaryIO, value: Any) -> tuple[list, dict[str, int]]:
        pickler = _IndexPickler(stream, self)
        pickler.dump(value)
        return pickler.fresh, pickler.used

    def _scattered(self, used: dict[str, int], fresh: int) -> bool:
        """Whether the live records are spread too thin to keep loading those segments."""
        if len(used) + 1 > MAX_SEGMENTS:
            return True
        stored = sum(self._segments[name].records for name in used)
        return stored > 0 and sum(used.values()) < MIN_LIVE_SHARE * stored

    def _write_segment(self, fresh: list) -> tuple[str, Segment, set[str]]:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb", buffering=1 << 20) as raw:
                stream = _HashingWriter(raw)
                pickler = _SegmentPickler(stream, self)
                pickler.dump(fresh)
            digest = stream.hexdigest()
            name = digest + SEGMENT_SUFFIX
            os.replace(temporary, self.folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return name, Segment(stream.size, stream.crc, len(fresh)), pickler.used


class _IndexPickler(pickle.Pickler):
    """Pickles a snapshot with each record as a reference; collects the records not yet stored."""

    def __init__(self, stream: BinaryIO, store: RecordStore) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.store = store
        self.fresh: list = []
        self.used: dict[str, int] = {}  # segment -> records referred to there
        self._classes: dict[type, bool] = {}

    def reducer_override(self, obj):
        if not _is_record(obj, self._classes):
            return NotImplemented
        known = self.store._known.get(id(obj))
        if known is not None and known[0] is obj:
            segment = known[1]
            self.used[segment] = self.used.get(segment, 0) + 1
            return _record, known[1:]
        self.store._remember(obj, _NEW, len(self.fresh))
        self.fresh.append(obj)
        return _record, (_NEW, len(self.fresh) - 1)


class _SegmentPickler(pickle.Pickler):
    """Pickles the new records in full; a record already stored stays a reference."""

    def __init__(self, stream, store: RecordStore) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.store = store
        self.used: set[str] = set()
        self._classes: dict[type, bool] = {}

    def reducer_override(self, obj):
        if not _is_record(obj, self._classes):
            return NotImplemented
        known = self.store._known.get(id(obj))
        if known is None or known[0] is not obj or known[1] == _NEW:
            return NotImplemented  # new: pickled here, in full
        self.used.add(known[1])
        return _record, known[1:]


class _Reader:
    """Loads an index and, as its references are met, the segments they name."""

    def __init__(self, stream, store: RecordStore, segments: dict, new: str) -> None:
        self.stream, self.store, self.segments, self.new = stream, store, segments, new
        self._loaded: dict[str, list] = {}

    def load(self) -> Any:
        return _Unpickler(self.stream, self._resolve).load()

    def _resolve(self, segment: str, position: int) -> Any:
        segment = segment or self.new
        records = self._loaded.get(segment)
        if records is None:
            expected = self.segments.get(segment)
            if not isinstance(expected, Segment):
                raise UnreadableState(f"segment {segment} is not listed")
            records = self.store._read_segment(segment, expected, self._resolve)
            self._loaded[segment] = records
        try:
            record = records[position]
        except (IndexError, TypeError):
            raise UnreadableState(f"segment {segment} has no record {position}") from None
        self.store._remember(record, segment, position)
        return record


class _Unpickler(pickle.Unpickler):
    """An unpickler that hands each record reference to ``resolve``."""

    def __init__(self, stream, resolve) -> None:
        super().__init__(stream)
        self._resolve = resolve

    def find_class(self, module: str, name: str):
        if module == __name__ and name == "_record":
            return self._resolve
        return super().find_class(module, name)


class _CheckingReader:
    """A file's reading methods, as the unpickler calls them, taking the CRC-32 and size
    of all that went through them."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.size = 0
        self.crc = 0

    def read(self, size: int = -1) -> bytes:
        return self._took(self.raw.read(size))

    def readline(self) -> bytes:
        return self._took(self.raw.readline())

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self._took(memoryview(buffer)[:count])
        return count

    def read_to_end(self) -> None:
        while self.read(1 << 20):
            pass

    def _took(self, data):
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        return data


class _HashingWriter:
    """A file's ``write`` that also takes the digest, CRC-32 and size of what went through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.size = 0
        self.crc = 0
        self._hash = hashlib.blake2b(digest_size=16)

    def write(self, data) -> int:
        self._hash.update(data)
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        return self.raw.write(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


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


def _is_record(obj: Any, classes: dict[type, bool]) -> bool:
    cls = type(obj)
    found = classes.get(cls)
    if found is None:
        found = classes[cls] = f"{cls.__module__}.{cls.__qualname__}" in RECORD_CLASSES
    return found
