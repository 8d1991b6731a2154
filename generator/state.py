"""What the build engine knows, kept on disk from one ``sitegen build`` to the next.

After a successful build the engine's memos are pickled into the site's cache
folder, one file per output folder and set of options
(``.sitegen-cache/engine-<key>.pickle``), and the next run starts from them:
parsed files by digest, articles, related posts, each page's fingerprint,
what the lints found per page. No bytes of sources or outputs are kept: the
site's files and the output folder hold them, and the engine reads either only
where it needs to (a source whose ``stat`` changed, a page it must look at
again), checking it against the digest it knows.

The file is ignored, and the build starts from nothing, when it cannot be read,
or was written by another version of sitegen, its code, or the libraries whose
output it depends on: a resumed build must give exactly what a clean build
gives.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import markdown
import yaml

from generator import __version__
from generator.write import CACHE_DIR

if TYPE_CHECKING:
    from generator.incremental import Engine

STATE_FORMAT = 1


def save(engine: Engine) -> None:
    """Pickle what ``engine`` knows for the next run; a failure to save is not an error."""
    path = state_path(engine)
    data = pickle.dumps(
        {"format": STATE_FORMAT, "code": code_digest(), "memory": _memory(engine)},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError:
        return  # a read-only site folder builds all the same, only not incrementally
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def restore(engine: Engine) -> bool:
    """Give ``engine`` what the last successful build saved; False if there is nothing usable."""
    try:
        saved = pickle.loads(state_path(engine).read_bytes())
    except Exception:  # noqa: BLE001 - missing, truncated or from elsewhere: start from nothing
        return False
    if not isinstance(saved, dict) or saved.get("format") != STATE_FORMAT:
        return False
    if saved.get("code") != code_digest():
        return False
    _take(engine, saved["memory"])
    return True


def state_path(engine: Engine) -> Path:
    options = engine.options
    key = hashlib.blake2b(
        repr((str(engine.output_dir), options.drafts, options.future)).encode(), digest_size=8
    ).hexdigest()
    return engine.site_dir / CACHE_DIR / f"engine-{key}.pickle"


def code_digest() -> str:
    """Stands for the code that made the state: sitegen's modules and its libraries' versions."""
    digest = hashlib.blake2b(digest_size=16)
    libraries = (jinja2.__version__, markdown.__version__, yaml.__version__)
    digest.update(repr((__version__, sys.version, libraries)).encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _memory(engine: Engine) -> dict:
    sources = engine._sources
    fingerprints = engine._fingerprints
    return {
        "config": engine._config,
        "files": {src: f.without_data() for src, f in (sources._files or {}).items()},
        "static": tuple(f.without_data() for f in sources.static),
        "template_stamps": sources.template_stamps,
        "looked_at_ns": sources.looked_at_ns,
        "parsed": engine._parsed,
        "articles": engine._articles,
        "related": engine._related,
        "jobs": [(key[0], *value) for key, value in engine._jobs.items()],
        "rendered": {dest: page.without_data() for dest, page in engine._rendered.items()},
        "finished": {dest: page.without_data() for dest, page in engine._finishing._pages.items()},
        "lint": engine._lint_memo,
        "epoch": engine._epoch,
        "projections": fingerprints.projections() if fingerprints is not None else [],
    }


def _take(engine: Engine, memory: dict) -> None:
    engine._config = memory["config"]
    engine._sources.restore(
        memory["files"], memory["static"], memory["template_stamps"], memory["looked_at_ns"]
    )
    engine._parsed = memory["parsed"]
    engine._articles = memory["articles"]
    engine._related = memory["related"]
    engine._jobs = {
        (config_digest, id(article), tuple(id(other) for other in related)): (
            article,
            related,
            job,
        )
        for config_digest, article, related, job in memory["jobs"]
    }
    engine._rendered = memory["rendered"]
    engine._finishing._pages = memory["finished"]
    engine._lint_memo = memory["lint"]
    engine._epoch = memory["epoch"]
    engine._saved_projections = memory["projections"]
