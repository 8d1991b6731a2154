"""What a site's saved engine state holds: bytes on disk by record class and field, and
the memory each part of the loaded snapshot takes.

    python bench/state_size.py SITE [--output OUTPUT]

Run it with the same checkout that built the site (the state is read only by the code
that wrote it). Sizes by record class are each record pickled alone, with the records
it refers to as references (what a segment stores, before sharing between records);
sizes by snapshot field are ``sys.getsizeof`` summed over the objects first reached
from that field, in field order (an object shared by two fields counts for the first).
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import state  # noqa: E402
from generator.build_options import BuildOptions  # noqa: E402
from generator.engine.segments import is_record  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--output", type=Path, help="output folder (default: SITE/build)")
    parser.add_argument(
        "--any-code",
        action="store_true",
        help="read a state written by other code of this version (after an edit, say)",
    )
    args = parser.parse_args(argv)
    site = args.site.resolve()
    output = (args.output or site / "build").resolve()
    store = state.record_store(site, output, BuildOptions(output_dir=output))
    started = time.perf_counter()
    options = BuildOptions(output_dir=output)
    if args.any_code:
        snapshot = _load_any_code(state.state_path(site, output, options, ".pickle"), store)
    else:
        snapshot = state.load_snapshot(site, output, options, store)
    if snapshot is None:
        print("no state this code can read (built by another version?)", file=sys.stderr)
        return 1
    print(f"loaded in {time.perf_counter() - started:.1f} s")
    records = [known[0] for known in store._known.values()]
    print("\non disk, by record class (MB) and its largest fields:")
    for line in _record_sizes(records):
        print(line)
    print("\nin memory, by snapshot field (MB) and the types that take most:")
    seen: set[int] = set()
    for item in dataclasses.fields(snapshot):
        by_type: Counter[str] = Counter()
        total = _deep_size(getattr(snapshot, item.name), seen, by_type)
        types = ", ".join(f"{name} {size / 1e6:.1f}" for name, size in by_type.most_common(5))
        print(f"  {item.name:16} {total / 1e6:8.1f}   {types}")
    return 0


def _load_any_code(index: Path, store):
    with index.open("rb") as stream, state.collector_paused():
        pickle.load(stream)  # the header, whose code digest is not checked
        return store.load(stream)


class _OthersByReference(pickle.Pickler):
    """Pickles one record with every other record as a small reference."""

    def __init__(self, stream, record) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.record = record
        self.classes: dict[type, bool] = {}

    def reducer_override(self, obj):
        if obj is not self.record and is_record(obj, self.classes):
            return int, (0,)
        return NotImplemented


def _pickled_size(record, value) -> int:
    stream = io.BytesIO()
    _OthersByReference(stream, record).dump(value)
    return len(stream.getvalue())


def _record_sizes(records: list) -> list[str]:
    totals: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    fields: dict[str, Counter[str]] = {}
    for record in records:
        name = type(record).__qualname__
        totals[name] += _pickled_size(record, record)
        counts[name] += 1
        names = record._fields if hasattr(record, "_fields") else ()
        if dataclasses.is_dataclass(record):
            names = [item.name for item in dataclasses.fields(record)]
        by_field = fields.setdefault(name, Counter())
        for field in names:
            by_field[field] += _pickled_size(record, getattr(record, field))
    lines = []
    for name, size in totals.most_common():
        lines.append(f"  {name:16} {counts[name]:7} records {size / 1e6:8.1f}")
        lines += [f"      {f:20} {s / 1e6:8.1f}" for f, s in fields[name].most_common(4)]
    return lines


def _deep_size(value, seen: set[int], by_type: Counter[str]) -> int:
    """The summed ``sys.getsizeof`` of everything reachable from ``value`` not yet seen."""
    stack, total = [value], 0
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type) or callable(item):
            continue
        seen.add(id(item))
        size = sys.getsizeof(item)
        total += size
        by_type[type(item).__name__] += size
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif not isinstance(item, str | bytes | int | float | bool | type(None)):
            if hasattr(item, "__dict__"):
                stack.append(item.__dict__)
            stack.extend(getattr(item, name) for name in _slots(item) if hasattr(item, name))
    return total


def _slots(item) -> list[str]:
    return [name for cls in type(item).__mro__ for name in getattr(cls, "__slots__", ())]


if __name__ == "__main__":
    raise SystemExit(main())
