"""The link to a conversation's summary: what was done, with its documents, after the call.

Why a row of its own: the citizen loses every link of the call when it ends (by design), but keeps this one.
It is not single-use (the citizen may open it several times) and lives as long as the documents it leads to:
it expires at the end of the site's document retention period, and the retention job revokes it when it
deletes them. Only the SHA-256 hash of the token is stored.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.calls import CallSession
from digitale_balie_plugin.tokens import SHORT_TOKEN_BYTES, TOKEN_BYTES, hash_token, new_token


class SummaryLinkQuerySet(models.QuerySet):
    def by_token(self, raw: str):
        """The link of ``raw`` whatever its state (expired and revoked ones too: their page says why)."""
        return self.filter(token_hash=hash_token(raw))

    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class SummaryLink(models.Model):
    session = models.ForeignKey(
        CallSession, on_delete=models.CASCADE, related_name="summary_links", verbose_name=_("conversation")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("works until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = SummaryLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("summary link")
        verbose_name_plural = _("summary links")

    def __str__(self) -> str:
        return f"{self.session_id} (until {self.expires_at:%Y-%m-%d})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def issue(cls, session: CallSession, retention_days: int, *, short: bool = False) -> tuple[str, SummaryLink]:
        """A new link for ``session`` (``short``: 128 bits, for an SMS); returns ``(raw, link)``."""
        raw, digest = new_token(SHORT_TOKEN_BYTES if short else TOKEN_BYTES)
        ended = session.ended_at or timezone.now()
        link = cls.objects.create(session=session, token_hash=digest, expires_at=ended + timedelta(days=retention_days))
        return raw, link
