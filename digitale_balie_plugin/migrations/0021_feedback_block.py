"""FeedbackBlock on the counter page, and the sweep that sends the one feedback invitation per conversation."""

import digitale_balie_plugin.blocks.booking
import wagtail.fields
from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule


class Migration(migrations.Migration):
    dependencies = [
        ("digitale_balie", "0020_retention_schedule"),
        DJANGO_Q_DEPENDENCY,
    ]

    operations = [
        migrations.AlterField(
            model_name="digitalcounterpage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("appointment_booking", 3),
                    ("video_room", 6),
                    ("device_test", 8),
                    ("identity_verification", 10),
                    ("payment", 12),
                    ("feedback", 14),
                    ("text", 15),
                ],
                blank=True,
                block_lookup={
                    0: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "Make an appointment", "label": "Heading", "required": False},
                    ),
                    1: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {"features": ["bold", "italic", "link"], "label": "Introduction", "required": False},
                    ),
                    2: (
                        "wagtail.blocks.MultipleChoiceBlock",
                        [],
                        {
                            "choices": digitale_balie_plugin.blocks.booking.service_choices,
                            "help_text": "Leave empty to show every bookable service of this site.",
                            "label": "Services",
                            "required": False,
                        },
                    ),
                    3: ("wagtail.blocks.StructBlock", [[("heading", 0), ("intro", 1), ("services", 2)]], {}),
                    4: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "Talk to us now", "label": "Heading", "required": False},
                    ),
                    5: (
                        "wagtail.blocks.MultipleChoiceBlock",
                        [],
                        {
                            "choices": digitale_balie_plugin.blocks.booking.service_choices,
                            "help_text": "Leave empty for every video service of this site.",
                            "label": "Services",
                            "required": False,
                        },
                    ),
                    6: ("wagtail.blocks.StructBlock", [[("heading", 4), ("intro", 1), ("services", 5)]], {}),
                    7: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "Test camera and microphone", "label": "Heading", "required": False},
                    ),
                    8: ("wagtail.blocks.StructBlock", [[("heading", 7), ("intro", 1)]], {}),
                    9: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "Show who you are", "label": "Heading", "required": False},
                    ),
                    10: ("wagtail.blocks.StructBlock", [[("heading", 9), ("intro", 1)]], {}),
                    11: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "Pay with a code", "label": "Heading", "required": False},
                    ),
                    12: ("wagtail.blocks.StructBlock", [[("heading", 11), ("intro", 1)]], {}),
                    13: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"default": "What do you think of our digital counter?", "label": "Heading", "required": False},
                    ),
                    14: ("wagtail.blocks.StructBlock", [[("heading", 13), ("intro", 1)]], {}),
                    15: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {"features": ["h2", "h3", "bold", "italic", "link", "ol", "ul"]},
                    ),
                },
                verbose_name="content",
            ),
        ),
        schedule(
            "digitale_balie.send_feedback_invitations",
            "digitale_balie_plugin.tasks.send_feedback_invitations_task",
            schedule_type="I",
            minutes=10,
        ),
    ]
