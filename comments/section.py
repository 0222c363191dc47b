"""What the `댓글 N` section shows a given reader: a fixed number of queries for any thread size.

1. one light query over the article's comments (ids, parents, counts, times, no bodies);
2. one question to polls for the commenters' sides;
3. the shown page's comments and their replies, with authors and the reader's own
   reaction (a subquery), in one query.
Filtering by side, the four sorts, the best box and paging run on the light rows in Python.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Subquery

from .models import Comment, CommentReaction, CommentReport
from .rendering import relative_time
from .services import can_edit
from .sides import CON, PRO, sides_for_users

TABS = {"all": "전체", "pro": PRO, "con": CON}
SORTS = {"balance": "균형", "latest": "최신순", "net": "순공감순", "ratio": "공감비율순"}


@dataclass
class Row:
    id: int
    parent_id: int | None
    author_id: int
    status: str
    likes: int
    dislikes: int
    created_at: datetime
    side: str = ""
    replies: list["Row"] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.likes + self.dislikes

    @property
    def ratio(self) -> float:
        return self.likes / self.total if self.total else 0.0


def _ratio_key(row: Row, minimum: int):
    eligible = row.total >= minimum
    # Below the minimum a comment keeps its place by net likes, after all eligible ones.
    return (eligible, row.ratio if eligible else 0.0, row.likes - row.dislikes, row.created_at)


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    minimum = settings.COMMENT_RATIO_MIN_REACTIONS
    if sort == "net":
        return sorted(rows, key=lambda r: (r.likes - r.dislikes, r.created_at), reverse=True)
    if sort == "ratio":
        return sorted(rows, key=lambda r: _ratio_key(r, minimum), reverse=True)
    if sort == "balance":
        by_ratio = sorted(rows, key=lambda r: _ratio_key(r, minimum), reverse=True)
        pro = [r for r in by_ratio if r.side == PRO]
        con = [r for r in by_ratio if r.side == CON]
        rest = [r for r in by_ratio if r.side not in {PRO, CON}]
        mixed = []
        for i in range(max(len(pro), len(con))):
            mixed.extend(side[i] for side in (pro, con) if i < len(side))
        return mixed + rest
    return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)


def _shown_to(viewer, row: Row) -> bool:
    if row.status == Comment.Status.VISIBLE:
        return True
    if row.status == Comment.Status.HIDDEN and viewer.is_authenticated:
        return viewer.is_staff or viewer.pk == row.author_id
    return False


def _light_rows(article) -> list[tuple]:
    """Every comment of the article as (id, parent, author, status, likes, dislikes, time)."""
    return list(
        Comment.objects.filter(article=article)
        .values_list(
            "id", "parent_id", "author_id", "status", "like_count", "dislike_count", "created_at"
        )
        .order_by("created_at", "id")
    )


def build_section(
    *,
    article,
    viewer,
    tab="all",
    sort="",
    page=1,
    only_page=False,
    thread_id=None,
):
    """The section's context. `only_page` returns just page `page` (for 더보기);
    `thread_id` returns just that thread (after an action on one comment)."""
    rows = [Row(*values) for values in _light_rows(article)]
    by_id = {row.id: row for row in rows}
    shown_ids = {row.id for row in rows if _shown_to(viewer, row)}
    has_live_replies = set()
    for row in rows:
        if row.parent_id and row.parent_id in by_id:
            if row.status != Comment.Status.DELETED:
                has_live_replies.add(row.parent_id)
            if row.id in shown_ids:
                by_id[row.parent_id].replies.append(row)

    sides = sides_for_users(article=article, user_ids={by_id[i].author_id for i in shown_ids})
    for row in rows:
        row.side = sides.get(row.author_id, "") if row.id in shown_ids else ""

    # A parent the reader may not see still holds its visible replies, as a placeholder.
    tops = [r for r in rows if r.parent_id is None and (r.id in shown_ids or r.replies)]
    sided = {r.side for r in tops if r.id in shown_ids}
    debate = PRO in sided and CON in sided
    if sort not in SORTS or (sort == "balance" and not debate):
        sort = "balance" if debate else "latest"
    if tab not in TABS:
        tab = "all"
    every_top = tops
    if tab != "all":
        tops = [r for r in tops if r.id in shown_ids and r.side == TABS[tab]]
    ordered = _sorted(tops, sort)

    size = settings.COMMENT_PAGE_SIZE
    page = max(1, page)
    if thread_id is not None:
        window = [r for r in every_top if r.id == thread_id]
    else:
        window = ordered[(page - 1) * size if only_page else 0 : page * size]
    has_more = thread_id is None and len(ordered) > page * size

    minimum = settings.COMMENT_BEST_MIN_REACTIONS
    best = {}
    for side in (PRO, CON):
        candidates = [
            r
            for r in rows
            if r.status == Comment.Status.VISIBLE and r.side == side and r.total >= minimum
        ]
        if candidates:
            best[side] = max(candidates, key=lambda r: (r.ratio, r.total, r.created_at))

    wanted = {r.id for r in window} | {c.id for r in window for c in r.replies}
    wanted |= {r.id for r in best.values()} if thread_id is None else set()
    comments = (
        Comment.objects.filter(pk__in=wanted)
        .select_related("author")
        .only(
            "id",
            "article_id",
            "parent_id",
            "body",
            "body_html",
            "status",
            "side_at_post",
            "like_count",
            "dislike_count",
            "created_at",
            "edited_at",
            "author_id",
            "author__username",
            "author__display_name",
        )
    )
    if viewer.is_authenticated:
        # The reader's own reaction rides along as a subquery: no extra round trip.
        comments = comments.annotate(
            my_kind=Subquery(
                CommentReaction.objects.filter(comment=OuterRef("pk"), user=viewer).values("kind")[
                    :1
                ]
            )
        )
    objects = {c.pk: c for c in comments} if wanted else {}

    def dress(row: Row) -> Comment:
        comment = objects[row.id]
        comment.side = row.side
        comment.side_changed = bool(
            row.side and comment.side_at_post and comment.side_at_post != row.side
        )
        comment.my_reaction = getattr(comment, "my_kind", None)
        comment.is_mine = viewer.is_authenticated and viewer.pk == comment.author_id
        comment.is_placeholder = row.id not in shown_ids
        comment.editable = can_edit(comment, viewer, has_replies=row.id in has_live_replies)
        comment.reply_list = [dress(reply) for reply in row.replies]
        # Everything the rendered comment shows, for its cached fragment: one value for the
        # template to look up instead of sixteen.
        comment.fragment_key = ":".join(
            str(part)
            for part in (
                comment.pk,
                comment.status,
                comment.like_count,
                comment.dislike_count,
                comment.edited_at,
                comment.side,
                comment.side_changed,
                comment.my_reaction,
                comment.is_mine,
                comment.editable,
                comment.is_placeholder,
                viewer.is_authenticated,
                viewer.is_staff,
                relative_time(comment.created_at),
            )
        )
        return comment

    threads = [dress(row) for row in window]
    return {
        "article": article,
        "threads": threads,
        "tab": tab,
        "sort": sort,
        "tabs": TABS,
        "sorts": {k: v for k, v in SORTS.items() if k != "balance" or debate},
        "debate": debate,
        "page": page,
        "next_page": page + 1,
        "has_more": has_more,
        "best_pro": dress(best[PRO]) if PRO in best and thread_id is None else None,
        "best_con": dress(best[CON]) if CON in best and thread_id is None else None,
        "has_sides": bool(sides),
        # The 신고 form's radio buttons, none chosen beforehand.
        "report_reasons": CommentReport.Reason.choices,
        # How long a rendered comment is kept (templates/comments/section.html).
        "fragment_seconds": settings.PAGE_CACHE_SECONDS,
    }
