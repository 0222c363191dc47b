from django import template

from notifications.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """Unread 알림 shown to the signed-in member: one COUNT; kept pages move with the member token."""
    return Notification.objects.shown_to(context["request"].user).unread().count()
