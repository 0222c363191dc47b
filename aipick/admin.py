"""Admin pieces every app's model admins share."""

from django.contrib.admin.options import ActionLocation

# Django's Korean catalogue leaves the actions menu's empty entry `- Select an option -` in English.
ACTION_BLANK = [("", "작업 선택")]


class KoreanActionChoices:
    """Mixed into every model admin of the project: the actions menu's empty entry in Korean."""

    def get_action_choices(
        self, request, default_choices=None, action_location=ActionLocation.CHANGE_LIST
    ):
        return super().get_action_choices(
            request, default_choices=ACTION_BLANK, action_location=action_location
        )
