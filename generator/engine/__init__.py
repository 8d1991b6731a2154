"""The parts of the incremental build engine (:class:`generator.incremental.Engine`).

Each part keeps what one stage made, keyed by what it was made from, so that a
build after a change redoes only what the change touches:

- :mod:`~generator.engine.snapshot`: what an engine knows, as one versioned
  value that :mod:`generator.state` writes and reads between runs;
- :mod:`~generator.engine.sources`: the site's files, read again only where
  they changed;
- :mod:`~generator.engine.finishing`: the finishing pass over rendered pages
  (responsive images, foreign hosts), page by page;
- :mod:`~generator.engine.early_page`: the page the dev server writes before
  its build, when an article's text alone changed.
"""
