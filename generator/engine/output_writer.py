"""The output folder as the engine knows it: what the last build left there, and the writes.

A page the engine knows by digest alone is read back from the output folder
when a stage needs its bytes (:meth:`OutputWriter.read_output`); what the
folder holds is what this engine wrote, or, for a new engine, what the output
record says and ``stat`` confirms (:func:`~generator.write.written_files`).
"""

from __future__ import annotations

from pathlib import Path

from generator.output_record import OutputRecord
from generator.outputs import Outputs
from generator.progress import Progress
from generator.staging import Staging
from generator.write import WriteReport, WrittenFile, write_files, write_outputs, written_files


class OutputWriter:
    """Writes a build's outputs into one folder and remembers what is there.

    ``clean=True`` trusts nothing already in the folder until the first write:
    every output is written again (stale ones are still removed).
    """

    def __init__(self, output_dir: Path, cache_dir: Path, clean: bool) -> None:
        self.output_dir = output_dir
        self.cache_dir = cache_dir
        self.clean = clean
        self._written: dict[str, WrittenFile] | None = None  # None: ask the output record
        self._record: OutputRecord | None = None  # the record as just read, for the next write

    def forget(self) -> None:
        """Ask the output record again next time (some files may have changed)."""
        self._written = self._record = None

    def take_written(
        self, written: dict[str, WrittenFile] | None, record: OutputRecord | None = None
    ) -> None:
        """What the output record (``record``) says and ``stat`` confirmed a moment ago."""
        if written is not None and not self.clean:
            self._written, self._record = dict(written), record

    def known_written(self) -> dict[str, WrittenFile]:
        """What the output folder holds from the last build, as far as this engine knows."""
        if self._written is None:
            self._written = {} if self.clean else written_files(self.output_dir, self.cache_dir)
        return self._written

    def read_output(self, dest: str) -> bytes | None:
        """An output as the last build wrote it (:class:`Outputs` checks its digest); None
        when it is gone (a stale read, see :mod:`generator.stale_reads`)."""
        try:
            return (self.output_dir / dest).read_bytes()
        except OSError:
            return None

    def write(
        self, outputs: Outputs, progress: Progress, staging: Staging | None = None
    ) -> WriteReport:
        """Make the folder hold ``outputs``; files known to be there already are not read,
        those set aside in ``staging`` are moved into place."""
        written = self.known_written()
        unchanged = {
            dest: written[dest]
            for dest in outputs
            if dest in written and written[dest].digest == outputs.digest(dest)
        }
        progress.start("Writing", None, "files")
        try:
            report = write_outputs(
                self.output_dir,
                outputs,
                self.cache_dir,
                unchanged,
                compare=not self.clean,
                digest=outputs.digest,
                previous=self._take_record(),
                staging=staging,
            )
        except BaseException:
            self._written = None  # some files may have changed: ask the output record again
            raise
        progress.advance(len(report.written))
        progress.finish()
        self._written = report.files
        self.clean = False  # what was written is now known
        return report

    def _take_record(self) -> OutputRecord | None:
        """The record as read before this build, once: after a write it is read again."""
        record, self._record = self._record, None
        return record

    def write_early(self, pages: dict[str, bytes]) -> list[str]:
        """Write some pages now (the dev server's early pages); return their paths."""
        written = write_files(self.output_dir, pages)
        self.known_written().update(written)
        return sorted(written)
