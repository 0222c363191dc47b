from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = "찬/반 투표"

    def ready(self):
        from . import signals  # noqa: F401  (connects the sign-in vote merge)
