from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from aipick import ratelimit

from . import throttle
from .models import User


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")
        labels = {"username": "아이디", "display_name": "표시 이름"}
        help_texts = {
            "username": "150자 이하의 영문, 숫자, @/./+/-/_ 만 쓸 수 있습니다. 로그인할 때 씁니다.",
            "display_name": "댓글과 인사말에 보이는 이름입니다. 비워 두면 아이디가 보입니다.",
        }

    def clean_display_name(self):
        return self.cleaned_data["display_name"].strip()


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
