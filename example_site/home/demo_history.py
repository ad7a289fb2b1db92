"""A few weeks of made-up history for the demo site, so the dashboard and the reports show figures.

Rows go straight into the tables with ``bulk_create``: no e-mail, SMS, background task or signal
goes out, and every time stamp lies before today. All chance comes from one ``random.Random(seed)``,
so two runs on the same day build the same history. The conversations are marked by the prefix of
their (otherwise random) room name: that is how a second run knows the history is there already.
"""

from __future__ import annotations

import random
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from digitale_balie_plugin.cases.service import payload as case_payload
from digitale_balie_plugin.cms.roles import CLERKS
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import (
    ActionStatus,
    Appointment,
    CallSession,
    CaseRecord,
    CaseStatus,
    ChannelCount,
    Closure,
    CounterSeat,
    Document,
    FailureReason,
    Feedback,
    FeedbackInvitation,
    IdentityVerification,
    InCallAction,
    Notification,
    Outcome,
    Payment,
    PaymentAttempt,
    PaymentStatus,
    SeatReservation,
    SessionStatus,
    SignatureRequest,
    StaffSurveyAnswer,
)
from digitale_balie_plugin.models.choices import AppointmentStatus, BookedVia
from example_site.home.management.commands.load_demo_content import DEMO_SEAT

SEED = 2026
DAYS = 42
ROOM_PREFIX = "demo-history-"
#: Colleagues of the demo clerk, so the figures per clerk are not one person's (they cannot log in).
EXTRA_CLERKS = [("karim", "Karim"), ("els", "Els"), ("lotte", "Lotte")]

FIRST_NAMES = ["An", "Bart", "Chloé", "Dirk", "Elif", "Fatima", "Geert", "Hanne", "Ines", "Jonas", "Karel", "Lien"]
FIRST_NAMES += ["Mohamed", "Nina", "Olivier", "Pieter", "Rania", "Sarah", "Tom", "Ward", "Yasmine", "Zoë"]
LAST_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters"]
LAST_NAMES += ["De Smet", "Dubois", "Lambert", "El Amrani", "Vermeulen", "Yilmaz", "Hermans", "Aerts"]

NOTES = {
    "identiteitskaart": [
        "Aanvraag eID ingediend. De kaart ligt over drie weken klaar.",
        "Pasfoto was te oud. Burger brengt een nieuwe foto mee.",
        "Nieuwe pincode-brief aangevraagd.",
        "eID verloren: aangifte genoteerd, nieuwe kaart aangevraagd.",
    ],
    "bouwadvies": [
        "Plannen besproken. De aanvraag omgevingsvergunning kan zo ingediend worden.",
        "Dakkapel te hoog. Burger stuurt een aangepaste schets.",
        "Burger stuurt nog foto's van de achtergevel.",
        "Uitleg gegeven over de afstand tot de perceelsgrens.",
    ],
    "parkeervergunning": [
        "Bewonerskaart aangemaakt voor zone Centrum.",
        "Tweede wagen: uitleg over het tarief gegeven.",
        "Nummerplaat op de kaart aangepast.",
        "Bezoekerskaart aangevraagd voor de mantelzorger.",
    ],
    "afvalkalender": [
        "Afvalkalender per e-mail bezorgd.",
        "Extra rol restafvalzakken besteld.",
        "Uitleg over grofvuil aan huis gegeven.",
        "Pmd niet opgehaald: melding doorgegeven aan de ophaaldienst.",
    ],
    "uittreksel-strafregister": [
        "Uittreksel model 1 aangevraagd voor een nieuwe job.",
        "Uittreksel model 2 aangevraagd (werken met kinderen).",
        "Burger kreeg uitleg over de aanvraag op de federale website.",
    ],
}
GENERAL_NOTES = ["Vraag beantwoord.", "Doorverwezen naar de juiste dienst."]
FOLLOW_UP_NOTE = "Er is nog een gesprek nodig. Burger maakt een nieuwe afspraak."

