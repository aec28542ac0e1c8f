"""`python -m kg.service.server` (what `kg serve` runs) as a process: a port in use, SIGTERM with and
without a query running, a killed server, and its flags.

Decided and documented: a query whose worker dies answers 502 (tests/service/test_limits.py).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
import time

import httpx
import pytest

from tests.hardening_fixtures import alive, descendants, start_server
from tests.servers import free_port
from tests.service_fixtures import HEAVY, SERVICE_DATA


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.02)
    return [pid for pid in pids if alive(pid)]


def _query_in_background(url: str, query: str) -> threading.Thread:
    def run() -> None:
        try:
            httpx.get(url + "/sparql", params={"query": query}, timeout=30)
        except httpx.HTTPError:
            pass  # the server went away under it: what these tests do

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.3)
    return thread


def test_port_in_use_is_named_and_exits_non_zero(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--port", str(port)],
                             capture_output=True, text=True, timeout=30)
    assert run.returncode == 1
    # Said before the store is loaded, and without claiming to serve first.
    assert f"kg serve: cannot listen on 127.0.0.1:{port}: Address already in use" in run.stderr
    assert "serving" not in run.stderr
    leftovers = [pid for pid in os.listdir("/proc") if pid.isdigit() and _cmdline_has(int(pid), f"--port\0{port}")]
    assert leftovers == []


def test_a_port_out_of_range_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--port", "99999"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--port 99999 is not a TCP port (1-65535)" in result.stderr


def _cmdline_has(pid: int, text: str) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline") as cmdline:
            return text in cmdline.read() and alive(pid)
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_sigterm_stops_server_and_workers_within_a_second(tmp_path):
    process, _ = start_server(SERVICE_DATA, tmp_path / "server.log")
    family = descendants(process.pid)
    assert len(family) >= 3  # the zygote and two workers
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=5)
    assert time.monotonic() - started < 1.0
    assert _gone_within(family, 0.5) == []
    assert "Application shutdown complete" in (tmp_path / "server.log").read_text()


def test_sigterm_with_a_query_running_stops_within_a_second(tmp_path):
    process, url = start_server(SERVICE_DATA, tmp_path / "server.log")
    family = descendants(process.pid)
    _query_in_background(url, HEAVY)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=5)
    assert time.monotonic() - started < 1.0
    assert _gone_within(family, 0.5) == []


def test_killed_server_takes_its_busy_workers_along(tmp_path):
    process, url = start_server(SERVICE_DATA, tmp_path / "server.log")
    family = descendants(process.pid)
    _query_in_background(url, HEAVY)
    process.kill()
    process.wait(timeout=5)
    assert _gone_within(family, 1.0) == []


def test_result_size_flag_caps_results(tmp_path):
    process, url = start_server(SERVICE_DATA, tmp_path / "server.log", "--max-result-bytes", "5000")
    try:
        big = httpx.get(url + "/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"}, timeout=10)
        small = httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=5)
    assert big.status_code == 413 and "5000 bytes" in big.text
    assert small.status_code == 200


def _children(pid: int) -> list[int]:
    return [child for child in descendants(pid) if _parent(child) == pid]


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return False


def _until(check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (found := check()):
            return found
        time.sleep(0.1)
    return check()


def test_a_killed_zygote_is_replaced_and_queries_answer_again(tmp_path):
    """The process that holds the store and forks the workers, killed as the out-of-memory
    killer would: a new one is forked from the server's store, nothing stays a zombie, and
    every query after that answers."""
    process, url = start_server(SERVICE_DATA, tmp_path / "server.log")
    try:
        (zygote,) = _children(process.pid)
        os.kill(zygote, signal.SIGKILL)
        new = _until(lambda: [pid for pid in _children(process.pid) if pid != zygote and alive(pid)], 5)
        assert new, (tmp_path / "server.log").read_text()[-2000:]
        assert not _zombie(zygote) and not alive(zygote)
        ask = {"query": "ASK { ?s ?p ?o }"}
        answers = [httpx.get(url + "/sparql", params=ask, headers={"accept": "application/sparql-results+json"},
                             timeout=10) for _ in range(6)]
        assert [a.status_code for a in answers] == [200] * 6
        health = httpx.get(url + "/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert "died; starting a new one" in (tmp_path / "server.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_zygote_killed_after_a_write_stops_the_server_with_a_non_zero_exit(tmp_path):
    """After a write only the zygote held the store as it is: a new one would serve old data,
    so /health answers 503 and the server stops with exit 1, for a supervisor to restart it."""
    token = "zygote-test-token"
    process, url = start_server(SERVICE_DATA, tmp_path / "server.log", "--allow-update", "--update-token", token)
    try:
        written = httpx.post(url + "/sparql", content="INSERT DATA { <urn:a> <urn:b> <urn:c> }", timeout=10,
                             headers={"content-type": "application/sparql-update", "authorization": f"Bearer {token}"})
        assert written.status_code == 204
        (zygote,) = _children(process.pid)
        os.kill(zygote, signal.SIGKILL)
        assert process.wait(timeout=10) == 1
        log = (tmp_path / "server.log").read_text()
        assert "died after 1 write(s)" in log and "restart the service" in log
        assert not _zombie(zygote)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _abandon(url: str, query: str) -> None:
    """Send a query over a raw connection and hang up without reading the answer."""
    from urllib.parse import quote, urlsplit

    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                     f"Accept: application/sparql-results+json\r\n\r\n".encode())
        time.sleep(0.3)


def test_abandoned_queries_are_stopped_and_their_workers_replaced_within_a_second_or_two(tmp_path):
    """Two heavy queries whose clients hang up held both workers for the whole query timeout
    (30 s), while every other request answered 503."""
    process, url = start_server(SERVICE_DATA, tmp_path / "server.log")
    try:
        (zygote,) = _children(process.pid)
        workers = _children(zygote)
        assert len(workers) == 2
        for _ in range(2):
            _abandon(url, HEAVY)
        assert _gone_within(workers, 3.0) == [], "the abandoned queries' workers still run"
        started = time.monotonic()
        light = httpx.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                          headers={"accept": "application/sparql-results+json"}, timeout=10)
        assert light.status_code == 200 and time.monotonic() - started < 2.0
        log = (tmp_path / "server.log").read_text()
        assert log.count("the client went away; its request is stopped") == 2
        assert "Traceback" not in log
    finally:
        process.terminate()
        process.wait(timeout=10)


def _from(address: str) -> httpx.Client:
    """A client whose connections leave from `address` (any of 127.0.0.0/8 is this machine)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def test_one_client_holds_all_but_one_worker_and_another_client_still_answers(tmp_path):
    process, url = start_server(SERVICE_DATA, tmp_path / "server.log", "--query-timeout", "4")
    try:
        with _from("127.0.0.2") as heavy_client, _from("127.0.0.3") as other, ThreadPoolExecutor(3) as threads:
            heavy = [threads.submit(heavy_client.get, url + "/sparql", params={"query": HEAVY}) for _ in range(2)]
            time.sleep(0.5)
            started = time.monotonic()
            light = other.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                              headers={"accept": "application/sparql-results+json"})
            assert light.status_code == 200 and time.monotonic() - started < 1.5
            statuses = sorted(h.result().status_code for h in heavy)
        # The first heavy query ran to its deadline; the second waited for its client's worker
        # (the queue wait) and was refused, naming the limit.
        assert statuses == [503, 504]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_client_workers_is_a_usage_error_past_the_workers():
    result = subprocess.run([sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--workers", "2",
                             "--client-workers", "3"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "client-workers must be between 1 and the number of workers (2)" in result.stderr


def test_a_body_that_stalls_is_cut_off_at_the_body_timeout_and_logged_once_as_such(tmp_path):
    """Connections that stall mid-body were all held for over a minute, and each was logged as
    a 500 with a traceback when it closed."""
    from urllib.parse import urlsplit

    process, url = start_server(SERVICE_DATA, tmp_path / "server.log", "--body-timeout", "1")
    address = urlsplit(url)
    try:
        with socket.create_connection((address.hostname, address.port)) as sock:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 1000\r\n\r\nASK {")
            sock.settimeout(5)
            started = time.monotonic()
            answer = sock.recv(4096).decode("latin-1")
            assert answer.startswith("HTTP/1.1 408") and time.monotonic() - started < 3
        log = (tmp_path / "server.log").read_text()
        assert log.count("cut off a body still arriving after 1 s") == 1
        assert "Traceback" not in log and " 500 " not in log
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sigterm_answers_a_query_in_flight_503_not_500(tmp_path):
    process, url = start_server(SERVICE_DATA, tmp_path / "server.log")
    answers: list[int] = []

    def run() -> None:
        answers.append(httpx.get(url + "/sparql", params={"query": HEAVY}, timeout=30).status_code)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=5)
    thread.join(timeout=5)
    assert answers == [503]
    assert "Traceback" not in (tmp_path / "server.log").read_text()


@pytest.mark.parametrize("content, words", [
    ("", "gives the graph <https://w3id.org/deir-ez-zor-2024/graph/asserted> no triple"),
    ("<https://w3id.org/deir-ez-zor-2024/resource/a> <http://www.w3.org/2000/01/rdf-schema#label> \"a\" "
     "<https://w3id.org/deir-ez-zor-2024/graph/ontology> .\n",
     "gives the graph <https://w3id.org/deir-ez-zor-2024/graph/asserted> no triple"),
])
def test_an_empty_build_or_one_missing_a_graph_stops_the_start(tmp_path, content, words):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "dataset.nq").write_text(content)
    result = subprocess.run([sys.executable, "-m", "kg.service.server", str(dist), "--port", str(free_port())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and words in result.stderr and "--allow-empty" in result.stderr


def test_an_empty_file_is_served_when_asked_for(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("# no triples\n")
    refused = subprocess.run([sys.executable, "-m", "kg.service.server", str(tmp_path), "--no-build-data",
                              "--load", str(empty), "--port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "empty.ttl gives the graph" in refused.stderr
    process, url = start_server(tmp_path, tmp_path / "server.log", "--no-build-data", "--load", str(empty),
                                "--allow-empty")
    try:
        assert httpx.get(url + "/health", timeout=5).json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=10)
