from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = "찬/반 투표"

    def ready(self):
        from articles import hooks

        from . import (
            cards,
            demo,
            rankings,
            saved_cues,
            services,
            signals,  # noqa: F401  (connects the sign-in vote merge)
        )

        hooks.register(
            self,
            load_demo=demo.load_demo,
            recount=services.recount,
            card_badges=cards.decorate,
            rankings={"hot_polls": rankings.hot_polls},
            saved_cues=saved_cues.decorate,
        )
