"""Publishing: send the built site to where readers get it, changing only what changed.

- :mod:`.settings`: ``[publish]`` and ``[redirects]`` of ``site.toml``;
- :mod:`.plan`: which files are new, changed or gone, by digest, in a safe order;
- :mod:`.targets` and one module per kind of target (folder, SSH, SFTP, git);
- :mod:`.hosts`: redirect and cache-header files in the formats web hosts read.

Nothing here is imported by a build: ``sitegen publish`` loads it when it runs.
"""
