"""sitegen: a static site generator for clinics that publish a blog.

The build is a pipeline of small stages with plain data between them::

    discover -> parse -> assemble -> related -> render -> write

``build.build_site`` calls them in that order; ``cli`` is a thin layer over it.
"""

__version__ = "0.1.0"
