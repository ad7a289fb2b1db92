"""Append-only audit log.

Every verification, payment, signature, document access and booking change writes one row.
Rows can be added, never changed or deleted through the ORM or the admin: the queryset and the
model refuse it. The log has its own retention (``AUDIT_RETENTION_DAYS``): the daily job in
``retention.audit`` is the one deliberate path that deletes old rows, and it logs that it did.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(
        _("actor"), max_length=100, blank=True, help_text=_("'citizen', 'system' or the user's name at that time.")
    )
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    data = models.JSONField(_("details"), default=dict, blank=True, help_text=_("Never personal identifiers in clear."))

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-timestamp"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")


def record(action: str, obj, *, user=None, actor_label: str = "", site=None, **data) -> AuditEvent:
    """Write one audit event about ``obj``. ``data`` must hold no personal identifiers."""
    return record_about(
        action, obj._meta.label_lower, object_id=str(obj.pk), user=user, actor_label=actor_label, site=site, **data
    )


def record_many(action: str, model, *, actor_label: str = "system", **data) -> AuditEvent:
    """One audit event about many rows of ``model`` at once (e.g. a retention job's clean-up)."""
    return record_about(action, model._meta.label_lower, actor_label=actor_label, **data)


def record_about(
    action: str, object_type: str, *, object_id: str = "", user=None, actor_label: str = "", site=None, **data
) -> AuditEvent:
    """One audit event about ``object_type`` (a model label, or ``"citizen"``/``"retention"`` for what is not
    one row, with ``data`` holding counts, never who it was about)."""
    if user is not None and not actor_label:
        actor_label = user.get_username()
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        actor_label=actor_label or "system",
        object_type=object_type,
        object_id=object_id,
        site=site,
        data=data,
    )
