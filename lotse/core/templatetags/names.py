"""``{{ user|staff_name }}``: a staff member's name for display, empty for nobody (e.g. an unassigned case).

Unlike ``user.get_full_name|default:user.username``, this does not raise when ``user`` is None: Django raises for a
missing variable inside a filter argument, which turned an unassigned owner or a deleted author into a server error.
"""

from django import template

register = template.Library()


@register.filter
def staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
