from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm

from aipick import ratelimit

from . import throttle
from .models import User, public_name_check

EMAIL_HELP = (
    "비밀번호를 잊었을 때 재설정 링크를 받을 주소입니다. 그 밖의 용도로는 쓰지 않으며,"
    " 다른 회원에게 보이지 않습니다."
)
EMAIL_INVALID = "올바른 이메일 주소를 입력해 주세요."


class SignupForm(UserCreationForm):
    """A new member; the name readers will see (the display name, or the username when it
    is left empty) is checked by `public_name_check`."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")
        labels = {"email": "이메일 (선택)"}
        help_texts = {
            "display_name": "댓글과 인사말에 보이는 이름입니다. 비워 두면 아이디가 보입니다.",
            "email": EMAIL_HELP,
        }
        error_messages = {"email": {"invalid": EMAIL_INVALID}}

    def clean_display_name(self):
        return public_name_check(self.cleaned_data["display_name"])

    def clean(self):
        cleaned = super().clean()
        username = cleaned.get("username")
        if username and not cleaned.get("display_name") and "display_name" not in self.errors:
            # Shown in place of a display name: it may not pass for staff or another member.
            try:
                public_name_check(username)
            except forms.ValidationError as error:
                self.add_error("username", error)
        return cleaned


class KoreanPasswordResetForm(PasswordResetForm):
    """`비밀번호를 잊으셨나요?`: Django's form, which mails only active members with a
    usable password whose address matches, and says the same to everyone else."""

    email = forms.EmailField(
        label="가입할 때 적은 이메일",
        max_length=254,
        error_messages={"required": "이메일을 입력해 주세요.", "invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class LoginThrottleMixin:
    """Refuses a sign-in form early once its username or address has failed too often
    (accounts/throttle.py); put it before the Django form it throttles."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = ratelimit.client_ip(self.request) if self.request else ""
        if throttle.is_throttled(username=username, ip=ip):
            raise forms.ValidationError(throttle.LOGIN_THROTTLED, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if self.cleaned_data.get("password"):
                throttle.record_failure(username=username, ip=ip)
            raise error
        throttle.clear_user(username=username)
        return cleaned


class ThrottledLoginForm(LoginThrottleMixin, AuthenticationForm):
    """The members' sign-in form (/accounts/login/)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "아이디 또는 비밀번호가 올바르지 않습니다.",
    }


class ThrottledAdminLoginForm(LoginThrottleMixin, AdminAuthenticationForm):
    """The editors' sign-in form (settings.ADMIN_URL + "login/"), under the same throttle."""
