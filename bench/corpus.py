"""A deterministic benchmark corpus, written the same three ways: sitegen, Pelican, Hugo.

Each article is ~1,100 words of varied Markdown (paragraphs, lists, ``###``
sub-headings, tables, links, emphasis, the odd footnote) with 2-4 tags from a
pool of 60 and one of 8 categories. Its words mix everyday clinic language
with its topics' terms and a few specialist terms of its own (see ``_Writer``),
so that related-post scoring meets a vocabulary shaped like a real blog's.
About two in five articles are sitegen section folders (``index.md`` +
``01-*.md`` ...), the rest single files; Pelican and Hugo receive the same
Markdown as one file per article, the sections as ``##`` headings, so all
three parse the same text.

Everything about article ``i`` comes from a random generator seeded with
``(seed, i)``: the same N gives a byte-identical tree, and the corpus of 1,000
articles is the first 1,000 of the corpus of 10,000. Articles are generated
and written one at a time, so memory does not grow with N::

    python bench/corpus.py 1000 /tmp/corpus     # -> /tmp/corpus/{sitegen,pelican,hugo}
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 20240501
WORDS_PER_ARTICLE = 1100
FOLDER_SHARE = 0.4  # share of articles written as sitegen section folders
GENERATORS = ("sitegen", "pelican", "hugo")
FIRST_DATE = datetime(2015, 1, 5, 9, 0, tzinfo=UTC)
HOURS_BETWEEN_ARTICLES = 6  # 10,000 articles span under seven years, all in the past

CATEGORIES = (
    "Skin Treatments",
    "Dermatology",
    "Nutrition",
    "Sleep",
    "Heart Health",
    "Mental Health",
    "Women's Health",
    "Children's Health",
)
CATEGORY_WEIGHTS = (18, 16, 14, 10, 12, 12, 10, 8)

TAGS = (
    "acne", "eczema", "psoriasis", "rosacea", "sunscreen", "collagen", "microneedling",
    "chemical peels", "laser", "scars", "wrinkles", "moles", "melanoma", "hair loss",
    "nails", "allergies", "vitamin d", "iron", "protein", "fibre", "hydration", "sugar",
    "cholesterol", "blood pressure", "exercise", "walking", "strength", "stretching",
    "posture", "back pain", "insomnia", "naps", "snoring", "melatonin", "stress",
    "anxiety", "mindfulness", "depression", "burnout", "pregnancy", "menopause",
    "fertility", "contraception", "vaccines", "fever", "colds", "asthma", "eczema in babies",
    "teething", "screen time", "diabetes", "weight", "smoking", "alcohol", "caffeine",
    "aging", "skin cancer", "recovery", "aftercare", "prevention",
)  # fmt: skip

AUTHORS = {
    "maya-okafor": ("Maya Okafor", "Health writer"),
    "leo-brandt": ("Leo Brandt", "Patient educator"),
    "ines-duarte": ("Ines Duarte", "Nurse writer"),
}
REVIEWERS = {
    "daniel-reyes": ("Daniel Reyes", "MD, FAAD", "Board-certified dermatologist"),
    "amara-singh": ("Amara Singh", "MD", "Family physician"),
}

# A clinic's vocabulary, so that related-post text similarity has something to find.
NOUNS = (
    "skin", "clinic", "patient", "doctor", "nurse", "treatment", "therapy", "session", "routine",
    "barrier", "cream", "serum", "lotion", "dose", "symptom", "sign", "risk", "benefit", "result",
    "week", "month", "morning", "evening", "habit", "diet", "meal", "sleep", "heart", "pressure",
    "muscle", "joint", "bone", "hormone", "vitamin", "mineral", "water", "sun", "light", "scar",
    "wrinkle", "pore", "gland", "follicle", "cell", "tissue", "layer", "surface", "study", "trial",
    "review", "guideline", "plan", "goal", "visit", "appointment", "question", "answer", "reason",
    "cause", "effect", "change", "progress", "infection", "allergy", "reaction", "redness", "itch",
    "swelling", "pain", "comfort", "recovery", "healing", "care",
)  # fmt: skip
VERBS = (
    "helps", "protects", "reduces", "improves", "supports", "calms", "repairs", "softens",
    "strengthens", "restores", "lowers", "raises", "balances", "triggers", "eases", "prevents",
    "slows", "speeds", "affects", "changes", "shows", "needs", "follows", "matches", "suits",
    "builds",
)  # fmt: skip
ADJECTIVES = (
    "gentle", "daily", "mild", "strong", "sensitive", "dry", "oily", "healthy", "common", "rare",
    "early", "late", "simple", "regular", "careful", "steady", "natural", "clinical", "safe",
    "effective", "visible", "lasting", "short", "long", "small", "large", "deep", "light", "quiet",
    "active",
)  # fmt: skip
CONNECTORS = (
    "and", "but", "because", "while", "although", "so", "when", "if", "unless", "as", "since",
    "before", "after", "until",
)  # fmt: skip
ADVERBS = (
    "often", "usually", "rarely", "gently", "slowly", "quickly", "clearly", "safely", "gradually",
)  # fmt: skip


def _specialist_terms() -> tuple[str, ...]:
    """~8,600 made-up clinical terms (``dermatitis``-like), the long tail of a real corpus."""
    starts = (
        "derm", "cardi", "neur", "gastr", "oste", "my", "hepat", "nephr", "pulmon", "endocr",
        "immun", "lip", "hem", "onc", "arthr", "fibr", "angi", "cyt", "hist", "phot", "ker",
        "melan", "seb", "coll", "trich", "vas", "lymph", "thyr", "ret", "chondr",
    )  # fmt: skip
    links = ("o", "a", "i", "oly", "ero", "ano", "ito", "eno", "umo", "ara", "ili", "oro")
    ends = (
        "itis", "osis", "logy", "plasty", "pathy", "genesis", "algia", "ectomy", "scopy",
        "trophy", "emia", "lysis", "plasia", "megaly", "cyte", "blast", "gram", "metry",
        "therapy", "tonin", "sin", "ase", "ide", "ine",
    )  # fmt: skip
    return tuple(start + link + end for start in starts for link in links for end in ends)


TERMS = _specialist_terms()


@dataclass(frozen=True)
class Section:
    title: str
    body: str
    kind: str = "text"  # "faq": ### questions with their answers below


@dataclass(frozen=True)
class Article:
    index: int
    slug: str
    title: str
    description: str
    date: datetime
    updated: datetime | None
    author: str
    reviewer: str
    category: str
    tags: tuple[str, ...]
    intro: str
    sections: tuple[Section, ...]
    folder: bool  # a sitegen section folder, or a single file

    def markdown(self) -> str:
        """The whole article as one Markdown text, sections as ``##`` headings."""
        parts = [self.intro] if self.intro else []
        parts += [f"## {section.title}\n\n{section.body}" for section in self.sections]
        return "\n\n".join(parts) + "\n"


