from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "알림"

    def ready(self):
        from articles import hooks

        from . import demo, services

        hooks.register(
            self,
            load_demo=demo.load_demo,
            article_saved=services.article_follow_up_saved,
            article_followed=services.notify_follow_ups_coming,
        )
