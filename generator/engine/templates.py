"""The templates' part of the engine: the Jinja environment and the pages' fingerprinter.

Both live as long as the templates stay the same. The environment keeps its
compiled templates and is given the site's globals again each build; the
fingerprinter (:mod:`generator.fingerprint`) is renewed each build with the
digest of those globals, and starts a new *epoch* when templates may have
changed, so that a page rendered in another epoch is fingerprinted again.
"""

from __future__ import annotations

from pathlib import Path

from generator.config import Config
from generator.fingerprint import Fingerprinter, RecordingEnvironment, digest_of_values
from generator.images import ImageCatalog
from generator.model import Site
from generator.render import CompiledTemplates, make_environment, set_site_globals


class Templates:
    """The environment and fingerprinter the render pass uses, kept between builds."""

    def __init__(
        self,
        theme_dir: Path,
        cache_dir: Path,
        compiled: CompiledTemplates,
        epoch: int = 0,
        projections: list | None = None,
        references: dict[str, list[str | None]] | None = None,
    ) -> None:
        self.theme_dir = theme_dir
        self.cache_dir = cache_dir
        self.compiled = compiled  # the engine's, kept when everything else is forgotten
        self.env: RecordingEnvironment | None = None
        self.fingerprints: Fingerprinter | None = None
        self.epoch = epoch  # template generations: a page rendered in another one is checked
        self.saved_projections = projections or []  # article projections from a saved state
        self.references = references if references is not None else {}  # source -> references
        # A template change seen by a build that then failed still counts for the next one.
        self.changed = False

    def note_change(self, templates_changed: bool) -> None:
        self.changed |= templates_changed

    def prepare(
        self,
        config_digest: str,
        config: Config,
        site: Site,
        asset_urls: dict[str, str],
        images: ImageCatalog,
    ) -> tuple[RecordingEnvironment, Fingerprinter]:
        """The environment with this build's globals, and the fingerprinter for them."""
        env = self._environment(config, site, asset_urls, images)
        globals_digest = digest_of_values(
            [config_digest, sorted(asset_urls.items()), site.pages, bool(site.tags), images.images]
        )
        fingerprints = self._fingerprinter(env, site, globals_digest)
        self.changed = False
        return env, fingerprints

    def projections(self) -> list:
        """The fingerprinter's article projections, to keep them past this process."""
        if self.fingerprints is None:
            return []
        return self.fingerprints.projections()

    def _environment(
        self, config: Config, site: Site, asset_urls: dict[str, str], images: ImageCatalog
    ) -> RecordingEnvironment:
        if self.env is None:
            env = make_environment(
                config,
                site,
                asset_urls,
                self.theme_dir,
                images,
                environment_class=RecordingEnvironment,
                cache_dir=self.cache_dir,
                compiled=self.compiled,
            )
            assert isinstance(env, RecordingEnvironment)
            env.auto_reload = False  # the engine clears the cache itself when templates change
            self.env = env
        elif self.changed:
            self.env.cache.clear()  # type: ignore[union-attr]
        set_site_globals(self.env, config, site, asset_urls, images)
        return self.env

    def _fingerprinter(
        self, env: RecordingEnvironment, site: Site, globals_digest: bytes
    ) -> Fingerprinter:
        alive = {id(article) for article in site.articles}
        if self.changed:
            self.epoch += 1
        if self.fingerprints is None:
            self.fingerprints = Fingerprinter(env, globals_digest, self.epoch, self.references)
            self.fingerprints.add_projections(self.saved_projections)
            self.saved_projections = []
        else:
            self.fingerprints = self.fingerprints.renewed(globals_digest, self.epoch, alive)
        return self.fingerprints
