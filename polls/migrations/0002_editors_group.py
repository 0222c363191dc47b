from django.db import migrations

from accounts.groups import crud, grant_editor_permissions


def grant(apps, schema_editor):
    # Editors run polls and read results; votes and frozen results are never edited by hand.
    grant_editor_permissions(
        apps,
        "polls",
        [*crud("poll", "choice"), "view_vote", "view_pollsnapshot"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("polls", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
