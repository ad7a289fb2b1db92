"""Action types by stable id (like integration providers: the model stores the id, never a class)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from digitale_balie_plugin.conf import Feature, app_settings


@dataclass(frozen=True)
class SummaryEntry:
    """One line of the citizen's summary after the call (``ActionType.summary_entry``): what was asked, how it
    ended, and what the citizen keeps. Plain values only: the summary page, e-mail and SMS all render it.

    ``details`` are ``(label, value)`` pairs (a payment's receipt: reference, paid at, method); ``document``
    is a ``Document`` the citizen may download from the summary (the signed PDF), ``None`` for none."""

    label: str
    status: str
    details: tuple[tuple[str, str], ...] = field(default=())
    document: object = None


class SessionForm(forms.Form):
    """A clerk's form whose choices depend on the conversation (its documents, its site's forms):
    ``ActionType.clerk_form`` passes the session, ``limit_to`` narrows the choices."""

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None:
            self.limit_to(session)

    def limit_to(self, session) -> None:
        """Override this: narrow the fields' choices to what ``session`` may use."""


class ActionType:
    """One kind of in-call action.

    Override ``clerk_form_class`` (what the clerk fills in), ``build_payload`` (turn the form into the
    stored payload: no personal identifiers in clear), and the two templates. The status machine,
    tokens, expiry, audit and live updates are handled by ``actions.service``.
    """

    #: Stable id stored on ``InCallAction.kind``.
    identifier: str = ""
    #: The optional feature this kind belongs to (``None``: always on). While it is switched off the kind
    #: is not offered, its commands do not exist and its open actions cannot be taken.
    feature: Feature | None = None
    #: Shown on the clerk's command and in both panels.
    label = ""
    #: The Wagtail admin icon of the clerk's command (``wagtailadmin/icons/<name>.svg``).
    icon = "form"
    #: Minutes before an unfinished action expires.
    expires_minutes = 30
    clerk_form_class: type[forms.Form] = forms.Form
    #: Whether the clerk can also hand the action over by link, QR code or short code (phone, chat,
    #: desk, second device); see ``actions.handover``.
    handover = False
    #: Which session participants may take the action from the call page (guests such as an
    #: interpreter may read a message, but must not verify the citizen's identity for them).
    citizen_roles = ("citizen", "guest")
    #: Whether the citizen finishes it with a click ("I have read it"); otherwise only the flow does.
    completed_by_citizen = False
    #: The related name of the kind's own one-to-one row (``"payment"``), fetched with the action in lists.
    detail_relation = ""
    #: Rendered in the citizen's waiting room / call page, with ``action`` in the context.
    citizen_template = ""
    #: One request's card in the clerk's workspace (status, hand-over, outcome), with ``action`` in the context.
    clerk_template = "digitale_balie/actions/clerk_default.html"
    #: The focused panel the kind's command opens in the clerk's workspace: by default the clerk's form,
    #: posted to the console's ``action-<identifier>`` command. A kind with more to show (the documents of
    #: the conversation, say) brings its own template and fills it through ``clerk_panel_context``.
    clerk_panel_template = "digitale_balie/actions/clerk_panel.html"
    #: Console commands this kind adds, by URL slug (``"refund"``) -> the name of a method of this class
    #: taking ``(request, session)``. The console routes ``.../sessions/<id>/<slug>/`` to it after checking
    #: that the clerk works at the conversation's seat; the method acts through the kind's own service,
    #: tells the clerk with ``django.contrib.messages`` and raises ``CounterError`` (shown as is) when it
    #: cannot. Slugs are unique over all kinds (``register_action_type`` refuses a clash).
    clerk_commands: dict[str, str] = {}

    def build_payload(self, cleaned_data: dict) -> dict:
        """Override this: what to store from the clerk's form."""
        return dict(cleaned_data)

    def created(self, action, cleaned_data: dict) -> None:
        """Override this: write the kind's own row (one-to-one with ``action``), inside the
        creating transaction."""

    def status_changed(self, action, previous: str, status: str) -> None:
        """Override this: react inside the transaction that moved ``action`` (e.g. record a reason)."""

    def clerk_form(self, session, *args, **kwargs) -> forms.Form:
        """The clerk's form for ``session`` (a ``SessionForm`` also gets the session, for its choices)."""
        kwargs.setdefault("initial", self.clerk_initial(session))
        if issubclass(self.clerk_form_class, SessionForm):
            kwargs["session"] = session
        return self.clerk_form_class(*args, **kwargs)

    def clerk_initial(self, session) -> dict:
        """Override this: initial values of the clerk's form for ``session`` (e.g. the service's fee)."""
        return {}

    def is_busy(self, action) -> bool:
        """Override this: ``True`` while the citizen is in the middle of it elsewhere (at a payment
        provider's checkout). A busy action neither expires nor can be withdrawn: its outcome would
        arrive after it closed (money taken for a closed request)."""
        return False

    def citizen_url(self, action) -> str | None:
        """Override this for actions the citizen completes on a page of their own (consent, checkout):
        the counter-page URL they go to once the action is theirs. ``None``: handled in the call page."""
        return None

    def clerk_panel_context(self, session) -> dict:
        """Override this: extra context for ``clerk_panel_template`` (what the clerk may see of ``session``)."""
        return {}

    def clerk_context(self, action) -> dict:
        """Override this: extra context for ``clerk_template`` (what the clerk may see, nothing more)."""
        return {}

    def citizen_summary(self, action) -> dict:
        """Override this: JSON-safe data the citizen's widget may show (never more than they may see)."""
        return {}

    def summary_entry(self, action) -> SummaryEntry | None:
        """Override this: how ``action`` reads in the citizen's summary after the call (``None``: left out).

        Called in the citizen's language, with the kind's ``detail_relation`` row fetched. The default shows
        the label and the status; never put more in it than the citizen may see."""
        return SummaryEntry(label=str(self.label), status=str(action.get_status_display()))

    def clerk_command(self, slug: str):
        """The bound method behind console command ``slug`` (``None`` when this kind has none)."""
        method = self.clerk_commands.get(slug)
        return getattr(self, method) if method else None


