"""Starting real servers for tests: a free port on 127.0.0.1, a process whose log is kept, and
waiting until it answers. Shared by the service, browser, hardening and remote-store tests."""
from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Return once `url` answers at all; raise with the process's log if it died or timed out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start: {log.read_text()}")
        time.sleep(0.05)


@contextmanager
def running(command: Sequence[str], ready_url: str, log: Path, *, seconds: float = 60, **popen) -> Iterator[subprocess.Popen]:
    """The command as a process, answering at `ready_url`; terminated (then killed) on exit."""
    with log.open("w") as out:
        process = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        wait_for(ready_url, process, log, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
