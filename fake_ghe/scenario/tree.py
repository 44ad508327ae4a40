"""PyYAML events into plain data, with the line of every key and list item, within limits.

The tree is built with a stack, not recursion, so depth is a limit we choose rather than
Python's. Lines go into one ``trail`` of ``(path, line, hidden)`` in document order: a node's
descendants are one slice of it, which is all an alias (or a ``<<`` merge) needs to give the
copies it makes the lines of the original. Paths under a ``<<`` value or a key that is itself
a collection are hidden: they are no key path of the result.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..describe import kind_of, shown
from .problems import DOCUMENT, Problem, format_path
from .scalars import MERGE, Refused, Scalars

# [decision] A scenario is four levels deep and a few thousand nodes; these leave plenty of
# room while a hostile document stops within milliseconds of work.
MAX_NODES = 100_000
MAX_DEPTH = 100
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"
TOO_MANY = f"the document expands to more than {MAX_NODES} nodes"

_Y = "tag:yaml.org,2002:"
_PLAIN_MAP, _PLAIN_SEQ = (None, "!", _Y + "map"), (None, "!", _Y + "seq")


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


UNREADABLE: Any = _Marker("<unreadable>")  # a value already reported as unreadable
_MERGE_KEY = _Marker("'<<'")  # a << key: its value is merged, not stored
_IN_MERGE = _Marker("'<<'")  # the path step into a << value
_IN_KEY = _Marker("(key)")  # the path step into a key that is a collection
_OPEN = _Marker("(open)")  # an anchor whose node is still being read


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 1


class Stop(Exception):
    """The document cannot be read any further, for ``message`` at ``line``."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


@dataclass(slots=True)
class _Node:
    """A finished node: its value, and the slice of the trail that holds its descendants."""

    value: Any
    line: int
    start: int
    end: int
    depth: int  # len(path): the prefix to strip from its descendants' paths
    hidden: bool
    height: int = 1
    size: int = 1
    index: int | None = None  # an item of a list alias merged by <<: only its lines
    parts: list[_Node] | None = None  # a << list written in place: its items


@dataclass(slots=True)
class _Frame:
    """A mapping or sequence being read."""

    mapping: bool
    path: tuple[Any, ...]
    hidden: bool
    line: int
    anchor: str | None
    tag: str | None
    count: int  # the node count before this node
    start: int
    height: int = 1
    items: list[Any] = field(default_factory=list)
    own: dict[Any, Any] = field(default_factory=dict)
    seen: dict[Any, int] = field(default_factory=dict)
    key: Any = None
    has_key: bool = False
    merges: list[_Node] = field(default_factory=list)
    item_nodes: list[_Node] = field(default_factory=list)  # kept only in a << value


