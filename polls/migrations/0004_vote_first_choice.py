"""Votes remember their first choice; `마음을 바꾼 독자` becomes a count of readers.

Earlier votes never recorded where they started, so each is taken to have started where it
stands, and the switch counters start again from 0 — the number their rows now give.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def first_choice_is_the_current_one(apps, schema_editor):
    Vote = apps.get_model("polls", "Vote")
    Choice = apps.get_model("polls", "Choice")
    Vote.objects.update(first_choice_id=F("choice_id"))
    Choice.objects.update(switched_away_count=0)


class Migration(migrations.Migration):
    dependencies = [
        ("polls", "0003_vote_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="vote",
            name="first_choice",
            field=models.ForeignKey(
                db_column="first_choice_ref",
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="polls.choice",
                to_field="ref",
                verbose_name="처음 선택",
            ),
        ),
        migrations.RunPython(first_choice_is_the_current_one, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="vote",
            name="first_choice",
            field=models.ForeignKey(
                db_column="first_choice_ref",
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="polls.choice",
                to_field="ref",
                verbose_name="처음 선택",
            ),
        ),
        migrations.AddConstraint(
            model_name="vote",
            constraint=models.CheckConstraint(
                # polls.models._ref_belongs_to_poll("first_choice"), CHOICE_SLOTS = 1000
                condition=models.Q(
                    first_choice__gte=models.F("poll") * 1000,
                    first_choice__lt=models.F("poll") * 1000 + 1000,
                ),
                name="vote_first_choice_in_same_poll",
            ),
        ),
    ]
