from django.db import migrations

from accounts.groups import crud, grant_editor_permissions


def grant(apps, schema_editor):
    grant_editor_permissions(
        apps,
        "articles",
        [*crud("article", "summaryline", "debateline", "category", "reporter"), "view_save"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
