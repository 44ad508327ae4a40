"""What the /authorizations test modules share: GHE's error bodies, tokens made over the API."""

from __future__ import annotations

import re
from typing import Any

from .conftest import (
    APP,
    DOCS,
    OCTOCAT,
)

CREATE_DOCS = f"{DOCS}/oauth_authorizations/#create-a-new-authorization"
UPDATE_DOCS = f"{DOCS}/oauth_authorizations/#update-an-existing-authorization"
PERSONAL_APP_URL = f"{DOCS}/oauth_authorizations/"
PERSONAL_CLIENT_ID = "00000000000000000000"
INVALID_APP = {
    "message": "Invalid OAuth application client_id or secret.",
    "documentation_url": CREATE_DOCS,
}
KEYS = [
    "id",
    "url",
    "app",
    "token",
    "hashed_token",
    "token_last_eight",
    "note",
    "note_url",
    "created_at",
    "updated_at",
    "scopes",
    "fingerprint",
]


TOKEN = re.compile(r"[0-9a-f]{40}")


def failed(*errors: dict[str, Any], docs: str = CREATE_DOCS) -> dict[str, Any]:
    return {"message": "Validation Failed", "errors": list(errors), "documentation_url": docs}


def error(code: str, field: str, message: str | None = None) -> dict[str, Any]:
    entry = {"resource": "OauthAccess", "code": code, "field": field}
    if message is not None:
        entry["message"] = message
    return entry


def personal(api: Any, note: str = "my token", **body: Any) -> Any:
    answer = api.post("/authorizations", auth=OCTOCAT, json_body={"note": note, **body})
    assert answer.status_code == 201, answer
    return answer.json()


def app_token(api: Any, app: tuple[str, str] = APP, **body: Any) -> Any:
    credentials = {"client_id": app[0], "client_secret": app[1]}
    answer = api.post("/authorizations", auth=OCTOCAT, json_body={**credentials, **body})
    assert answer.status_code == 201, answer
    return answer.json()


def listed_ids(api: Any) -> list[int]:
    answer = api.get("/authorizations", auth=OCTOCAT)
    assert answer.status_code == 200
    return [item["id"] for item in answer.json()]