COMMENTS = {
    ("nl", True): [
        "Heel vlot geholpen. Ik moest niet naar het stadhuis.",
        "Vriendelijke medewerker, alles was duidelijk.",
        "Fijn dat het via video kon. Dat spaart mij een halve dag verlof.",
        "Snel en eenvoudig. Volgende keer doe ik het weer zo.",
    ],
    ("nl", False): [
        "Ik moest lang wachten in de wachtkamer.",
        "Het beeld viel een paar keer weg.",
        "Inloggen met itsme lukte pas de tweede keer.",
        "De betaling werkte niet met mijn bankkaart.",
    ],
    ("fr", True): [
        "Très pratique, je n'ai pas dû me déplacer.",
        "Accueil aimable et rapide, merci !",
        "Tout était clair, même en français.",
    ],
    ("fr", False): ["L'attente était trop longue.", "Le son coupait souvent."],
}
STAFF_COMMENTS = [
    "De console werkt vlot.",
    "Het beeld van de burger hapert soms.",
    "Documenten bekijken mag sneller.",
    "Minder telefoons sinds de videoafspraken.",
]
DOCUMENT_NAMES = {
    "bouwadvies": ["plannen-verbouwing.pdf", "foto-achtergevel.jpg", "inplantingsplan.pdf"],
    "uittreksel-strafregister": ["attest-werkgever.pdf", "kopie-identiteitskaart.pdf"],
}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg"}
PAYMENT_METHODS = {"bancontact": 55, "kbc": 10, "belfius": 10, "creditcard": 10, "applepay": 15}
VERIFICATION_FAILURES = {
    FailureReason.CANCELLED: 35,
    FailureReason.LEVEL_TOO_LOW: 20,
    FailureReason.EXPIRED: 20,
    FailureReason.MISMATCH: 10,
    FailureReason.PROVIDER_UNAVAILABLE: 15,
}
TIME_SAVED = {"none": 5, "under_30": 15, "under_60": 35, "under_120": 30, "more": 15}
SATISFACTION = {5: 45, 4: 32, 3: 12, 2: 6, 1: 5}


def history_exists(site) -> bool:
    return CallSession.objects.filter(site=site, room_name__startswith=ROOM_PREFIX).exists()


def _stamp_fields(model) -> list:
    return [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]


#: The tables we fill whose time stamps Django would set to "now", with those fields.
STAMPED = {
    model: _stamp_fields(model)
    for model in (
        Appointment,
        CallSession,
        InCallAction,
        Payment,
        PaymentAttempt,
        Document,
        Notification,
        CaseRecord,
        FeedbackInvitation,
        StaffSurveyAnswer,
        ChannelCount,
    )
}


