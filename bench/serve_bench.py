"""The dev-server scenario: from a file's write to the changed page on disk.

Each server is started on its copy of the corpus, its page is fetched once (a
writer has it open in a browser) and a live-reload client is connected. Then
the servers are edited in turn: the edited article's body gets a marker
sentence, and the clock stops when the output page holds the marker (polled
every millisecond) and, separately, when the server sends its ``reload``
message over the live-reload WebSocket.

``sitegen serve`` is used when this checkout has it (``sitegen serve --help``
succeeds); otherwise the scenario notes that and measures ``hugo server``
alone. Pelican's ``--autoreload`` is a full rebuild with its cache, measured
by the ``edit`` scenario already, so it is left out here.
"""

from __future__ import annotations

import json
import queue
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from websockets.sync.client import connect

from bench.peers import append_revision
from bench.results import Result, Sample

STARTUP_SECONDS = 1800  # the first build of a large corpus, before the server answers
CHANGE_SECONDS = 120
SETTLE_SECONDS = 1.0  # let the server finish after a change before the next one
# What each server logs when a rebuild is over: the next change waits for it, as a
# writer's next save comes after a look at the page, not in the middle of a rebuild.
REBUILT = {"sitegen": b" changed: ", "hugo": b"Total in "}
LIVERELOAD_HELLO = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}


@dataclass(eq=False)  # hashable by identity
class _Server:
    peer: object  # bench.peers.Peer
    process: subprocess.Popen
    port: int
    reloads: queue.Queue
    log: Path


def run(size, chosen, info, runs, tools, logs: Path) -> list[Result]:
    """Measure each server in ``chosen`` (bench.peers.Peer) over ``runs`` changes."""
    servers, results = [], []
    original = {peer.name: info.edit_body[peer.name].read_bytes() for peer in chosen}
    samples = {peer.name: [] for peer in chosen}
    reloads = {peer.name: [] for peer in chosen}
    try:
        for peer in chosen:
            command, note = _server_command(peer, tools)
            if command is None:
                print(f"   {peer.name}: skipped, {note}", flush=True)
                results.append(Result(size, "serve", peer.name, [], note=note))
                continue
            servers.append(_start(peer, command, info.edit_slug, logs))
        for run_number in range(runs):
            for server in servers:
                page, reload = _one_change(server, info, run_number)
                samples[server.peer.name].append(page)
                reloads[server.peer.name].append(reload)
                print(
                    f"   {server.peer.name:8} run {run_number + 1}: page {page:.3f} s, "
                    f"reload {reload:.3f} s",
                    flush=True,
                )
    finally:
        for name, data in original.items():
            info.edit_body[name].write_bytes(data)
        peaks = {server.peer.name: _stop(server) for server in servers}
    for server in servers:
        name = server.peer.name
        measured = [Sample(seconds, peaks[name]) for seconds in samples[name]]
        results.append(Result(size, "serve", name, measured, reload_seconds=reloads[name]))
    return results


def _server_command(peer, tools) -> tuple[list[str] | None, str]:
    port = _free_port()
    if peer.name == "hugo":
        command = [str(tools.hugo), "server", "--source", str(peer.site)]
        return [*command, "--bind", "127.0.0.1", "--port", str(port)], ""
    if peer.name == "sitegen":
        help_text = subprocess.run(
            [str(tools.sitegen), "serve", "--help"], capture_output=True, text=True, check=False
        )
        if help_text.returncode != 0:
            return None, "`sitegen serve` is not available in this checkout"
        command = [str(tools.sitegen), "serve", str(peer.site), "--port", str(port)]
        if "--output" in help_text.stdout:
            command += ["--output", str(peer.output)]
        return command, ""
    return None, "not measured: its autoreload is a full cached rebuild (see the edit scenario)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(peer, command: list[str], slug: str, logs: Path) -> _Server:
    port = int(command[command.index("--port") + 1])
    log = logs / f"{peer.name}-serve.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=peer.site, env=peer.environment(), stdout=out, stderr=subprocess.STDOUT
        )
    server = _Server(peer, process, port, queue.Queue(), log)
    try:
        _open_page(server, f"http://127.0.0.1:{port}/posts/{slug}/")
    except BaseException:
        _stop(server)
        raise
    threading.Thread(target=_listen, args=(server,), daemon=True).start()
    time.sleep(SETTLE_SECONDS)
    return server


def _open_page(server: _Server, url: str) -> None:
    """Wait for the first build, then fetch the page once, as a writer's browser does."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.peer.name} server exited, see {server.log}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                message = f"{server.peer.name} did not answer {url}, see {server.log}"
                raise SystemExit(message) from None
            time.sleep(0.2)


def _listen(server: _Server) -> None:
    """Record when each live-reload ``reload`` message arrives."""
    try:
        with connect(f"ws://127.0.0.1:{server.port}/livereload", open_timeout=30) as socket_:
            socket_.send(json.dumps(LIVERELOAD_HELLO))
            # livereload registers a client for reloads only once it says which page it shows
            socket_.send(json.dumps({"command": "info", "url": f"http://127.0.0.1:{server.port}/"}))
            for message in socket_:
                if json.loads(message).get("command") == "reload":
                    server.reloads.put(time.perf_counter())
    except Exception as error:  # the scenario reports a missing reload as a timeout
        server.reloads.put(error)


def _one_change(server: _Server, info, run_number: int) -> tuple[float, float]:
    marker = f"bench-serve-{run_number}"
    page = server.peer.page(info.edit_slug)
    while not server.reloads.empty():  # reloads of an earlier change
        server.reloads.get_nowait()
    before = page.stat().st_mtime_ns if page.exists() else 0
    rebuilds = _rebuilds_logged(server)
    started = time.perf_counter()
    append_revision(info.edit_body[server.peer.name], marker)
    written = _wait_for_marker(page, marker.encode(), before, started) - started
    try:
        arrived = server.reloads.get(timeout=CHANGE_SECONDS)
    except queue.Empty:
        arrived = None
    if not isinstance(arrived, float):
        raise SystemExit(f"{server.peer.name}: no reload message ({arrived}), see {server.log}")
    _wait_for_rebuild(server, rebuilds)
    time.sleep(SETTLE_SECONDS)
    return written, arrived - started


def _rebuilds_logged(server: _Server) -> int:
    marker = REBUILT.get(server.peer.name)
    return server.log.read_bytes().count(marker) if marker else 0


def _wait_for_rebuild(server: _Server, before: int) -> None:
    """Wait until the server logs that the rebuild after the change is over."""
    if server.peer.name not in REBUILT:
        return
    deadline = time.monotonic() + CHANGE_SECONDS
    while _rebuilds_logged(server) <= before:
        if time.monotonic() > deadline:
            raise SystemExit(f"{server.peer.name}: no end of rebuild logged, see {server.log}")
        time.sleep(0.05)


def _wait_for_marker(page: Path, marker: bytes, before: int, started: float) -> float:
    seen = before
    while time.perf_counter() - started < CHANGE_SECONDS:
        try:
            stamp = page.stat().st_mtime_ns
            if stamp != seen:
                now = time.perf_counter()
                if marker in page.read_bytes():
                    return now
                seen = stamp
        except FileNotFoundError:  # between an atomic write's unlink and rename
            pass
        time.sleep(0.001)
    raise SystemExit(f"{page} did not change within {CHANGE_SECONDS} s")


def _stop(server: _Server) -> int:
    """Stop the server; return its peak resident memory (KiB) from the kernel's high-water mark."""
    peak = _high_water_kb(server.process.pid)
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    return peak


def _high_water_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
