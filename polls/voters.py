"""Who is voting: a member by account, an anonymous browser by a long-lived signed cookie.

Not the session (it ends at sign-out and would cost a database row per reader) and not
the IP address (many readers share one; one reader has many).
"""

from django.conf import settings

from .services import Voter, new_browser_token

COOKIE_SALT = "polls.voter"


def browser_token(request) -> str | None:
    token = request.get_signed_cookie(settings.POLL_VOTER_COOKIE, default=None, salt=COOKIE_SALT)
    return token or None


def voter_for(request) -> tuple[Voter, str | None]:
    """The request's voter, and a new browser token to set when the browser has none yet."""
    if request.user.is_authenticated:
        return Voter.member(request.user), None
    token = browser_token(request)
    if token:
        return Voter.browser(token), None
    token = new_browser_token()
    return Voter.browser(token, fresh=True), token


def current_voter_key(request) -> str | None:
    """The key to look up this reader's vote, without minting a cookie just to read a page."""
    if request.user.is_authenticated:
        return Voter.member(request.user).key
    token = browser_token(request)
    return Voter.browser(token).key if token else None


def remember_browser(response, token: str) -> None:
    response.set_signed_cookie(
        settings.POLL_VOTER_COOKIE,
        token,
        salt=COOKIE_SALT,
        max_age=settings.POLL_VOTER_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
