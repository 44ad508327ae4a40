"""No 500, whatever comes in: odd requests to the user endpoints get GHE's 4xx answers."""

from __future__ import annotations

from .conftest import APP_CLIENT_ID, DOCS, OCTOCAT
from .support import Api, basic

# ---------------------------------------------------------------- no 500, whatever comes in

B64_LATIN1 = "Basic b2N0b2NhdDr/"  # octocat:\xff, not UTF-8

# (method, path, headers, body, status): odd requests clients or attackers really send.
ODD_REQUESTS = [
    # The API root answers its document (the 2.18 docs' samples start there); a method it
    # lacks is 404 like anywhere else.
    ("GET", "/", {}, None, 200),
    ("GET", "", {}, None, 200),
    ("DELETE", "/", {}, None, 404),
    ("GET", "/authorizations/abc", {"auth": OCTOCAT}, None, 404),
    ("GET", "/authorizations/-1", {"auth": OCTOCAT}, None, 404),
    ("GET", "/authorizations/99999999999999999999999999", {"auth": OCTOCAT}, None, 404),
    ("GET", "/authorizations/%ff", {"auth": OCTOCAT}, None, 404),
    ("GET", "/authorizations?page=99999999999999999999999", {"auth": OCTOCAT}, None, 200),
    ("GET", "/authorizations?per_page=99999999999999999999", {"auth": OCTOCAT}, None, 200),
    ("GET", "/applications/grants?page=-99999999999999999999", {"auth": OCTOCAT}, None, 200),
    ("GET", "/applications/grants/0", {"auth": OCTOCAT}, None, 404),
    ("GET", "/applications//tokens/x", {}, None, 404),
    ("GET", f"/applications/{APP_CLIENT_ID}/tokens/%ff%00", {}, None, 404),
    ("PATCH", "/authorizations", {"auth": OCTOCAT}, b"{}", 404),
    ("PUT", "/meta", {}, None, 404),
    ("BREW", "/authorizations", {"auth": OCTOCAT}, None, 404),
    ("TRACE", "/user", {"auth": OCTOCAT}, None, 404),
    ("OPTIONS", "/authorizations", {"auth": OCTOCAT}, None, 404),
    ("GET", "/user", {"Authorization": "Basic \u00e9\u00e9"}, None, 401),
    ("GET", "/authorizations", {"Authorization": "Basic \u00e9\u00e9"}, None, 401),
    ("GET", "/user", {"Authorization": B64_LATIN1}, None, 401),
    ("GET", "/user", {"Authorization": "token " + "a" * 5000}, None, 401),
    ("GET", "/user", {"Authorization": "Bearer \u00ff\u00fe"}, None, 401),
    ("GET", "/user", {"Authorization": "Negotiate abc"}, None, 401),
    ("GET", "/user", {"auth": ("hubot", "hubot-pass"), "X-GitHub-OTP": "9" * 400}, None, 401),
    ("GET", "/user", {"auth": ("hubot", "hubot-pass"), "X-GitHub-OTP": "\u00e9"}, None, 401),
    ("GET", "/user", {"auth": OCTOCAT, "If-Modified-Since": "\u00e9"}, None, 200),
    ("GET", "/user", {"auth": OCTOCAT, "If-None-Match": ","}, None, 200),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b"[" * 100_000, 400),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b"\xff\xfe\x00", 400),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": "\\ud800"}', 400),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": 1e999}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": "x", "scopes": [1]}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": "x", "scopes": {"a": 1}}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": {"a": 1}}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": "x", "client_id": 7}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b"NaN", 400),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'"just a string"', 400),
    (
        "POST",
        "/authorizations",
        {"auth": OCTOCAT, "Content-Type": "multipart/form-data; boundary=x"},
        b"--x\r\n",
        400,
    ),
    ("POST", "/authorizations", {"auth": OCTOCAT, "Content-Encoding": "gzip"}, b"junk", 400),
    ("PUT", "/authorizations/clients/x/" + "f" * 3000, {"auth": OCTOCAT}, b"{}", 422),
    (
        "PUT",
        f"/authorizations/clients/{APP_CLIENT_ID}",
        {"auth": OCTOCAT},
        b'{"client_secret": ["x"]}',
        422,
    ),
    ("PATCH", "/authorizations/1", {"auth": OCTOCAT}, b'{"scopes": 5}', 404),
]


def _problems(answer, method: str, status: int) -> str | None:
    """What is wrong with one answer to an odd request, or None."""
    if answer.status_code != status:
        return f"status {answer.status_code}, wanted {status}: {answer.content[:120]!r}"
    if method == "HEAD" or status < 400:
        return None
    if answer.headers.get("Content-Type") != "application/json; charset=utf-8":
        return f"content type {answer.headers.get('Content-Type')!r}"
    error = answer.json()
    if not (isinstance(error.get("message"), str) and error["message"]):
        return f"no message in {error}"
    if list(error)[-1] != "documentation_url" or not error["documentation_url"].startswith(DOCS):
        return f"no GHE documentation_url last in {error}"
    return None


def test_odd_requests_never_give_500(api: Api, flask_app):
    problems = []
    for method, path, headers, body, status in ODD_REQUESTS:
        headers = dict(headers)
        auth = headers.pop("auth", None)
        if auth:
            headers.update(basic(*auth))

        answer = api.request(method, path, headers=headers, data=body)

        problem = _problems(answer, method, status)
        if problem:
            problems.append(f"{method} {path[:60]}: {problem}")

    assert problems == []
    assert flask_app.extensions["fake_ghe"].errors == []


def test_a_refused_body_leaves_the_list_usable(api: Api):
    # A lone surrogate once got stored and then broke every later listing with a 500.
    refused = api.post("/authorizations", auth=OCTOCAT, data=b'{"note": "\\ud800"}')
    assert refused.status_code == 400

    listed = api.get("/authorizations", auth=OCTOCAT)

    assert (listed.status_code, listed.json()) == (200, [])
