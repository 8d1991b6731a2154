"""The incremental build engine: :class:`~generator.engine.pipeline.Engine` and its parts.

The engine calls the stages of a build in order (:mod:`~generator.engine.pipeline`);
each part keeps what one stage made, keyed by what it was made from, so that a
build after a change redoes only what the change touches:

- :mod:`~generator.engine.sources`: the site's files, read again only where
  they changed;
- :mod:`~generator.engine.stage_memos`: settings, parsed files, articles,
  the image catalog and article pages' render jobs;
- :mod:`~generator.engine.templates`: the Jinja environment and the pages'
  fingerprinter;
- :mod:`~generator.engine.render_pass`: each page, rendered again only when its
  fingerprint changed, in forked workers;
- :mod:`~generator.engine.finishing`: the finishing pass over rendered pages
  (responsive images, foreign hosts), page by page;
- :mod:`~generator.engine.indexing`: the search index, shard by shard;
- :mod:`~generator.engine.output_writer`: the output folder as last written;
- :mod:`~generator.engine.memos`: all of the above, and the snapshot of them;
- :mod:`~generator.engine.snapshot`: what an engine knows, as one versioned
  value that :mod:`generator.state` writes and reads between runs;
- :mod:`~generator.engine.records`: how :mod:`generator.state` stores a
  snapshot, as an index and segments of records written once;
- :mod:`~generator.engine.early_page`: the page the dev server writes before
  its build, when an article's text alone changed.

This package's ``__init__`` imports nothing: :mod:`generator.state` reads a
snapshot without loading any stage.
"""
