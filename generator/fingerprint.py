"""What a rendered page depends on, as one digest: re-render only when it changes.

A page's bytes are a function of three things, and its fingerprint hashes all
three:

- its template and everything that template extends, includes or imports
  (found with :func:`jinja2.meta.find_referenced_templates`, recursively);
- the site-wide template globals (settings, menu pages, asset URLs);
- its context, which is plain frozen data. An :class:`~generator.model.Article`
  in the context counts by its slug and the attributes the page's last render
  read of that article: a listing that shows titles and dates does not change
  when an article's body does, so it is not rendered again.

Reads are recorded by :class:`RecordingEnvironment`, whose ``getattr`` and
``getitem`` see every ``post.title`` and ``map(attribute="title")`` of a
template. If every value a render read is the same as before, the render goes
the same way and gives the same bytes; that is why the recorded reads of the
last render are enough to decide whether a page is stale.

A template that prints an article whole (``{{ post }}``) reads every attribute.
Comparing whole articles in a template (``post == article``) is not seen and
must not be relied on; compare ``post.slug`` instead.

Use::

    fingerprints = Fingerprinter(env, globals_digest)
    env.reads = {}
    html = render_job(env, job)
    reads = {slug: frozenset(names) for slug, names in env.reads.items()}
    stamp = fingerprints.of(job.template, job.context, reads)
    # later: if fingerprints.of(job.template, new_context, reads) == stamp, reuse html
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import meta, nodes

from generator.canonical import encode
from generator.components import TEMPLATES as COMPONENT_TEMPLATES
from generator.model import Article

EVERYTHING = "*"  # a read of every attribute: the article was printed or passed whole
_MISSING = "<missing>"
Reads = dict[str, frozenset[str]]  # article slug -> attributes a render read


class RecordingEnvironment(jinja2.Environment):
    """A Jinja environment that notes which attributes of articles templates read.

    Set ``reads`` to an empty dict before a render; after it, it maps each article's
    slug to the names of the attributes read.
    """

    reads: dict[str, set[str]] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finalize = self._note_printed

    def _note_printed(self, value: Any) -> Any:
        """``{{ post }}`` prints an article whole: that reads all of it."""
        if self.reads is not None and type(value) is Article:
            self.reads.setdefault(value.slug, set()).add(EVERYTHING)
        return value

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self.reads is not None and type(obj) is Article:
            self.reads.setdefault(obj.slug, set()).add(attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.reads is not None and type(obj) is Article:
            name = argument if isinstance(argument, str) else EVERYTHING
            self.reads.setdefault(obj.slug, set()).add(name)
        return super().getitem(obj, argument)


@dataclass(frozen=True)
class Rendered:
    """One output as last rendered: what its template read and the digest of its inputs."""

    reads: Reads
    fingerprint: bytes
    data: bytes


class Fingerprinter:
    """Digests of templates, globals and contexts for one state of the site.

    ``epoch`` counts template changes: a new one whenever templates may have
    changed. It memoises template digests and article projections for the
    builds it serves.
    """

    def __init__(
        self,
        env: jinja2.Environment,
        globals_digest: bytes,
        epoch: int = 0,
        references: dict[str, list[str | None]] | None = None,
    ) -> None:
        self.env = env
        self.globals_digest = globals_digest
        # What each template source refers to, by source text; the caller keeps it
        # between builds (and runs: parsing the theme's templates costs time).
        self.references = references if references is not None else {}
        self._templates: dict[str, bytes] = {}
        self._epoch = epoch
        self._projections: dict[tuple[int, frozenset[str]], tuple[Article, bytes]] = {}

    @property
    def stamp(self) -> bytes:
        """Stands for the templates and globals this fingerprinter hashes with."""
        return self.globals_digest + str(self._epoch).encode()

    def renewed(self, globals_digest: bytes, epoch: int, alive: set[int]) -> Fingerprinter:
        """The fingerprinter for the next build: template digests kept while the epoch is
        the same, projections kept for the articles still alive (by ``id``)."""
        new = Fingerprinter(self.env, globals_digest, epoch, self.references)
        if epoch == self._epoch:
            new._templates = self._templates
        new._projections = {k: v for k, v in self._projections.items() if k[0] in alive}
        return new

    def projections(self) -> list[tuple[Article, frozenset[str], bytes]]:
        """The article projections, to keep them past this process (``id`` keys are not).

        Equal sets of names read are given as one object: the pages read a handful of
        distinct sets, but as keys here they are one object per projection (at 10,000
        articles 15,000 sets, 11 MB, saved and loaded again each build)."""
        shared: dict[frozenset[str], frozenset[str]] = {}
        return [
            (article, shared.setdefault(key[1], key[1]), digest)
            for key, (article, digest) in self._projections.items()
        ]

    def add_projections(self, found: Iterable[tuple[Article, frozenset[str], bytes]]) -> None:
        for article, reads, digest in found:
            self._projections[(id(article), reads)] = (article, digest)

    def of(self, template: str, context: dict[str, Any], reads: Reads) -> bytes:
        """The fingerprint of rendering ``template`` with ``context``, given what it read."""
        digest = hashlib.blake2b(digest_size=20)
        digest.update(self.template_digest(template))
        digest.update(self.globals_digest)
        nothing: frozenset[str] = frozenset()

        def project(article: Article) -> bytes:
            return self._project(article, reads.get(article.slug, nothing))

        digest.update(encode(context, {Article: project}))
        return digest.digest()

    def template_digest(self, name: str) -> bytes:
        """A digest of the template ``name`` and every template it uses, at any depth."""
        if name not in self._templates:
            self._templates[name] = b""  # a template that includes itself ends here
            self._templates[name] = self._template_digest(name)
        return self._templates[name]

    def _template_digest(self, name: str) -> bytes:
        digest = hashlib.blake2b(name.encode(), digest_size=20)
        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            references = _references(self.env, source, self.references)
        except jinja2.TemplateError:
            # Rendering will report the problem; a fresh token forces that render.
            return digest.digest() + b"!" + str(id(object())).encode()
        digest.update((filename or "").encode() + b"\0" + source.encode())
        if None in references:  # a template name computed at render time: could be any
            references = sorted(self.env.list_templates())
        for child in sorted(set(references)):
            digest.update(self.template_digest(child))
        return digest.digest()

    def _project(self, article: Article, reads: frozenset[str]) -> bytes:
        key = (id(article), reads)
        found = self._projections.get(key)
        if found is not None and found[0] is article:
            return found[1]
        if EVERYTHING in reads:
            values: Any = article
        else:
            values = (article.slug, *((n, getattr(article, n, _MISSING)) for n in sorted(reads)))
        projection = hashlib.blake2b(encode(values), digest_size=20).digest()
        self._projections[key] = (article, projection)
        return projection


def _references(
    env: jinja2.Environment, source: str, known: dict[str, list[str | None]]
) -> list[str | None]:
    """The templates ``source`` extends, includes or imports; remembered in ``known``.

    The ``components`` filter renders the component templates, so a template
    that uses it depends on them as on an include."""
    if source not in known:
        tree = env.parse(source)
        found: list[str | None] = list(meta.find_referenced_templates(tree))
        if any(node.name == "components" for node in tree.find_all(nodes.Filter)):
            found += COMPONENT_TEMPLATES
        known[source] = found
    return known[source]


def digest_of_values(values: Iterable[Any]) -> bytes:
    """A digest of plain data, such as the template globals of a build."""
    return hashlib.blake2b(encode(tuple(values)), digest_size=20).digest()
