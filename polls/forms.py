"""The poll as edited from the article's admin page: its fields plus its choices, one per line.

Django has no nested inlines, so the choices travel as one textarea on the poll's inline
form; `poll_choices_set` turns the lines into rows when the form is saved.
"""

from django import forms
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet

from .models import Poll, PollSnapshot
from .services import poll_choices_check, poll_choices_set

DEFAULT_CHOICES = ("찬성", "반대")
CHOICES_HELP = (
    "한 줄에 하나씩 2~6개, 줄 순서대로 보입니다. 표를 받은 선택지는 지우거나 "
    "이름을 바꿀 수 없고, 순서는 바꿀 수 있습니다."
)
CHOICES_FROZEN_HELP = "최종 결과가 확정된 투표라 선택지를 바꿀 수 없습니다."


def split_labels(text: str) -> list[str]:
    return text.split("\n") if text else []


class ChoiceLabelsField(forms.CharField):
    """One label per line. Lines are trimmed and blank ones dropped, so a browser's
    CRLF or a trailing newline is not a change."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def to_python(self, value):
        value = super().to_python(value)
        return "\n".join(line.strip() for line in value.splitlines() if line.strip())


class PollInlineForm(forms.ModelForm):
    choices = ChoiceLabelsField(label="선택지", help_text=CHOICES_HELP)

    class Meta:
        model = Poll
        fields = ("question", "opens_at", "closes_at", "allow_anonymous", "results_visibility")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            labels = DEFAULT_CHOICES
        else:
            labels = [c.label for c in self.instance.choices.all()]
            if PollSnapshot.objects.filter(poll=self.instance).exists():
                self.fields["choices"].disabled = True
                self.fields["choices"].help_text = CHOICES_FROZEN_HELP
        self.initial.setdefault("choices", "\n".join(labels))

    def clean_choices(self):
        labels = split_labels(self.cleaned_data["choices"])
        if self.instance.pk is not None and "choices" not in self.changed_data:
            # Untouched: nothing to check, even for a poll made before these rules.
            return labels
        # Also locks the poll's choices for the rest of the admin's transaction.
        poll_choices_check(poll=self.instance, labels=labels)
        return labels

    def save(self, commit=True):
        """Writes the choices after the poll row exists (it is new when the article is), in
        the same transaction: at once, or with `save_m2m()` when the caller saves the row."""
        poll_is_new = self.instance._state.adding
        poll = super().save(commit)
        if commit:
            self.save_choices(poll_is_new)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_choices():
                save_m2m()
                self.save_choices(poll_is_new)

            self.save_m2m = save_m2m_and_choices
        return poll

    def save_choices(self, poll_is_new: bool) -> None:
        # A disabled (frozen) field never shows up in `changed_data`.
        if poll_is_new or "choices" in self.changed_data:
            poll_choices_set(poll=self.instance, labels=self.cleaned_data["choices"])


class PollInlineFormSet(BaseInlineFormSet):
    """The article page's poll section; a POST that leaves it out leaves the poll alone.

    `articles` knows nothing of polls, so its own code and tests post the article form
    without this section's management form. Django would call that tampering and refuse
    the whole article; read it instead as "no poll forms", which saves, changes and
    deletes nothing here.
    """

    def __init__(self, data=None, files=None, instance=None, prefix=None, **kwargs):
        prefix = prefix or self.get_default_prefix()
        if data is not None and f"{prefix}-{TOTAL_FORM_COUNT}" not in data:
            data = data.copy()
            data[f"{prefix}-{TOTAL_FORM_COUNT}"] = "0"
            data[f"{prefix}-{INITIAL_FORM_COUNT}"] = "0"
        super().__init__(data, files, instance=instance, prefix=prefix, **kwargs)
