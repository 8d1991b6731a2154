"""RENDER: fill templates for each :class:`~generator.plan.RenderJob`; each returns a string.

The site's own ``templates/`` folder is searched first, then the default theme
that ships with sitegen, so a site overrides the theme one file at a time; the
theme's own files stay reachable as ``theme/<name>`` for a site template that
extends one and overrides a block.
Templates run with autoescape on and ``StrictUndefined``: a misspelt variable
is an error naming the template and line, never an empty string.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import jinja2

from generator import structured_data
from generator.clinic_fields import fill_clinic_fields
from generator.components import render_components
from generator.config import Config
from generator.discover import default_theme_dir  # noqa: F401 - where it used to live
from generator.errors import TemplateError
from generator.images import ImageCatalog
from generator.model import Site
from generator.opening_hours import opening_hours_in_words
from generator.plan import RenderJob

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory by whoever owns this (the build engine keeps one for
    its life), and in the site's cache folder when there is one, so that a new environment
    (or a new ``sitegen build``) skips compiling.

    Jinja checks a template's source checksum before it uses the stored code;
    there is one store per environment class (and Jinja version), as the code a
    template compiles to depends on the environment's settings.
    """

    @classmethod
    def for_cache(
        cls, cache_dir: Path | None, environment_class: type[jinja2.Environment]
    ) -> CompiledTemplates:
        """The store for ``environment_class`` in ``cache_dir`` (in memory only without one)."""
        if cache_dir is None:
            return cls(None)
        name = f"{environment_class.__name__}-{jinja2.__version__}"
        return cls(cache_dir / "templates" / name)

    def __init__(self, folder: Path | None = None) -> None:
        self._code: dict[str, bytes] = {}
        self._files = jinja2.FileSystemBytecodeCache(str(folder)) if folder else None
        self._folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)
        elif self._files is not None:
            self._files.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        if self._files is not None and self._folder is not None:
            try:
                self._folder.mkdir(parents=True, exist_ok=True)
                self._files.dump_bytecode(bucket)
            except OSError:
                pass  # a cache that cannot be written only costs time


def make_environment(
    config: Config,
    site: Site,
    asset_urls: dict[str, str],
    theme_dir: Path,
    images: ImageCatalog | None = None,
    environment_class: type[jinja2.Environment] = jinja2.Environment,
    cache_dir: Path | None = None,
    compiled: CompiledTemplates | None = None,
) -> jinja2.Environment:
    """The Jinja environment for a site; ``cache_dir`` keeps compiled templates between runs,
    ``compiled`` (made for the same class and folder) keeps them in memory for its owner."""
    search_path = [str(config.site_dir / "templates"), str(theme_dir)]
    env = environment_class(
        loader=template_loader(search_path, theme_dir),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=compiled
        if compiled is not None
        else CompiledTemplates.for_cache(cache_dir, environment_class),
    )
    env.filters["date"] = human_date
    env.filters["isodate"] = iso_date
    env.filters["absolute"] = absolute_url
    env.filters["og_image"] = og_image
    env.filters["clinic_fields"] = fill_clinic_fields
    env.filters["opening_hours"] = opening_hours_in_words
    env.filters["components"] = content_html
    set_site_globals(env, config, site, asset_urls, images)
    return env


THEME_PREFIX = "theme"


def template_loader(search_path: list[str], theme_dir: Path) -> jinja2.BaseLoader:
    """The site's templates over the theme's, and the theme's alone under ``theme/``.

    A site template may then extend the theme's template of the same name and
    change one block: ``{% extends "theme/article.html" %}``."""
    return jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({THEME_PREFIX: jinja2.FileSystemLoader(str(theme_dir))}),
            jinja2.FileSystemLoader(search_path),
        ]
    )


def set_site_globals(
    env: jinja2.Environment,
    config: Config,
    site: Site,
    asset_urls: dict[str, str],
    images: ImageCatalog | None = None,
) -> None:
    """What every template sees about the site; set again when an environment is reused."""
    env.sitegen_images = images or ImageCatalog()  # type: ignore[attr-defined]
    env.globals["site"] = config
    env.globals["clinic"] = config.clinic
    env.globals["menu_pages"] = lambda menu: [page for page in site.pages if page.menu == menu]
    env.globals["asset_url"] = _asset_lookup(asset_urls)
    # Files whose names carry a hash of their bytes (style.3f2a9c1e0b.css): cacheable for good.
    env.globals["fingerprinted_assets"] = tuple(
        sorted(url for name, url in asset_urls.items() if not url.endswith("/" + name))
    )
    env.globals["has_tags"] = bool(site.tags)


