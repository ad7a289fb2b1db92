"""Counter seats become translatable (their public name and location); existing ones are the default language's."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def default_locale_and_keys(apps, schema_editor):
    from wagtail.coreutils import get_supported_content_language_variant

    locale_model = apps.get_model("wagtailcore", "Locale")
    seat_model = apps.get_model("digitale_balie", "CounterSeat")
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _ = locale_model.objects.get_or_create(language_code=language)
    for seat in seat_model.objects.filter(translation_key__isnull=True):
        seat.translation_key = uuid.uuid4()
        seat.locale = locale
        seat.save(update_fields=["translation_key", "locale"])


class Migration(migrations.Migration):
    dependencies = [
        ("digitale_balie", "0008_seats_offer_canonical_services"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.AddField(
            model_name="counterseat",
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
            model_name="counterseat",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(default_locale_and_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="counterseat",
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
            model_name="counterseat",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(name="counterseat", unique_together={("translation_key", "locale")}),
    ]
