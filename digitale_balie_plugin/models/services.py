"""What can be booked (services), where clerks work (counter seats), and when they are open."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models.choices import AssuranceLevel, Channel, VerificationData, Weekday
from digitale_balie_plugin.models.translations import CanonicalQuerySet, CanonicalTranslatableMixin, canonical_only


def validate_quantum(minutes: int) -> None:
    quantum = app_settings.SLOT_QUANTUM_MINUTES
    if minutes % quantum:
        raise ValidationError(_("Use a multiple of %(quantum)s minutes.") % {"quantum": quantum})


class ServiceQuerySet(CanonicalQuerySet):
    def active(self):
        """Bookable services: switched on, one row each (the default language's; see ``models.translations``)."""
        return self.filter(active=True).canonical()

    def for_site(self, site):
        return self.filter(site=site)


class Service(CanonicalTranslatableMixin, models.Model):
    """A product a citizen can book, e.g. "Identiteitskaart aanvragen"; translated per locale (its words only)."""

    translated_fields = ("name", "description", "what_to_prepare", "payment_description")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="balie_services")
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    what_to_prepare = models.TextField(
        _("what to prepare"), blank=True, help_text=_("Shown to the citizen before booking and in the e-mail.")
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=15, validators=[validate_quantum])
    buffer_minutes = models.PositiveIntegerField(
        _("buffer after (minutes)"),
        default=5,
        validators=[validate_quantum],
        help_text=_("Time the clerk needs after the appointment."),
    )
    offers_video = models.BooleanField(_("video call"), default=True)
    offers_phone = models.BooleanField(_("phone call"), default=False)
    offers_desk = models.BooleanField(_("at the desk"), default=False)
    min_lead_hours = models.PositiveIntegerField(
        _("minimum lead time (hours)"), default=2, help_text=_("How long in advance one must book.")
    )
    horizon_days = models.PositiveIntegerField(_("booking horizon (days)"), default=30)
    needs_identity_verification = models.BooleanField(_("identity verification needed"), default=False)
    identity_level = models.CharField(
        _("identity: level required"),
        max_length=12,
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.SUBSTANTIAL,
        help_text=_("The clerk's request uses this level unless they choose a higher one. itsme and eID are high."),
    )
    identity_data = models.CharField(
        _("identity: what the clerk sees"),
        max_length=20,
        choices=VerificationData.choices,
        default=VerificationData.NAME_BIRTH_DATE,
        help_text=_("Show the clerk no more than this service needs."),
    )
    needs_payment = models.BooleanField(_("payment needed"), default=False)
    payment_amount = models.DecimalField(
        _("fee (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Filled in when the clerk requests a payment; they can change it."),
    )
    payment_description = models.CharField(
        _("payment description"),
        max_length=200,
        blank=True,
        help_text=_("What the citizen pays for, e.g. 'Extract from the criminal record'. Default: the service's name."),
    )
    needs_documents = models.BooleanField(_("documents needed"), default=False)
    needs_signature = models.BooleanField(_("signature needed"), default=False)
    active = models.BooleanField(_("bookable"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    objects = ServiceQuerySet.as_manager()

    panels = [
        FieldPanel("site"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("what_to_prepare"),
        FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("buffer_minutes")]),
        MultiFieldPanel(
            [FieldPanel("offers_video"), FieldPanel("offers_phone"), FieldPanel("offers_desk")],
            heading=_("Channels"),
        ),
        FieldRowPanel([FieldPanel("min_lead_hours"), FieldPanel("horizon_days")]),
        MultiFieldPanel(
            [
                FieldPanel("needs_identity_verification"),
                FieldRowPanel([FieldPanel("identity_level"), FieldPanel("identity_data")]),
                FieldPanel("needs_payment"),
                FieldRowPanel([FieldPanel("payment_amount"), FieldPanel("payment_description")]),
                FieldPanel("needs_documents"),
                FieldPanel("needs_signature"),
            ],
            heading=_("Needed during the conversation"),
        ),
        FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
    ]

    class Meta(CanonicalTranslatableMixin.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug", "locale"], name="balie_service_slug_per_site_and_locale")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.channels:
            raise ValidationError(_("Offer at least one channel."))

    @property
    def channels(self) -> list[str]:
        offered = [
            (self.offers_video, Channel.VIDEO),
            (self.offers_phone, Channel.PHONE),
            (self.offers_desk, Channel.DESK),
        ]
        return [channel.value for flag, channel in offered if flag]

    @property
    def channel_choices(self) -> list[tuple[str, str]]:
        return [(value, Channel(value).label) for value in self.channels]

    @property
    def needs(self) -> list[str]:
        """Human-readable list of what the conversation will ask for, shown before booking."""
        labels = [
            (self.needs_identity_verification, _("You will prove who you are with itsme or your eID.")),
            (self.needs_payment, _("You will pay online during the conversation.")),
            (self.needs_documents, _("You will send or receive documents.")),
            (self.needs_signature, _("You will sign a document online. First you prove who you are.")),
        ]
        return [label for flag, label in labels if flag]


#: Lets a user see the data of every counter seat, on every site of the install, in the admin's data screens
#: (appointments, notifications, case records, reports). Without it a user sees their own seats' data only.
ALL_SEATS_PERMISSION = "digitale_balie.view_all_seats"


def sees_every_seat(user) -> bool:
    return user.is_active and user.has_perm(ALL_SEATS_PERMISSION)


class CounterSeatQuerySet(CanonicalQuerySet):
    def of_clerk(self, user):
        """The seats ``user`` works at: one of their groups is a clerk group of the seat and they may work at a
        counter. Superusers work at every seat. The console (``calls.seats.clerk_seat_ids``) and the admin's
        data screens (``visible_to``) both build on it."""
        if not (user.is_active and user.is_authenticated):
            return self.none()
        if user.is_superuser:
            return self
        if not user.has_perm("digitale_balie.work_at_counter"):
            return self.none()
        return self.filter(pk__in=CounterSeat.objects.filter(clerk_groups__user=user).values("pk"))

    def visible_to(self, user):
        """The seats whose citizens' data ``user`` may see in the admin: every one with ``ALL_SEATS_PERMISSION``,
        else the seats they work at. The one rule every admin data screen scopes by (``scope_to_seats``)."""
        return self if sees_every_seat(user) else self.of_clerk(user)


def scope_to_seats(queryset, user, seat_paths=("seat",), site_path: str = ""):
    """The rows of ``queryset`` whose seat (reached by any of ``seat_paths``) ``user`` may see.

    A row without a seat (feedback left on a page, an audit event) is kept when its site (``site_path``) is the
    site of one of those seats, so a user of site A sees nothing of site B. Filtering by subqueries keeps a list
    at the same number of queries, however many rows and seats there are.
    """
    if sees_every_seat(user):
        return queryset
    seats = CounterSeat.objects.of_clerk(user)
    allowed = models.Q(pk__in=[])
    for path in seat_paths:
        allowed |= models.Q(**{f"{path}__in": seats.values("pk")})
    if site_path:
        seatless = models.Q(**{f"{site_path}__in": seats.values("site")})
        for path in seat_paths:
            seatless &= models.Q(**{f"{path}__isnull": True})
        allowed |= seatless
    return queryset.filter(allowed)


class CounterSeat(CanonicalTranslatableMixin, ClusterableModel):
    """A fixed place clerks work from: a resource, not a person. One citizen at a time.

    Translated per locale for its public words only (name and location, shown to a citizen who comes to the
    desk); opening hours, services and clerk groups are the default-language seat's (``models.translations``).
    """

    translated_fields = ("name", "location")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="balie_seats")
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    services = models.ManyToManyField(
        Service, related_name="seats", verbose_name=_("services"), blank=True, limit_choices_to=canonical_only
    )
    clerk_groups = models.ManyToManyField(
        "auth.Group",
        related_name="balie_seats",
        blank=True,
        verbose_name=_("clerk groups"),
        help_text=_("Members of these groups may work at this seat and see its queue."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = CounterSeatQuerySet.as_manager()

    panels = [
        FieldPanel("site"),
        FieldPanel("name"),
        FieldPanel("location"),
        FieldPanel("services"),
        FieldPanel("clerk_groups"),
        FieldPanel("active"),
        InlinePanel("availability_rules", heading=_("Opening hours"), label=_("Opening hours")),
    ]

    class Meta(CanonicalTranslatableMixin.Meta):
        verbose_name = _("counter seat")
        verbose_name_plural = _("counter seats")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_clerk(self, user) -> bool:
        """Only clerks of this seat (its groups, with the counter permission) see its queue: the rule of
        ``CounterSeatQuerySet.of_clerk``, for one seat."""
        return CounterSeat.objects.filter(pk=self.pk).of_clerk(user).exists()


class AvailabilityRule(models.Model):
    """A weekly opening range of a seat (several per day allowed, e.g. 9–12 and 13–16)."""

    seat = ParentalKey(CounterSeat, on_delete=models.CASCADE, related_name="availability_rules")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    ]

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValidationError({"valid_until": _("This date must be after 'valid from'.")})
        for field in ("start_time", "end_time"):
            value = getattr(self, field)
            if value and (value.minute % app_settings.SLOT_QUANTUM_MINUTES or value.second):
                raise ValidationError(
                    {
                        field: _("Use a multiple of %(quantum)s minutes.")
                        % {"quantum": app_settings.SLOT_QUANTUM_MINUTES}
                    }
                )


class Closure(models.Model):
    """A public holiday or one-off closure, for one seat or for every seat of a site."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        ONE_OFF = "one_off", _("One-off closure")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="balie_closures")
    seat = models.ForeignKey(
        CounterSeat,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("counter seat"),
        help_text=_("Leave empty to close every seat."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ONE_OFF)
    reason = models.CharField(_("reason"), max_length=200)
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))

    panels = [
        FieldPanel("site"),
        FieldPanel("seat"),
        FieldPanel("kind"),
        FieldPanel("reason"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
    ]

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start"]
        indexes = [models.Index(fields=["site", "end"])]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "start"], condition=models.Q(kind="holiday"), name="balie_one_holiday_per_day"
            ),
        ]

    def __str__(self) -> str:
        return self.reason

    def clean(self) -> None:
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": _("The end must be after the start.")})
        if self.seat_id and self.site_id and self.seat.site_id != self.site_id:
            raise ValidationError({"seat": _("This seat belongs to another site.")})
