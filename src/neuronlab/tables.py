"""A table of named things: the one list of names each concept keeps, used one way.

Activations, losses, optimizers, initializers, metrics, data sets, layers, the lab's
input features and the command line's training presets each keep one :class:`Table`.
Every table is used through the same verbs:

* ``register(entry)`` adds an entry under its ``name`` (and its ``aliases``); it works
  as a class decorator, and refuses a name already taken unless ``replace=True``;
* ``get(identifier, **settings)`` returns the entry, a class built with ``settings``
  (``get("sgd", learning_rate=0.5)``), or an already built object unchanged;
* ``from_config(config)`` rebuilds an object from its ``get_config()`` dict;
* ``names()``, ``canonical(name)``, ``table[name]``, ``name in table``;
* an unknown name always raises :class:`~neuronlab.errors.UnknownNameError` saying
  ``Unknown <kind> '<name>'. Valid names: ...``.

Every other list of names in the package (command-line choices, the lab's menus, plot
labels, the PyTorch export) asks the table when it needs the names, so adding an entry
is one ``register`` call in one file. Facts about an entry (an optimizer's update rule,
an activation's output range, whether a metric is better high or low) live on the entry.

>>> from dataclasses import dataclass
>>> @dataclass
... class Colour:
...     name: str
...     hex: str
...     aliases: tuple[str, ...] = ()
>>> colours = Table("colour")
>>> colours.register(Colour("red", "#f00", aliases=("rouge",)))
Colour(name='red', hex='#f00', aliases=('rouge',))
>>> colours.get("Rouge").hex, colours.names()
('#f00', ('red',))
>>> colours.get("blue")
Traceback (most recent call last):
...
neuronlab.errors.UnknownNameError: Unknown colour 'blue'. Valid names: red.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

from .checks import check_config
from .errors import ConfigError, UnknownNameError

T = TypeVar("T")


class Table(Generic[T]):
    """Entries known by one name and any aliases, kept in the order they were added.

    ``kind`` names the concept in messages ("optimizer"). ``base``, when given, is the
    class the entries' objects are made from: ``get`` hands an object of that class back
    unchanged. ``required`` are attributes every entry must set for itself (not inherit
    from ``base``) to be registered, e.g. ``("name", "description")``. ``default`` is
    the name ``get(None)`` stands for (None: ``get(None)`` is an unknown name).
    Names are matched with case and surrounding spaces ignored.
    """

    def __init__(self, kind: str, base: type | None = None, required: Iterable[str] = (),
                 default: str | None = None) -> None:
        self.kind = kind
        self.base = base
        self.required = tuple(required)
        self.default = default
        self._entries: dict[str, T] = {}  # name as registered -> entry
        self._keys: dict[str, str] = {}  # lower-case name or alias -> name as registered

    # ------------------------------------------------------------------ filling
    def register(self, entry: T, *, name: str | None = None,
                 aliases: Iterable[str] | None = None, replace: bool = False) -> T:
        """Add ``entry`` under its ``name`` and ``aliases`` (or those given); return it.

        A class decorator too: ``@TABLE.register``. A name or alias already in use is
        refused unless ``replace=True``, which puts ``entry`` in the place of the one
        called ``name``.
        """
        missing = [attr for attr in self.required
                   if not getattr(entry, attr, None)
                   or (self.base is not None and getattr(entry, attr) == getattr(self.base,
                                                                                  attr, None))]
        if missing:
            what = getattr(entry, "__name__", None) or repr(entry)[:60]
            raise ConfigError(f"The {self.kind} {what} needs its own {', '.join(missing)} to "
                              f"be registered.")
        if name is None:
            name = getattr(entry, "name", None)
        if aliases is None:
            aliases = getattr(entry, "aliases", ())
        return self.add(name, entry, aliases, replace=replace)

    def add(self, name: Any, entry: T, aliases: Iterable[str] = (),
            replace: bool = False) -> T:
        """Add ``entry`` under ``name`` and ``aliases`` given here (what ``register`` does
        with the entry's own); return ``entry``."""
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"A {self.kind} needs a name (a non-empty string), got {name!r}.")
        name = name.strip()
        wanted = [name.lower(), *(a.strip().lower() for a in aliases)]
        old = self._keys.get(name.lower()) if replace else None
        own = {key for key, target in self._keys.items() if target == old}
        taken = [key for key in wanted if key in self._keys and key not in own]
        if taken:
            raise ConfigError(
                f"The {self.kind} name(s) {', '.join(map(repr, taken))} are already taken. "
                f"Choose another name, or pass replace=True to replace the {self.kind}."
            )
        if old is not None:  # the new entry takes the old one's place in the order
            self._entries = {(name if key == old else key): (entry if key == old else value)
                             for key, value in self._entries.items()}
            self._keys = {key: target for key, target in self._keys.items() if target != old}
        else:
            self._entries[name] = entry
        self._keys.update({key: name for key in wanted})
        return entry

    def remove(self, name: str, missing_ok: bool = False) -> None:
        """Remove the entry called ``name`` and its aliases."""
        if missing_ok and name not in self:
            return
        key = self.canonical(name)
        del self._entries[key]
        self._keys = {k: target for k, target in self._keys.items() if target != key}

    unregister = remove

    # ------------------------------------------------------------------ looking up
    def canonical(self, identifier: Any) -> str:
        """The name ``identifier`` stands for (case and spaces ignored, aliases resolved)."""
        if identifier is None and self.default is not None:
            identifier = self.default
        if isinstance(identifier, str):
            name = self._keys.get(identifier.strip().lower())
            if name is not None:
                return name
        raise UnknownNameError(
            f"Unknown {self.kind} {identifier!r}. Valid names: {', '.join(self._entries)}.")

    def get(self, identifier: Any, **settings: Any) -> Any:
        """The entry called ``identifier``; a class entry is built with ``settings``.

        An object already of the table's ``base`` class comes back as it is (it takes
        no settings: it is built).
        """
        if self.base is not None and isinstance(identifier, self.base):
            if settings:
                raise ConfigError(
                    f"get() builds a {self.kind} from a name; {identifier!r} is already "
                    f"built, so it takes no settings ({', '.join(settings)}).")
            return identifier
        entry = self[identifier]
        if isinstance(entry, type):
            return entry(**settings)
        if settings:
            raise ConfigError(f"The {self.kind} {self.canonical(identifier)!r} takes no "
                              f"settings, got {', '.join(settings)}.")
        return entry

    def from_config(self, config: Any) -> Any:
        """Rebuild an object from its ``get_config()`` dict (``{"name": ..., settings}``)."""
        settings = check_config(config, self.kind)
        return self.get(settings.pop("name"), **settings)

    def names(self) -> tuple[str, ...]:
        """Every name, in the order the entries were added (aliases left out)."""
        return tuple(self._entries)

    def aliases(self) -> dict[str, str]:
        """``{alias: name}`` for every alias."""
        return {key: name for key, name in self._keys.items() if key != name.lower()}

    def values(self) -> list[T]:
        return list(self._entries.values())

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    def __getitem__(self, identifier: Any) -> T:
        return self._entries[self.canonical(identifier)]

    def __contains__(self, identifier: object) -> bool:
        return isinstance(identifier, str) and identifier.strip().lower() in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Table({self.kind!r}: {', '.join(self._entries)})"
