"""What a failing test's report says about its fakes: the calls and events of that test only,
and the faults it armed that never fired.

A fake's journals outlive a test when the fake does (the session's fakes are reset, a
factory's are not), but their sequence numbers never restart: a ``Watch`` notes the last of
each when the test starts and reports what came after. Everything shown comes from the
journals (already redacted) or from ``str(Fault)`` (token-shaped globs masked).
Imported only once a test uses a fake.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from fake_ghe.describe import counted

if TYPE_CHECKING:
    from fake_ghe.fake import FakeGHE
    from fake_ghe.faults import Fault
    from fake_ghe.journal import Call, Event

# [decision] As many calls (and as many events) as a report shows, the newest: enough for any
# one test's story, short enough that a loop of 10,000 requests does not bury the failure.
SHOWN = 50

TITLE = "fake-ghe calls and events"

_Entry = TypeVar("_Entry")


@dataclass
class Watch:
    """One fake, watched during one test: ``label`` names it in the report."""

    label: str
    fake: FakeGHE
    calls_after: int = 0
    events_after: int = 0
    # The faults left unfired at teardown, kept before the fake forgets them (None: not yet).
    unfired: list[Fault] | None = field(default=None)
    # Shown on failure even when nothing reached it ("none" is the clue then); else only when
    # something did (a factory's other fakes).
    always_shown: bool = True


def watch(label: str, fake: FakeGHE) -> Watch:
    """Start watching ``fake`` from now on."""
    calls, events = fake.calls, fake.events
    return Watch(
        label,
        fake,
        calls_after=calls[-1].seq if calls else 0,
        events_after=events[-1].seq if events else 0,
    )


def explained(watched: Watch, shown: int = SHOWN) -> str | None:
    """The report section's text for one fake (None: nothing worth showing)."""
    fake = watched.fake
    calls = [call for call in fake.calls if call.seq > watched.calls_after]
    events = [event for event in fake.events if event.seq > watched.events_after]
    if not (watched.always_shown or calls or events):
        return None
    unfired = watched.unfired if watched.unfired is not None else fake.faults.unfired()
    lines = [
        f"{watched.label} at {fake.base_url}: {counted(len(calls), 'call')} and "
        f"{counted(len(events), 'event')} during this test (secrets redacted)"
    ]
    # Entries the journal itself let go of (past its limit) were this test's too.
    lines += _listed("calls", calls, _call_line, shown, fake.journal.dropped_calls)
    lines += _listed("events", events, _event_line, shown, fake.journal.dropped_events)
    if unfired:
        lines.append("faults armed that never fired, or not all their times:")
        lines += [f"  {fault}" for fault in unfired]
    return "\n".join(lines)


def unfired_message(nodeid: str, label: str, unfired: Sequence[Fault]) -> str:
    return (
        f"{nodeid}: {counted(len(unfired), 'fault')} armed on {label} never fired, or not all "
        f"{'its' if len(unfired) == 1 else 'their'} times; a mistyped method or path glob? "
        "(clear_faults() at the end of the test "
        "says a fault was not meant to fire)\n" + "\n".join(f"  {fault}" for fault in unfired)
    )


def _listed(
    title: str,
    entries: Sequence[_Entry],
    line: Callable[[_Entry], str],
    shown: int,
    dropped: int,
) -> list[str]:
    if not entries:
        return [f"{title}: none"]
    hidden = len(entries) - shown if len(entries) > shown else 0
    hidden += dropped
    lines = [f"{title}:"]
    if hidden:
        lines.append(f"  ... {counted(hidden, 'earlier ' + title[:-1])} not shown")
    lines += [line(entry) for entry in entries[-shown:]]
    return lines


def _call_line(call: Call) -> str:
    status = "dropped" if call.status == 0 else str(call.status)
    who = call.principal if call.principal is not None else "(no credentials)"
    return f"  #{call.seq} {call.method} {call.path} -> {status}  {who}"


def _event_line(event: Event) -> str:
    app = f"app {event.app_name!r}" if event.client_id else "personal token"
    cause = f" ({event.cause})" if event.cause else ""
    return (
        f"  #{event.seq} {event.kind}{cause}: authorization {event.authorization_id} of "
        f"{event.user}, {app}, token ...{event.token_last_eight}; by {event.actor}"
    )
