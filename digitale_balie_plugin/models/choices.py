"""Choices shared by several models and forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Defined with the identity providers' contract (a vendor reports a level); re-exported for the domain.
from digitale_balie_plugin.integrations.identity.base import LEVEL_ORDER, AssuranceLevel, level_at_least  # noqa: F401


class Channel(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone call")
    CHAT = "chat", _("Chat")
    DESK = "desk", _("At the desk")


class BookedVia(models.TextChoices):
    WEB = "web", _("Website")
    PHONE = "phone", _("By phone, by a clerk")
    DESK = "desk", _("At the desk, by a clerk")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


#: The languages the package speaks (its catalogues). Fixed here, not read from settings, so a
#: site's own LANGUAGES never makes our migrations drift.
LANGUAGE_CHOICES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English")]


def current_language() -> str:
    """The active language as one of ours, to store with what a citizen does (Dutch when it is another)."""
    from django.utils.translation import get_language

    current = (get_language() or "nl")[:2]
    return current if current in dict(LANGUAGE_CHOICES) else "nl"


class VerificationData(models.TextChoices):
    """What the clerk may see of a verified identity (set per service: data minimisation)."""

    MATCH_ONLY = "match_only", _("Only whether it is the expected person")
    NAME = "name", _("Name")
    NAME_BIRTH_DATE = "name_birth_date", _("Name and birth date")
