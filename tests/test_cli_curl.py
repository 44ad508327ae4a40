"""The README's shell session, run as written: ``fake-ghe serve`` in the background, then curl.

Every step below is a shell snippet copied verbatim into the README ("Command line",
"Admin API"), each block after a ``<!-- server-curl:NAME -->`` marker; keep the two identical
(the last test here compares them). Lines starting with ``#> `` are the output the README
shows, and the step's output must be exactly that. All steps run in one bash process, in
order, as a reader would type them.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
STEP_TIMEOUT = 20.0

START = """\
fake-ghe serve --port 0 --quiet --url-file fake-ghe.url &
until [ -s fake-ghe.url ]; do sleep 0.1; done
URL=$(cat fake-ghe.url)
"""

CHECK = """\
cat > broken.yaml <<'EOF'
users:
  - login: lisa
authorizations:
  - user: lisa
    scopes: [repos]
    token: not-hex
EOF
fake-ghe check broken.yaml
#> broken.yaml:2: users[0].password: required key is missing
#> broken.yaml:5: authorizations[0].scopes[0]: unknown OAuth scope 'repos'
#> broken.yaml:6: authorizations[0].token: must be 40 lowercase hex characters, as GHE's tokens are
"""

STATE = """\
curl -s "$URL/_fake_ghe/state"
"""

SEED = """\
curl -s --data-binary @- "$URL/_fake_ghe/scenario" <<'EOF'
users:
  - login: ci-bot
    password: ci-bot-pass
authorizations:
  - user: ci-bot
    note: ci token
    scopes: [repo]
    token: 0123456789abcdef0123456789abcdef01234567
EOF
"""

USE_TOKEN = """\
curl -s -H "Authorization: token 0123456789abcdef0123456789abcdef01234567" "$URL/api/v3/user"
"""

BAD_SCENARIO = """\
curl -s --data-binary 'users: [{login: lisa}]' "$URL/_fake_ghe/scenario"
#> {"message":"the scenario has 1 problem; nothing was loaded","errors":["<scenario>:1: users[0].password: required key is missing"]}
"""  # noqa: E501

FAULT_ARM = """\
curl -s "$URL/_fake_ghe/faults" -d '{"method": "POST", "path": "/authorizations", "status": 502}'
"""

FAULT_FIRES = """\
# The next POST /authorizations gets the 502; the one after it is served again.
curl -s -o /dev/null -w '%{http_code}\\n' -u octocat:s3cret-Passw0rd \\
  -d '{"note": "retry me"}' "$URL/api/v3/authorizations"
#> 502
curl -s -o /dev/null -w '%{http_code}\\n' -u octocat:s3cret-Passw0rd \\
  -d '{"note": "retry me"}' "$URL/api/v3/authorizations"
#> 201
"""

FAULT_DISCONNECT = """\
# Drop the connection without an answer (curl's "Empty reply from server").
curl -s "$URL/_fake_ghe/faults" -d '{"path": "/user", "disconnect": true}' > /dev/null
curl -s -u octocat:s3cret-Passw0rd "$URL/api/v3/user" || echo "curl exit $?"
#> curl exit 52
"""

FAULT_SLOW = """\
# Make every matching request wait 5 seconds, until the faults are cleared.
curl -s "$URL/_fake_ghe/faults" \\
  -d '{"path": "/authorizations*", "delay": 5, "times": null}' > /dev/null
curl -s "$URL/_fake_ghe/faults"
"""

FAULT_CLEAR = """\
curl -s -X DELETE "$URL/_fake_ghe/faults"
#> []
"""

RATE_LIMIT = """\
# octocat's next request is over the limit; then rate limiting is off again (the default).
curl -s "$URL/_fake_ghe/rate_limit/exhaust" -d '{"login": "octocat"}' > /dev/null
curl -s -u octocat:s3cret-Passw0rd "$URL/api/v3/authorizations"
#> {"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://developer.github.com/enterprise/2.18/v3/#rate-limiting"}
curl -s "$URL/_fake_ghe/rate_limit" -d '{"limit": null}' > /dev/null
"""

CLOCK = """\
curl -s "$URL/_fake_ghe/clock/freeze" -d '{"at": "2019-09-01T12:00:00Z"}' > /dev/null
curl -s "$URL/_fake_ghe/clock/advance" -d '{"hours": 2}'
#> {
#>   "now": "2019-09-01T14:00:00Z",
#>   "frozen": true
#> }
"""

OTP = """\
# hubot has two-factor auth: ask the fake for a code valid now.
CODE=$(curl -s "$URL/_fake_ghe/otp/hubot" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["code"])')
curl -s -o /dev/null -w '%{http_code}\\n' -u hubot:hubot-pass -H "X-GitHub-OTP: $CODE" \\
  "$URL/api/v3/authorizations"
#> 200
"""

EVENTS = """\
curl -s "$URL/_fake_ghe/events?since=3"
"""

CALLS = """\
curl -s "$URL/_fake_ghe/calls?since=1"
"""

RESET = """\
curl -s -X POST "$URL/_fake_ghe/reset"
"""

STOP = """\
kill %1
"""


class Shell:
    """One bash process fed snippets on stdin, like a terminal (stderr merged into stdout)."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            env=env,
            start_new_session=True,  # its own process group: the server with it
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.steps = 0

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def run(self, snippet: str) -> tuple[int, list[str]]:
        """Run ``snippet``; its exit status and output lines."""
        assert self.process.stdin is not None
        self.steps += 1
        marker = f"__step_{self.steps}_done__"
        self.process.stdin.write(f"{snippet}\necho {marker} $?\n")
        self.process.stdin.flush()
        output: list[str] = []
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                pytest.fail(f"no end of step within {STEP_TIMEOUT} s:\n{snippet}\n{output}")
            if line is None:
                pytest.fail(f"bash exited during:\n{snippet}\noutput: {output}")
            if marker in line:
                # GHE's JSON has no final newline, so the marker may share the last line.
                before, _, status = line.partition(marker)
                if before:
                    output.append(before)
                return int(status), output
            output.append(line)

    def close(self) -> None:
        if self.process.poll() is None:
            # The session's process group: bash and anything it left running in the background.
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=5)