class Builder:
    """Feed it events with ``run``; then ``data``, ``lines()`` and ``problems``."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.data: Any = None
        self.problems: list[Problem] = []
        self.trail: list[tuple[tuple[Any, ...], int, bool]] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Node | _Marker] = {}
        self.count = 0
        self.documents = 0
        self.places: list[int] = []
        self.scalars = Scalars()

    def lines(self) -> dict[Any, int]:
        return {path: line for path, line, hidden in self.trail if not hidden}

    def fail(self, line: int | None, message: str) -> None:
        self.data = None
        self.problem((), line, message)

    def problem(self, path: tuple[Any, ...], line: int | None, message: str) -> None:
        shown_path: list[Any] = []
        for part in path:
            if part is _IN_KEY:
                break
            shown_path.append("<<" if part is _IN_MERGE else part)
        text = format_path(tuple(shown_path)) if path else DOCUMENT
        self.problems.append(Problem(self.file, line, text, message))

    # -- the event loop

    def run(self, events: Iterable[yaml.Event], places: list[int] | None) -> None:
        self.places = places if places is not None else []
        root: _Node | None = None
        try:
            for event in events:
                if isinstance(event, yaml.ScalarEvent):
                    node = self.scalar(event)
                elif isinstance(event, yaml.AliasEvent):
                    node = self.alias(event)
                elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    self.open(event)
                    continue
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    node = self.close()
                elif isinstance(event, yaml.DocumentStartEvent):
                    self.documents += 1
                    if self.documents > 1:
                        raise Stop(
                            _line(event),
                            "invalid YAML: expected a single document in the stream, "
                            "but found another document",
                        )
                    continue
                else:
                    continue
                if self.stack:
                    self.deliver(node)
                else:
                    root = node
        finally:
            self.scalars.close()
        if root is None:
            self.problem((), 1, "the document is empty; expected a mapping with users, ...")
        else:
            self.trail.append(((), root.line, False))
            self.data = root.value

    def place(self, line: int) -> tuple[tuple[Any, ...], bool]:
        """Count a new node and check its depth; the path and hiddenness it will have."""
        self.count += 1
        if self.count > MAX_NODES:
            raise Stop(line, TOO_MANY)
        if len(self.stack) >= MAX_DEPTH:
            raise Stop(line, TOO_DEEP)
        return self.child_path()

    def child_path(self) -> tuple[tuple[Any, ...], bool]:
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if not top.mapping:
            return (*top.path, len(top.items)), top.hidden
        if not top.has_key:
            return (*top.path, _IN_KEY), True
        if top.key is _MERGE_KEY:
            return (*top.path, _IN_MERGE), True
        if top.key is UNREADABLE:
            return (*top.path, _IN_KEY), True
        return (*top.path, top.key), top.hidden

    # -- nodes

    def open(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        line = _line(event)
        count = self.count
        path, hidden = self.place(line)
        mapping = isinstance(event, yaml.MappingStartEvent)
        tag = None if event.tag in (_PLAIN_MAP if mapping else _PLAIN_SEQ) else event.tag
        if event.anchor is not None:
            self.anchors[event.anchor] = _OPEN
        self.stack.append(
            _Frame(mapping, path, hidden, line, event.anchor, tag, count, len(self.trail))
        )

    def close(self) -> _Node:
        frame = self.stack.pop()
        value: Any = self.merged(frame) if frame.mapping else frame.items
        if frame.tag is not None:
            # !!set, !!omap and local tags: a scenario holds plain mappings and lists only.
            why = (
                f"the tag {shown(frame.tag, 200)} is not supported in a scenario"
                if self.scalars.constructs(frame.tag)
                else f"could not determine a constructor for the tag {shown(frame.tag, 200)}"
            )
            self.problem(frame.path, frame.line, f"cannot read this value: {why}")
            value = UNREADABLE
        node = _Node(value, frame.line, frame.start, len(self.trail), len(frame.path), frame.hidden)
        node.height, node.size = frame.height, self.count - frame.count
        if frame.path and frame.path[-1] is _IN_MERGE and not frame.mapping:
            node.parts = frame.item_nodes  # a << list: keep each mapping's lines
        if frame.anchor is not None:
            self.anchors[frame.anchor] = node
        return node

    def alias(self, event: yaml.AliasEvent) -> _Node:
        line = _line(event)
        target = self.anchors.get(event.anchor or "")
        if isinstance(target, _Marker):  # _OPEN
            top = self.stack[-1]
            if top.key is _MERGE_KEY or top.path[-1:] == (_IN_MERGE,):
                raise Stop(line, f"a mapping merges (<<) itself: *{event.anchor} is inside it")
            raise Stop(
                line,
                f"nested too deeply: recursive alias *{event.anchor} (it is inside the node "
                "it names, so it would repeat without end)",
            )
        path, hidden = self.place(line)
        if target is None:
            self.problem(path, line, f"no anchor &{event.anchor} before this alias")
            return _Node(UNREADABLE, line, len(self.trail), len(self.trail), len(path), hidden)
        self.count += target.size - 1
        if self.count > MAX_NODES:
            raise Stop(line, TOO_MANY)
        if len(self.stack) + target.height > MAX_DEPTH:
            raise Stop(line, TOO_DEEP)
        if hidden:
            # In a << value (or a key) the copy has no key path of its own: a merge takes the
            # lines of the keys it keeps straight from the anchor, so copy nothing now.
            return dataclasses.replace(target, line=line, index=None, parts=None)
        start = len(self.trail)
        self.replay(target, path, hidden, lambda rel: True)
        node = _Node(target.value, line, start, len(self.trail), len(path), hidden)
        node.height, node.size = target.height, target.size
        return node

    def replay(self, source: _Node, path: tuple[Any, ...], hidden: bool, keep: Any) -> None:
        """Copy the lines of ``source``'s descendants whose relative path ``keep`` accepts."""
        cut, index = source.depth, source.index
        for old, line, was_hidden in self.trail[source.start : source.end]:
            if index is not None and (len(old) < cut or old[cut - 1] != index):
                continue
            rel = old[cut:]
            if rel and keep(rel):
                # Hidden inside the source, relative to it? Only a scan can tell when the
                # source itself was hidden, which only << values and keys are.
                inner = was_hidden and (not source.hidden or _IN_MERGE in rel or _IN_KEY in rel)
                self.trail.append(((*path, *rel), line, hidden or inner))

    def scalar(self, event: yaml.ScalarEvent) -> _Node:
        line = _line(event)
        self.count += 1
        if self.count > MAX_NODES:
            raise Stop(line, TOO_MANY)
        if len(self.stack) >= MAX_DEPTH:
            raise Stop(line, TOO_DEEP)
        if self.places and event.style == '"':
            # The \U escapes written for surrogate pairs in this string were escapes indeed.
            low = bisect_left(self.places, event.start_mark.index if event.start_mark else 0)
            high = bisect_left(self.places, event.end_mark.index if event.end_mark else 0)
            del self.places[low:high]
        tag = self.scalars.tag(event)
        top = self.stack[-1] if self.stack else None
        if tag == MERGE and top is not None and top.mapping and not top.has_key:
            value: Any = _MERGE_KEY
        else:
            try:
                value = self.scalars.value(tag, event)
            except Refused as refused:
                self.problem(self.child_path()[0], line, refused.message)
                value = UNREADABLE
        # A scalar has no descendants: its path and trail slice matter to nobody.
        node = _Node(value, line, 0, 0, 0, False)
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        return node

    # -- containers

    def deliver(self, node: _Node) -> None:
        top = self.stack[-1]
        top.height = max(top.height, node.height + 1)
        if not top.mapping:
            if top.path and top.path[-1] is _IN_MERGE:
                top.item_nodes.append(node)
            self.trail.append(((*top.path, len(top.items)), node.line, top.hidden))
            top.items.append(node.value)
        elif not top.has_key:
            top.key, top.has_key = self.key(top, node), True
        else:
            if top.key is _MERGE_KEY:
                top.merges.append(node)
            elif top.key is not UNREADABLE:
                top.own[top.key] = node.value
            top.key, top.has_key = None, False

    def key(self, top: _Frame, node: _Node) -> Any:
        key = node.value
        if key is UNREADABLE:
            return UNREADABLE
        try:
            hash(key)
        except TypeError:
            self.problem(top.path, node.line, f"a key must be a string, not {kind_of(key)}")
            return UNREADABLE
        first = top.seen.get(key)
        if first is not None:
            self.problem(
                (*top.path, key),
                node.line,
                f"key repeated (first at line {first}); YAML would keep only the last",
            )
        top.seen[key] = node.line
        if key is not _MERGE_KEY:
            self.trail.append(((*top.path, key), node.line, top.hidden))
        return key

    def merged(self, frame: _Frame) -> dict[Any, Any]:
        """The mapping with its ``<<`` merges, as the YAML merge-key spec says.

        Its own keys win; among merged mappings the earlier wins (``<<: [*a, *b]`` takes a key
        from ``a`` over ``b``). Merged keys come first, then the mapping's own.
        """
        if not frame.merges:
            return frame.own
        result: dict[Any, Any] = {}
        for merge in frame.merges:
            for source in self.sources(frame, merge):
                taken = {key for key in source.value if key not in frame.own and key not in result}
                for key, value in source.value.items():
                    if key in taken:
                        result[key] = value
                if taken:
                    self.replay(
                        source, frame.path, frame.hidden, lambda rel, taken=taken: rel[0] in taken
                    )
        result.update(frame.own)
        return result

    def sources(self, frame: _Frame, merge: _Node) -> list[_Node]:
        """The mappings a ``<<`` value names; anything else there is a problem."""
        if merge.parts is not None:  # a << list written in place: its items' lines
            items = merge.parts
        elif isinstance(merge.value, list):  # an alias of a list: lines by index
            items = [
                _Node(
                    item,
                    merge.line,
                    merge.start,
                    merge.end,
                    merge.depth + 1,
                    merge.hidden,
                    index=index,
                )
                for index, item in enumerate(merge.value)
            ]
        else:
            items = [merge]
        found = []
        for item in items:
            if isinstance(item.value, dict):
                found.append(item)
            elif item.value is not UNREADABLE:
                self.problem(
                    (*frame.path, _IN_MERGE),
                    item.line,
                    f"<< merges mappings only (or a list of them), not {kind_of(item.value)}",
                )
        return found
