"""Load the demo: a city home page, a "Digitale balie" page, services, seats, holidays, users.

Safe to run again: everything is looked up before it is created.
"""

import os
from datetime import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from wagtail.models import Locale, Page, Site

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.booking.holidays import load_public_holidays
from digitale_balie_plugin.cms.models import ApplicationFormPage, DigitalCounterPage
from digitale_balie_plugin.cms.roles import ROLES, apply_role, resolve
from digitale_balie_plugin.links import citizen_url
from digitale_balie_plugin.models import (
    AccessToken,
    Appointment,
    AvailabilityRule,
    CounterSeat,
    CounterSettings,
    Service,
)
from example_site.home.models import ContentPage, HomePage

SERVICES = [
    {
        "slug": "identiteitskaart",
        "name": "Identiteitskaart aanvragen",
        "duration_minutes": 20,
        "offers_desk": True,
        "description": "U vraagt een nieuwe elektronische identiteitskaart (eID) aan.",
        "what_to_prepare": "Uw oude identiteitskaart en een recente pasfoto.",
        "needs_identity_verification": True,
        "identity_level": "high",
        "needs_payment": True,
        "payment_amount": "25.00",
        "payment_description": "Elektronische identiteitskaart",
    },
    {
        "slug": "bouwadvies",
        "name": "Bouwadvies",
        "duration_minutes": 45,
        "buffer_minutes": 10,
        "offers_phone": True,
        "description": "Een architect van de stad bekijkt uw bouwplannen met u.",
        "what_to_prepare": "Uw plannen of schetsen, en foto's van de plek.",
        "needs_documents": True,
        "needs_signature": True,
        "horizon_days": 45,
    },
    {
        "slug": "parkeervergunning",
        "name": "Parkeervergunning",
        "duration_minutes": 15,
        "offers_phone": True,
        "description": "U vraagt een bewonerskaart of parkeervergunning aan.",
        "what_to_prepare": "De nummerplaat en het inschrijvingsbewijs van uw wagen.",
        "needs_identity_verification": True,
        "needs_payment": True,
        "payment_amount": "10.00",
        "payment_description": "Bewonerskaart parkeren",
    },
    {
        "slug": "afvalkalender",
        "name": "Afvalkalender vragen",
        "duration_minutes": 10,
        "buffer_minutes": 0,
        "offers_phone": True,
        "description": "Vragen over de ophaling van afval, de afvalkalender of het recyclagepark.",
        "min_lead_hours": 1,
        "needs_payment": True,
        "payment_amount": "12.50",
        "payment_description": "Extra restafvalzak-rol",
    },
    {
        "slug": "uittreksel-strafregister",
        "name": "Uittreksel uit het strafregister",
        "duration_minutes": 15,
        "description": "U krijgt hulp bij het aanvragen van een uittreksel uit het strafregister.",
        "needs_identity_verification": True,
        "needs_documents": True,
    },
]

#: The French words of each service (Wagtail translations: the schedule stays the Dutch service's).
SERVICES_FR = {
    "identiteitskaart": {
        "name": "Demander une carte d'identité",
        "description": "Vous demandez une nouvelle carte d'identité électronique (eID).",
        "what_to_prepare": "Votre ancienne carte d'identité et une photo récente.",
        "payment_description": "Carte d'identité électronique",
    },
    "bouwadvies": {
        "name": "Conseil en construction",
        "description": "Un architecte de la ville regarde vos plans avec vous.",
        "what_to_prepare": "Vos plans ou croquis, et des photos de l'endroit.",
    },
    "parkeervergunning": {
        "name": "Permis de stationnement",
        "description": "Vous demandez une carte de riverain ou un permis de stationnement.",
        "what_to_prepare": "La plaque d'immatriculation et le certificat d'immatriculation de votre voiture.",
        "payment_description": "Carte de riverain",
    },
    "afvalkalender": {
        "name": "Questions sur le calendrier des déchets",
        "description": "Questions sur la collecte des déchets, le calendrier ou le parc à conteneurs.",
        "payment_description": "Rouleau supplémentaire de sacs poubelles",
    },
    "uittreksel-strafregister": {
        "name": "Extrait de casier judiciaire",
        "description": "Nous vous aidons à demander un extrait de casier judiciaire.",
    },
}