@contextmanager
def timestamps_as_given():
    """Let the ``auto_now``/``auto_now_add`` fields keep the past times we give them instead of "now"."""
    fields = [field for fields in STAMPED.values() for field in fields]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class History:
    """Builds the history of ``site`` for the ``days`` working days before today."""

    def __init__(self, site, *, now=None, seed: int = SEED, days: int = DAYS):
        self.site, self.rng = site, random.Random(seed)  # noqa: S311 - made-up demo data, repeatable on purpose
        self.now = now or timezone.now()
        self.tz = app_settings.TIME_ZONE
        self.today = timezone.localtime(self.now, self.tz).date()
        self.first_day = self.today - timedelta(days=days)
        self.counts: Counter[str] = Counter()
        self.serial = 0

    # --- helpers ---------------------------------------------------------------------------------

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def minutes(self, low: float, high: float, mode: float | None = None) -> timedelta:
        return timedelta(minutes=self.rng.triangular(low, high, mode if mode is not None else (low + high) / 2))

    def hex(self) -> str:
        return f"{self.rng.getrandbits(256):064x}"

    def before_now(self, moment: datetime) -> datetime:
        return min(moment, self.now - timedelta(minutes=5))

    def bulk(self, model, objects: list) -> list:
        """Insert ``objects``; time stamps we left empty take the row's other time stamp."""
        names = [field.attname for field in STAMPED.get(model, ())]
        for obj in objects:
            known = next((getattr(obj, name) for name in names if getattr(obj, name)), None)
            for name in names:
                if getattr(obj, name) is None:
                    setattr(obj, name, known)
        created = model.objects.bulk_create(objects, batch_size=500)
        self.counts[model.__name__] += len(created)
        return created

    # --- the whole history -----------------------------------------------------------------------

    def build(self) -> Counter:
        self.clerks = self._clerks()
        seats = list(
            CounterSeat.objects.canonical()
            .filter(site=self.site, active=True)
            .exclude(name=DEMO_SEAT)  # always open, for trying a call at any hour: no history there
            .prefetch_related("services", "availability_rules")
        )
        closed = self._closed_days()
        days = [
            self.first_day + timedelta(days=n)
            for n in range((self.today - self.first_day).days)
            if (self.first_day + timedelta(days=n)).weekday() < 5
        ]
        with timestamps_as_given():
            appointments = self._appointments(days, seats, closed)
            sessions = self._sessions(appointments) + self._walk_ins_and_contacts(days, seats, closed)
            self.bulk(CallSession, sessions)
            ended = [session for session in sessions if session.status == SessionStatus.ENDED]
            self._actions(ended)
            self._notifications(appointments)
            self._cases(ended)
            self._feedback(ended, days)
            self._staff_survey()
            self._channel_counts()
        return self.counts

    def _clerks(self) -> list:
        with translation.override("nl"):  # the clerks' group load_demo_content made
            group, _created = Group.objects.get_or_create(name=str(CLERKS.name))
        clerks = list(get_user_model().objects.filter(groups=group, is_active=True).order_by("pk"))
        for username, first_name in EXTRA_CLERKS:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"first_name": first_name, "email": f"{username}@demostad.example"}
            )
            if created:
                user.set_unusable_password()
                user.save()
            user.groups.add(group)
            if user not in clerks:
                clerks.append(user)
        return clerks

    def _closed_days(self) -> set[tuple[int | None, date]]:
        """(seat id or ``None`` for the whole site, local day) of every closure in the period."""
        closed = set()
        start = datetime.combine(self.first_day, time.min, tzinfo=self.tz)
        for closure in Closure.objects.filter(site=self.site, end__gt=start, start__lt=self.now):
            day = timezone.localtime(closure.start, self.tz).date()
            while datetime.combine(day, time.min, tzinfo=self.tz) < closure.end:
                closed.add((closure.seat_id, day))
                day += timedelta(days=1)
        return closed

    def _windows(self, seat, day) -> list[tuple[datetime, datetime]]:
        return [
            (
                datetime.combine(day, rule.start_time, tzinfo=self.tz),
                datetime.combine(day, rule.end_time, tzinfo=self.tz),
            )
            for rule in seat.availability_rules.all()
            if rule.weekday == day.weekday()
            and (rule.valid_from is None or rule.valid_from <= day)
            and (rule.valid_until is None or rule.valid_until >= day)
        ]

    @staticmethod
    def _open(seat, day, closed) -> bool:
        return (None, day) not in closed and (seat.pk, day) not in closed

    # --- appointments ----------------------------------------------------------------------------

    def _appointments(self, days, seats, closed) -> list[Appointment]:
        appointments = []
        for day in days:
            for seat in seats:
                services = [service for service in seat.services.all() if service.active]
                if services and self._open(seat, day, closed):
                    for start, end in self._windows(seat, day):
                        appointments += self._fill_window(seat, services, start, end)
        self.bulk(Appointment, appointments)
        reservations = [
            SeatReservation(seat_id=a.seat_id, quantum_start=quantum, appointment=a)
            for a in appointments
            if a.status != AppointmentStatus.CANCELLED
            for quantum in SeatReservation.quanta(a.start, a.reserved_until)
        ]
        SeatReservation.objects.bulk_create(reservations, batch_size=1000)
        return appointments

    def _fill_window(self, seat, services, start, end) -> list[Appointment]:
        booked, cursor = [], start
        while True:
            service = self.rng.choice(services)
            finish = cursor + timedelta(minutes=service.duration_minutes)
            if finish > end:
                return booked
            if self.chance(0.55):
                booked.append(self._appointment(seat, service, cursor, finish))
            cursor = finish + timedelta(minutes=service.buffer_minutes)

    def _appointment(self, seat, service, start, end) -> Appointment:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        self.serial += 1
        created = start - timedelta(hours=self.rng.uniform(3, 24 * 14))
        via = self.weighted({BookedVia.WEB: 80, BookedVia.PHONE: 15, BookedVia.DESK: 5})
        roll = self.rng.random()
        status = (
            AppointmentStatus.CANCELLED
            if roll < 0.08
            else AppointmentStatus.NO_SHOW
            if roll < 0.15
            else AppointmentStatus.COMPLETED
        )
        channel = self.weighted({c: {"video": 65, "phone": 25, "desk": 10}[c] for c in service.channels})
        return Appointment(
            site=self.site,
            service=service,
            seat=seat,
            start=start,
            end=end,
            reserved_until=end + timedelta(minutes=service.buffer_minutes),
            channel=channel,
            status=status,
            booked_via=via,
            booked_by=self.rng.choice(self.clerks) if via != BookedVia.WEB else None,
            citizen_name=f"{first} {last}",
            email=f"{first}.{last}.{self.serial}@burger.demostad.example".lower().replace(" ", ""),
            phone=f"04{self.rng.randint(70, 99)}{self.rng.randint(100000, 999999)}",
            sms_consent=self.chance(0.4),
            language=self.weighted({"nl": 85, "fr": 12, "en": 3}),
            question=self.rng.choice(["", "", "Ik heb nog een vraag over de kostprijs."]),
            created_at=created,
            updated_at=created,
            cancelled_at=created + (start - created) * self.rng.uniform(0.2, 0.9)
            if status == AppointmentStatus.CANCELLED
            else None,
        )

    # --- conversations ---------------------------------------------------------------------------

    def _session(self, **fields) -> CallSession:
        self.serial += 1
        return CallSession(
            site=self.site, room_name=f"{ROOM_PREFIX}{self.serial}-{self.rng.getrandbits(64):x}", **fields
        )

    def _sessions(self, appointments) -> list[CallSession]:
        sessions = []
        for a in appointments:
            if a.status == AppointmentStatus.CANCELLED:
                continue
            session = self._session(
                seat_id=a.seat_id,
                service=a.service,
                appointment=a,
                channel=a.channel,
                citizen_name=a.citizen_name,
                planned_start=a.start,
                clerk=self.rng.choice(self.clerks),
                created_at=a.start - timedelta(hours=1),
            )
            if a.status == AppointmentStatus.NO_SHOW:
                session.status, session.ended_at = SessionStatus.NO_SHOW, a.start + self.minutes(8, 15)
            else:
                self._conversation(session, arrived=a.start + self.minutes(-6, 3, 0), earliest=a.start)
            sessions.append(session)
        return sessions

    def _conversation(self, session, *, arrived, earliest, wait_mode: float = 1) -> None:
        """Waiting since ``arrived``; the clerk starts 0–15 minutes after the later of the two; it lasts
        about as long as the service says."""
        duration = session.service.duration_minutes if session.service else 10
        session.status, session.waiting_since = SessionStatus.ENDED, arrived
        session.started_at = max(arrived, earliest) + self.minutes(0, 15, wait_mode)
        session.ended_at = session.started_at + timedelta(minutes=max(4, duration * self.rng.uniform(0.5, 1.3)))
        follow_up = self.chance(0.12)
        session.outcome = Outcome.FOLLOW_UP if follow_up else Outcome.RESOLVED
        slug = session.service.slug if session.service else ""
        session.notes = FOLLOW_UP_NOTE if follow_up else self.rng.choice(NOTES.get(slug, GENERAL_NOTES))

    def _walk_ins_and_contacts(self, days, seats, closed) -> list[CallSession]:
        """Citizens who took a ticket on the website, and phone/chat/desk contacts the clerk opened."""
        sessions = []
        for day in days:
            for seat in seats:
                windows = self._windows(seat, day)
                services = list(seat.services.all())
                if not windows or not services or not self._open(seat, day, closed):
                    continue
                video = [service for service in services if service.offers_video]
                for ticket in range(1, self.rng.randint(0, 3) + 1 if video else 1):
                    sessions.append(self._walk_in(seat, self.rng.choice(video), windows, ticket))
                for _contact in range(self.rng.randint(0, 3)):
                    sessions.append(self._contact(seat, self.rng.choice(services), windows))
        return sessions

    def _moment(self, windows) -> datetime:
        start, end = self.rng.choice(windows)
        return start + (end - start - timedelta(minutes=20)) * self.rng.random()

    def _walk_in(self, seat, service, windows, ticket) -> CallSession:
        arrived = self._moment(windows)
        name = self.rng.choice(FIRST_NAMES)
        session = self._session(
            seat_id=seat.pk,
            service=service,
            channel="video",
            citizen_name=name,
            contact=f"{name.lower()}.{self.serial}@burger.demostad.example" if self.chance(0.6) else "",
            is_walk_in=True,
            ticket_number=ticket,
            planned_start=arrived,
            clerk=self.rng.choice(self.clerks),
            created_at=arrived,
        )
        if self.chance(0.1):  # gave up waiting
            session.status, session.waiting_since, session.ended_at = (
                SessionStatus.NO_SHOW,
                arrived,
                arrived + self.minutes(10, 30),
            )
        else:
            self._conversation(session, arrived=arrived, earliest=arrived, wait_mode=5)
        return session

    def _contact(self, seat, service, windows) -> CallSession:
        opened = self._moment(windows)
        session = self._session(
            seat_id=seat.pk,
            service=service,
            channel=self.weighted({"phone": 50, "chat": 30, "desk": 20}),
            citizen_name=self.rng.choice(FIRST_NAMES),
            planned_start=opened,
            clerk=self.rng.choice(self.clerks),
            created_at=opened,
        )
        self._conversation(session, arrived=opened, earliest=opened, wait_mode=0)
        session.started_at = opened + self.minutes(0, 2, 0)
        return session

    # --- in-call actions -------------------------------------------------------------------------

    def _actions(self, sessions) -> None:
        plan = ActionPlan(self)
        for session in sessions:
            service = session.service
            if service is None:
                continue
            if service.needs_identity_verification and self.chance(0.9):
                plan.verification(session, required=service.identity_level)
            if service.needs_payment and self.chance(0.85):
                plan.payment(session, service)
            if service.needs_documents and self.chance(0.7):
                plan.exchange(session, service)
            if service.slug == "bouwadvies" and self.chance(0.35):
                plan.signature(session)
        plan.save()

    # --- messages --------------------------------------------------------------------------------

    def _notifications(self, appointments) -> None:
        rows = []
        for a in appointments:
            rows.append(self._email(a, Notification.Kind.CONFIRMATION, a.created_at + timedelta(seconds=20)))
            reminder_at = a.start - app_settings.REMINDER_BEFORE
            wanted = a.created_at < reminder_at and (a.cancelled_at is None or a.cancelled_at > reminder_at)
            if wanted:
                rows.append(self._email(a, Notification.Kind.REMINDER, reminder_at + self.minutes(0, 5)))
                if a.sms_consent:
                    rows.append(self._sms(a, reminder_at + self.minutes(0, 5)))
            if a.cancelled_at:
                rows.append(self._email(a, Notification.Kind.CANCELLED, a.cancelled_at + timedelta(seconds=20)))
        self.bulk(Notification, rows)

    def _notification(self, a, kind, channel, when, **fields) -> Notification:
        start = a.start.astimezone(UTC)
        return Notification(
            appointment=a,
            kind=kind,
            channel=channel,
            dedupe_key=f"{a.pk}:{kind}:{channel}:{start:%Y%m%dT%H%M}",
            created_at=when,
            updated_at=when + timedelta(seconds=3),
            **fields,
        )

    def _email(self, a, kind, when) -> Notification:
        if self.chance(0.03):
            return self._notification(
                a, kind, "email", when, status="gave_up", attempts=3, error="SMTP 550: mailbox unavailable"
            )
        opened = None
        if kind != Notification.Kind.CANCELLED and self.chance(0.5):
            opened = self.before_now(min(when + self.minutes(1, 600, 20), a.start + timedelta(minutes=5)))
        return self._notification(a, kind, "email", when, status="sent", opened_at=opened)

    def _sms(self, a, when) -> Notification:
        if self.chance(0.03):
            return self._notification(
                a,
                "reminder",
                "sms",
                when,
                status="gave_up",
                attempts=1,
                provider="demo",
                error="Ongeldig nummer (21211)",
            )
        delivery = self.weighted({"delivered": 88, "undelivered": 6, "failed": 3, "sent": 3})
        return self._notification(
            a,
            "reminder",
            "sms",
            when,
            status="sent",
            provider="demo",
            provider_message_id=f"demo-history-{a.pk}",
            delivery_status=delivery,
            error="30003" if delivery in ("undelivered", "failed") else "",
        )

    # --- case records ----------------------------------------------------------------------------

    def _cases(self, sessions) -> None:
        """One record per ended conversation, in the CRM's documented shape, almost all registered."""
        loaded = CallSession.objects.select_related("site", "service", "clerk", "follow_up")
        rows = []
        for session in loaded.filter(pk__in=[s.pk for s in sessions]):
            key = f"history-{self.rng.getrandbits(128):032x}"
            record = CaseRecord(
                session=session,
                idempotency_key=key,
                payload=case_payload(session, key),
                provider="demo",
                created_at=session.ended_at,
            )
            if self.chance(0.03):
                record.status, record.attempts, record.last_error = (
                    CaseStatus.FAILED,
                    8,
                    "De CRM-server antwoordt niet.",
                )
            else:
                record.status, record.attempts = CaseStatus.SENT, 1
                record.sent_at = session.ended_at + self.minutes(0.5, 3)
                record.reference = f"CRM-{session.ended_at:%Y}-{session.pk:05d}"
            rows.append(record)
        self.bulk(CaseRecord, rows)

    # --- feedback --------------------------------------------------------------------------------

    def _feedback(self, sessions, days) -> None:
        answers, invitations = [], []
        for session in sessions:
            language = session.appointment.language if session.appointment else "nl"
            if self.chance(0.3):
                answers.append(self._answer(session, Feedback.Source.CALL, session.ended_at, language))
                session.feedback_given = True
                continue
            address = session.appointment.email if session.appointment else session.contact
            if "@" not in address:
                continue
            invited = session.ended_at + app_settings.FEEDBACK_INVITATION_DELAY
            session.feedback_invited_at = invited
            used = self.before_now(invited + timedelta(hours=self.rng.uniform(0.2, 72))) if self.chance(0.25) else None
            if used:
                answers.append(self._answer(session, Feedback.Source.EMAIL, used, language))
                session.feedback_given = True
            invitations.append(
                FeedbackInvitation(
                    session=session,
                    token_hash=self.hex(),
                    created_at=invited,
                    sent_at=invited,
                    expires_at=invited + app_settings.FEEDBACK_LINK_VALID,
                    used_at=used,
                )
            )
        answers += [self._page_answer(self.rng.choice(days)) for _n in range(12)]
        self.bulk(Feedback, answers)
        self.bulk(FeedbackInvitation, invitations)
        CallSession.objects.bulk_update(sessions, ["feedback_given", "feedback_invited_at"], batch_size=500)

    def _scores(self, language: str) -> dict:
        satisfaction = self.weighted(SATISFACTION)
        happy = satisfaction >= 4
        if satisfaction >= 4:
            use_again = self.weighted({"yes": 90, "maybe": 10})
        else:
            use_again = self.weighted(
                {"yes": 20, "maybe": 50, "no": 30} if satisfaction == 3 else {"maybe": 40, "no": 60}
            )
        pool = COMMENTS[("fr" if language == "fr" else "nl", happy)]
        return {
            "satisfaction": satisfaction,
            "ease": min(5, max(1, satisfaction + self.rng.choice([-1, 0, 0, 0, 1]))),
            "use_again": use_again,
            "time_saved": self.weighted(TIME_SAVED) if self.chance(0.9) else "",
            "comment": self.rng.choice(pool) if self.chance(0.3) else "",
            "language": language,
        }

    def _answer(self, session, source, when, language) -> Feedback:
        contact = {}
        if session.appointment and self.chance(0.08):
            contact = {
                "contact_ok": True,
                "session": session,
                "contact_name": session.citizen_name,
                "contact_email": session.appointment.email,
            }
        return Feedback(
            site=self.site,
            source=source,
            service=session.service,
            seat_id=session.seat_id,
            channel=session.channel,
            given_on=timezone.localtime(when, self.tz).date(),
            **self._scores(language),
            **contact,
        )

    def _page_answer(self, day) -> Feedback:
        return Feedback(
            site=self.site,
            source=Feedback.Source.PAGE,
            page_title=self.rng.choice(["Digitale balie", "Stad Demostad"]),
            given_on=day,
            **self._scores(self.weighted({"nl": 85, "fr": 15})),
        )

    # --- what staff and managers entered ---------------------------------------------------------

    def _staff_survey(self) -> None:
        """One answer per clerk per month; the demo clerk leaves this month open, to try the survey."""
        months, month = [], self.first_day.replace(day=1)
        while month <= self.today:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        rows = []
        for month in months:
            for clerk in self.clerks:
                if month == self.today.replace(day=1) and clerk.username not in dict(EXTRA_CLERKS):
                    continue
                when = datetime.combine(month + timedelta(days=self.rng.randint(0, 20)), time(16), tzinfo=self.tz)
                rows.append(
                    StaffSurveyAnswer(
                        site=self.site,
                        user=clerk,
                        month=month,
                        satisfaction=self.weighted({5: 28, 4: 45, 3: 20, 2: 5, 1: 2}),
                        tools=self.weighted({5: 25, 4: 45, 3: 20, 2: 8, 1: 2}),
                        comment=self.rng.choice(STAFF_COMMENTS) if self.chance(0.3) else "",
                        created_at=self.before_now(when),
                    )
                )
        existing = set(StaffSurveyAnswer.objects.filter(month__in=months).values_list("user_id", "month"))
        self.bulk(StaffSurveyAnswer, [row for row in rows if (row.user_id, row.month) not in existing])

    def _channel_counts(self) -> None:
        """Desk visits and phone calls per past week (Monday to Sunday), slowly going down."""
        monday = self.first_day + timedelta(days=(7 - self.first_day.weekday()) % 7)
        rows, week = [], 0
        while monday + timedelta(days=6) < self.today:
            rows.append(
                ChannelCount(
                    site=self.site,
                    period_start=monday,
                    period_end=monday + timedelta(days=6),
                    desk_visits=self.rng.randint(150, 180) - 6 * week,
                    phone_calls=self.rng.randint(240, 280) - 8 * week,
                    updated_at=self.before_now(datetime.combine(monday + timedelta(days=7), time(9), tzinfo=self.tz)),
                )
            )
            monday, week = monday + timedelta(days=7), week + 1
        self.bulk(ChannelCount, rows)


