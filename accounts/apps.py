from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "회원"

    def ready(self):
        from .backends import forget_member

        # Here, not beside the backend: a process that saves members (the admin, a command)
        # may never load the backend, and must still drop the cached rows everywhere.
        for signal in (post_save, post_delete):
            signal.connect(
                forget_member, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.forget"
            )
