"""The serve options, defined once: `kg serve` and `python -m kg.service.server` take the same
ones, they fill a Settings whose defaults are Settings' own, and bad values are usage errors."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest

from kg.cli import parser
from kg.errors import UsageError
from kg.options import settings_from
from kg.settings import Settings
from tests.conftest import ROOT
from tests.service_fixtures import SERVICE_DATA


def run(*command: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KG_UPDATE_TOKEN"} | {"COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)


def options(help_text: str) -> list[str]:
    """The options a --help lists, in order."""
    listed = help_text.split("options:", 1)[1]
    return [m for m in re.findall(r"^\s+(--[a-z-]+)", listed, re.M) if m != "--help"]


def serve_args(*argv: str):
    return parser().parse_args(["serve", *argv])


def test_kg_serve_and_the_server_module_list_the_same_options():
    kg_serve, module = run("kg", "serve", "--help"), run("kg.service.server", "--help")
    assert kg_serve.returncode == 0 and module.returncode == 0
    assert options(kg_serve.stdout) == options(module.stdout)
    assert "--query-timeout" in options(module.stdout) and "--load" in options(module.stdout)
    assert kg_serve.stdout.split("options:", 1)[1] == module.stdout.split("options:", 1)[1]


def test_no_option_given_is_the_default_settings(monkeypatch):
    monkeypatch.delenv("KG_UPDATE_TOKEN", raising=False)
    assert settings_from(serve_args()) == Settings()


def test_the_options_fill_the_settings(monkeypatch):
    monkeypatch.delenv("KG_UPDATE_TOKEN", raising=False)
    settings = settings_from(serve_args("--query-timeout", "5", "--queue-wait", "0.5", "--workers", "3",
                                        "--worker-memory", "100", "--service-allow", "http://a/sparql",
                                        "--allow-update", "--update-token", "t0ken"))
    assert (settings.query_timeout, settings.queue_wait, settings.workers) == (5.0, 0.5, 3)
    assert settings.max_private_bytes == 100 * 1024 * 1024
    assert settings.service_allow == ("http://a/sparql",)
    assert (settings.allow_update, settings.update_token) == (True, "t0ken")


def test_the_update_token_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KG_UPDATE_TOKEN", "from-env")
    assert settings_from(serve_args("--allow-update")).update_token == "from-env"


def test_a_value_settings_refuses_is_a_usage_error_naming_the_option(monkeypatch):
    monkeypatch.delenv("KG_UPDATE_TOKEN", raising=False)
    with pytest.raises(UsageError, match="--allow-update needs an update token"):
        settings_from(serve_args("--allow-update"))
    with pytest.raises(UsageError, match="queue-wait must be positive"):
        settings_from(serve_args("--queue-wait", "0"))


@pytest.mark.parametrize("command", [("kg", "serve"), ("kg.service.server", "dist")])
def test_both_entry_points_refuse_updates_without_a_token(command):
    result = run(*command, "--allow-update")
    assert result.returncode == 2 and "--update-token" in result.stderr


def test_kg_serve_reports_a_port_in_use_before_loading_anything():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("kg", "serve", "--no-build-data", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


@pytest.mark.parametrize("option, value, words", [
    ("--query-timeout", "nan", "query-timeout must be a finite number of seconds, not nan"),
    ("--query-timeout", "inf", "query-timeout must be a finite number of seconds, not inf"),
    ("--queue-wait", "-1", "queue-wait must be positive"),
    ("--workers", "0", "workers must be between 1 and 256"),
    ("--workers", "100000", "workers must be between 1 and 256"),
])
def test_a_number_out_of_range_is_a_usage_error_before_anything_starts(option, value, words):
    result = subprocess.run([sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), option, value],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and words in result.stderr


@pytest.mark.parametrize("argv, words", [
    (["push", "--store", "http://127.0.0.1:9/store", "--timeout", "nan"], "not a positive, finite number of seconds"),
    (["push", "--store", "http://127.0.0.1:9/store", "--batch", "0"], "0 is not between 1 and 10000000"),
    (["draft", "article.txt", "--year", "-5"], "-5 is not between 1 and 9999"),
])
def test_other_numeric_options_are_usage_errors_naming_the_value(argv, words):
    result = subprocess.run([sys.executable, "-m", "kg", *argv], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2 and words in result.stderr
