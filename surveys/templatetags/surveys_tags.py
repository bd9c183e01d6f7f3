from django import template

from surveys.permissions import may_read_checkins as _may_read_checkins

register = template.Library()


@register.filter
def may_read_checkins(user: object) -> bool:
    """Whether this user's role may ever open a person's check-ins (for links on shared pages)."""
    return _may_read_checkins(user)
