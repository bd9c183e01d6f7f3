"""Domains become free slugs with a label, kind and direction; a sent check-in can be
withdrawn; a team chooses its check-in."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_access_event_client_address"),
        ("surveys", "0003_league_rollups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="item",
            name="item_domain_valid",
        ),
        migrations.RemoveConstraint(
            model_name="response",
            name="response_status_valid",
        ),
        migrations.RemoveConstraint(
            model_name="scoringrule",
            name="scoring_rule_domain_valid",
        ),
        migrations.AddField(
            model_name="response",
            name="withdrawal_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="response",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="response",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Who withdrew the sent check-in, for example as entered in error.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="scoringrule",
            name="higher_is_better",
            field=models.BooleanField(
                default=True, help_text="Whether a higher score is an improvement (for run charts)."
            ),
        ),
        migrations.AddField(
            model_name="scoringrule",
            name="kind",
            field=models.CharField(
                choices=[
                    ("wellbeing", "How the person is doing (shown as distance travelled)"),
                    ("service", "How much the team helped (ranked by level)"),
                ],
                default="wellbeing",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="scoringrule",
            name="label",
            field=models.CharField(
                blank=True, help_text="The domain's name as shown.", max_length=100
            ),
        ),
        migrations.AddField(
            model_name="teamsurveysettings",
            name="instrument_key",
            field=models.SlugField(
                blank=True,
                help_text="The check-in the team's people answer, whichever way; blank for the built-in.",
                max_length=60,
            ),
        ),
        migrations.AlterField(
            model_name="item",
            name="domain",
            field=models.SlugField(
                help_text="The domain the statement counts towards (its scoring rule's).",
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Started, not sent"),
                    ("submitted", "Sent"),
                    ("withdrawn", "Sent, then withdrawn"),
                ],
                default="draft",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="scoringrule",
            name="domain",
            field=models.SlugField(max_length=40),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "submitted", "withdrawn"])),
                name="response_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "withdrawn"), _negated=True),
                    models.Q(
                        ("withdrawn_at__isnull", False),
                        models.Q(("withdrawal_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="response_withdrawn_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoringrule",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["wellbeing", "service"])),
                name="scoring_rule_kind_valid",
            ),
        ),
    ]