@dataclass(frozen=True)
class CorpusInfo:
    """What the runner needs to know about a written corpus."""

    root: Path
    count: int
    edit_slug: str
    edit_body: dict[str, Path]  # generator -> the file whose body an edit changes
    edit_tags: dict[str, Path]  # generator -> the file whose tags a change touches


def slug_of(index: int, seed: int = SEED) -> str:
    """The slug of article ``index``, without generating the article (for links)."""
    return _slug(_title(random.Random(f"{seed}:title:{index}")), index)


def articles(count: int, seed: int = SEED) -> Iterator[Article]:
    """The corpus's articles, one at a time."""
    for index in range(count):
        yield make_article(index, seed)


def make_article(index: int, seed: int = SEED) -> Article:
    rng = random.Random(f"{seed}:{index}")
    title = _title(random.Random(f"{seed}:title:{index}"))
    date = FIRST_DATE + timedelta(hours=HOURS_BETWEEN_ARTICLES * index)
    folder = rng.random() < FOLDER_SHARE
    category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
    tags = _pick_tags(rng)
    writer = _Writer(rng, index, seed, _topic_words(category, tags, seed), _own_terms(rng))
    target = WORDS_PER_ARTICLE + rng.randint(-40, 40)
    intro_words = rng.randint(90, 140)
    section_count = rng.randint(3, 6)
    per_section = (target - intro_words) // section_count
    sections = []
    for number in range(section_count):
        faq = folder and number == section_count - 1 and rng.random() < 0.3
        words = per_section + (target - intro_words) % section_count * (number == 0)
        body = writer.faq(words) if faq else writer.section(words)
        sections.append(Section(writer.heading(), body, "faq" if faq else "text"))
    return Article(
        index=index,
        slug=_slug(title, index),
        title=title,
        description=writer.sentence(rng.randint(14, 22)),
        date=date,
        updated=date + timedelta(days=rng.randint(20, 400)) if rng.random() < 0.3 else None,
        author=rng.choice(sorted(AUTHORS)),
        reviewer=rng.choice(sorted(REVIEWERS)),
        category=category,
        tags=tags,
        intro=writer.paragraphs(intro_words),
        sections=tuple(sections),
        folder=folder,
    )


