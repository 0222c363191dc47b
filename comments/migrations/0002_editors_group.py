from django.db import migrations

from accounts.groups import grant_editor_permissions


def grant(apps, schema_editor):
    # Moderation only: editors never get user-management permissions.
    grant_editor_permissions(
        apps,
        "comments",
        [
            "view_comment",
            "change_comment",
            "delete_comment",
            "view_commentreport",
            "view_commentrevision",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
