"""What the saved list (`/me/saved/`) says about each line: greyed, or what changed.

A line is greyed when its article was deleted (`LINE_DELETED`, under the title kept when it
was saved) or is no longer public (`LINE_UNPUBLISHED`); neither links anywhere. A live line
carries cues for what happened after the member last saw it (`Save.seen_at`): articles' own
cues below, then each app's `saved_cues` hook (polls: `투표 마감 · 찬성 62%`).

A cue is a function `(saves) -> None` that appends short strings to `save.cues` with a
constant number of queries for the whole list (`revised` needs none: the article is already
joined; `followed_up` one). A new cue of articles' own is one such function added to `OWN_CUES`.
"""

from . import hooks
from .models import Article

LINE_DELETED = "삭제된 기사입니다."
LINE_UNPUBLISHED = "비공개로 전환된 기사입니다."
ARTICLE_REVISED = "기사 수정됨"
FOLLOW_UP_PUBLISHED = "후속 기사 나옴"


def revised(saves) -> None:
    """`기사 수정됨`: an editor revised the published article after the member last looked."""
    for save in saves:
        revised_at = save.article.revised_at
        if revised_at is not None and revised_at > save.seen_at:
            save.cues.append(ARTICLE_REVISED)


def followed_up(saves) -> None:
    """`후속 기사 나옴`: a follow-up of the article was published after the member last looked."""
    latest = {}
    for original_id, published_at in (
        Article.objects.published()
        .filter(follow_up_of_id__in={save.article_id for save in saves})
        .values_list("follow_up_of_id", "published_at")
    ):
        latest[original_id] = max(published_at, latest.get(original_id, published_at))
    for save in saves:
        published_at = latest.get(save.article_id)
        if published_at is not None and published_at > save.seen_at:
            save.cues.append(FOLLOW_UP_PUBLISHED)


OWN_CUES = (revised, followed_up)


def decorate(saves) -> list:
    """Give each line `cues` (a list of strings) and `greyed` (a reason, or "")."""
    saves = list(saves)
    for save in saves:
        save.cues = []
        if save.article is None:
            save.greyed = LINE_DELETED
        elif not save.article.is_public:
            save.greyed = LINE_UNPUBLISHED
        else:
            save.greyed = ""
    live = [save for save in saves if not save.greyed]
    if live:
        for cue in OWN_CUES:
            cue(live)
        for _label, cue in hooks.registered("saved_cues"):
            cue(live)
    return saves
