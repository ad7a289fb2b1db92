"""Factories with traits for the states tests need."""

from datetime import time, timedelta

import factory
from django.utils import timezone
from wagtail.models import Page, Site

from digitale_balie_plugin.cms.models import DigitalCounterPage
from digitale_balie_plugin.models import Appointment, AvailabilityRule, Closure, CounterSeat, Service
from digitale_balie_plugin.models.choices import AppointmentStatus


def ensure_page_tree():
    """The tree root (and default locale): transactional tests flush what migrations created."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    return Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))


class SiteFactory(factory.django.DjangoModelFactory):
    """A site with its own root page and digital counter page."""

    class Meta:
        model = Site

    hostname = factory.Sequence(lambda n: f"gemeente{n}.example")
    port = 80
    site_name = factory.Sequence(lambda n: f"Gemeente {n}")
    is_default_site = False

    @factory.lazy_attribute
    def root_page(self):
        root = ensure_page_tree()
        return root.add_child(instance=Page(title=self.site_name, slug=self.hostname.replace(".", "-")))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Replace Wagtail's initial "localhost" site when a test claims that host or the default."""
        clash = Site.objects.filter(hostname=kwargs["hostname"], port=kwargs["port"])
        if kwargs.get("is_default_site"):
            clash = clash | Site.objects.filter(is_default_site=True)
        clash.delete()
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def counter_page(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.root_page.add_child(instance=DigitalCounterPage(title="Digitale balie", slug="digitale-balie"))


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Dienst {n}")
    slug = factory.Sequence(lambda n: f"dienst-{n}")
    duration_minutes = 20
    buffer_minutes = 10
    min_lead_hours = 0
    horizon_days = 30


class SeatFactory(factory.django.DjangoModelFactory):
    """A seat offering ``services_for``, open ``days`` (default every day) during ``hours`` (09:00–12:00)."""

    class Meta:
        model = CounterSeat

    name = factory.Sequence(lambda n: f"Loket {n}")

    @classmethod
    def _create(
        cls, model_class, *args, services_for=None, days=tuple(range(7)), hours=((time(9), time(12)),), **kwargs
    ):
        if services_for is not None:
            kwargs.setdefault("site", services_for.site)
        seat = super()._create(model_class, *args, **kwargs)
        if services_for is not None:
            seat.services.add(services_for)
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(seat=seat, weekday=day, start_time=start, end_time=end)
            for day in days
            for start, end in hours
        )
        return seat


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    service = factory.SubFactory(ServiceFactory)
    site = factory.SelfAttribute("service.site")
    seat = factory.LazyAttribute(lambda o: o.service.seats.first())
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=o.service.duration_minutes))
    reserved_until = factory.LazyAttribute(lambda o: o.end + timedelta(minutes=o.service.buffer_minutes))
    citizen_name = "An Peeters"
    email = "an.peeters@example.be"
    status = AppointmentStatus.BOOKED

    class Params:
        cancelled = factory.Trait(status=AppointmentStatus.CANCELLED)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    reason = "Gesloten"


def make_pdf(*, content: bytes = b"", script: str = "") -> bytes:
    """A real one-page PDF (pypdf); ``content`` becomes its uncompressed page content stream, ``script`` a
    document-level JavaScript action (for the hostile-file tests)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    if content:
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream)
    if script:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript(script))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
