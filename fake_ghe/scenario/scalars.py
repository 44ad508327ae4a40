"""One scalar's text into a value, by PyYAML's documented resolver and constructors.

PyYAML's constructors assume well-formed text: ``!!bool x`` is a KeyError, ``!!int`` (empty)
an IndexError, ``!!timestamp x`` an AttributeError, ``0x`` and 4000 digits a number no message
can print. A scenario is outside input, so each of those is a ``Refused`` with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from .. import textrules
from ..describe import shown

_Y = "tag:yaml.org,2002:"
MERGE = _Y + "merge"
_TEXT = (_Y + "str", MERGE, _Y + "value")  # a << or = that is not a key is plain text
_INT = _Y + "int"
# A 64-bit integer is at most 64 binary digits, 20 decimal ones or 11 sexagesimal parts; a
# far longer literal is refused before it is converted (``0x`` + 4000 digits, ``59:59:...``).
_MAX_INT_CHARS = 100
_CACHED = 4096  # values kept for repeated scalars ([1, 1, 1, ...] converts 1 once)


class Refused(Exception):
    """A scalar that cannot be read; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Scalars:
    """Reads scalars; ``close()`` when done."""

    def __init__(self) -> None:
        self.loader = yaml.SafeLoader("")
        self.resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = self.loader.resolve
        self.known: dict[tuple[str, str], Any] = {}
        self.tags: dict[tuple[str, tuple[bool, bool]], str] = {}

    def close(self) -> None:
        self.loader.dispose()

    def tag(self, event: yaml.ScalarEvent) -> str:
        """The tag of a scalar, resolved as YAML 1.1 says when the text gives none."""
        if event.tag is not None and event.tag != "!":
            return event.tag
        key = (event.value, event.implicit)
        tag = self.tags.get(key)
        if tag is None:
            tag = self.resolve(yaml.ScalarNode, event.value, event.implicit)
            if len(self.tags) < _CACHED:
                self.tags[key] = tag
        return tag

    def constructs(self, tag: str) -> bool:
        return tag in self.loader.yaml_constructors

    def value(self, tag: str, event: yaml.ScalarEvent) -> Any:
        """The value of a scalar event with ``tag``; raises Refused."""
        text = event.value
        try:
            if tag in _TEXT:
                return textrules.checked_text(text)
            if tag == _INT and len(text.replace("_", "")) > _MAX_INT_CHARS:
                raise textrules.TextRuleError(textrules.NUMBER_TOO_LARGE)
            if (tag, text) in self.known:
                return self.known[(tag, text)]
            node = yaml.ScalarNode(tag, text, None, None, event.style)
            value = self.loader.construct_object(node, deep=True)
            if isinstance(value, int) and not isinstance(value, bool):
                problem = textrules.int_problem(value)
                if problem:
                    raise textrules.TextRuleError(problem)
            elif isinstance(value, str):
                value = textrules.checked_text(value)
        except textrules.TextRuleError as error:
            raise Refused(str(error)) from None
        except yaml.constructor.ConstructorError as error:  # e.g. !!python/object
            raise Refused(f"cannot read this value: {error.problem}") from None
        except (ValueError, OverflowError) as error:  # e.g. the date 2019-02-30
            raise Refused(f"cannot read this value: {shown(str(error), 200)[1:-1]}") from None
        except Exception:  # whatever a constructor raises on text it did not expect
            short = tag.removeprefix(_Y) if tag.startswith(_Y) else tag
            raise Refused(
                f"cannot read this value: {shown(text)} is not a valid !!{short}"
            ) from None
        if len(self.known) < _CACHED:
            self.known[(tag, text)] = value
        return value
