"""Per-site settings, so one install can serve several municipalities."""

from email.utils import formataddr

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from digitale_balie_plugin.models.choices import LANGUAGE_CHOICES
from digitale_balie_plugin.models.documents import KNOWN_TYPES


@register_setting(icon="calendar")
class CounterSettings(BaseSiteSetting):
    """What differs per municipality: who sends the mails, SMS on/off, language, retention."""

    municipality_name = models.CharField(_("municipality name"), max_length=100, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    sender_email = models.EmailField(
        _("sender e-mail address"), blank=True, help_text=_("Leave empty to use DEFAULT_FROM_EMAIL.")
    )
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    sms_enabled = models.BooleanField(_("send SMS reminders"), default=True)
    default_language = models.CharField(_("default language"), max_length=8, choices=LANGUAGE_CHOICES, default="nl")
    video_domain = models.CharField(
        _("video server"),
        max_length=200,
        blank=True,
        help_text=_(
            "Host name of this municipality's own Jitsi server, e.g. meet.stad.be. "
            "Leave empty to use the server from the settings file."
        ),
    )
    appointment_retention_days = models.PositiveIntegerField(
        _("keep appointment details (days after the appointment)"),
        default=90,
        help_text=_("Then the citizen's name, e-mail address, phone number and question are erased."),
    )
    session_retention_days = models.PositiveIntegerField(
        _("keep conversation details (days after the conversation)"),
        default=90,
        help_text=_("Then the name and contact of the citizen and the messages to the waiting room are erased."),
    )
    notes_retention_days = models.PositiveIntegerField(
        _("keep the clerk's notes (days after the conversation)"),
        default=90,
        help_text=_("Notes also go to the CRM with the case record."),
    )
    identity_retention_days = models.PositiveIntegerField(
        _("keep verified identities (days)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("Then name, birth date and the number's fingerprint are erased; the result stays for figures."),
    )
    payment_retention_days = models.PositiveIntegerField(
        _("keep personal data of payments (days)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("The receipt address. Amount, reference and status are bookkeeping and stay."),
    )
    feedback_retention_days = models.PositiveIntegerField(
        _("keep feedback texts and contact details (days)"),
        default=365,
        validators=[MinValueValidator(1)],
        help_text=_("Scores stay, without anything that points to a person."),
    )
    crm_url = models.URLField(
        _("CRM address"),
        blank=True,
        help_text=_(
            "Where this municipality's case records go (webhook CRM). Empty: the address in the settings file."
        ),
    )
    document_types = models.CharField(
        _("document types allowed"),
        max_length=100,
        default="pdf,jpg,jpeg,png",
        help_text=_("File extensions, separated by commas. Possible: pdf, jpg, jpeg, png."),
    )
    document_max_mb = models.PositiveIntegerField(
        _("largest document (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    document_retention_days = models.PositiveIntegerField(
        _("keep documents (days)"), default=30, validators=[MinValueValidator(1)]
    )

    mark_opened_links = models.BooleanField(
        _("note when a link in a message is opened"),
        default=True,
        help_text=_(
            "We note when a citizen opens a link from our e-mail on this site. No tracking pixel, no third party."
        ),
    )
    trip_km = models.DecimalField(
        _("kilometres of a trip to the town hall and back"),
        max_digits=5,
        decimal_places=1,
        default=12,
        validators=[MinValueValidator(0)],
    )
    trip_share_percent = models.PositiveSmallIntegerField(
        _("share of digital conversations that save a trip (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("Not every citizen would have come: some would have phoned or given up."),
    )
    co2_grams_per_km = models.PositiveIntegerField(
        _("CO2 per kilometre (grams)"), default=150, help_text=_("An average car. Public transport is lower.")
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("municipality_name"),
                FieldPanel("sender_name"),
                FieldPanel("sender_email"),
                FieldPanel("reply_to"),
            ],
            heading=_("Messages"),
        ),
        FieldPanel("sms_enabled"),
        FieldPanel("video_domain"),
        FieldPanel("crm_url"),
        FieldPanel("default_language"),
        FieldPanel("mark_opened_links"),
        MultiFieldPanel(
            [FieldPanel("document_types"), FieldPanel("document_max_mb")],
            heading=_("Documents"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("appointment_retention_days"),
                FieldPanel("session_retention_days"),
                FieldPanel("notes_retention_days"),
                FieldPanel("identity_retention_days"),
                FieldPanel("document_retention_days"),
                FieldPanel("payment_retention_days"),
                FieldPanel("feedback_retention_days"),
            ],
            heading=_("How long we keep personal data"),
        ),
        MultiFieldPanel(
            [FieldPanel("trip_km"), FieldPanel("trip_share_percent"), FieldPanel("co2_grams_per_km")],
            heading=_("Trips avoided: assumptions for the dashboard"),
        ),
    ]

    class Meta:
        verbose_name = _("digital counter settings")

    @property
    def allowed_document_types(self) -> set[str]:
        return {ext.strip().lower().lstrip(".") for ext in self.document_types.split(",")} & set(KNOWN_TYPES)

    def display_name(self, site) -> str:
        """How the municipality signs its pages and messages: its name here, else the site's name."""
        return self.municipality_name or site.site_name

    def email(self, subject: str, body: str, to: list[str]):
        """A message from this municipality (its sender and reply-to address); add an HTML part if needed."""
        from django.core.mail import EmailMultiAlternatives

        return EmailMultiAlternatives(
            subject, body, self.from_email, to, reply_to=[self.reply_to] if self.reply_to else None
        )

    @property
    def from_email(self) -> str:
        address = self.sender_email or settings.DEFAULT_FROM_EMAIL
        name = self.sender_name or self.municipality_name
        return formataddr((str(name), address)) if name else address


def clerk_as_seen(user, site) -> str:
    """How a citizen sees a clerk, everywhere (pages, messages, the video call): a person of their city, by
    first name and the municipality's name ("Sofie, Stad Demostad"), never a login name or a role."""
    municipality = CounterSettings.for_site(site).display_name(site)
    first_name = (getattr(user, "first_name", "") or "").strip()
    if not first_name:
        return gettext("A clerk of %(municipality)s") % {"municipality": municipality}
    return gettext("%(first_name)s, %(municipality)s") % {"first_name": first_name, "municipality": municipality}