def render_job(env: jinja2.Environment, job: RenderJob) -> str:
    """Render one page; turn template mistakes into a :class:`TemplateError`."""
    try:
        return env.get_template(job.template).render(job.context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            _template_name(env, error.filename or error.name),
            f"template syntax error: {error.message}",
            line=error.lineno,
            hint=_rendering(job),
        ) from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(error.name, "template not found", hint=_rendering(job)) from None
    except TemplateError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure inside a template is the template's
        filename, line = _template_frame(env, error)
        kind = "undefined" if isinstance(error, jinja2.UndefinedError) else type(error).__name__
        raise TemplateError(
            filename or job.template,
            f"{kind}: {error}",
            line=line,
            hint=_rendering(job),
        ) from None


def _rendering(job: RenderJob) -> str:
    """Which page was being rendered, and from which content file, for error hints."""
    item = job.context.get("article") or job.context.get("page")
    source = f" from {item.src_path}" if getattr(item, "src_path", None) else ""
    return f"while rendering {job.dest_path}{source}"


@jinja2.pass_context
def absolute_url(context: jinja2.runtime.Context, url: str) -> str:
    """The full URL of a site path. It reads the settings at render time: a filter that
    closed over them would be folded into the compiled template by Jinja's optimizer
    (``'feed.xml'|absolute`` is a constant), and compiled templates outlive one site."""
    return structured_data.absolute(context["site"], url)


@jinja2.pass_context
def og_image(context: jinja2.runtime.Context, url: str):
    """The 1200-wide copy of an image, for social cards; None when it was not converted.

    Like :func:`absolute_url`, it reads the image catalog at render time."""
    catalog = context.environment.sitegen_images  # type: ignore[attr-defined]
    return catalog.og_image(url, context["site"].origin)


@jinja2.pass_context
def content_html(context: jinja2.runtime.Context, html: str):
    """Parsed HTML, safe to print, with its components (a video block) drawn by their
    templates, ``templates/components/<name>.html``, with the page's variables."""

    def render(name: str, variables: dict) -> str:
        return context.environment.get_template(name).render({**context.get_all(), **variables})

    return render_components(str(html), render)  # a StoredText read here


def human_date(value: date | datetime | None) -> str:
    """``May 1, 2024`` in English whatever the machine's locale, so output is stable."""
    if value is None:
        return ""
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def iso_date(value: date | datetime | None) -> str:
    """An ISO 8601 date, valid in HTML's ``datetime`` too: at most milliseconds
    (``2024-02-12T16:57:38.215+00:00``), as HTML allows no more digits."""
    if isinstance(value, datetime) and value.microsecond:
        return value.isoformat(timespec="milliseconds")
    return value.isoformat() if value is not None else ""


def _asset_lookup(asset_urls: dict[str, str]) -> Callable[[str], str]:
    def asset_url(name: str) -> str:
        try:
            return asset_urls[name]
        except KeyError:
            raise TemplateError(
                None,
                f"asset_url({name!r}): no such file in static/ or templates/static/",
                hint="known: " + ", ".join(sorted(asset_urls)),
            ) from None

    return asset_url


def _template_frame(env: jinja2.Environment, error: Exception) -> tuple[str | None, int | None]:
    """The innermost template file and line in the traceback (Jinja rewrites frames)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            found = (_template_name(env, frame.filename), frame.lineno)
    return found


def _search_path(loader: jinja2.BaseLoader | None) -> list[str]:
    """The folders ``loader`` reads, the site's before the theme's (see ``template_loader``)."""
    if isinstance(loader, jinja2.FileSystemLoader):
        return list(loader.searchpath)
    if isinstance(loader, jinja2.ChoiceLoader):
        return [root for inner in reversed(loader.loaders) for root in _search_path(inner)]
    if isinstance(loader, jinja2.PrefixLoader):
        return [root for inner in loader.mapping.values() for root in _search_path(inner)]
    return []


def _template_name(env: jinja2.Environment, filename: str | None) -> str | None:
    if filename is None:
        return None
    for root in _search_path(env.loader):
        if filename.startswith(root.rstrip("/") + "/"):
            return "templates/" + filename[len(root.rstrip("/")) + 1 :]
    return filename