class ActionPlan:
    """The in-call actions of the history, gathered first and inserted per table (parents first)."""

    def __init__(self, history: History):
        self.h = history
        self.actions, self.verifications, self.payments, self.attempts = [], [], [], []
        self.documents, self.signatures = [], []

    def action(self, session, kind, status, offset_minutes, payload, **fields) -> InCallAction:
        created = min(session.started_at + timedelta(minutes=offset_minutes), session.ended_at - timedelta(minutes=1))
        action = InCallAction(
            session=session,
            kind=kind,
            status=status,
            payload=payload,
            created_by=session.clerk,
            created_at=created,
            updated_at=min(created + self.h.minutes(1, 6), session.ended_at),
            expires_at=created + timedelta(minutes=30),
            **fields,
        )
        self.actions.append(action)
        return action

    def verification(self, session, *, required, succeed=None) -> IdentityVerification:
        h = self.h
        ok = h.chance(0.85) if succeed is None else succeed
        provider = h.weighted({"balie-itsme": 60, "balie-fas": 40})
        reason = "" if ok else h.weighted(VERIFICATION_FAILURES)
        level = required if ok else ("substantial" if reason == FailureReason.LEVEL_TOO_LOW else "")
        status = (
            ActionStatus.COMPLETED
            if ok
            else (ActionStatus.EXPIRED if reason == FailureReason.EXPIRED else ActionStatus.FAILED)
        )
        result = {"provider": provider, "level": level, "matches_expected": None, "reason": reason}
        action = self.action(
            session, "verify_identity", status, 2, {"expects_someone": False}, result=result, status_reason=reason
        )
        given, _space, family = session.citizen_name.partition(" ")
        verification = IdentityVerification(
            action=action,
            required_level=required,
            provider=provider,
            level=level,
            failure_reason=reason,
            given_name=given if ok else "",
            family_name=family if ok else "",
            birth_date=date(h.rng.randint(1940, 2005), h.rng.randint(1, 12), h.rng.randint(1, 28)) if ok else None,
            national_number_hash=h.hex() if ok else "",
            verified_at=action.updated_at if ok else None,
        )
        self.verifications.append(verification)
        return verification

    def payment(self, session, service) -> None:
        h = self.h
        outcome = h.weighted({PaymentStatus.PAID: 84, PaymentStatus.FAILED: 9, PaymentStatus.EXPIRED: 7})
        status = {PaymentStatus.PAID: ActionStatus.COMPLETED, PaymentStatus.FAILED: ActionStatus.FAILED}.get(
            outcome, ActionStatus.EXPIRED
        )
        amount, description = service.payment_amount, service.payment_description or service.name
        action = self.action(session, "request_payment", status, 6, {"amount": str(amount), "description": description})
        method = h.weighted(PAYMENT_METHODS)
        payment = Payment(
            action=action,
            amount=amount,
            description=description,
            provider="demo",
            status=outcome,
            method=method if outcome == PaymentStatus.PAID else "",
            paid_at=action.updated_at if outcome == PaymentStatus.PAID else None,
            language=session.appointment.language if session.appointment else "nl",
            last_error="De bank weigerde de betaling." if outcome == PaymentStatus.FAILED else "",
            created_at=action.created_at,
            updated_at=action.updated_at,
        )
        self.payments.append(payment)
        attempt_id = f"tr_history{h.rng.getrandbits(48):012x}"
        if outcome == PaymentStatus.PAID:
            payment.provider_payment_id = attempt_id
        self.attempts.append(
            PaymentAttempt(
                payment=payment,
                provider="demo",
                provider_payment_id=attempt_id,
                status=outcome,
                method=payment.method,
                created_at=action.created_at,
                updated_at=action.updated_at,
            )
        )

    def document(self, session, name, source, request=None) -> Document:
        h = self.h
        created = session.started_at + h.minutes(1, 10)
        document = Document(
            session=session,
            request=request,
            source=source,
            name=name,
            content_type=CONTENT_TYPES[name.rsplit(".", 1)[-1]],
            size=h.rng.randint(80_000, 3_000_000),
            sha256=h.hex(),
            storage_name=f"demo-history/{h.hex()[:32]}",
            created_at=created,
            expires_at=created + timedelta(days=30),
            deleted_at=session.ended_at,  # the demo history keeps no files
            deleted_reason="demo",
        )
        self.documents.append(document)
        return document

    def exchange(self, session, service) -> None:
        action = self.action(session, "exchange_documents", ActionStatus.COMPLETED, 4, {"what": "Plannen en foto's"})
        names = DOCUMENT_NAMES.get(service.slug, ["document.pdf"])
        for name in self.h.rng.sample(names, self.h.rng.randint(1, len(names))):
            self.document(session, name, "citizen", request=action)

    def signature(self, session) -> None:
        verification = self.verification(session, required="substantial", succeed=True)
        signed = self.h.chance(0.8)
        status = ActionStatus.COMPLETED if signed else ActionStatus.EXPIRED
        report = self.document(session, "Verslag bouwadvies.pdf", "clerk")
        action = self.action(session, "request_signature", status, 12, {"document": None})
        self.signatures.append(
            SignatureRequest(
                action=action,
                document=report,
                document_sha256=report.sha256,
                required_level="substantial",
                verification=verification if signed else None,
                signer_name=session.citizen_name if signed else "",
                signed_document=self.document(session, "Verslag bouwadvies (ondertekend).pdf", "clerk", request=action)
                if signed
                else None,
                signed_at=action.updated_at if signed else None,
            )
        )

    def save(self) -> None:
        h = self.h
        h.bulk(InCallAction, self.actions)
        h.bulk(IdentityVerification, self.verifications)
        h.bulk(Payment, self.payments)
        h.bulk(PaymentAttempt, self.attempts)
        h.bulk(Document, self.documents)
        for signature in self.signatures:
            signature.action.payload = {"document": signature.document.pk}
        InCallAction.objects.bulk_update([s.action for s in self.signatures], ["payload"], batch_size=500)
        h.bulk(SignatureRequest, self.signatures)