def posted_id(request, field: str) -> int:
    """A primary key from the clerk's form; ``0`` (matches nothing) for anything that is not a sane id."""
    try:
        value = int(request.POST.get(field) or 0)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0


_types: dict[str, ActionType] = {}


def register_action_type(cls: type[ActionType]) -> type[ActionType]:
    """Class decorator; ids are unique."""
    if not cls.identifier:
        raise ValueError(f"{cls.__name__} needs an identifier.")
    existing = _types.get(cls.identifier)
    if existing is not None and type(existing) is not cls:
        raise ValueError(f"An action type {cls.identifier!r} is already registered.")
    for other in _types.values():
        clash = set(cls.clerk_commands) & set(other.clerk_commands) if type(other) is not cls else set()
        if clash:
            raise ValueError(
                f"{cls.__name__}: console command(s) {sorted(clash)} already belong to {other.identifier!r}."
            )
    _types[cls.identifier] = cls()
    return cls


def action_types() -> dict[str, ActionType]:
    """The kinds a clerk may use: registered, and their feature switched on."""
    return {identifier: kind for identifier, kind in _types.items() if app_settings.feature_on(kind.feature)}


def action_type(identifier: str) -> ActionType | None:
    kind = _types.get(identifier)
    return kind if kind is not None and app_settings.feature_on(kind.feature) else None


def clerk_command(slug: str):
    """The console command ``slug`` that one of the usable kinds adds (``None`` when no kind does)."""
    return next((command for kind in action_types().values() if (command := kind.clerk_command(slug))), None)


def detail_relations() -> list[str]:
    """For ``select_related``: every kind's own one-to-one row, so a list of actions costs one query."""
    return sorted({kind.detail_relation for kind in _types.values() if kind.detail_relation})
