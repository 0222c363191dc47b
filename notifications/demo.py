"""The follow-up loop in the demo: readers ask for a follow-up of the Llama 4 launch, the Meta
article follows it up, and the demo members find it (and the replies to their comments) in 알림.

Every step is idempotent: the toggle is asked for a state, the link is set, and the
notifications are keyed by event.
"""

from django.contrib.auth import get_user_model

from articles.cache import article_changed
from articles.models import Article
from articles.services import article_follow_up_toggle
from comments.models import Comment

from .services import notification_follow_up_sync, notify_reply

ORIGINAL = "llama4-launch"
FOLLOW_UP = "meta-llama4-crisis"
# The demo members comments' demo makes; without them there is nobody to tell.
MEMBERS = ["demo_jiho", "demo_seoyeon"]


def load_demo(articles):
    original, follow_up = articles.get(ORIGINAL), articles.get(FOLLOW_UP)
    if original is None or follow_up is None:
        return
    members = list(get_user_model().objects.filter(username__in=MEMBERS).order_by("username"))
    for member in members:
        article_follow_up_toggle(article=original, user=member, wanted=True)
    if follow_up.follow_up_of_id != original.pk:
        # update(): the link only, without re-rendering the article or touching its times.
        Article.objects.filter(pk=follow_up.pk).update(follow_up_of=original)
        follow_up.follow_up_of = original
        article_changed(original.pk)
    notification_follow_up_sync(follow_up=follow_up)
    replies = Comment.objects.filter(article=follow_up, parent__author__in=members).select_related(
        "parent"
    )
    for reply in replies:
        notify_reply(reply=reply)
