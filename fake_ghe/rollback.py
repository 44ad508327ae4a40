"""Undo for all-or-nothing changes: a snapshot that restores objects in place."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

# Values that cannot change in place: nothing to save, nothing to look inside.
_ATOMIC = frozenset({str, bytes, int, float, bool, type(None), datetime, date, timedelta})


class Snapshot:
    """Everything reachable from an object's attributes, put back *in place* by ``restore``.

    Containers get their old contents back and objects their old attributes, rather than
    being replaced by copies, so the users, apps and journal that callers hold references to
    stay the live ones. The lock and the clock are shared with the outside and left alone.
    Relies on the store keeping its state in plain containers and objects, as it does.
    """

    def __init__(self, owner: object, shared: Iterable[str] = ()) -> None:
        self._owner = owner
        skip = set(shared)
        self._fields = {k: v for k, v in vars(owner).items() if k not in skip}
        self._saved: list[tuple[Any, Any]] = []
        seen: set[int] = set()
        pending = list(self._fields.values())
        while pending:
            value = pending.pop()
            kind = type(value)
            if kind in _ATOMIC or id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, dict):
                self._saved.append((value, dict(value)))
                pending.extend(value.values())
            elif isinstance(value, (list, set)):
                self._saved.append((value, list(value)))
                pending.extend(value)
            elif isinstance(value, tuple):
                pending.extend(value)
            elif isinstance(value, random.Random):
                # A seeded token sequence must go on as if the failed load had not happened.
                self._saved.append((value, value.getstate()))
            elif hasattr(value, "__dict__") and not isinstance(value, type):
                attributes = dict(vars(value))
                self._saved.append((value, attributes))
                pending.extend(attributes.values())

    def restore(self) -> None:
        for target, saved in self._saved:
            if isinstance(target, dict):
                target.clear()
                target.update(saved)
            elif isinstance(target, list):
                target[:] = saved
            elif isinstance(target, set):
                target.clear()
                target.update(saved)
            elif isinstance(target, random.Random):
                target.setstate(saved)
            else:
                attributes = vars(target)
                attributes.clear()
                attributes.update(saved)
        vars(self._owner).update(self._fields)
