"""One small HTTP client for the tests, over the Flask test client or a real socket.

Every JSON answer is checked against the OpenAPI description on the way in, so no test can
see a body GHE could not have sent.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlsplit

import requests

from fake_ghe.config import API_PREFIX

from . import openapi


class Answer:
    """What a test looks at: status, headers, body."""

    def __init__(self, status: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status
        self.headers = requests.structures.CaseInsensitiveDict(headers)
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.content)

    def __repr__(self) -> str:
        return f"<Answer {self.status_code} {self.content[:200]!r}>"


def basic(user: str, password: str) -> dict[str, str]:
    value = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {value}"}


class Api:
    """``api.get("/authorizations", auth=("octocat", "pw"))``; paths are below /api/v3."""

    def __init__(self, send: Any, kind: str) -> None:
        self._send = send
        self.kind = kind

    def request(
        self,
        method: str,
        path: str,
        *,
        auth: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        data: bytes | str | None = None,
        validate: bool = True,
    ) -> Answer:
        all_headers = dict(headers or {})
        if auth is not None:
            all_headers.update(basic(*auth))
        body = data
        if json_body is not None:
            body = json.dumps(json_body)
            all_headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        answer = self._send(method, API_PREFIX + path, all_headers, body)
        is_json = answer.headers.get("Content-Type", "").startswith("application/json")
        if validate and is_json and answer.content and method != "HEAD":
            openapi.validate(method, urlsplit(path).path, answer.status_code, answer.json())
        return answer

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Answer:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Answer:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.request("DELETE", path, **kwargs)


def in_process(flask_app: Any) -> Api:
    client = flask_app.test_client()

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Answer:
        response = client.open(
            path, method=method, headers=headers, data=body, base_url="https://ghe.example.com"
        )
        return Answer(response.status_code, dict(response.headers), response.get_data())

    return Api(send, "in-process")


def over_socket(root_url: str) -> Api:
    session = requests.Session()

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Answer:
        response = session.request(method, root_url + path, headers=headers, data=body, timeout=10)
        return Answer(response.status_code, dict(response.headers), response.content)

    return Api(send, "socket")