def word_count(markdown: str) -> int:
    """Words a reader sees: link targets, markup and footnote labels are not counted."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)
    text = re.sub(r"\[\^\d+\]:?", " ", text)
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


# -- writing ---------------------------------------------------------------


def write_corpus(root: Path, count: int, seed: int = SEED) -> CorpusInfo:
    """Write ``root/sitegen``, ``root/pelican`` and ``root/hugo`` for ``count`` articles."""
    sites = {"sitegen": root / "sitegen", "pelican": root / "pelican", "hugo": root / "hugo"}
    _write_sitegen_config(sites["sitegen"])
    _write_pelican_config(sites["pelican"])
    _write_hugo_config(sites["hugo"])
    edit_index = _edit_index(count, seed)
    info = None
    for article in articles(count, seed):
        paths = {
            "sitegen": _write_sitegen_article(sites["sitegen"], article),
            "pelican": _write_file(
                sites["pelican"] / "content" / f"{article.slug}.md", _pelican_text(article)
            ),
            "hugo": _write_file(
                sites["hugo"] / "content" / "posts" / f"{article.slug}.md", _hugo_text(article)
            ),
        }
        if article.index == edit_index:
            body = {name: path for name, (path, _) in paths.items()}
            tags = {name: path for name, (_, path) in paths.items()}
            info = CorpusInfo(root, count, article.slug, body, tags)
    assert info is not None
    return info


def _edit_index(count: int, seed: int) -> int:
    """The article the rebuild scenarios edit: a section folder near the middle."""
    for index in range(count // 2, count):
        if make_article(index, seed).folder:
            return index
    return count // 2


def _write_file(path: Path, text: str) -> tuple[Path, Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, path


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_yaml_text(value) for value in values) + "]"


def _write_sitegen_config(site: Path) -> None:
    people = []
    for key, (name, job) in AUTHORS.items():
        people.append(f'[authors.{key}]\nname = "{name}"\njob_title = "{job}"\n')
    for key, (name, credentials, job) in REVIEWERS.items():
        people.append(
            f'[reviewers.{key}]\nname = "{name}"\ncredentials = "{credentials}"\n'
            f'job_title = "{job}"\n'
        )
    config = (
        "# Benchmark corpus (bench/corpus.py).\n"
        'title = "Benchmark Clinic Blog"\n'
        'base_url = "https://clinic.example.com/"\n'
        'description = "A generated corpus for comparing static site generators."\n'
        'language = "en"\n'
        'timezone = "UTC"\n'
        "posts_per_page = 10\n"
        "related_count = 4\n\n"
        '[clinic]\nname = "Benchmark Clinic"\nurl = "https://clinic.example.com/"\n'
        'telephone = "+1 312 555 0100"\n\n' + "\n".join(people)
    )
    _write_file(site / "site.toml", config)
    _write_file(
        site / "content" / "pages" / "about.md",
        '---\ntitle: "About the clinic"\ndescription: "Who we are."\nmenu: main\n---\n'
        "We are a clinic that writes about health.\n",
    )


def _sitegen_front_matter(article: Article) -> str:
    lines = [
        f"title: {_yaml_text(article.title)}",
        f"description: {_yaml_text(article.description)}",
        f"date: {article.date:%Y-%m-%dT%H:%M:%SZ}",
    ]
    if article.updated:
        lines.append(f"updated: {article.updated:%Y-%m-%d}")
    lines += [
        f"author: {article.author}",
        f"reviewed_by: {article.reviewer}",
        f"last_reviewed: {(article.updated or article.date):%Y-%m-%d}",
        f"category: {_yaml_text(article.category)}",
        f"tags: {_yaml_list(article.tags)}",
    ]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _write_sitegen_article(site: Path, article: Article) -> tuple[Path, Path]:
    posts = site / "content" / "posts"
    front_matter = _sitegen_front_matter(article)
    if not article.folder:
        return _write_file(posts / f"{article.slug}.md", front_matter + article.markdown())
    folder = posts / article.slug
    index, _ = _write_file(folder / "index.md", front_matter + article.intro + "\n")
    files = []
    for number, section in enumerate(article.sections, start=1):
        name = f"{number:02d}-{'-'.join(re.findall(r'[a-z0-9]+', section.title.lower()))}.md"
        kind = "kind: faq\n" if section.kind == "faq" else ""
        text = f"---\ntitle: {_yaml_text(section.title)}\n{kind}---\n{section.body}\n"
        files.append(_write_file(folder / name, text)[0])
    return files[0], index


def _pelican_text(article: Article) -> str:
    names = [AUTHORS[article.author][0], REVIEWERS[article.reviewer][0]]
    lines = [
        f"Title: {article.title}",
        f"Date: {article.date:%Y-%m-%d %H:%M}",
    ]
    if article.updated:
        lines.append(f"Modified: {article.updated:%Y-%m-%d %H:%M}")
    lines += [
        f"Category: {article.category}",
        f"Tags: {', '.join(article.tags)}",
        f"Slug: {article.slug}",
        f"Authors: {', '.join(names)}",
        f"Summary: {article.description}",
    ]
    return "\n".join(lines) + "\n\n" + article.markdown()


def _write_pelican_config(site: Path) -> None:
    _write_file(site / "pelicanconf.py", PELICANCONF)


PELICANCONF = """\
# Benchmark corpus (bench/corpus.py): Pelican's default theme with tags,
# categories, pagination and one Atom feed of every article, as sitegen builds.
AUTHOR = "Benchmark Clinic"
SITENAME = "Benchmark Clinic Blog"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
FEED_DOMAIN = "https://clinic.example.com"
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
# The content cache, as Pelican's documentation describes for faster rebuilds;
# the runner deletes the cache folder before a cold build.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "mtime"
CONTENT_CACHING_LAYER = "reader"
"""


def _hugo_text(article: Article) -> str:
    lines = [
        f"title: {_yaml_text(article.title)}",
        f"description: {_yaml_text(article.description)}",
        f"date: {article.date:%Y-%m-%dT%H:%M:%SZ}",
    ]
    if article.updated:
        lines.append(f"lastmod: {article.updated:%Y-%m-%dT%H:%M:%SZ}")
    lines += [
        f"author: {article.author}",
        f"reviewer: {article.reviewer}",
        f"categories: [{_yaml_text(article.category)}]",
        f"tags: {_yaml_list(article.tags)}",
        f"slug: {article.slug}",
    ]
    return "---\n" + "\n".join(lines) + "\n---\n" + article.markdown()


def _write_hugo_config(site: Path) -> None:
    _write_file(site / "hugo.toml", HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        _write_file(site / "layouts" / name, text)
    _write_file(
        site / "content" / "about.md",
        '---\ntitle: "About the clinic"\ndescription: "Who we are."\n---\n'
        "We are a clinic that writes about health.\n",
    )


HUGO_CONFIG = """\
# Benchmark corpus (bench/corpus.py): article pages with related posts, tag and
# category pages, a paginated home, one RSS feed and a sitemap, as sitegen builds.
baseURL = "https://clinic.example.com/"
title = "Benchmark Clinic Blog"
languageCode = "en"
enableRobotsTXT = true