#: The French pages: the translations of the Dutch ones (slug → title, introduction, block intro).
PAGES_FR = {
    "stad-demostad": ("Ville de Demostad", None, None),
    "digitale-balie": (
        "Guichet numérique",
        "<p>Parlez avec la ville par vidéo ou par téléphone. Vous ne devez pas venir à l'hôtel de ville.</p>",
        "<p>Choisissez pourquoi vous voulez un rendez-vous. Ensuite, vous choisissez un jour et une heure.</p>",
    ),
    "code": ("Montrez qui vous êtes", None, "<p>Vous appelez la ville ? L'agent vous donne un code. Tapez-le ici.</p>"),
    "betalen": ("Payer", None, "<p>Vous avez appelé la ville ? L'agent vous donne un code. Tapez-le ici.</p>"),
    "uw-mening": (
        "Votre avis",
        None,
        "<p>Votre avis nous aide à mieux travailler. Vous ne devez pas donner votre nom.</p>",
    ),
}

#: The seats' public words in French (opening hours, services and clerks stay the Dutch seat's).
SEAT_WORDS_FR = {
    "Loket": "Guichet",
    "Burgerzaken": "Affaires citoyennes",
    "Omgeving": "Environnement",
    "Demo (altijd open)": "Démo (toujours ouvert)",
    "Stadhuis, gelijkvloers": "Hôtel de ville, rez-de-chaussée",
    "Stadhuis, eerste verdieping": "Hôtel de ville, premier étage",
    "Overal": "Partout",
}

SEATS = [
    (
        "Loket 1 – Burgerzaken",
        "Stadhuis, gelijkvloers",
        ["identiteitskaart", "parkeervergunning", "uittreksel-strafregister", "afvalkalender"],
    ),
    (
        "Loket 2 – Burgerzaken",
        "Stadhuis, gelijkvloers",
        ["identiteitskaart", "parkeervergunning", "uittreksel-strafregister"],
    ),
    ("Loket 3 – Omgeving", "Stadhuis, eerste verdieping", ["bouwadvies", "afvalkalender"]),
]

OPENING_HOURS = [(day, time(9), time(12)) for day in range(5)] + [(day, time(13), time(16)) for day in range(4)]
OPENING_HOURS.append((3, time(17), time(19)))  # Thursday evening

#: A seat that is always open, so the demo's conversation can be tried at any hour.
DEMO_SEAT = "Loket 9 – Demo (altijd open)"

USERS = [
    ("admin", "admin-demo-2026", "Beheerder", True, None),
    ("baliemedewerker", "balie-demo-2026", "Sofie", False, "clerks"),
    ("redacteur", "redactie-demo-2026", "Jan (redacteur)", False, "editors"),
    ("manager", "manager-demo-2026", "Mia (diensthoofd)", False, "managers"),
]

#: What the demo's clerk may do beyond the clerks' role: refund (in a real city, give it to fewer people).
DEMO_CLERK_EXTRAS = ["digitale_balie.refund_payment", "digitale_balie.view_finance_report"]


WALK_IN_BLOCK = {
    "heading": "Praat nu met ons, zonder afspraak",
    "intro": "<p>Tijdens de openingsuren neemt u een ticket. Een medewerker helpt u zo snel mogelijk.</p>",
    "services": [],
}
WALK_IN_INTRO_FR = "<p>Pendant les heures d'ouverture, prenez un ticket. Un agent vous aide dès que possible.</p>"


def _in_french(text: str) -> str:
    for dutch, french in SEAT_WORDS_FR.items():
        text = text.replace(dutch, french)
    return text


