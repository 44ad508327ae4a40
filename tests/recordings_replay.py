"""One replay of a recorded sequence: seed a fake as the recording implies, send each request,
and compare each answer with the recording as its ``comparison`` section says.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fake_ghe import Store

from .recordings_support import (
    API,
    HEX40,
    ISO_Z,
    PLACEHOLDER,
    UNHASHED,
    _json_type,
    _links,
    _rewrite_docs,
    _signature,
)
from .support import Answer, Api

# ---------------------------------------------------------------------------- one replay


class Replay:
    """One sequence against one fake: the seed, the maps from recorded to fake values, and
    every difference found (all reported at the end, step by step)."""

    def __init__(self, sequence: dict[str, Any], store: Store, api: Api) -> None:
        self.sequence = sequence
        self.store = store
        self.api = api
        self.apps = {app["name"]: app for app in sequence["seed"]["oauth_apps"]}
        self.passwords = {u["login"]: u["password"] for u in sequence["seed"]["users"]}
        self.seeded: dict[str, dict[str, Any]] = {}
        self.results: list[Any] = []
        # recorded value -> fake value, and back, per kind: one-to-one across the sequence
        self.maps: dict[str, tuple[dict[Any, Any], dict[Any, Any]]] = {}
        self.problems: list[str] = []
        self.where = ""

    # ------------------------------------------------------------ seeding

    def seed(self) -> None:
        seed = self.sequence["seed"]
        for user in seed["users"]:
            self.store.add_user(user["login"], user["password"], two_factor=user.get("two_factor"))
        for app in seed["oauth_apps"]:
            self.store.add_app(
                app["name"],
                app["url"],
                client_id=app["client_id"],
                client_secret=app["client_secret"],
            )
        for item in seed["authorizations"]:
            app = self.apps[item["app"]]["client_id"] if item.get("app") else None
            auth = self.store.add_authorization(
                item["user"],
                app,
                scopes=item.get("scopes", []),
                note=item.get("note"),
                note_url=item.get("note_url"),
                fingerprint=item.get("fingerprint"),
            )
            self.seeded[item["label"]] = {"id": auth.id, "token": auth.token}
            if item.get("rec_id") is not None:
                self.bind("authorization", item["rec_id"], auth.id)
            if item.get("rec_token"):
                self.bind("token", item["rec_token"], auth.token)

    # ------------------------------------------------------------ placeholders

    def resolve(self, name: str) -> str:
        if name.startswith("app."):
            app_name, _, field = name[4:].rpartition(".")
            return str(self.apps[app_name][field])
        if name.startswith("seed."):
            label, _, field = name[5:].rpartition(".")
            return str(self.seeded[label][field])
        step, *rest = name.split(".")
        value: Any = self.results[int(step[1:])]
        for part in rest:
            value = value[int(part)] if isinstance(value, list) else value[part]
        return str(value)

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return PLACEHOLDER.sub(lambda m: self.resolve(m.group(1)), value)
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        return value

    # ------------------------------------------------------------ the maps

    def bind(self, kind: str, recorded: Any, fake: Any) -> None:
        forward, backward = self.maps.setdefault(kind, ({}, {}))
        if recorded in forward:
            self.check(
                forward[recorded] == fake,
                f"{kind}: recorded {recorded!r} was {forward[recorded]!r} before, now {fake!r}",
            )
        elif fake in backward:
            self.check(
                False, f"{kind}: {fake!r} stands for recorded {backward[fake]!r} and {recorded!r}"
            )
        else:
            forward[recorded], backward[fake] = fake, recorded

    def mapped(self, kind: str, recorded: Any) -> Any:
        return self.maps.get(kind, ({}, {}))[0].get(recorded)

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.problems.append(f"{self.where}: {message}")

    # ------------------------------------------------------------ sending

    def send(self, request: dict[str, Any]) -> Answer:
        path = self.fill(request["path"])
        auth = request["auth"]
        headers: dict[str, str] = {}
        basic: tuple[str, str] | None = None
        if auth["kind"] == "user":
            login = auth["login"]
            basic = (login, auth.get("password", self.passwords[login]))
            if auth.get("otp"):
                headers["X-GitHub-OTP"] = self.store.otp(login)
        elif auth["kind"] == "app":
            app = self.apps[auth["app"]]
            basic = (app["client_id"], app["client_secret"])
        elif auth["kind"] == "token":
            if "from" in auth:
                token = self.results[int(auth["from"][1:])]["token"]
            else:
                token = self.seeded[auth["seed"]]["token"]
            headers["Authorization"] = f"token {token}"
        body = request.get("body")
        return self.api.request(
            request["method"],
            path,
            auth=basic,
            headers=headers,
            json_body=self.fill(body) if body is not None else None,
        )

    def run(self) -> list[str]:
        self.seed()
        for number, step in enumerate(self.sequence["steps"]):
            self.where = f"step {number} ({step['label']}, {step['request']['method']})"
            answer = self.send(step["request"])
            body = answer.json() if answer.content else None
            self.results.append(body)
            self.compare(step, answer, body)
        return self.problems

    # ------------------------------------------------------------ comparing

    def compare(self, step: dict[str, Any], answer: Answer, body: Any) -> None:
        recorded = step["response"]
        options = step.get("compare", {})
        status = recorded["status"]
        self.check(answer.status_code == status, f"status {answer.status_code}, recorded {status}")
        if answer.status_code != status:
            return
        self.compare_headers(recorded, answer, body)
        if status == 204 or recorded.get("body") is None:
            self.check(not answer.content, f"a {status} with a body: {answer.content[:80]!r}")
            return
        if options.get("keys") == "none":
            return
        expected = self.fill(recorded["body"])
        if status >= 400:
            self.compare_error(expected, body, options)
        elif isinstance(expected, list):
            self.compare_list(step, expected, body, options)
        else:
            self.compare_object(expected, body, options, self.kind_of(step))

    def kind_of(self, step: dict[str, Any]) -> str:
        return "grant" if step["request"]["path"].startswith("/applications/grants") else "auth"

    def compare_headers(self, recorded: dict[str, Any], answer: Answer, body: Any) -> None:
        want = {name.lower(): value for name, value in recorded.get("headers", {}).items()}
        got = answer.headers
        complete = recorded.get("headers_complete", False)
        status = recorded["status"]
        if "content-type" in want:
            # Equal when there is a body; a 204's recorded octet-stream (2018) is checked too.
            self.check(
                got.get("Content-Type") == want["content-type"],
                f"Content-Type {got.get('Content-Type')!r}, recorded {want['content-type']!r}",
            )
        if status == 201:
            self.check(
                isinstance(body, dict) and got.get("Location") == body.get("url"),
                f"Location {got.get('Location')!r} is not the body's url",
            )
        else:
            self.check("Location" not in got, f"Location {got.get('Location')!r} on a {status}")
        for name in ("etag", "last-modified"):
            if name in want:
                self.check(name in got, f"no {name} header (recorded {want[name]!r})")
        if "link" in want:
            self.check(
                _links(got.get("Link", "")) == _links(want["link"]),
                f"Link {got.get('Link')!r}, recorded {want['link']!r}",
            )
        elif complete:
            self.check("Link" not in got, f"Link {got.get('Link')!r}, recorded none")
        for name in ("x-oauth-scopes", "x-accepted-oauth-scopes", "x-github-otp"):
            if name in want:
                have = got.get(name)
                self.check(have == want[name], f"{name} {have!r}, recorded {want[name]!r}")
            elif complete or name == "x-github-otp":
                self.check(name not in got, f"{name} {got.get(name)!r}, recorded none")

    def compare_error(self, expected: dict[str, Any], body: Any, options: dict[str, Any]) -> None:
        if not isinstance(body, dict):
            self.check(False, f"error body {body!r} is not an object")
            return
        self.compare_keys("body", expected, body, options)
        message = body.get("message")
        self.check(message == expected.get("message"), f"message {message!r}")
        self.check(body.get("errors") == expected.get("errors"), f"errors {body.get('errors')!r}")
        if "documentation_url" in expected:
            got = body.get("documentation_url")
            if options.get("doc_url") == "present":
                self.check(isinstance(got, str) and bool(got), "no documentation_url")
            else:
                want = _rewrite_docs(expected["documentation_url"])
                self.check(got == want, f"documentation_url {got!r}, recorded {want!r}")

    def compare_keys(
        self,
        what: str,
        expected: Any,
        got: Any,
        options: dict[str, Any],
        untyped: tuple[str, ...] = (),
    ) -> None:
        if not isinstance(expected, dict) or not isinstance(got, dict):
            return
        mode = options.get("keys", "exact")
        if mode == "exact":
            self.check(
                set(got) == set(expected),
                f"{what} keys: extra {sorted(set(got) - set(expected))}, "
                f"missing {sorted(set(expected) - set(got))}",
            )
        elif mode == "subset":
            missing = sorted(set(expected) - set(got))
            self.check(not missing, f"{what} keys missing: {missing}")
        if options.get("types") != "none":
            for key in set(expected) & set(got) - set(untyped):
                self.check(
                    _json_type(expected[key]) == _json_type(got[key]),
                    f"{what}.{key}: {_json_type(got[key])} ({got[key]!r}), "
                    f"recorded {_json_type(expected[key])}",
                )
        for key in ("app", "user"):
            if key in expected and key in got:
                self.compare_keys(f"{what}.{key}", expected[key], got[key], options)

    def compare_object(
        self, expected: dict[str, Any], got: Any, options: dict[str, Any], kind: str
    ) -> None:
        if not isinstance(got, dict):
            self.check(False, f"body {got!r} is not an object")
            return
        skip = dict(options.get("skip_values", {}))
        if (self.sequence["name"], expected.get("id")) in UNHASHED:
            unhashed = ("hashed_token", "token_last_eight")
            skip.update(dict.fromkeys(unhashed, "github.com showed no hash for this token"))
        # A value the recording says not to compare (an era's) is not typed against it either.
        untyped = tuple(key for key in skip if "." not in key)
        self.compare_keys("body", expected, got, options, untyped)
        if options.get("values") == "none":
            return

        def same(key: str, want: Any, have: Any) -> None:
            if key not in skip:
                self.check(want == have, f"{key} {have!r}, recorded {want!r}")

        for key in ("scopes", "note", "note_url", "fingerprint"):
            if key in expected:
                same(key, expected[key], got.get(key))
        if isinstance(expected.get("app"), dict) and isinstance(got.get("app"), dict):
            for key in ("name", "client_id", "url"):
                want = expected["app"].get(key)
                if key == "url" and isinstance(want, str):
                    want = _rewrite_docs(want)
                same(f"app.{key}", want, got["app"].get(key))
        if "user" in expected and isinstance(got.get("user"), dict):
            same("user.login", expected["user"]["login"], got["user"].get("login"))
        for key in ("created_at", "updated_at"):
            if key in expected and key not in skip:
                self.check(bool(ISO_Z.match(str(got.get(key)))), f"{key} {got.get(key)!r}")
        if kind == "grant":
            self.bind("grant", expected["id"], got.get("id"))
            self.check(got.get("url") == f"{API}/applications/grants/{got.get('id')}", "grant url")
            return
        self.bind("authorization", expected["id"], got.get("id"))
        url = got.get("url")
        self.check(url == f"{API}/authorizations/{got.get('id')}", f"url {url!r}")
        self.compare_token(expected, got, skip)

    def compare_token(self, expected: dict[str, Any], got: dict[str, Any], skip: Any) -> None:
        token = got.get("token")
        if "token" in expected and "token" not in skip:
            if expected["token"] == "":
                self.check(token == "", f'token {token!r}, recorded ""')
            else:
                self.check(bool(HEX40.match(str(token))), f"token {token!r} is not 40 hex")
                self.bind("token", expected["token"], token)
        if token:
            digest = hashlib.sha256(str(token).encode()).hexdigest()
            self.check(got.get("hashed_token") == digest, "hashed_token is not sha256(token)")
            self.check(got.get("token_last_eight") == str(token)[-8:], "token_last_eight")
        for key in ("hashed_token", "token_last_eight"):
            if key in expected and key not in skip:
                self.bind(key, expected[key], got.get(key))

    def compare_list(
        self, step: dict[str, Any], expected: list[Any], got: Any, options: dict[str, Any]
    ) -> None:
        if not isinstance(got, list):
            self.check(False, f"body {got!r} is not a list")
            return
        self.check(
            len(got) == len(expected), f"{len(got)} items on the page, recorded {len(expected)}"
        )
        if options.get("values") == "none":
            pairs = list(zip(expected, got, strict=False))
        else:
            pairs = self.pair(expected, got)
        if options.get("list_order"):
            order = [got.index(item) for _, item in pairs]
            self.check(
                order == list(range(len(got))),
                f"order differs from the recording: fake positions of the recorded items {order}",
            )
        if options.get("list_grouped"):
            seen: list[str] = []
            for item in got:
                client_id = item["app"]["client_id"]
                if not seen or seen[-1] != client_id:
                    self.check(client_id not in seen, f"the items of {client_id} are not together")
                    seen.append(client_id)
        kind = self.kind_of(step)
        for want, have in pairs:
            self.compare_object(want, have, options, kind)

    def pair(self, expected: list[Any], got: list[Any]) -> list[tuple[Any, Any]]:
        """Recorded items with the fake's: through the id map (seeded ones), else by
        (app.client_id, note, fingerprint, scopes)."""
        free = list(got)
        pairs = []
        for want in expected:
            fake_id = self.mapped("authorization", want.get("id"))
            match = next((item for item in free if item.get("id") == fake_id), None)
            if match is None:
                match = next((item for item in free if _signature(item) == _signature(want)), None)
            self.check(match is not None, f"no item like recorded {_signature(want)}")
            if match is not None:
                free.remove(match)
                pairs.append((want, match))
        return pairs
