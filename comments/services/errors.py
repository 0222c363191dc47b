"""What a refused comment write says: the messages, in Korean, and `CommentError`."""

COMMENT_EMPTY = "댓글 내용을 입력해 주세요."
COMMENT_TOO_LONG = "댓글은 {limit:,}자까지 쓸 수 있습니다. (지금 {length:,}자)"
COMMENT_ARTICLE_CLOSED = "이 기사에는 댓글을 달 수 없습니다."
COMMENT_THREAD_CLOSED = "숨겨지거나 삭제된 댓글에는 답글을 달 수 없습니다."
COMMENT_REPLY_DEPTH = "답글에는 다시 답글을 달 수 없습니다."
COMMENT_PARENT_MISSING = "답글을 달 댓글을 찾을 수 없습니다."
COMMENT_TOO_FAST = "댓글은 {seconds}초에 한 번만 쓸 수 있습니다. 잠시 후 다시 시도해 주세요."
COMMENT_DAILY_LIMIT = "오늘 쓸 수 있는 댓글 수({limit}개)를 모두 썼습니다. 내일 다시 참여해 주세요."
COMMENT_DUPLICATE = "같은 내용의 댓글을 방금 올렸습니다. 다른 내용으로 써 주세요."
COMMENT_BOT = "댓글을 등록하지 못했습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."
COMMENT_NOT_YOURS = "내가 쓴 댓글만 수정하거나 삭제할 수 있습니다."
COMMENT_EDIT_EXPIRED = "댓글은 작성 후 10분 안에만 수정할 수 있습니다."
COMMENT_EDIT_REPLIED = "답글이 달린 댓글은 수정할 수 없습니다."
COMMENT_NOT_AVAILABLE = "이미 삭제되었거나 숨겨진 댓글입니다."
COMMENT_OWN_REACTION = "내 댓글에는 공감할 수 없습니다."
COMMENT_OWN_REPORT = "내 댓글은 신고할 수 없습니다."
COMMENT_ALREADY_REPORTED = "이미 신고한 댓글입니다."
COMMENT_REPORTED = "신고가 접수되었습니다. 운영진이 확인합니다."
COMMENT_REPORT_REASON = "신고 사유를 골라 주세요."
COMMENT_DELETED = "삭제된 댓글입니다"
COMMENT_UNKNOWN_REACTION = "알 수 없는 반응입니다."


class CommentError(Exception):
    """A refused write; `message` is Korean and shown to the member as is. `parent` is the
    comment replied to when a refused post was a reply (set by `comment_submit`)."""

    parent = None

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
