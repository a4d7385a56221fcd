"""A table of named things: the one list of names each concept keeps.

Activations, losses, optimizers, initializers, metrics and data sets each keep one
:class:`Table`. Every other list of names in the package (command-line choices, the
lab's menus, plot labels, the PyTorch export) asks the table when it needs the names,
so adding an entry is one ``register`` call in one file.

>>> colours = Table("colour")
>>> colours.add("red", "#f00", aliases=("rouge",))
'#f00'
>>> colours["Rouge"], colours.names()
('#f00', ('red',))
>>> colours["blue"]
Traceback (most recent call last):
...
neuronlab.errors.UnknownNameError: Unknown colour 'blue'. Valid names: red.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

from .errors import ConfigError
from .validation import canonical_name

T = TypeVar("T")


class Table(Generic[T]):
    """Entries known by one name and any aliases, kept in the order they were added."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}
        self._aliases: dict[str, str] = {}

    def add(self, name: str, entry: T, aliases: Iterable[str] = (),
            replace: bool = False) -> T:
        """Add ``entry`` under ``name`` (and ``aliases``); return ``entry``.

        A name or alias already in use is refused unless ``replace=True``, which puts
        ``entry`` in the place of the one called ``name``.
        """
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"A {self.kind} needs a name (a non-empty string), got {name!r}.")
        key = name.strip().lower()
        extra = [a.strip().lower() for a in aliases]
        own = {key, *(a for a, k in self._aliases.items() if k == key)} if replace else set()
        taken = [n for n in (key, *extra)
                 if (n in self._entries or n in self._aliases) and n not in own]
        if taken:
            raise ConfigError(
                f"The {self.kind} name(s) {', '.join(map(repr, taken))} are already taken. "
                f"Choose another name, or pass replace=True to replace the {self.kind}."
            )
        self._aliases = {a: k for a, k in self._aliases.items() if a not in own}
        self._entries[key] = entry
        self._aliases.update({alias: key for alias in extra})
        return entry

    def remove(self, name: str, missing_ok: bool = False) -> None:
        """Remove the entry called ``name`` and its aliases."""
        if missing_ok and name not in self:
            return
        key = self.canonical(name)
        del self._entries[key]
        self._aliases = {a: k for a, k in self._aliases.items() if k != key}

    def canonical(self, identifier: Any) -> str:
        """The name ``identifier`` stands for (case and spaces ignored, aliases resolved)."""
        return canonical_name(self.kind, identifier, self._entries, self._aliases)

    def names(self) -> tuple[str, ...]:
        """Every name, in the order the entries were added (aliases left out)."""
        return tuple(self._entries)

    def aliases(self) -> dict[str, str]:
        """``{alias: name}`` for every alias."""
        return dict(self._aliases)

    def values(self) -> list[T]:
        return list(self._entries.values())

    def __getitem__(self, identifier: Any) -> T:
        return self._entries[self.canonical(identifier)]

    def __contains__(self, identifier: object) -> bool:
        if not isinstance(identifier, str):
            return False
        key = identifier.strip().lower()
        return key in self._entries or key in self._aliases

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Table({self.kind!r}: {', '.join(self._entries)})"
