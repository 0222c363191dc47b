"""What a refused poll write says: the messages, the limits on choices, and `VoteRefused`."""

from ..models import Choice

POLL_CLOSED = "투표가 마감되었습니다."
POLL_NOT_OPEN = "아직 투표가 시작되지 않았습니다."
POLL_NOT_FOUND = "투표를 찾을 수 없습니다."
POLL_CHOICE_INVALID = "선택지를 다시 골라 주세요. 이 투표에 없는 선택입니다."
POLL_SIGN_IN_REQUIRED = "이 투표는 로그인한 회원만 참여할 수 있습니다."
POLL_RATE_LIMITED = "짧은 시간에 투표 요청이 너무 많습니다. 잠시 뒤 다시 시도해 주세요."
POLL_VOTED = "{label}에 투표했습니다."
POLL_CHANGED = "선택을 {label}(으)로 바꿨습니다."
POLL_UNCHANGED = "이미 {label}에 투표했습니다. 다른 쪽을 누르면 선택이 바뀝니다."

# Editing a poll's choices (the admin): one label per line.
CHOICES_MIN, CHOICES_MAX = 2, 6
CHOICE_LABEL_MAX = Choice._meta.get_field("label").max_length
POLL_CHOICES_TOO_FEW = "선택지를 두 개 이상 적어 주세요. 한 줄에 하나씩 적습니다."
POLL_CHOICES_TOO_MANY = "선택지는 여섯 개까지 둘 수 있습니다."
POLL_CHOICE_EMPTY = "빈 선택지는 둘 수 없습니다."
POLL_CHOICE_TOO_LONG = f"선택지는 {CHOICE_LABEL_MAX}자까지 쓸 수 있습니다: {{label}}"
POLL_CHOICE_DUPLICATE = "같은 선택지를 두 번 적었습니다: {label}"
POLL_CHOICE_HAS_VOTES = (
    "‘{label}’에는 이미 {count}표가 있어 지우거나 이름을 바꿀 수 없습니다. "
    "표가 없는 선택지만 지울 수 있습니다."
)


class VoteRefused(Exception):
    """A vote the rules do not allow; `status` is the HTTP answer for a plain form POST, and
    `poll` the poll refused (None when there is none to show), for the answer's box or page."""

    def __init__(self, message: str, *, status: int = 400, poll=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.poll = poll
