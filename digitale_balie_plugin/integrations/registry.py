"""One generic registry used by every integration kind (video, identity, payments, signing,
SMS, CRM, antivirus).

Each kind creates one :class:`Registry`. Providers register under a short, stable id
(``"demo"``, ``"twilio"``) with the :meth:`Registry.register` decorator; models store that id,
never a class path, so modules can move freely. The active provider is chosen in settings::

    DIGITALE_BALIE = {"SMS": {"BACKEND": "twilio", "OPTIONS": {...}}}

``BACKEND`` is a registered id or a dotted path to a provider class (which is then imported
and registered on first use), so a site can plug in its own provider without touching ours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.utils.module_loading import import_string

from digitale_balie_plugin.conf import SETTING_NAME, Feature, app_settings
from digitale_balie_plugin.exceptions import ConfigurationError


@dataclass(frozen=True)
class StatusLine:
    """One line of the admin's "Integrations status" page.

    ``ok``: ``True`` works, ``False`` broken (``detail`` says why, readably), ``None`` not
    checked or not applicable (demo mode, a deployment without tokens).
    """

    label: str
    ok: bool | None
    detail: str = ""


class InvalidCallback(Exception):
    """A provider's callback (webhook) failed verification or is malformed: the view answers 400.

    Deliberately not a :class:`CounterError`: nobody reads this but the log and the caller that
    sent the request; its text must therefore say what failed but never echo a secret or the
    expected signature.
    """


class ConfigWarning(str):
    """A ``check_config()`` problem that should warn, not fail (system check Warning, not Error).

    A ``str`` so callers that treat every problem as text keep working; ``checks.py`` maps it with
    ``isinstance(problem, ConfigWarning)`` for every integration kind.
    """


class BaseProvider:
    """Common shape of every provider: a stable id, a label, options, a config check."""

    #: Short stable id, stored in the database. Set by ``Registry.register``.
    identifier: str = ""
    #: Human readable name for the admin.
    verbose_name: str = ""
    #: Demo providers work offline and must never run in production (system check W001).
    is_demo: bool = False

    def __init__(self, options: dict[str, Any] | None = None):
        self.options = dict(options or {})

    def option(self, name: str, default: Any = ..., *, kind: str = "") -> Any:
        """Read an option; when it is required and missing, say exactly what to add."""
        value = self.options.get(name)
        if value not in (None, ""):  # an empty value (e.g. an unset environment variable) counts as missing
            return value
        if default is ...:
            where = f'{SETTING_NAME}["{kind or self.kind}"]["OPTIONS"]["{name}"]'
            raise ConfigurationError(f"{self.verbose_name or self.identifier}: set {where}.")
        return default

    kind: str = ""

    def check_config(self) -> list[str]:
        """Return problems with the configuration as readable strings (empty when fine).

        Override this to verify options (and, where cheap, reachability) for the admin's
        integrations status page. Never raise here.
        """
        return []


P = TypeVar("P", bound=BaseProvider)


class Registry(Generic[P]):
    """Providers of one integration kind, by id."""

    def __init__(self, kind: str, base: type[P], default: str = "demo", feature: Feature | None = None):
        self.kind = kind.upper()
        self.base = base
        self.default = default
        #: The feature this kind serves (``None``: the always-on core). Switched off, its provider is never
        #: loaded or checked, so a booking-only site runs no demo payment provider in production.
        self.feature = feature
        self._providers: dict[str, type[P]] = {}

    def register(self, identifier: str) -> Callable[[type[P]], type[P]]:
        """Class decorator: register a provider under a stable id; duplicates are refused."""

        def decorator(cls: type[P]) -> type[P]:
            self._add(identifier, cls)
            return cls

        return decorator

    def _add(self, identifier: str, cls: type[P]) -> None:
        if not issubclass(cls, self.base):
            raise TypeError(f"{cls!r} is not a {self.base.__name__}.")
        existing = self._providers.get(identifier)
        if existing is not None and existing is not cls:
            raise ValueError(f"A {self.kind} provider with id {identifier!r} is already registered.")
        cls.identifier = identifier
        cls.kind = self.kind
        self._providers[identifier] = cls

    def __iter__(self) -> Iterator[type[P]]:
        return iter(self._providers.values())

    def __contains__(self, identifier: str) -> bool:
        return identifier in self._providers

    def get_class(self, identifier: str) -> type[P]:
        try:
            return self._providers[identifier]
        except KeyError:
            raise ConfigurationError(
                f"No {self.kind} provider with id {identifier!r}; known: {sorted(self._providers)}. "
                f'Check {SETTING_NAME}["{self.kind}"]["BACKEND"].'
            ) from None

    def _resolve(self, backend: str) -> type[P]:
        if "." not in backend:
            return self.get_class(backend)
        try:
            cls = import_string(backend)
        except ImportError as exc:
            raise ConfigurationError(
                f'{SETTING_NAME}["{self.kind}"]["BACKEND"] = {backend!r} cannot be imported: {exc}'
            ) from exc
        if not cls.identifier or cls.identifier not in self._providers:
            self._add(cls.__name__.lower(), cls)
        return cls

    def configured_backend(self) -> str:
        return app_settings.integration(self.kind).get("BACKEND", self.default)

    def get_provider(self) -> P:
        """The provider chosen in settings, instantiated with its options."""
        config = app_settings.integration(self.kind)
        cls = self._resolve(config.get("BACKEND", self.default))
        return cls(config.get("OPTIONS", {}))

    def provider_for(self, identifier: str) -> P | None:
        """The configured provider if its id is ``identifier``, else ``None``: a record made with a provider
        that is no longer configured cannot be followed up with the current one."""
        provider = self.get_provider()
        return provider if provider.identifier == identifier else None
