"""The segment files of a saved snapshot: records written once, in pickles of bounded size.

A segment is a run of pickles written by one pickler (so with one memo: an
object shared by two of its records is pickled once), each pickle one entry::

    entry 0 .. n-1    the records given to the segment, in order, each in full
    entry n ..        the records met inside those and written in full there, each
                      as a reference to where it was written (a few bytes): so that
                      a record of a later segment, or a later save, can refer to it

A record that is already in a segment (an earlier one of the same save, or one
a load came from) is never pickled again: it is written as a reference to its
segment and entry, which the reader resolves. A save writes its new records
into segments of about ``SEGMENT_BYTES`` each, because a pickler's memo holds
every object it pickled (and the state of each) until it is done: one memo for
a large site's whole state cost more memory than anything else in the save.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import sys
import tempfile
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from generator.free_memory import return_free_memory
from generator.lazy_text import StoredText, TextFile

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
        "generator.lint.file_memo.Verdict",
        "generator.readability.Score",
        "generator.reading_level.ArticleGrade",
    }
)
SEGMENT_SUFFIX = ".seg"
# The parsed HTML of records is kept beside their segment, in ``<segment>.text``, and
# read when used (:mod:`generator.lazy_text`): after an edit, the pages not rendered
# again never read it. Shorter texts stay in the segment.
TEXT_SUFFIX = ".text"
TEXT_FIELDS = {
    "generator.parse.ParsedFile": ("html",),
    "generator.model.Section": ("html",),
    "generator.model.Page": ("html",),
    "generator.model.Comment": ("html",),
    "generator.model.Article": ("intro_html",),
}
MIN_STORED_TEXT = 200  # bytes
# A segment is closed once this many bytes, or this many records, are in it (a whole
# record goes into one). The memo grows with the objects pickled, not the bytes: the
# small records (rendered pages, link scans) made a segment of 60,000 of them whose
# memo held a million objects, the largest part of a 10,000-article site's save.
SEGMENT_BYTES = 32 << 20
SEGMENT_RECORDS = 12_000
NEW = ""  # a record collected for this save, not yet in a segment

# id(record) -> (record, segment, entry); the record is held so its id stays its own.
Known = dict[int, tuple[Any, str, int]]


class UnreadableState(Exception):
    """A segment the index refers to is missing or damaged."""


def _record(segment: str, position: int):
    """Stands in a pickle for a record kept in a segment; :class:`_Unpickler` resolves it."""
    raise UnreadableState("a record reference read without its store")


def _text(offset: int, length: int):
    """Stands in a pickle for a text of the segment's text file: read as a StoredText."""
    raise UnreadableState("a text reference read without its segment")


@dataclass(frozen=True)
class _TextRef:
    offset: int
    length: int


@dataclass(frozen=True)
class Segment:
    """What an index knows of a segment: enough to tell it intact, how many entries,
    and the segments its records refer to (which must be kept as long as it is).

    Reading checks the size and a CRC-32 rather than the digest that names the
    segment: at 10,000 articles hashing the segments again took half a second."""

    size: int
    crc: int
    records: int
    uses: tuple[str, ...] = ()
    text: int = 0  # bytes of its text file (none when 0)


@dataclass(frozen=True)
class Written:
    """A segment one save wrote, and which of the records given to the save are its first
    entries: their numbers in the save's list (``array("I")`` bytes), in entry order."""

    name: str
    segment: Segment
    numbers: bytes


def write_segments(folder: Path, fresh: list, known: Known) -> list[Written]:
    """Write ``fresh`` (records in no segment yet) into as many segments as their size
    needs; each record written is put in ``known`` with its segment and entry.

    The records made from one source file (its ``SourceFile``, ``ParsedFile`` and
    ``Article``, found by their ``src_path``) share most of their strings; in the
    order they come (class by class) they would land in different segments, each
    with its own copy of those strings. They are written next to each other; the
    others follow, in the order they come."""
    from_files = [number for number, record in enumerate(fresh) if _has_src_path(record)]
    from_files.sort(key=lambda number: fresh[number].src_path)
    order = from_files + [
        number for number, record in enumerate(fresh) if not _has_src_path(record)
    ]
    written: list[Written] = []
    start = 0
    while start < len(order):
        written.append(_write_segment(folder, fresh, order, start, known))
        start += len(written[-1].numbers) // array("I").itemsize
        # The memo's table is freed into the C allocator's heap, where the next segment's
        # objects (in Python's own arenas) cannot use it: given back, it is not held twice.
        return_free_memory()
    return written


