from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm

from aipick.admin import KoreanActionChoices

from .models import User, public_name_check


class MemberChangeForm(UserChangeForm):
    """The stock change form, with the display name held to the sign-up rules. A staff
    account may take a reserved name (`편집국`, `관리자`): those names are the staff's."""

    class Meta(UserChangeForm.Meta):
        model = User

    def clean_display_name(self):
        is_staff = self.cleaned_data.get("is_staff", self.instance.is_staff)
        return public_name_check(
            self.cleaned_data["display_name"], user=self.instance, allow_reserved=is_staff
        )


@admin.register(User)
class MemberAdmin(KoreanActionChoices, UserAdmin):
    form = MemberChangeForm
    fieldsets = (*UserAdmin.fieldsets, ("표시 이름", {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "email", "staff", "date_joined")
    search_fields = ("username", "display_name", "email")

    @admin.display(description="편집국", ordering="is_staff")
    def staff(self, user):
        # In words: the stock yes/no icons carry the English alt text "True"/"False".
        return "예" if user.is_staff else "아니오"
