"""Assertions on what happened to tokens, with failures in plain words.

A target is an ``Authorization`` (or its id), or a token string. An authorization is revoked
when it no longer exists, whatever its token was by then; a token string names one value, so
a reset revokes the old value (cause ``app_reset``) even though its authorization lives on.
Messages show only a token's last eight characters, as GHE itself does.
"""

from __future__ import annotations

from typing import NamedTuple

from . import journal as j
from .clock import iso
from .errors import UsageError, WrongType
from .model import Authorization, OAuthApp, User
from .store import Store
from .tokens import hash_token

Target = Authorization | int | str

# How each cause reads in a failure message.
CAUSES = {
    j.USER_DELETE: "deleted by {actor} (DELETE /authorizations/{id})",
    j.GRANT_DELETE: "revoked with its grant, deleted by {actor} (DELETE /applications/grants/:id)",
    j.APP_REVOKE: "revoked by the app {actor} (DELETE /applications/:client_id/tokens/:token)",
    j.APP_GRANT_REVOKE: (
        "revoked with the user's whole grant by the app {actor} "
        "(DELETE /applications/:client_id/grants/:token)"
    ),
    j.APP_RESET: "reset by the app {actor} (POST /applications/:client_id/tokens/:token)",
    j.WEB_FLOW: "authorized by {actor} (/login/oauth/authorize)",
    j.TOKEN_LIMIT: "revoked as the oldest of more than ten tokens, authorizing as {actor}",
}
# Every cause the journal records; a ``cause=`` outside them is a typo (UsageError), while a
# known cause that did not happen is a failed assertion that says what did.
KNOWN_CAUSES = tuple(CAUSES)


class Story(NamedTuple):
    """Everything the journal knows about one authorization, oldest first."""

    authorization_id: int
    events: tuple[j.Event, ...]

    @property
    def first(self) -> j.Event:
        return self.events[0]

    @property
    def revocation(self) -> j.Event | None:
        last = self.events[-1]
        return last if last.kind == j.REVOKED else None

    def label(self, token: str | None = None) -> str:
        """``token ...1a2b3c4d (authorization 3, octocat's token for OAuth app 'ci')``."""
        last_eight = token[-8:] if token else self.first.token_last_eight
        event = self.first
        owner = f"{event.user}'s"
        kind = (
            f"token for OAuth app {event.app_name!r}"
            if event.client_id
            else "personal access token"
        )
        return f"token ...{last_eight} (authorization {self.authorization_id}, {owner} {kind})"


def what(event: j.Event) -> str:
    """What an event did, in words: ``deleted by octocat (DELETE /authorizations/3)``."""
    if event.kind == j.CREATED:
        return f"created by {event.actor}"
    if event.kind == j.UPDATED:
        return f"updated by {event.actor}"
    template = CAUSES.get(event.cause or "", "{kind} by {actor}")
    text = template.format(actor=event.actor, id=event.authorization_id, kind=event.kind)
    if event.kind == j.RESET:
        text += f"; its token is now ...{event.token_last_eight}"
    return text


def describe(event: j.Event) -> str:
    """One line of a token's history: when, then what."""
    return f"{iso(event.at)}  {what(event)}"


def history(store: Store, target: Target) -> list[j.Event]:
    """The journal's events about ``target``'s authorization, oldest first ([] if unknown)."""
    story = _story(store, target)
    return list(story.events) if story else []


def assert_revoked(
    store: Store,
    target: Target,
    *,
    cause: str | None = None,
    by: str | OAuthApp | None = None,
) -> j.Event:
    """Fail unless ``target`` was revoked (optionally: how, and by whom): its authorization
    no longer exists or, for a token string, a reset replaced that value.

    Returns the event that ended it (a ``revoked`` event, or that ``reset``).
    """
    __tracebackhide__ = True
    _check_cause(cause)
    story = _known_story(store, target)
    label = story.label(_token_of(target))
    revocation = _ending(story, _token_of(target))
    if revocation is None:
        state = _live_state(store, story, target)
        raise AssertionError(f"{label} was not revoked: {state}.\n{_history_text(story)}")
    if cause is not None and revocation.cause != cause:
        raise AssertionError(
            f"{label} was revoked, but not by {cause}: it was {what(revocation)}."
            f"\n{_history_text(story)}"
        )
    if by is not None and not _acted_by(revocation.actor, by):
        wanted = f"app:{by.client_id}" if isinstance(by, OAuthApp) else by
        raise AssertionError(
            f"{label} was revoked, but by {revocation.actor}, not {wanted}.\n{_history_text(story)}"
        )
    return revocation


def assert_not_revoked(store: Store, target: Target) -> None:
    """Fail if ``target`` no longer works: its authorization was revoked, or (for a token
    string) the token was reset to a new value."""
    __tracebackhide__ = True
    story = _known_story(store, target)
    label = story.label(_token_of(target))
    revocation = _ending(story, _token_of(target))
    if revocation is not None:
        raise AssertionError(
            f"{label} was revoked: {what(revocation)}, at {iso(revocation.at)}.\n"
            f"{_history_text(story)}"
        )
    token = _token_of(target)
    if token is not None and store.authorization_by_token(token) is None:
        raise AssertionError(
            f"{label} was not revoked, but this token no longer works: it was reset.\n"
            f"{_history_text(story)}"
        )


