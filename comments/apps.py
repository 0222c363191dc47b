from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "댓글"

    def ready(self):
        from articles import hooks

        from . import demo, services

        hooks.register(self, load_demo=demo.load_demo, recount=services.recount)