class Command(BaseCommand):
    help = "Load (or refresh) the demo content of the example site."

    @transaction.atomic
    def handle(self, *args, **options):
        site, home = self._site()
        counter_page = self._counter_page(home)
        code_page = self._code_page(home)
        pay_page = self._pay_page(home)
        form_page = self._application_form(home)
        opinion_page = self._content_page(
            home,
            "uw-mening",
            "Uw mening",
            "feedback",
            "Wat vindt u van onze digitale balie?",
            "<p>Uw mening helpt ons om beter te werken. U hoeft uw naam niet te geven.</p>",
        )
        services = {slug: self._service(site, slug, data) for slug, data in ((s["slug"], s) for s in SERVICES)}
        clerks = self._group("clerks")
        for name, location, slugs in SEATS:
            self._seat(site, name, location, [services[slug] for slug in slugs], clerks)
        self._seat(site, DEMO_SEAT, "Overal", [services["afvalkalender"]], clerks, always_open=True)
        year = timezone.localdate().year
        load_public_holidays(site, [year, year + 1])
        CounterSettings.objects.update_or_create(
            site=site,
            defaults={
                "municipality_name": "Stad Demostad",
                "sender_name": "Digitale balie Stad Demostad",
                "sender_email": "balie@demostad.example",
                "reply_to": "info@demostad.example",
            },
        )
        for username, password, first_name, superuser, group in USERS:
            self._user(username, password, first_name, superuser, group)
        french_counter_page = self._french(home, [counter_page, code_page, pay_page, opinion_page], services)
        self._demo_appointment(services["afvalkalender"])
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {counter_page.url}"))
        self.stdout.write(f"  in French: {french_counter_page.url}")
        self.stdout.write(
            f"  verification code page (phone channel): {code_page.url}\n"
            f"  payment code page (phone channel): {pay_page.url}\n"
            "  demo payments: the demo checkout lets you choose paid, failed, cancelled or expired\n"
            f"  application form for 'Send a form': {form_page.title} ({form_page.url})\n"
            f"  general feedback form: {opinion_page.url}\n"
            "  demo identity provider: pick a test person, e.g. Jan Peeters, national number 85.04.12-123.69"
        )

    def _french(self, home, pages, services):
        """The French side: the home page and the citizen pages translated (Wagtail's localisation), and the
        services' French words. Blocks keep no heading of their own, so they speak the page's language.
        Returns the French counter page (the translation of ``pages[0]``)."""
        french = Locale.objects.get_or_create(language_code="fr")[0]
        self._translate_page(home, french)
        translated = [self._translate_page(page, french) for page in pages]
        for slug, words in SERVICES_FR.items():
            service = services[slug]
            translation = service.get_translation_or_none(french) or service.copy_for_translation(french)
            for field, value in words.items():
                setattr(translation, field, value)
            translation.save()
        for seat in CounterSeat.objects.canonical():
            words = seat.get_translation_or_none(french) or seat.copy_for_translation(
                french, exclude_fields=["availability_rules"]
            )
            words.name, words.location = _in_french(seat.name), _in_french(seat.location)
            words.save()
        return translated[0]

    def _translate_page(self, page, locale):
        translated = page.get_translation_or_none(locale)
        if translated is None:
            translated = page.copy_for_translation(locale)
        translated = translated.specific
        title, intro, block_intro = PAGES_FR.get(page.slug, (translated.title, None, None))
        translated.title = title
        if intro is not None:
            translated.intro = intro
        if block_intro is not None and hasattr(translated, "body"):
            intros = {"video_room": WALK_IN_INTRO_FR}
            translated.body = [
                (block.block_type, block.value)
                if block.block_type == "text"
                else (
                    block.block_type,
                    {**dict(block.value), "heading": "", "intro": intros.get(block.block_type, block_intro)},
                )
                for block in translated.body
            ]
        translated.save_revision().publish()
        return translated

    def _demo_appointment(self, service):
        """Book the next free demo time (once) and print a join link, so the conversation can be tried at once."""

        appointment = (
            Appointment.objects.booked().filter(email="burger@demostad.example", start__gt=timezone.now()).first()
        )
        if appointment is None:
            slot = next(iter(free_slots(service)), None)
            if slot is None:
                return
            appointment = booking.book_appointment(
                service,
                slot.start,
                booking.CitizenDetails(
                    name="Demo Burger", email="burger@demostad.example", question="Wanneer wordt het glas opgehaald?"
                ),
            ).appointment
        join = citizen_url(service.site, "join", appointment.issue_token(AccessToken.Purpose.JOIN))
        self.stdout.write(
            f"  demo appointment at {appointment.local_start:%d/%m %H:%M} ({appointment.seat}),"
            f" citizen's join link:\n    {join}"
        )

    def _site(self):
        root = Page.get_first_root_node()
        home = HomePage.objects.filter(locale=Locale.get_default()).first()
        if home is None:
            home = root.add_child(
                instance=HomePage(
                    title="Stad Demostad",
                    slug="stad-demostad",
                    body=[
                        (
                            "text",
                            '<p>Welkom bij Stad Demostad. Maak een afspraak aan onze <a href="/digitale-balie/">'
                            "digitale balie</a>: u praat met ons via video, zonder naar het stadhuis te komen.</p>",
                        ),
                    ],
                )
            )
        port = int(os.environ.get("DEMO_ADDRESS", "127.0.0.1:8000").rsplit(":", 1)[-1])  # links in e-mails
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": port, "root_page": home, "site_name": "Stad Demostad"},
        )
        for stale in Page.objects.child_of(root).exclude(translation_key=home.translation_key):
            stale.delete()  # the "Welcome to Wagtail" page of a fresh install (not the home page's translations)
        return Site.objects.get(is_default_site=True), home

    def _counter_page(self, home):
        page = DigitalCounterPage.objects.filter(locale=Locale.get_default()).first()
        if page is not None and not any(block.block_type == "video_room" for block in page.body):
            page.body.append(("video_room", WALK_IN_BLOCK))
            page.save_revision().publish()
        if page is None:
            page = home.add_child(
                instance=DigitalCounterPage(
                    title="Digitale balie",
                    slug="digitale-balie",
                    intro="<p>Praat met de stad via video of telefoon. U hoeft niet naar het stadhuis te komen.</p>",
                    body=[
                        (
                            "appointment_booking",
                            {
                                "heading": "Maak een afspraak",
                                "intro": "<p>Kies waarvoor u een afspraak wilt. Daarna kiest u een dag en uur.</p>",
                                "services": [],
                            },
                        ),
                        ("video_room", WALK_IN_BLOCK),
                    ],
                )
            )
            page.save_revision().publish()
        return page

    def _code_page(self, home):
        """A "Code" page with the verification-code block: where a caller types the clerk's code."""
        intro = "<p>Belt u met de stad? De medewerker geeft u een code. Typ die hier.</p>"
        return self._content_page(home, "code", "Toon wie u bent", "identity_verification", "Typ uw code", intro)

    def _pay_page(self, home):
        """A "Betalen" page with the payment-code block: where a caller pays what the clerk asked."""
        intro = (
            "<p>Heeft u met de stad gebeld? De medewerker geeft u een code. Typ die hier. Dan ziet u wat u betaalt.</p>"
        )
        return self._content_page(home, "betalen", "Betalen", "payment", "Betalen met een code", intro)

    def _content_page(self, home, slug, title, block, heading, intro):

        page = ContentPage.objects.filter(slug=slug, locale=Locale.get_default()).first()
        if page is None:
            body = [(block, {"heading": heading, "intro": intro})]
            page = home.add_child(instance=ContentPage(title=title, slug=slug, body=body))
            page.save_revision().publish()
        return page

    def _application_form(self, home):
        """An application form (Wagtail form builder) a clerk can send during a conversation."""
        page = ApplicationFormPage.objects.filter(slug="aanvraag-bewonerskaart").first()
        if page is None:
            page = home.add_child(
                instance=ApplicationFormPage(
                    title="Aanvraag bewonerskaart",
                    slug="aanvraag-bewonerskaart",
                    intro="<p>Vul dit formulier in. De medewerker ziet uw antwoorden meteen.</p>",
                )
            )
            fields = [
                ("Nummerplaat", "singleline", True, ""),
                ("E-mailadres", "email", True, ""),
                ("Soort kaart", "radio", True, "Bewoner\nBezoeker\nZorgverlener"),
                ("Opmerking", "multiline", False, ""),
            ]
            for order, (label, field_type, required, choices) in enumerate(fields):
                page.form_fields.create(
                    label=label, field_type=field_type, required=required, choices=choices, sort_order=order
                )
            page.save_revision().publish()
        return page

    def _service(self, site, slug, data):
        values = {key: value for key, value in data.items() if key != "slug"}
        service, _ = Service.objects.canonical().update_or_create(site=site, slug=slug, defaults=values)
        return service

    def _seat(self, site, name, location, services, clerks, always_open=False):
        seats = CounterSeat.objects.canonical()
        seat, _ = seats.update_or_create(site=site, name=name, defaults={"location": location})
        seat.services.set(services)
        seat.clerk_groups.add(clerks)
        hours = [(day, time(0), time(23, 55)) for day in range(7)] if always_open else OPENING_HOURS
        if not seat.availability_rules.exists():
            AvailabilityRule.objects.bulk_create(
                AvailabilityRule(seat=seat, weekday=day, start_time=start, end_time=end) for day, start, end in hours
            )

    def _user(self, username, password, first_name, superuser, group_name):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first_name, "email": f"{username}@demostad.example"}
        )
        user.is_superuser = user.is_staff = superuser
        user.set_password(password)
        user.save()
        if group_name:
            user.groups.add(self._group(group_name))
            if group_name == "editors":  # the demo's editor also edits the rest of the site: Wagtail's own group
                user.groups.add(Group.objects.get_or_create(name="Editors")[0])
        self.stdout.write(f"  login: {username} / {password}")

    def _group(self, role):
        """The staff role's group, as ``balie_staff_groups`` makes it (Dutch names: the demo city's language)."""
        with translation.override("nl"):
            group = apply_role(ROLES[role]).group
        if role == "clerks":
            group.permissions.add(*resolve(DEMO_CLERK_EXTRAS))
        return group
