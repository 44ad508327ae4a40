"""Scenarios: users, OAuth apps and tokens from YAML (or a mapping) into a Store, all or nothing.

A scenario goes through three steps:

1. parse: YAML text becomes plain data plus the line of every key and list item (PyYAML's own
   constructor forgets lines and silently keeps the last of two equal keys, so we convert the
   composed node tree ourselves);
2. check: the whole document is validated, including references between its sections and
   conflicts with what the store already holds, and every problem is collected;
3. apply: only a document without problems reaches the store's seeding verbs, under the
   store's lock.

Problems name the file, the line and the key path (``users[1].two_factor.totp_secret``) so a
test author can go straight to the mistake.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from . import scopes as scope_rules
from . import totp
from .model import PERSONAL_CLIENT_ID, TWO_FACTOR_TYPES, Authorization, OAuthApp, User
from .store import SeedError, Store

DEMO_SCENARIO: Path = Path(__file__).with_name("demo.yaml")

VERSION = 1
NO_FILE = "<scenario>"
DOCUMENT = "(document)"  # the path shown for problems with the document as a whole

KeyPath = tuple[str | int, ...]


class Problem(NamedTuple):
    """One thing wrong with a scenario, where it is: ``file:line: path: message``."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}"


class ScenarioError(ValueError):
    """A scenario the fake cannot load; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class Scenario(NamedTuple):
    """A parsed scenario: its data, where each key path was, and what went wrong parsing it."""

    file: str
    data: Any
    lines: Mapping[KeyPath, int]
    problems: tuple[Problem, ...] = ()


class Loaded(NamedTuple):
    """What a scenario added to the store, in document order."""

    users: tuple[User, ...]
    apps: tuple[OAuthApp, ...]
    authorizations: tuple[Authorization, ...]


Source = str | os.PathLike[str] | Mapping[str, Any] | Scenario


# ---------------------------------------------------------------------------------- public API


def parse_scenario_text(text: str, filename: str = NO_FILE) -> Scenario:
    """Parse YAML ``text``; syntax errors and repeated keys end up in ``problems``, not raised."""
    return _Parser(text, filename).parse()


def read_scenario(source: Source) -> Scenario:
    """A scenario from a file path, a mapping, or an already parsed ``Scenario``."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return Scenario(NO_FILE, source, {})
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            text = Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeError) as error:
            message = f"cannot read the file: {getattr(error, 'strerror', None) or error}"
            if isinstance(source, str) and "\n" in source:
                message += " (pass YAML text through parse_scenario_text)"
            return Scenario(name, None, {}, (Problem(name, None, DOCUMENT, message),))
        return parse_scenario_text(text, name)
    raise TypeError(f"a scenario is a path, a mapping or a Scenario, not {type(source).__name__}")


def validate_scenario(source: Source) -> list[Problem]:
    """Every problem of a scenario on its own (as if loaded into an empty store); [] if none.

    Besides the checks, a clean document is applied to a throwaway store, so a rule the store
    enforces that the checks here do not know about still shows up as a problem.
    """
    scenario = read_scenario(source)
    plan, problems = _check(scenario, None)
    if problems:
        return problems
    _, problems = _apply(Store(), plan, scenario)
    return problems


def load_scenario(store: Store, source: Source, *, replace: bool = False) -> Loaded:
    """Add a scenario's users, apps and tokens to ``store``, or raise ``ScenarioError``.

    All or nothing: if anything is wrong the store is left exactly as it was. With
    ``replace=True`` the store is reset first (and only if the scenario is valid).
    """
    scenario = read_scenario(source)
    with store.lock:
        # Checking against the store and applying happen under one hold of the lock, so nothing
        # can slip in between and turn a valid document into a conflicting one.
        plan, problems = _check(scenario, None if replace else store)
        if problems:
            raise ScenarioError(problems)
        # The checks mirror every rule of the seeding verbs, so applying should not fail. If a
        # verb still refuses something (a rule added to the store but not here), the snapshot
        # puts the store back exactly as it was, in place. A dry run into a throwaway Store
        # was the other option; it would have to replay the real store's users, apps and
        # tokens to see conflicts with them, and still could not promise the real apply.
        restore = store.checkpoint()
        if replace:
            store.reset()
        loaded, problems = _apply(store, plan, scenario)
        if problems:
            restore()
            raise ScenarioError(problems)
        return loaded


