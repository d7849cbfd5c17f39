"""How a lower layer calls up without importing the layer above (docs/architecture.md, "Shape").

The lower app declares a `Hook` in its own module; apps above register a function in their `AppConfig.ready()`.
`call_all` runs every registered function (listeners: a booking notice on an appointment change), `call_one`
asks the single registered provider (a reader: what payments say a visit has been paid) and fails loudly when
no app registered one, instead of answering a silent default.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class Hook:
    def __init__(self, name: str, *, single: bool = False):
        self.name = name
        self.single = single
        self._functions: list[Callable] = []

    def register(self, function: Callable) -> Callable:
        """Register once (a second `ready()` or a re-import does not add it twice); usable as a decorator."""
        if function in self._functions:
            return function
        if self.single and self._functions:
            raise ImproperlyConfigured(f"{self.name}: a provider is already registered")
        self._functions.append(function)
        return function

    def unregister(self, function: Callable) -> None:
        if function in self._functions:
            self._functions.remove(function)

    def registered(self) -> list[Callable]:
        return list(self._functions)

    def call_all(self, *args, **kwargs) -> list:
        return [function(*args, **kwargs) for function in self._functions]

    def call_one(self, *args, **kwargs):
        if not self._functions:
            raise ImproperlyConfigured(f"{self.name}: no app registered a provider")
        return self._functions[0](*args, **kwargs)
