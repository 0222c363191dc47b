from django import forms


class CommentForm(forms.Form):
    body = forms.CharField(
        label="댓글",
        # The limit is checked after normalising (services.clean_body); this only stops floods.
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "의견을 남겨 주세요."}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(required=False)