def _has_src_path(record: Any) -> bool:
    return isinstance(getattr(record, "src_path", None), str)


def _write_segment(
    folder: Path, fresh: list, order: list[int], start: int, known: Known
) -> Written:
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    text_handle, text_temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with (
            os.fdopen(handle, "wb", buffering=1 << 20) as raw,
            os.fdopen(text_handle, "wb", buffering=1 << 20) as text_raw,
        ):
            stream = _HashingWriter(raw)
            pickler = _SegmentPickler(stream, known, _TextWriter(text_raw))
            entries = pickler.dump_records(fresh, order, start, stream)
            uses = tuple(sorted(pickler.used))
            texts = pickler.texts
            del pickler  # its memo: the memory a segment of bounded size keeps bounded
        if texts.size:
            stream.digest_also(texts.hash.digest())
        name = stream.hexdigest() + SEGMENT_SUFFIX
        _place_text(text_temporary, folder / (name + TEXT_SUFFIX), texts)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        Path(text_temporary).unlink(missing_ok=True)
        raise
    for position, record in enumerate(entries.records):
        known[id(record)] = (record, name, position)
    segment = Segment(stream.size, stream.crc, len(entries.records), uses, texts.size)
    return Written(name, segment, entries.numbers.tobytes())


def _place_text(temporary: str, path: Path, texts: _TextWriter) -> None:
    """The segment's text file in its place (none when it has no text); the stored texts
    the segment wrote again now read from there (the file they were read from may go)."""
    if not texts.size:
        Path(temporary).unlink(missing_ok=True)
        return
    os.replace(temporary, path)
    if texts.moved:
        where = TextFile(str(path))
        for stored, offset in texts.moved:
            stored.moved(where, offset)


class _TextWriter:
    """The text file of a segment being written, each text once. The digest that names the
    segment is of the segment's bytes and then of the digest of this file's."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.hash = hashlib.blake2b(digest_size=16)
        self.size = 0
        self.refs: dict[int, tuple[Any, _TextRef]] = {}  # id(text) -> (text, reference)
        self.moved: list[tuple[StoredText, int]] = []

    def reference(self, value: str | StoredText) -> _TextRef:
        found = self.refs.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        data = str(value).encode("utf-8", "surrogatepass")
        self.raw.write(data)
        self.hash.update(data)
        ref = _TextRef(self.size, len(data))
        if isinstance(value, StoredText):
            self.moved.append((value, self.size))
        self.size += len(data)
        self.refs[id(value)] = (value, ref)
        return ref


@dataclass
class _Entries:
    records: list
    numbers: array  # of the first ones, in the save's list


class _SegmentPickler(pickle.Pickler):
    """Pickles new records in full; a record already in a segment stays a reference.
    The long texts of :data:`TEXT_FIELDS` go into the segment's text file."""

    def __init__(self, stream, known: Known, texts: _TextWriter) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.known = known
        self.texts = texts
        self.used: set[str] = set()
        self._classes: dict[type, bool] = {}
        self._text_fields: dict[type, tuple[str, ...]] = {}
        self._current: Any = None
        self._met: list = []  # records written in full inside another one

    def dump_records(
        self, fresh: list, order: list[int], start: int, stream: _HashingWriter
    ) -> _Entries:
        """Dump the records ``order[start:]`` numbers one by one until the segment is full,
        then the records met inside them that are no entry yet, each as an entry of its own."""
        records: list = []
        numbers = array("I")
        for number in order[start:]:
            self._current = record = fresh[number]
            self.dump(record)
            records.append(record)
            numbers.append(number)
            if stream.size >= SEGMENT_BYTES or len(records) >= SEGMENT_RECORDS:
                break
        self._current = None
        placed = {id(record) for record in records}
        for record in self._met:
            if id(record) not in placed:
                placed.add(id(record))
                self.dump(record)  # in the memo already: a reference to where it is
                records.append(record)
        return _Entries(records, numbers)

    def reducer_override(self, obj):
        cls = type(obj)
        if cls is _TextRef:
            return _text, (obj.offset, obj.length)
        if is_record(obj, self._classes):
            known = self.known.get(id(obj))
            if known is not None and known[0] is obj and known[1] != NEW:
                self.used.add(known[1])
                return _record, known[1:]
            if obj is not self._current:
                self._met.append(obj)
        fields = self._text_fields.get(cls)
        if fields is None:
            fields = self._text_fields[cls] = TEXT_FIELDS.get(
                f"{cls.__module__}.{cls.__qualname__}", ()
            )
        if not fields:
            return NotImplemented  # pickled here, in full
        state = dict(vars(obj))
        for name in fields:
            value = state[name]
            if isinstance(value, StoredText) or len(value) >= MIN_STORED_TEXT:
                state[name] = self.texts.reference(value)
        return copyreg.__newobj__, (cls,), state