[pagination]
pagerSize = 10

[taxonomies]
tag = "tags"
category = "categories"

[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]

[services.rss]
limit = -1

[related]
includeNewer = true
threshold = 20
toLower = true

[[related.indices]]
name = "tags"
weight = 100

[[related.indices]]
name = "categories"
weight = 50

[[related.indices]]
name = "date"
weight = 10
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ .Site.Title }}</title>
<meta name="description"
 content="{{ with .Description }}{{ . }}{{ else }}{{ .Site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}
<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">
{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ with .Params.author }} by {{ . }}{{ end }}
{{ with .Params.reviewer }}, reviewed by {{ . }}{{ end }}</p>
<nav aria-label="Contents">{{ .TableOfContents }}</nav>
{{ .Content }}
<p>{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}
{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>
{{ with .Site.RegularPages.Related . | first 4 }}
<aside><h2>Related posts</h2><ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></aside>
{{ end }}
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $paginator := .Paginate .Pages }}
{{ range $paginator.Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Description }}</p></article>
{{ end }}
{{ with $paginator.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
{{ with $paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ $paginator := .Paginate (where .Site.RegularPages "Section" "posts") }}
{{ range $paginator.Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Description }}</p></article>
{{ end }}
{{ with $paginator.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
{{ with $paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $paginator := .Paginate .Pages }}
{{ range $paginator.Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Description }}</p></article>
{{ end }}
{{ with $paginator.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
{{ with $paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
}


# -- text ------------------------------------------------------------------


def _title(rng: random.Random) -> str:
    words = [rng.choice(ADJECTIVES), rng.choice(TERMS), rng.choice(NOUNS)]
    lead = rng.choice(("How to care for", "What to know about", "A guide to", "Understanding"))
    return f"{lead} {' '.join(words)}"


def _slug(title: str, number: int) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join([*words[-4:], f"{number:05d}"])


def _pick_tags(rng: random.Random) -> tuple[str, ...]:
    # Zipf-like weights: a few common topics, a long tail of rare ones.
    weights = [1 / (rank + 4) for rank in range(len(TAGS))]
    chosen: list[str] = []
    wanted = rng.randint(2, 4)
    while len(chosen) < wanted:
        tag = rng.choices(TAGS, weights)[0]
        if tag not in chosen:
            chosen.append(tag)
    return tuple(chosen)


def _topic_words(category: str, tags: tuple[str, ...], seed: int) -> tuple[str, ...]:
    """Terms that articles on the same topics share: the topics' own words and a few more."""
    words: list[str] = []
    for topic in (category, *tags):
        topic_rng = random.Random(f"{seed}:topic:{topic}")
        words += re.findall(r"[a-z]{3,}", topic.lower()) + topic_rng.sample(TERMS, 12)
    return tuple(words)


def _own_terms(rng: random.Random) -> tuple[str, ...]:
    """The few specialist terms an article keeps coming back to."""
    return tuple(rng.sample(TERMS, 15))


class _Writer:
    """Writes one article's Markdown from its random generator and vocabulary.

    Most words are everyday clinic language; about one in five comes from the
    article's topics (shared with articles on the same tags and category) and
    about one in ten from its own few specialist terms. That gives related
    posts a realistic signal: similar articles share rarer words, and no word
    but the everyday ones occurs everywhere.
    """

    def __init__(self, rng, index: int, seed: int, topic: tuple[str, ...], own: tuple[str, ...]):
        self.rng, self.index, self.seed = rng, index, seed
        self.topic, self.own = topic, own

    def word(self, position: int) -> str:
        roll = self.rng.random()
        if roll < 0.2:
            return self.rng.choice(self.topic)
        if roll < 0.3:
            return self.rng.choice(self.own)
        if position and position % 7 == 0:
            return self.rng.choice(CONNECTORS)
        return self.rng.choice((NOUNS, NOUNS, VERBS, ADJECTIVES, ADVERBS)[position % 5])

    def sentence(self, words: int) -> str:
        text = " ".join(self.word(position) for position in range(words))
        return text[:1].upper() + text[1:] + "."

    def heading(self) -> str:
        rng = self.rng
        adjective = rng.choice(ADJECTIVES).capitalize()
        return f"{adjective} {rng.choice(self.topic)} and {rng.choice(NOUNS)}"

    def decorated(self, sentence: str) -> str:
        """Sprinkle emphasis or a link into a sentence."""
        rng, words = self.rng, sentence.split(" ")
        roll = rng.random()
        if len(words) < 5:
            return sentence
        spot = rng.randrange(1, len(words) - 2)
        if roll < 0.25:
            words[spot] = f"*{words[spot]}*"
        elif roll < 0.4:
            words[spot] = f"**{words[spot]}**"
        elif roll < 0.5 and self.index > 0:
            target = slug_of(rng.randrange(self.index), self.seed)  # earlier: N-prefix stable
            words[spot] = f"[{words[spot]} {words[spot + 1]}](/posts/{target}/)"
            del words[spot + 1]
        elif roll < 0.55:
            words[spot] = f"[{words[spot]}](https://example.org/{words[spot]})"
        return " ".join(words)

    def paragraph(self, words: int) -> str:
        sentences = []
        while words > 0:
            length = min(words, self.rng.randint(10, 22))
            sentences.append(self.decorated(self.sentence(length)))
            words -= length
        return " ".join(sentences)

    def paragraphs(self, words: int) -> str:
        blocks = []
        while words > 0:
            length = min(words, self.rng.randint(45, 90))
            blocks.append(self.paragraph(length))
            words -= length
        return "\n\n".join(blocks)

    def bullets(self, words: int) -> str:
        marker = self.rng.choice(("-", "1."))
        items = []
        while words > 0:
            length = min(words, self.rng.randint(4, 12))
            items.append(f"{marker} {self.sentence(length)}")
            words -= length
        return "\n".join(items)

    def table(self) -> tuple[str, int]:
        """A small Markdown table and the number of words in it."""
        rng = self.rng
        rows = [
            f"| {rng.choice(self.own).capitalize()} {rng.choice(NOUNS)} | {rng.choice(ADJECTIVES)} "
            f"{rng.choice(self.topic)} | {rng.choice(ADVERBS)} |"
            for _ in range(rng.randint(3, 5))
        ]
        header = "| Option | Best for | How often |\n|---|---|---|"
        return header + "\n" + "\n".join(rows), 5 + 5 * len(rows)

    def section(self, words: int) -> str:
        """Paragraphs with a sub-heading and a list, sometimes a table or a footnote."""
        rng = self.rng
        footnote = rng.random() < 0.15
        table = ""
        if rng.random() < 0.3:
            table, used = self.table()
            words -= used
        list_words = rng.randint(30, 60)
        prose = words - list_words - 4  # four words in the sub-heading
        first = prose // 2
        blocks = [self.paragraphs(first), self.bullets(list_words), f"### {self.heading()}"]
        rest = self.paragraphs(prose - first - 6 * footnote)
        if footnote:
            rest += "[^1]\n\n[^1]: " + self.sentence(6)
        blocks.append(rest)
        if table:  # before or after the first paragraphs
            blocks.insert(rng.randint(0, 1), table)
        return "\n\n".join(blocks)

    def faq(self, words: int) -> str:
        """Questions as ### headings, each answered by the paragraph below it."""
        blocks = []
        while words > 0:
            length = max(min(words - 6, self.rng.randint(50, 90)), 5)
            blocks.append(f"### {self.sentence(6)[:-1]}?\n\n{self.paragraph(length)}")
            words -= 6 + length
        return "\n\n".join(blocks)


# -- command line ------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of articles")
    parser.add_argument("root", type=Path, help="folder to write sitegen/, pelican/, hugo/ into")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    info = write_corpus(args.root, args.count, args.seed)
    print(f"Wrote {info.count} articles into {info.root} (edits go to {info.edit_slug})")


if __name__ == "__main__":
    main()