# ---------------------------------------------------------------------------------- parsing

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Aliases can make a small file expand into a huge tree ("billion laughs"); stop well before.
_MAX_NODES = 100_000
# A scenario is four levels deep; far deeper is junk, refused before Python's recursion limit.
_MAX_DEPTH = 100
_TOO_DEEP = f"nested too deeply (more than {_MAX_DEPTH} levels)"


class _Loader(yaml.SafeLoader):
    """SafeLoader used only to compose nodes and construct scalars: we build containers."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        # PyYAML composes recursively: refuse deep nesting where it starts, with its line.
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark.line + 1, _TOO_DEEP)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def fetch_flow_collection_start(self, token_class: type) -> None:
        # The scanner reads up to ~1000 tokens ahead, slowly, before the composer sees the
        # first: refuse an opening bracket too many right away.
        if self.flow_level >= _MAX_DEPTH:
            raise _Refused(self.get_mark().line + 1, _TOO_DEEP)
        super().fetch_flow_collection_start(token_class)


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        # id of a mapping node -> ids of its own key nodes (not merged in by <<), noted on the
        # first visit: flatten_mapping rewrites the node, and aliases visit it again.
        self.own_keys: dict[int, set[int]] = {}
        # id of a mapping node -> how many pairs it has once its << merges are flattened.
        self.merged_sizes: dict[int, int] = {}
        self.merging: set[int] = set()  # the mappings merged_size is inside of

    def parse(self) -> Scenario:
        loader = None
        try:
            loader = _Loader(self.text)
            root = loader.get_single_node()
            if root is None:
                self.problem((), 1, "the document is empty; expected a mapping with users, ...")
                return self.result(None)
            self.lines[()] = root.start_mark.line + 1
            return self.result(self.convert(loader, root, ()))
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else None
            message = ": ".join(part for part in (error.context, error.problem) if part)
            self.problem((), line, f"invalid YAML: {message}")
        except yaml.reader.ReaderError as error:
            line = self.text[: error.position].count("\n") + 1
            self.problem((), line, f"invalid YAML: {error.reason}")
        except _TooLarge:
            self.problem((), None, f"the document expands to more than {_MAX_NODES} nodes")
        except _Refused as error:
            self.problem((), error.line, error.message)
        except RecursionError:
            # Only a backstop: the depth limits above should always come first.
            line = loader.get_mark().line + 1 if loader is not None else None
            self.problem((), line, "nested too deeply")
        finally:
            if loader is not None:
                loader.dispose()
        return self.result(None)

    def result(self, data: Any) -> Scenario:
        return Scenario(self.file, data, self.lines, tuple(self.problems))

    def problem(self, path: KeyPath, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, format_path(path), message))

    def convert(self, loader: _Loader, node: yaml.Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > _MAX_NODES:
            raise _TooLarge
        if len(path) > _MAX_DEPTH:
            # Aliases nest deeper than the text does (an anchor inside its own value too).
            raise _Refused(node.start_mark.line + 1, _TOO_DEEP)
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return self.mapping(loader, node, path)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            result = []
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                result.append(self.convert(loader, item, (*path, index)))
            return result
        try:
            return loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            # e.g. a tag SafeLoader refuses: !!python/object
            self.problem(path, node.start_mark.line + 1, f"cannot read this value: {error.problem}")
        except (ValueError, TypeError, OverflowError) as error:
            # e.g. a timestamp-looking scalar that is not a real date: 2020-02-30
            self.problem(path, node.start_mark.line + 1, f"cannot read this value: {error}")
        return UNREADABLE

    def mapping(self, loader: _Loader, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        # Repeated keys are looked for among the mapping's own keys (merged ones may be
        # overridden), and only once for a mapping that aliases bring back.
        first_visit = id(node) not in self.own_keys
        if first_visit:
            self.own_keys[id(node)] = {id(key) for key, _ in node.value if key.tag != _MERGE_TAG}
            # flatten_mapping copies every merged pair, so `<<: [*a, *a, ...]` chains grow
            # exponentially: size the result first, at the cost of one pass over the merges.
            if self.merged_size(node, 0) > _MAX_NODES:
                raise _TooLarge
            loader.flatten_mapping(node)
        own = self.own_keys[id(node)] if first_visit else set()
        seen: dict[Any, int] = {}
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = self.convert(loader, key_node, path)
            try:
                hash(key)
            except TypeError:
                self.problem(path, line, f"a key must be a string, not {kind_of(key)}")
                continue
            if id(key_node) in own:
                if key in seen:
                    self.problem(
                        (*path, key),
                        line,
                        f"key repeated (first at line {seen[key]}); YAML would keep only the last",
                    )
                seen[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.convert(loader, value_node, (*path, key))
        return result


    def merged_size(self, node: yaml.MappingNode, depth: int) -> int:
        """How many pairs ``node`` holds once flatten_mapping has merged its ``<<`` keys."""
        known = self.merged_sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in self.merging:
            raise _Refused(node.start_mark.line + 1, "a mapping merges (<<) itself")
        if depth > _MAX_DEPTH:
            raise _Refused(node.start_mark.line + 1, f"<< merges {_TOO_DEEP}")
        self.merging.add(id(node))
        size = 0
        for key, value in node.value:
            if key.tag != _MERGE_TAG:
                size += 1
                continue
            merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for item in merged:
                # Anything but a mapping is refused by flatten_mapping itself, with its line.
                if isinstance(item, yaml.MappingNode):
                    size += self.merged_size(item, depth + 1)
            if size > _MAX_NODES:
                break
        self.merging.discard(id(node))
        self.merged_sizes[id(node)] = size
        return size


class _TooLarge(Exception):
    pass


class _Refused(Exception):
    """The document cannot be read at all, for ``message`` at ``line``."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Unreadable:
    """Stands for a value that could not be read (already reported), so it is not reported again."""

    def __repr__(self) -> str:
        return "<unreadable>"


