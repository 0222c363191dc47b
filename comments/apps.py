from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "댓글"

    def ready(self):
        from articles import hooks
        from polls import participation as poll_participation

        from . import demo, participation, rankings, services

        hooks.register(
            self,
            load_demo=demo.load_demo,
            recount=services.recount,
            rankings={"most_commented": rankings.most_commented},
        )
        poll_participation.register_commenters(self, participation.commenter_tenure_counts)
