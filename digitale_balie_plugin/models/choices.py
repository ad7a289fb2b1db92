"""Choices shared by several models and forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