def shown_output(snippet: str) -> list[str]:
    return [line[3:] for line in snippet.splitlines() if line.startswith("#> ")]


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = dict(os.environ)
    # `fake-ghe` and `python3` as a reader has them: the console script of this checkout
    # (`pip install -e .` puts one on PATH; without it, a stand-in runs `python -m fake_ghe`).
    if not shutil.which("fake-ghe"):
        stand_in = bin_dir / "fake-ghe"
        stand_in.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fake_ghe "$@"\n')
        stand_in.chmod(0o755)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    (bin_dir / "python3").symlink_to(sys.executable)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    work = tmp_path / "work"
    work.mkdir()
    session = Shell(work, env)
    yield session
    session.close()


def step(shell: Shell, snippet: str, status: int = 0) -> list[str]:
    """Run a README snippet: its exit status, and its output where the README shows it."""
    got, output = shell.run(snippet)
    assert got == status, (snippet, output)
    expected = shown_output(snippet)
    if expected:
        assert output == expected, snippet
    return output


def as_json(output: list[str]) -> Any:
    return json.loads("\n".join(output))


def test_the_readme_session(shell, tmp_path):
    work = tmp_path / "work"
    [ready_line] = step(shell, START)
    ready = json.loads(ready_line)
    assert ready["event"] == "ready"
    assert (work / "fake-ghe.url").read_text() == ready["url"] + "\n"

    step(shell, CHECK, status=1)  # any problem: exit status 1

    state = as_json(step(shell, STATE))
    assert [user["login"] for user in state["users"]] == ["octocat", "hubot", "monalisa"]
    assert all("token" not in auth for auth in state["authorizations"])

    seeded = as_json(step(shell, SEED))
    assert seeded["users"] == ["ci-bot"]
    assert seeded["authorizations"][0]["token"] == "0123456789abcdef0123456789abcdef01234567"
    assert as_json(step(shell, USE_TOKEN))["login"] == "ci-bot"
    step(shell, BAD_SCENARIO)

    fault = as_json(step(shell, FAULT_ARM))
    assert (fault["method"], fault["path"], fault["status"], fault["times"]) == (
        "POST",
        "/authorizations",
        502,
        1,
    )
    step(shell, FAULT_FIRES)
    step(shell, FAULT_DISCONNECT)
    [slow] = as_json(step(shell, FAULT_SLOW))
    assert (slow["path"], slow["delay"], slow["times"]) == ("/authorizations*", 5.0, None)
    step(shell, FAULT_CLEAR)

    step(shell, RATE_LIMIT)
    step(shell, CLOCK)
    step(shell, OTP)

    [event] = as_json(step(shell, EVENTS))
    assert (event["seq"], event["kind"], event["user"], event["actor"]) == (
        4,
        "created",
        "octocat",
        "octocat",
    )
    assert event["client_id"] is None  # a personal access token
    calls = as_json(step(shell, CALLS))
    assert [(call["method"], call["path"], call["status"]) for call in calls] == [
        ("POST", "/api/v3/authorizations", 502),
        ("POST", "/api/v3/authorizations", 201),
        ("GET", "/api/v3/user", 0),  # dropped: no answer at all
        ("GET", "/api/v3/authorizations", 403),
        ("GET", "/api/v3/authorizations", 200),
    ]

    counts = as_json(step(shell, RESET))
    assert counts == {key: len(state[key]) for key in counts}
    after = as_json(step(shell, STATE))
    assert after["users"] == state["users"] and after["clock"]["frozen"] is False

    step(shell, STOP)
    deadline = time.monotonic() + 5
    while (work / "fake-ghe.url").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (work / "fake-ghe.url").exists(), "the server did not stop on kill %1"


def snippets() -> dict[str, str]:
    return {
        name: value
        for name, value in globals().items()
        if name.isupper() and isinstance(value, str) and value.endswith("\n")
    }


def test_every_step_is_in_the_session():
    """A snippet added for the README but forgotten in the session above fails here."""
    source = Path(__file__).read_text(encoding="utf-8")
    session = source[source.index("def test_the_readme_session") : source.index("def snippets")]
    missing = [name for name in sorted(snippets()) if not re.search(rf"shell, {name}\b", session)]
    assert missing == []


def test_the_readme_shows_the_session_as_it_runs():
    """Each README block after ``<!-- server-curl:NAME -->`` is the snippet NAME, as run above.

    The README gets its "Admin API" section when the server's documentation is merged; from
    then on it must show every snippet.
    """
    readme = README.read_text(encoding="utf-8")
    shown = re.findall(r"<!-- server-curl:(\w+) -->\s*```sh\n(.*?)```", readme, re.S)
    known = snippets()
    for name, block in shown:
        assert block == known.get(name), f"README block server-curl:{name} differs from the test"
    if "/_fake_ghe/" in readme:
        assert sorted(name for name, _ in shown) == sorted(known)
