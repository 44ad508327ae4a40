"""``fake-ghe serve``, run as a separate process the way scripts and CI jobs run it."""

from __future__ import annotations

import json
import signal
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from fake_ghe import __version__

from .admin_support import CLIENT_ID, CLIENT_SECRET, OCTOCAT, OCTOCAT_APP_TOKEN
from .cli_support import Served, run


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start servers with ``serve(*args)``; every one is killed at the end, whatever happened."""
    started: list[Served] = []

    def start(*args: str, wait: bool = True) -> Served:
        served = Served("--port", "0", *args)
        started.append(served)
        if wait:
            served.wait_ready()
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.process.kill()
            served.process.communicate()


# ------------------------------------------------------------------ serve


def test_ready_line_url_file_request_log_and_sigterm(serve, scenario_file, tmp_path):
    url_file = tmp_path / "run" / "fake-ghe.url"
    url_file.parent.mkdir()
    url_file.write_text("http://127.0.0.1:1\n")  # left over from an earlier run
    served = serve("--scenario", str(scenario_file), "--url-file", str(url_file))
    ready = served.ready
    port = int(ready["url"].rsplit(":", 1)[1])
    assert ready == {
        "event": "ready",
        "url": f"http://127.0.0.1:{port}",
        "api_url": f"http://127.0.0.1:{port}/api/v3",
        "admin_url": f"http://127.0.0.1:{port}/_fake_ghe/",
        "pid": served.process.pid,
        "version": __version__,
    }
    # Written last, just after the ready line: a script that sees it has all startup output.
    deadline = time.monotonic() + 5
    while not url_file.exists() or url_file.read_text().startswith("http://127.0.0.1:1\n"):
        assert time.monotonic() < deadline, "no url file"
        time.sleep(0.01)
    assert url_file.read_text() == ready["url"] + "\n"

    listed = requests.get(ready["api_url"] + "/authorizations", auth=OCTOCAT, timeout=5)
    assert listed.status_code == 200
    # The personal token ("laptop", id 2) is listed first, as GitHub listed them.
    assert listed.json()[0]["url"] == f"http://127.0.0.1:{port}/api/v3/authorizations/2"
    checked = requests.get(
        f"{ready['api_url']}/applications/{CLIENT_ID}/tokens/{OCTOCAT_APP_TOKEN}",
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=5,
    )
    assert checked.status_code == 200

    started = time.monotonic()
    assert served.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 2
    assert not url_file.exists()
    assert served.stdout == ""  # the ready line was read already; nothing else on stdout
    log = served.stderr.splitlines()
    assert log[0] == f"fake-ghe {__version__}: GHE 2.18 API at {ready['api_url']}"
    assert "200 GET /api/v3/authorizations (octocat)" in log
    masked = f"200 GET /api/v3/applications/{CLIENT_ID}/tokens/***{OCTOCAT_APP_TOKEN[-8:]}"
    assert f"{masked} (app:{CLIENT_ID})" in log
    assert OCTOCAT_APP_TOKEN not in served.stderr
    assert log[-1] == "fake-ghe: stopped"


def test_sigint_stops_cleanly_and_quiet_prints_nothing_but_the_ready_line(serve, scenario_file):
    served = serve("--scenario", str(scenario_file), "--quiet")
    assert requests.get(served.url + "/api/v3/meta", timeout=5).status_code == 200
    assert served.stop(signal.SIGINT) == 0
    assert served.stderr == "" and served.stdout == ""


def test_default_scenario_is_the_demo_and_empty_starts_with_nothing(serve):
    demo = serve("--quiet")
    empty = serve("--quiet", "--empty")
    demo_users = requests.get(demo.url + "/_fake_ghe/state", timeout=5).json()["users"]
    assert "octocat" in [user["login"] for user in demo_users]
    assert requests.get(empty.url + "/_fake_ghe/state", timeout=5).json()["users"] == []


def exit_code(served: Served) -> int:
    """Wait for a server that should stop by itself; kill it if it does not."""
    try:
        return served.stop(0)  # signal 0: just wait for it to exit
    finally:
        if served.process.poll() is None:
            served.process.kill()


def test_port_in_use_is_one_line_and_a_nonzero_exit(serve):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        served = Served("--port", str(port), "--empty")
        code = exit_code(served)
    assert code == 1
    assert served.stdout == ""
    assert served.stderr.splitlines() == [
        f"fake-ghe: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_hostname_seed_and_freeze_time_make_runs_byte_identical(serve, tmp_path):
    # No token values in the scenario: they, and the app's secret, come from the seed.
    generated = tmp_path / "generated.yaml"
    generated.write_text(
        "users: [{login: octocat, password: s3cret-Passw0rd}]\n"
        "oauth_apps: [{name: app, client_id: 0f0f0f0f0f0f0f0f0f0f}]\n"
        "authorizations: [{user: octocat, app: 0f0f0f0f0f0f0f0f0f0f, scopes: [repo]}]\n"
    )
    args = (
        "--scenario",
        str(generated),
        "--seed",
        "42",
        "--quiet",
        "--freeze-time",
        "2019-09-01T12:00:00Z",
        "--hostname",
        "ghe.example.com",
    )
    runs = [serve(*args), serve(*args)]
    answers = []
    for served in runs:
        created = requests.post(
            served.url + "/api/v3/authorizations", auth=OCTOCAT, json={"note": "n"}, timeout=5
        )
        listed = requests.get(served.url + "/api/v3/authorizations", auth=OCTOCAT, timeout=5)
        state = requests.get(served.url + "/_fake_ghe/state", timeout=5)
        answers.append((created.content, listed.content, state.content))
    assert answers[0] == answers[1]
    created = json.loads(answers[0][0])
    assert created["url"] == "https://ghe.example.com/api/v3/authorizations/2"
    assert created["created_at"] == "2019-09-01T12:00:00Z"

    # Reset returns to that same start: same ids, timestamps and seeded tokens again.
    served = runs[0]
    assert requests.post(served.url + "/_fake_ghe/reset", timeout=5).status_code == 200
    again = requests.post(
        served.url + "/api/v3/authorizations", auth=OCTOCAT, json={"note": "n"}, timeout=5
    )
    assert again.content == answers[0][0]


def test_different_seeds_give_different_tokens(serve):
    tokens = []
    for seed in ("1", "2"):
        served = serve("--empty", "--quiet", "--seed", seed)
        requests.post(
            served.url + "/_fake_ghe/scenario",
            data="users: [{login: a, password: b}]\nauthorizations: [{user: a, note: n}]",
            timeout=5,
        )
        state = requests.get(served.url + "/_fake_ghe/state", timeout=5).json()
        tokens.append(state["authorizations"][0]["token_last_eight"])
    assert tokens[0] != tokens[1]


def test_http_hostname_and_wildcard_host(serve):
    served = serve(
        "--empty",
        "--quiet",
        "--host",
        "0.0.0.0",
        "--hostname",
        "http://ghe.test:8080",
        "--admin-token",
        "sesame",  # beyond loopback, the admin API is off without one
    )
    assert served.url.startswith("http://127.0.0.1:")  # where a client can connect
    loaded = requests.post(
        served.url + "/_fake_ghe/scenario",
        data="users: [{login: a, password: b}]",
        headers={"Authorization": "Bearer sesame"},
        timeout=5,
    )
    assert loaded.status_code == 200
    made = requests.post(
        served.url + "/api/v3/authorizations", auth=("a", "b"), json={"note": "n"}, timeout=5
    )
    assert made.headers["Location"] == "http://ghe.test:8080/api/v3/authorizations/1"


def test_no_admin_leaves_only_the_ghe_api(serve, scenario_file):
    served = serve("--scenario", str(scenario_file), "--no-admin", "--quiet")
    assert served.ready["admin_url"] is None
    for path in ("/_fake_ghe/", "/_fake_ghe/state", "/_fake_ghe/static/style.css"):
        answer = requests.get(served.url + path, timeout=5)
        assert answer.status_code == 404, path
        assert answer.json()["message"] == "Not Found"
    assert requests.post(served.url + "/_fake_ghe/reset", timeout=5).status_code == 404
    listed = requests.get(served.url + "/api/v3/authorizations", auth=OCTOCAT, timeout=5)
    assert listed.status_code == 200 and len(listed.json()) == 2


@pytest.mark.parametrize("where", ["missing-dir", "directory"])
def test_an_unwritable_url_file_is_one_line_and_stops_the_server(tmp_path, where):
    url_file = tmp_path / "missing" / "fake-ghe.url" if where == "missing-dir" else tmp_path
    reason = "No such file or directory" if where == "missing-dir" else "Is a directory"
    served = Served("--port", "0", "--empty", "--quiet", "--url-file", str(url_file))
    code = exit_code(served)
    assert code == 1
    assert served.stderr.splitlines() == [
        f"fake-ghe: cannot write the URL file {url_file}: {reason}"
    ]
    assert list(tmp_path.iterdir()) == []  # no half-written temporary file left behind


def test_a_bad_scenario_is_reported_by_line_and_nothing_is_served(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("users:\n  - login: octocat\n")
    result = run("serve", "--port", "0", "--scenario", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{bad}:2: users[0].password: required key is missing",
        "fake-ghe: the scenario was not loaded; not serving",
    ]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("serve", "--freeze-time", "noon"), "argument --freeze-time: not an ISO 8601 time"),
        (("serve", "--port", "http"), "argument --port: invalid int value: 'http'"),
        (("serve", "--port", "70000"), "argument --port: not a TCP port (0 to 65535): '70000'"),
        (("serve", "--port", "-1"), "argument --port: not a TCP port (0 to 65535): '-1'"),
        (
            ("serve", "--freeze-time", "9999-12-31T23:59:59Z"),
            "argument --freeze-time: not between 1970-01-01T00:00:00Z and 9000-01-01T00:00:00Z",
        ),
        (("serve", "--empty", "--scenario", "x.yaml"), "not allowed with argument --empty"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2(args, error):
    result = run(*args)
    assert result.returncode == 2
    assert error in result.stderr
    assert "Traceback" not in result.stderr
