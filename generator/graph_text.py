"""An article page's JSON-LD graph, written out only when the page is rendered.

Every article page's render job is kept between builds, and the graph's text
(its FAQ included) was the largest part of it: 37 MB at 10,000 articles, saved,
loaded and held in memory for pages that an edit does not render again. It is
a function of the settings and the article, both kept anyway, so the job holds
what makes it instead. It renders (``{{ meta.jsonld }}``), compares and
fingerprints as its text, so pages and fingerprints are what they were.
"""

from __future__ import annotations

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from generator import structured_data as ld
from generator.config import Config
from generator.model import Article


class ArticleGraphText:
    """The JSON-LD text of an article's page, made from what it depends on when asked."""

    __slots__ = ("config", "article", "crumbs")

    def __init__(self, config: Config, article: Article, crumbs: tuple[ld.Crumb, ...]) -> None:
        self.config = config
        self.article = article
        self.crumbs = crumbs  # absolute

    def text(self) -> Markup:
        graph = ld.article_graph(self.config, self.article, list(self.crumbs))
        return htmlsafe_json_dumps(graph, sort_keys=True)

    def __html__(self) -> str:
        return str(self.text())

    def __str__(self) -> str:
        return str(self.text())

    def __canonical__(self) -> str:
        """What fingerprints encode (:mod:`generator.canonical`): the text itself."""
        return str(self.text())

    def __eq__(self, other: object) -> bool:
        """Equal when made from equal things, which gives equal text without making it: the
        engine compares every article job on each build (two texts per article at 10,000
        articles otherwise). Texts that come out equal from unequal things are left to the
        fingerprints, which encode the text (``__canonical__``)."""
        if self is other:
            return True
        if not isinstance(other, ArticleGraphText):
            return NotImplemented
        return (self.config, self.article, self.crumbs) == (
            other.config,
            other.article,
            other.crumbs,
        )

    def __hash__(self) -> int:
        return hash((self.article.src_path, self.crumbs))

    def __reduce__(self):
        return (ArticleGraphText, (self.config, self.article, self.crumbs))
