"""The 편집자 (editors) group, kept by data migrations so every database has the same one.

Each app's migration grants the editors exactly the permissions on its own models.
"""

EDITORS_GROUP = "편집자"


def grant_editor_permissions(apps, app_label: str, codenames: list[str]) -> None:
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; a data migration must create them itself.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
    group.permissions.add(*permissions)


def crud(*models: str) -> list[str]:
    return [
        f"{action}_{model}" for model in models for action in ("add", "change", "delete", "view")
    ]