def read_segment(path: Path, expected: Segment, resolve: Callable[[str, int], Any]) -> list:
    """The entries of a segment, checked against its size and checksum first, then read
    as a stream: the unpickler reads the file itself (a reader in Python between them
    cost a call per read, and a segment holds a pickle per record). Its texts are not
    read: each is a :class:`StoredText` of its text file, whose size is checked."""
    try:
        texts = TextFile(str(path) + TEXT_SUFFIX) if expected.text else None
        if texts is not None and texts.size() != expected.text:
            raise UnreadableState(f"the text of segment {path.name} is damaged")
        with path.open("rb", buffering=1 << 20) as raw:
            stream = _CheckingReader(raw)
            stream.read_to_end()
            if stream.size != expected.size or stream.crc != expected.crc:
                raise UnreadableState(f"segment {path.name} is damaged")
            raw.seek(0)
            unpickler = Unpickler(raw, resolve, texts)
            return [unpickler.load() for _ in range(expected.records)]
    except (OSError, pickle.UnpicklingError, EOFError, TypeError) as error:
        raise UnreadableState(f"segment {path.name}: {error}") from None


class Unpickler(pickle.Unpickler):
    """An unpickler that hands each record reference to ``resolve``, and makes each text
    reference a :class:`StoredText` of ``texts``."""

    def __init__(
        self, stream, resolve: Callable[[str, int], Any], texts: TextFile | None = None
    ) -> None:
        super().__init__(stream)
        self._resolve = resolve
        self._texts = texts

    def find_class(self, module: str, name: str):
        if module == __name__ and name == "_record":
            return self._resolve
        if module == __name__ and name == "_text" and self._texts is not None:
            # Not a method of this unpickler: what this returns goes into its memo, and an
            # unpickler in a cycle with its memo would keep every object it made, the
            # short-lived ones too (70 MB at 10,000 articles), until the cyclic collector
            # ran; and the build freezes what the load left before any collection.
            return partial(StoredText, self._texts)
        return super().find_class(module, name)


def record_types() -> list[type]:
    """The record classes loaded so far (an instance of one not loaded cannot exist)."""
    found = []
    for name in sorted(RECORD_CLASSES):
        module, _, qualname = name.rpartition(".")
        cls = getattr(sys.modules.get(module), qualname, None)
        if isinstance(cls, type):
            found.append(cls)
    return found


def is_record(obj: Any, classes: dict[type, bool]) -> bool:
    cls = type(obj)
    found = classes.get(cls)
    if found is None:
        found = classes[cls] = f"{cls.__module__}.{cls.__qualname__}" in RECORD_CLASSES
    return found


class _CheckingReader:
    """Reads a file to its end, taking the CRC-32 and size of all that went through."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.size = 0
        self.crc = 0

    def read(self, size: int = -1) -> bytes:
        return self._took(self.raw.read(size))

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

    def digest_also(self, data: bytes) -> None:
        """Make ``data`` part of the digest only (the digest of the segment's text file)."""
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
