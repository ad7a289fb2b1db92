"""One exception tree for the package.

``CounterError`` carries a translated, user-facing message (what a citizen or clerk should
read); technical details belong in the log, never in that message.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class ConfigurationError(ImproperlyConfigured):
    """A setting is missing or wrong; the message names the exact setting to change."""


class CounterError(Exception):
    """Base for errors with a message meant for people, not logs."""

    default_message = _("Something went wrong. Please try again.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class SlotUnavailable(CounterError):
    """The chosen time was taken (or vanished) between choosing and submitting."""

    default_message = _("This time was just taken. Please choose another time.")


class AppointmentNotChangeable(CounterError):
    """The appointment can no longer be cancelled or moved (past, cancelled, completed)."""

    default_message = _("This appointment can no longer be changed.")


class ConversationClosed(CounterError):
    """The conversation a page or command belongs to has ended (or its appointment was cancelled)."""

    default_message = _("This conversation has ended.")


class InvalidToken(CounterError):
    """A link or code is unknown, expired or already used."""

    default_message = _("This link is not valid any more.")


class IntegrationError(CounterError):
    """A provider (SMS gateway, CRM, ...) failed; the message is safe to show to staff."""

    default_message = _("The external service did not answer. Please try again later.")
