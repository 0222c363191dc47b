from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from .forms import SignupForm, ThrottledLoginForm


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
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect(safe_next(request))
    return render(
        request, "accounts/signup.html", {"form": form, "next": safe_next(request, default="")}
    )


login_view = auth_views.LoginView.as_view(
    authentication_form=ThrottledLoginForm, redirect_authenticated_user=True
)
