"""Services become translatable (Wagtail's locale and translation key); existing ones are the default language's.

Three steps in one migration: add the two fields empty, give every existing service the default locale and a
key of its own, then require them. The slug is unique per site and locale from now on (a translation keeps
its service's slug).
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def default_locale_and_keys(apps, schema_editor):
    from wagtail.coreutils import get_supported_content_language_variant

    locale_model = apps.get_model("wagtailcore", "Locale")
    service_model = apps.get_model("digitale_balie", "Service")
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _ = locale_model.objects.get_or_create(language_code=language)
    for service in service_model.objects.filter(translation_key__isnull=True):
        service.translation_key = uuid.uuid4()
        service.locale = locale
        service.save(update_fields=["translation_key", "locale"])


class Migration(migrations.Migration):
    dependencies = [
        ("digitale_balie", "0006_appointment_by_phone_only"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="service", name="balie_service_slug_per_site"),
        migrations.AddField(
            model_name="service",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(default_locale_and_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="service",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(name="service", unique_together={("translation_key", "locale")}),
        migrations.AddConstraint(
            model_name="service",
            constraint=models.UniqueConstraint(
                fields=("site", "slug", "locale"), name="balie_service_slug_per_site_and_locale"
            ),
        ),
    ]
