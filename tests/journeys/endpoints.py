"""Every route of the package, for the generated-input tests: what it answers, what it reads, who uses it.

The routes are found, not listed: the URL resolver (every pattern whose name starts with ``digitale_balie``) and
the counter page's sub-routes (``DigitalCounterPage.get_subpage_urls()``). ``test_every_route_is_covered`` fails
when a route is neither described below nor excluded with its reason, so a new route cannot be left out
silently. Console commands are found in the console's own table and the action registry (``commands()``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from digitale_balie_plugin.actions.registry import action_types
from digitale_balie_plugin.cms.models import DigitalCounterPage
from digitale_balie_plugin.console.admin_views import COMMANDS
from digitale_balie_plugin.console.forms import EndCallForm, MessageForm
from digitale_balie_plugin.payments.forms import RefundForm

ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
READ = ("GET", "HEAD")
FORM = ("GET", "HEAD", "POST")
POST = ("POST",)

DETAILS = ("slot", "channel", "name", "email", "phone", "language", "question", "sms_consent", "website", "started")
FEEDBACK = ("ease", "satisfaction", "use_again", "time_saved", "comment", "contact_ok")
APPLICATION = tuple(
    f"veld_{kind}"
    for kind in (
        "singleline",
        "multiline",
        "email",
        "number",
        "url",
        "checkbox",
        "date",
        "datetime",
        "checkboxes",
        "dropdown",
        "multiselect",
        "radio",
    )
)


@dataclass(frozen=True)
class Endpoint:
    """One route: the methods it answers (any other must be refused, never a 500, nothing written), the fields
    it reads (query or form), and the browsers that may use it (``fuzz_world.World.clients``; the generator
    sends the others too, which must be refused just as cleanly)."""

    route: str
    methods: tuple[str, ...]
    fields: tuple[str, ...] = ()
    who: tuple[str, ...] = ("anonymous",)
    #: the kind of request a ``<int:action_id>`` names (``fuzz_world.World.action_ids``)
    action: str = ""
    #: which of ``World.tokens`` its ``token`` argument takes
    token: str = ""
    #: which of ``World.session_ids`` its ``session_id`` argument takes
    session: str = "video"
    #: which of ``World.document_ids`` its ``document_id`` argument takes
    document: str = "phone"
    #: a POST that Django's CSRF check does not guard, and why
    csrf_exempt: str = ""


def page(route, methods, fields=(), who=("anonymous",), **options) -> Endpoint:
    return Endpoint(route, methods, tuple(fields), tuple(who), **options)


CITIZEN = ("citizen",)
HOLDER = ("holder", "citizen")
CLERK = ("clerk",)
STAFF = ("staff",)

#: The counter page's sub-routes (``cms/models.py``), by route name.
PAGE_ROUTES = [
    page("index_route", READ, ("from", "days")),
    page("book", READ, ("from", "days")),
    page("book_details", FORM, (*DETAILS, "from", "days")),
    page("book_check", FORM, (*DETAILS, "key")),
    page("confirmation", READ, token="manage"),
    page("manage", READ, ("n",), token="manage"),
    page("cancel", FORM, token="manage"),
    page("reschedule", FORM, ("slot", "from", "days"), token="manage"),
    page("manage_join", POST, token="manage"),
    page("ics", READ, token="manage"),
    page("confirm_email", FORM, token="confirm_email"),
    page("join", FORM, token="join"),  # GET: a page with one button; its POST lets the browser in
    page("guest", FORM, token="guest"),
    page("test_room", READ),
    page("invite_guest", FORM, ("name",), who=CITIZEN),
    page("walk_in", FORM, ("service", "name", "contact", "website", "started")),
    page("room", READ, who=CITIZEN),
    page("summary_room", READ, who=CITIZEN, session="ended"),
    page("summary", READ, ("n",), token="summary"),
    page("summary_appointment", POST, token="summary"),
    page("device_test", READ),
    page("code", FORM, ("code",), who=("anonymous", "holder")),
    page("take", FORM, token="take"),
    page("verify", FORM, ("provider",), who=HOLDER, action="verify_identity"),
    page("verify_result", READ, who=HOLDER, action="verify_identity"),
    page("pay", FORM, ("email",), who=HOLDER, action="request_payment"),
    page("pay_result", READ, who=HOLDER, action="request_payment"),
    page("pay_status", READ, who=HOLDER, action="request_payment"),
    page("documents", READ, who=HOLDER, action="exchange_documents"),
    page("sign", FORM, ("step", "agree"), who=HOLDER, action="request_signature"),
    page("form", FORM, APPLICATION, who=HOLDER, action="send_form"),
    page("page_feedback", FORM, (*FEEDBACK, "page", "contact_name", "contact_email")),
    page("feedback", FORM, FEEDBACK, who=CITIZEN, session="ended"),
    page("feedback_link", FORM, FEEDBACK, token="feedback_link"),
    page("unknown", READ),
]

#: The package's URLconf (``digitale_balie_plugin/urls.py``), by URL name.
URL_ROUTES = [
    page("digitale_balie:set_language", FORM, ("language", "next")),
    page(
        "digitale_balie:sms_status",
        POST,
        ("id", "status", "MessageSid", "MessageStatus"),
        csrf_exempt="a provider's callback: the provider's signature guards it",
    ),
    page(
        "digitale_balie:payment_webhook",
        POST,
        ("id",),
        csrf_exempt="a provider's callback: the provider's own API is asked for the status",
    ),
    page("digitale_balie:demo_checkout", FORM, ("outcome", "method"), who=HOLDER),
    page("digitale_balie:document_upload", POST, ("next",), who=("citizen", "holder", "clerk")),
    page("digitale_balie:document_download", READ, who=("citizen", "holder", "clerk")),
    page("digitale_balie:signature_document", READ, who=HOLDER, action="request_signature"),
    page("digitale_balie:room_state", READ, who=CITIZEN),
    page("digitale_balie:room_heartbeat", POST, who=CITIZEN),
    page("digitale_balie:room_action", POST, ("done",), who=CITIZEN, action="shown"),
    page("digitale_balie:summary_download", READ, token="summary", document="ended"),
    page("digitale_balie:seat_state", READ, who=CLERK),
    page("digitale_balie:identity_complete", READ, ("state", "code", "error", "error_description", "iss")),
    page("digitale_balie:identity_jwks", READ),
    page("digitale_balie:health_live", READ),
    page("digitale_balie:health_ready", READ),
    page("digitale_balie:metrics", READ),  # 404 without METRICS_TOKEN, 401 without the bearer token
]

PERIOD = ("start", "end", "site", "service", "export")
#: The console and the package's other admin screens (``register_admin_urls``), by URL name.
ADMIN_ROUTES = [
    page("digitale_balie_choose_seat", READ, who=CLERK),
    page("digitale_balie_console", READ, ("session", "panel"), who=CLERK),
    page("digitale_balie_open_contact", POST, ("channel", "citizen_name", "service"), who=CLERK),
    # Every command, with the fields of every console and action form: ``test_console_commands``.
    page("digitale_balie_session_command", POST, who=CLERK),
    page(
        "digitale_balie_book_on_behalf",
        FORM,
        (*DETAILS, "service", "booked_via", "number_read_back"),
        who=("clerk", "staff"),
    ),
    page("digitale_balie_case_retry", POST, who=STAFF),
    page("digitale_balie_clear_walk_ins", FORM, ("since", "until"), who=CLERK),
    page(
        "digitale_balie_cancel_flood",
        FORM,
        ("service", "day", "created_from", "created_until", "email_domain", "expected", "reason"),
        who=STAFF,
    ),
    page(
        "digitale_balie_finance_report",
        READ,
        ("created_at_after", "paid_at_before", "status", "method", "site", "export", "p", "ordering"),
        who=STAFF,
    ),
    page("digitale_balie_finance_report_results", READ, ("created_at_after", "status", "service", "p"), who=STAFF),
    page("digitale_balie_dashboard", READ, PERIOD, who=STAFF),
    page(
        "digitale_balie_feedback_report",
        READ,
        ("given_on_after", "given_on_before", "service", "source", "export"),
        who=STAFF,
    ),
    page("digitale_balie_feedback_report_results", READ, ("given_on_after", "service", "p"), who=STAFF),
    page("digitale_balie_staff_survey", FORM, ("satisfaction", "tools", "comment"), who=("clerk", "staff")),
    page("digitale_balie_citizen_data", FORM, ("site", "email", "number", "identity_hash", "step"), who=STAFF),
    page("digitale_balie_integrations_status", READ, who=STAFF),
    page("digitale_balie_translate", POST, ("language",), who=STAFF),
]

#: Routes sent no generated input, each with its reason.
EXCLUDED = {
    # wagtail-modeladmin's own create/edit/delete/inspect screens: Wagtail's code and forms, not ours; the
    # admin crawl (tests/admin_pages.py) opens each of them, and the admin-scope work checks who sees them.
    "*_modeladmin_*": "wagtail-modeladmin's own screens, crawled by tests/admin_pages.py",
}

ENDPOINTS = {endpoint.route: endpoint for endpoint in PAGE_ROUTES + URL_ROUTES + ADMIN_ROUTES}
ADMIN = {endpoint.route for endpoint in ADMIN_ROUTES}
PAGE = {endpoint.route for endpoint in PAGE_ROUTES}


#: The fields each console command reads (its form's fields and the ids it takes from the POST); "create an
#: action of kind X" reads its kind's clerk form (``command_fields``).
COMMAND_FIELDS = {
    "start": (),
    "message": tuple(MessageForm.base_fields),
    "no-show": (),
    "guest": ("name",),
    "revoke": ("access",),
    "device-admit": ("access",),
    "device-guest": ("access",),
    "device-remove": ("access",),
    "end": tuple(EndCallForm.base_fields),
    "code": ("action",),
    "send-link": ("action", "to"),
    "withdraw": ("action",),
    "refund": ("action", *RefundForm.base_fields),
    "form-pdf": ("action",),
    "delete-document": ("document",),
}


def command_fields(name: str) -> tuple[str, ...] | None:
    """The fields command ``name`` reads, or ``None`` for a command ``COMMAND_FIELDS`` does not know yet."""
    kind = action_types().get(name.removeprefix("action-")) if name.startswith("action-") else None
    return tuple(kind.clerk_form_class.base_fields) if kind else COMMAND_FIELDS.get(name)


def commands() -> list[str]:
    """Every console command: the console's own, "create an action of kind X", and those action types bring."""
    own = list(COMMANDS)
    create = [f"action-{kind}" for kind in action_types()]
    brought = [slug for kind in action_types().values() for slug in kind.clerk_commands]
    return own + create + brought


def _patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern, f"{namespace}:{pattern.name}" if namespace else pattern.name


def pattern_of(name: str) -> URLPattern:
    """The URL pattern named ``name`` (``"digitale_balie:room_state"``, ``"digitale_balie_console"``)."""
    return next(pattern for pattern, found in _patterns(get_resolver().url_patterns) if found == name)


def discovered_routes() -> set[str]:
    """Every route of the package the resolver and the counter page know."""
    names = {name for _pattern, name in _patterns(get_resolver().url_patterns) if name.startswith("digitale_balie")}
    names |= {route.name for route in DigitalCounterPage.get_subpage_urls()}
    return names


def excluded(name: str) -> str:
    """The reason ``name`` gets no generated input, or ``""``."""
    if "_modeladmin_" in name:
        return EXCLUDED["*_modeladmin_*"]
    return EXCLUDED.get(name, "")