UNREADABLE = _Unreadable()


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def format_path(path: KeyPath) -> str:
    """``("users", 1, "two_factor")`` as ``users[1].two_factor``."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        elif isinstance(part, str) and _NAME.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text or DOCUMENT


def kind_of(value: Any) -> str:
    """How a value reads in YAML terms, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return f"{type(value).__name__} {value!r}"


# ---------------------------------------------------------------------------------- checking

# key -> (kind, required). Kinds: "text" a non-empty string, "str" any string, "bool",
# "mapping", "list", "scopes" (a string or a list of strings), "version".
_Spec = Mapping[str, tuple[str, bool]]
_TOP: _Spec = {
    "version": ("version", False),
    "users": ("list", False),
    "oauth_apps": ("list", False),
    "authorizations": ("list", False),
}
_USER: _Spec = {
    "login": ("text", True),
    "password": ("text", True),
    "site_admin": ("bool", False),
    "name": ("str", False),
    "email": ("str", False),
    "two_factor": ("mapping", False),
}
_TWO_FACTOR: _Spec = {"type": ("text", False), "totp_secret": ("text", True)}
_APP: _Spec = {
    "name": ("text", True),
    "url": ("text", False),
    "client_id": ("text", True),
    "client_secret": ("text", False),
}
_AUTHORIZATION: _Spec = {
    "user": ("text", True),
    "app": ("text", False),
    "scopes": ("scopes", False),
    "note": ("str", False),
    "note_url": ("str", False),
    "fingerprint": ("str", False),
    "token": ("text", False),
}


class _Step(NamedTuple):
    """One call to a seeding verb: where it came from and its keyword arguments."""

    path: KeyPath
    fields: dict[str, Any]


class _Plan(NamedTuple):
    users: list[_Step]
    apps: list[_Step]
    authorizations: list[_Step]


def _check(scenario: Scenario, store: Store | None) -> tuple[_Plan, list[Problem]]:
    checker = _Checker(scenario, store)
    if scenario.data is not None or not scenario.problems:
        checker.document(scenario.data)
    problems = list(scenario.problems) + checker.problems
    if any(problem.line is not None for problem in problems):
        problems.sort(key=lambda problem: problem.line or 0)
    return checker.plan, problems