def assert_all_revoked(
    store: Store,
    *,
    user: User | str | None = None,
    app: OAuthApp | str | None = None,
) -> list[j.Event]:
    """Fail unless every token that ``user`` ever had (for ``app``, if given) was revoked.

    ``app`` is an OAuthApp, a client_id or an app name. It also fails when no such token ever
    existed: an assertion that nothing could break is more often a wrong login or app than
    a test of anything. Returns the revocation events.
    """
    __tracebackhide__ = True
    login = user.login if isinstance(user, User) else user
    stories = [
        story
        for story in _stories(store)
        if (login is None or story.first.user.lower() == login.lower())
        and (app is None or _for_app(story.first, app))
    ]
    whose = _whose(store, login, app)
    if not stories:
        raise AssertionError(
            f"no token {whose} ever existed in this fake, so none could be revoked "
            "(check the login and the app)."
        )
    survivors = [story for story in stories if story.revocation is None]
    if survivors:
        were = "was" if len(survivors) == 1 else "were"
        tokens = "token" if len(stories) == 1 else "tokens"
        lines = [f"{len(survivors)} of {len(stories)} {tokens} {whose} {were} not revoked:"]
        for story in survivors:
            lines.append(f"  {story.label()}: {_live_state(store, story, story.authorization_id)}")
            lines.extend(f"    {describe(event)}" for event in story.events)
        revoked = [story for story in stories if story.revocation is not None]
        if revoked:
            lines.append("Revoked as expected:")
            lines.extend(
                f"  {story.label()}: {describe(story.revocation)}"  # type: ignore[arg-type]
                for story in revoked
            )
        raise AssertionError("\n".join(lines))
    return [story.revocation for story in stories]  # type: ignore[misc]


# ---------------------------------------------------------------------------------- internals


def _check_cause(cause: str | None) -> None:
    if cause is not None and cause not in KNOWN_CAUSES:
        raise UsageError(f"cause must be one of {', '.join(KNOWN_CAUSES)}; not {cause!r}")


def _acted_by(actor: str, by: str | OAuthApp) -> bool:
    """Whether ``by`` names the actor. An app acts as ``app:CLIENT_ID``; its OAuthApp or bare
    client_id name it too, as those are what a test has at hand."""
    if isinstance(by, OAuthApp):
        by = f"app:{by.client_id}"
    return actor.lower() in (by.lower(), f"app:{by.lower()}")


def _ending(story: Story, token: str | None) -> j.Event | None:
    """The event that ended the target: its authorization's revocation or, for a token string,
    the first reset after the value was last held (the value stopped working there)."""
    if token is not None:
        hashed = hash_token(token)
        held = False
        for event in story.events:
            if event.hashed_token == hashed:
                held = True
            elif held and event.kind == j.RESET:
                return event
    return story.revocation


def _token_of(target: Target) -> str | None:
    return target if isinstance(target, str) else None


def _stories(store: Store) -> list[Story]:
    with store.lock:
        events = list(store.journal.events)
    by_id: dict[int, list[j.Event]] = {}
    for event in events:
        by_id.setdefault(event.authorization_id, []).append(event)
    return [Story(key, tuple(value)) for key, value in by_id.items()]


def _story(store: Store, target: Target) -> Story | None:
    with store.lock:
        events = list(store.journal.events)
    if isinstance(target, str):
        hashed = hash_token(target)
        # The last authorization to hold the value (ids are never reused, values practically).
        holders = [event.authorization_id for event in events if event.hashed_token == hashed]
        if not holders:
            return None
        wanted = holders[-1]
    elif isinstance(target, Authorization):
        wanted = target.id
    elif isinstance(target, int) and not isinstance(target, bool):
        wanted = target
    else:
        raise WrongType(
            f"expected an Authorization, its id or a token string, not {type(target).__name__}"
        )
    mine = tuple(event for event in events if event.authorization_id == wanted)
    return Story(wanted, mine) if mine else None


def _known_story(store: Store, target: Target) -> Story:
    __tracebackhide__ = True
    story = _story(store, target)
    if story is None:
        if isinstance(target, str):
            what = f"token ...{target[-8:]} is unknown to this fake: no authorization ever had it"
        else:
            number = target.id if isinstance(target, Authorization) else target
            what = f"authorization {number} is unknown to this fake: it was never created here"
        raise AssertionError(f"{what} (a token of another fake, or a typo?).")
    return story


def _live_state(store: Store, story: Story, target: Target) -> str:
    live = store.authorization(story.authorization_id)
    if live is None:
        return "it is gone, though the journal does not say how"
    token = _token_of(target)
    if token is not None and hash_token(token) != live.hashed_token:
        return f"it was reset and lives on as token ...{live.token_last_eight}"
    if live.token_last_eight != story.first.token_last_eight:
        return f"it is still live, reset to token ...{live.token_last_eight}"
    return "it is still live"


def _history_text(story: Story) -> str:
    return "What happened to it:\n" + "\n".join(f"  {describe(event)}" for event in story.events)


def _for_app(event: j.Event, app: OAuthApp | str) -> bool:
    if isinstance(app, OAuthApp):
        return event.client_id == app.client_id
    return app in (event.client_id, event.app_name)


def _whose(store: Store, login: str | None, app: OAuthApp | str | None) -> str:
    parts = []
    if login is not None:
        parts.append(f"of {login}")
    if isinstance(app, str):
        app = store.oauth_app(app) or app  # a client_id reads better as the app's name
    if app is not None:
        name = app.name if isinstance(app, OAuthApp) else app
        parts.append(f"for app {name!r}")
    return " ".join(parts) if parts else "in this fake"
