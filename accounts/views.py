import hashlib

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from aipick import ratelimit

from .forms import KoreanPasswordResetForm, SignupForm, ThrottledLoginForm

SIGNUP_LIMITED = "이 주소에서 가입이 너무 많았습니다. 한 시간 뒤에 다시 시도해 주세요."
RESET_LIMITED = "비밀번호 재설정 요청이 너무 많았습니다. 한 시간 뒤에 다시 시도해 주세요."


def safe_next(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    """The `next` the reader came from, or the default when it points off-site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@sensitive_post_parameters("password1", "password2")
def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Only a sign-up that would succeed is counted: typos in a password cost nothing.
        # Fails closed: without the counter store the reader gets the Korean 503.
        key = f"accounts:signup:{ratelimit.client_ip(request)}"
        if ratelimit.hit(key, limit=settings.SIGNUP_LIMIT, window=settings.SIGNUP_WINDOW):
            user = form.save()
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return redirect(safe_next(request))
        form.add_error(None, SIGNUP_LIMITED)
        status = 429
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": safe_next(request, default="")},
        status=status,
    )


login_view = auth_views.LoginView.as_view(
    authentication_form=ThrottledLoginForm, redirect_authenticated_user=True
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, in Korean, limited per e-mail address and per client address.

    Every well-formed request counts, whether or not a member has that address, so the
    answer (the same `password_reset_done` page, or the same refusal) tells nobody which
    addresses belong to members. Fails closed like the sign-in limit.
    """

    form_class = KoreanPasswordResetForm
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        return {"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}

    def form_valid(self, form):
        window = settings.PASSWORD_RESET_WINDOW
        address = form.cleaned_data["email"].strip().casefold()
        # Hashed: the key stays short ASCII and the cache holds no one's address.
        email_key = hashlib.sha256(address.encode()).hexdigest()[:32]
        refused = ratelimit.attempt(
            [
                (
                    f"accounts:reset:ip:{ratelimit.client_ip(self.request)}",
                    settings.PASSWORD_RESET_LIMIT_PER_IP,
                    window,
                ),
                (
                    f"accounts:reset:email:{email_key}",
                    settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
                    window,
                ),
            ]
        )
        if refused:
            form.add_error(None, RESET_LIMITED)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