class _Checker:
    def __init__(self, scenario: Scenario, store: Store | None) -> None:
        self.scenario = scenario
        self.problems: list[Problem] = []
        self.plan = _Plan([], [], [])
        # lower-case login -> path of the user that has it; client_id -> path of the app
        self.logins: dict[str, KeyPath] = {}
        self.client_ids: dict[str, KeyPath] = {}
        # Sections that could not be read: references into them are not reported as missing.
        self.unreadable: set[str] = set()
        # Fields reported for a wrong type: their absence from the result is not absence.
        self.mistyped: set[KeyPath] = set()
        self.existing = _Existing(store)

    # -- reporting

    def report(self, path: KeyPath, message: str) -> None:
        self.problems.append(
            Problem(self.scenario.file, self.line(path), format_path(path), message)
        )

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor there (e.g. for a missing key)."""
        if not self.scenario.lines:
            return None
        for end in range(len(path), -1, -1):
            line = self.scenario.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def where(self, path: KeyPath) -> str:
        line = self.line(path)
        return format_path(path) + (f", line {line}" if line is not None else "")

    # -- shapes and types

    def fields(self, value: Any, path: KeyPath, spec: _Spec) -> dict[str, Any] | None:
        """The valid fields of a mapping (None-valued optional ones left out), reporting the rest.

        Returns None when ``value`` is not a mapping at all.
        """
        if not isinstance(value, Mapping):
            if value is not UNREADABLE:
                self.report(path, f"must be a mapping, not {kind_of(value)}")
            return None
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key not in spec:
                self.report((*path, key), f"unknown key; expected one of: {', '.join(spec)}")
                continue
            kind, required = spec[key]
            if (item is None and not required) or item is UNREADABLE:
                continue
            problem = _type_problem(kind, item)
            if problem:
                self.report((*path, key), problem)
                self.mistyped.add((*path, key))
            else:
                result[key] = item
        for key, (_, required) in spec.items():
            if required and key not in value:
                self.report((*path, key), "required key is missing")
        return result

    def items(self, data: Mapping[str, Any], key: str, spec: _Spec) -> list[tuple[KeyPath, dict]]:
        """The items of the list at ``data[key]`` that are mappings, with their valid fields."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            self.unreadable.add(key)
            return []
        found = []
        for index, item in enumerate(value):
            path = (key, index)
            fields = self.fields(item, path, spec)
            if fields is None:
                self.unreadable.add(key)
            else:
                found.append((path, fields))
        return found

    # -- the document

    def document(self, data: Any) -> None:
        top = self.fields(data, (), _TOP)
        if top is None:
            return
        for path, fields in self.items(data, "users", _USER):
            self.user(path, fields)
        for path, fields in self.items(data, "oauth_apps", _APP):
            self.app(path, fields)
        tokens: dict[str, KeyPath] = {}
        notes: dict[tuple[str, str], KeyPath] = {}
        fingerprints: dict[tuple[str, str, str], KeyPath] = {}
        for path, fields in self.items(data, "authorizations", _AUTHORIZATION):
            self.authorization(path, fields, tokens, notes, fingerprints)

    def user(self, path: KeyPath, fields: dict[str, Any]) -> None:
        login = fields.get("login")
        if login is not None:
            other = self.logins.get(login.lower())
            if other is not None:
                self.report(
                    (*path, "login"),
                    f"login {login!r} repeated (logins ignore case; first at {self.where(other)})",
                )
            elif self.existing.has_user(login):
                self.report((*path, "login"), f"user {login!r} already exists in the store")
            else:
                # Registered even if the user has other problems, so that its tokens are not
                # also reported as pointing at a missing user.
                self.logins[login.lower()] = path
        if "two_factor" in fields:
            factor_path = (*path, "two_factor")
            factor = self.fields(fields["two_factor"], factor_path, _TWO_FACTOR) or {}
            kind = factor.get("type", "app")
            if kind not in TWO_FACTOR_TYPES:
                self.report((*factor_path, "type"), f"must be 'app' or 'sms', not {kind!r}")
            secret = factor.get("totp_secret")
            problem = totp.check_secret(secret) if secret is not None else None
            if problem:
                self.report((*factor_path, "totp_secret"), problem)
            fields["two_factor"] = {"type": kind, "totp_secret": secret}
        self.plan.users.append(_Step(path, fields))

    def app(self, path: KeyPath, fields: dict[str, Any]) -> None:
        client_id = fields.get("client_id")
        if client_id is not None:
            if client_id == PERSONAL_CLIENT_ID:
                self.report((*path, "client_id"), "is reserved for personal access tokens")
            elif client_id != client_id.strip():
                self.report((*path, "client_id"), "must not start or end with spaces")
            elif client_id in self.client_ids:
                first = self.where(self.client_ids[client_id])
                self.report((*path, "client_id"), f"client_id repeated (first at {first})")
            elif self.existing.has_app(client_id):
                self.report(
                    (*path, "client_id"),
                    f"an app with client_id {client_id!r} already exists in the store",
                )
            else:
                self.client_ids[client_id] = path
        self.plan.apps.append(_Step(path, fields))

    def authorization(
        self,
        path: KeyPath,
        fields: dict[str, Any],
        tokens: dict[str, KeyPath],
        notes: dict[tuple[str, str], KeyPath],
        fingerprints: dict[tuple[str, str, str], KeyPath],
    ) -> None:
        login = fields.get("user")
        owner = login.lower() if login is not None else None
        if (
            owner is not None
            and owner not in self.logins
            and not self.existing.has_user(owner)
            and "users" not in self.unreadable
        ):
            known = _listing(list(self.logins) + self.existing.logins(), "users")
            self.report((*path, "user"), f"no user {login!r}; {known}")
        client_id = fields.get("app")
        if (
            client_id is not None
            and client_id not in self.client_ids
            and not self.existing.has_app(client_id)
            and "oauth_apps" not in self.unreadable
        ):
            known = _listing(list(self.client_ids) + self.existing.client_ids(), "apps")
            self.report((*path, "app"), f"no OAuth app with client_id {client_id!r}; {known}")

        scopes = fields.get("scopes", [])
        listed = not isinstance(scopes, str)
        for index, scope in enumerate(scopes if listed else [scopes]):
            scope_path = (*path, "scopes", index) if listed else (*path, "scopes")
            if scope is UNREADABLE:
                continue
            if not isinstance(scope, str):
                self.report(scope_path, f"a scope must be a string, not {kind_of(scope)}")
            elif scope not in scope_rules.VALID_SCOPES:
                self.report(scope_path, f"unknown OAuth scope {scope!r}")

        token = fields.get("token")
        if token is not None:
            if token != token.strip():
                self.report((*path, "token"), "must not start or end with spaces")
            elif token in tokens:
                first = self.where(tokens[token])
                self.report((*path, "token"), f"token repeated (first at {first})")
            elif self.existing.has_token(token):
                self.report((*path, "token"), f"token ...{token[-8:]} is already in the store")
            else:
                tokens[token] = path

        note = fields.get("note")
        # A mistyped app or note was reported already; "needs a note" would only mislead.
        mistyped = {(*path, "app"), (*path, "note")} & self.mistyped
        if client_id is None and not mistyped:
            # A personal access token's note is its name on the settings page: required and
            # unique per user, as POST /authorizations enforces.
            if not note:
                self.report((*path, "note"), "a personal access token (no app) needs a note")
            elif owner is not None:
                first = notes.get((owner, note))
                if first is not None:
                    self.report(
                        (*path, "note"),
                        f"{login!r} already has a personal token with this note "
                        f"(at {self.where(first)})",
                    )
                elif self.existing.has_note(owner, note):
                    self.report(
                        (*path, "note"),
                        f"{login!r} already has a personal token with this note in the store",
                    )
                else:
                    notes[(owner, note)] = path

        fingerprint = fields.get("fingerprint")
        if fingerprint is not None and owner is not None:
            key = (owner, client_id or PERSONAL_CLIENT_ID, fingerprint)
            first = fingerprints.get(key)
            if first is not None:
                self.report(
                    (*path, "fingerprint"),
                    f"fingerprint repeated for this user and app (first at {self.where(first)})",
                )
            elif self.existing.has_fingerprint(*key):
                self.report(
                    (*path, "fingerprint"),
                    "the store already has a token with this fingerprint for this user and app",
                )
            else:
                fingerprints[key] = path
        self.plan.authorizations.append(_Step(path, fields))


