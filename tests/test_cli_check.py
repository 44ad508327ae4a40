"""``fake-ghe check`` and ``fake-ghe --version``, run as a separate process the way scripts and CI
jobs run them.
"""

from __future__ import annotations

from fake_ghe import __version__

from .admin_support import SCENARIO
from .cli_support import run

# ------------------------------------------------------------------ check, --version


def test_check_prints_ok_for_a_good_file(scenario_file):
    result = run("check", scenario_file.name, cwd=scenario_file.parent)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ghe.yaml: ok\n", "")


def test_check_prints_every_problem_as_file_line_key_message(tmp_path):
    (tmp_path / "good.yaml").write_text(SCENARIO)
    (tmp_path / "bad.yaml").write_text(
        "users:\n"
        "  - login: octocat\n"
        "    password: pw\n"
        "    two_factor: {type: call, totp_secret: QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK}\n"
        "authorizations:\n"
        "  - user: octocat\n"
        "    client_id: 0123\n"
    )
    result = run("check", "good.yaml", "bad.yaml", "missing.yaml", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "good.yaml: ok",
        "bad.yaml:4: users[0].two_factor.type: must be 'app' or 'sms', not 'call'",
        "bad.yaml:7: authorizations[0].client_id: unknown key; expected one of: user, app, scopes,"
        " note, note_url, fingerprint, token",
    ]
    assert lines[3].startswith("missing.yaml: (document): cannot read the file: ")
    assert len(lines) == 4


def test_check_reports_a_too_deep_file_as_a_problem_not_a_traceback(tmp_path):
    (tmp_path / "deep.yaml").write_text("version: 1\nusers: " + "[" * 5000 + "]" * 5000 + "\n")
    result = run("check", "deep.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == "deep.yaml:2: (document): nested too deeply (more than 100 levels)\n"


def test_version():
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"fake-ghe {__version__}\n")


def test_check_reports_values_the_reader_cannot_make_without_a_traceback(tmp_path):
    from .admin_support import CRASHERS

    names = []
    for number, text in enumerate(CRASHERS.values()):
        (tmp_path / f"s{number}.yaml").write_text(text, encoding="utf-8")
        names.append(f"s{number}.yaml")

    result = run("check", *names, cwd=tmp_path)

    assert (result.returncode, result.stderr) == (1, "")
    assert "Traceback" not in result.stdout
    files = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    assert files == set(names)  # a problem for every file: none of them is "ok"