def _type_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` is not of ``kind`` (see the specs above), or None."""
    if kind in ("text", "str"):
        if not isinstance(value, str):
            hint = " (quote it)" if isinstance(value, (bool, int, float, date)) else ""
            return f"must be a string, not {kind_of(value)}{hint}"
        if kind == "text" and not value.strip():
            return "must not be empty"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else f"must be true or false, not {kind_of(value)}"
    if kind == "mapping":
        return None if isinstance(value, Mapping) else f"must be a mapping, not {kind_of(value)}"
    if kind == "list":
        if isinstance(value, (list, tuple)):
            return None
        return f"must be a list, not {kind_of(value)}"
    if kind == "scopes":
        if isinstance(value, (str, list, tuple)):
            return None  # each scope is checked by _Checker.authorization
        return f"must be a list of scopes or one scope, not {kind_of(value)}"
    if kind == "version":
        if type(value) is int and value == VERSION:
            return None
        return f"unsupported version {value!r}; this fake reads version {VERSION}"
    raise AssertionError(f"unknown kind {kind}")


def _listing(names: list[str], what: str) -> str:
    if not names:
        return f"there are no {what}"
    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    return f"known {what}: {shown}"


class _Existing:
    """What the store already holds that a scenario could conflict with (empty without one)."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self._notes: set[tuple[str, str]] = set()
        self._fingerprints: set[tuple[str, str, str]] = set()
        if store is None:
            return
        logins = {user.id: user.login.lower() for user in store.users()}
        for auth in store.authorizations():
            login = logins[auth.user_id]
            if auth.personal and auth.note:
                self._notes.add((login, auth.note))
            if auth.fingerprint is not None:
                self._fingerprints.add((login, auth.group, auth.fingerprint))

    def has_user(self, login: str) -> bool:
        return self.store is not None and self.store.user(login) is not None

    def logins(self) -> list[str]:
        return [user.login for user in self.store.users()] if self.store else []

    def has_app(self, client_id: str) -> bool:
        return self.store is not None and self.store.app(client_id) is not None

    def client_ids(self) -> list[str]:
        return [app.client_id for app in self.store.apps()] if self.store else []

    def has_token(self, token: str) -> bool:
        return self.store is not None and self.store.authorization_by_token(token) is not None

    def has_note(self, login: str, note: str) -> bool:
        return (login, note) in self._notes

    def has_fingerprint(self, login: str, group: str, fingerprint: str) -> bool:
        return (login, group, fingerprint) in self._fingerprints


# ---------------------------------------------------------------------------------- applying


def _apply(store: Store, plan: _Plan, scenario: Scenario) -> tuple[Loaded, list[Problem]]:
    """Call the seeding verbs; what they refuse becomes a problem at the item's path."""
    problems: list[Problem] = []
    lines = scenario.lines

    def refused(path: KeyPath, error: SeedError) -> None:
        problems.append(Problem(scenario.file, lines.get(path), format_path(path), str(error)))

    users, apps, auths = [], [], []
    for path, fields in plan.users:
        try:
            users.append(store.add_user(**fields))
        except SeedError as error:
            refused(path, error)
    for path, fields in plan.apps:
        try:
            apps.append(store.add_app(**fields))
        except SeedError as error:
            refused(path, error)
    for path, fields in plan.authorizations:
        kwargs = dict(fields)
        login = kwargs.pop("user")
        client_id = kwargs.pop("app", None)
        try:
            auths.append(store.add_authorization(login, client_id, **kwargs))
        except SeedError as error:
            refused(path, error)
    return Loaded(tuple(users), tuple(apps), tuple(auths)), problems
