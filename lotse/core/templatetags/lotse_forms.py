"""Tags every POST form uses: ``{% form_guard %}`` and, in the error summaries, ``{% form_invalid %}``."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from lotse.core.middleware import FORM_TOKEN_FIELD, mark_form_invalid, new_form_token

register = template.Library()


class FormGuardNode(template.Node):
    def __init__(self, repeatable: bool):
        self.repeatable = repeatable

    def render(self, context):
        csrf = CsrfTokenNode().render(context)
        if self.repeatable:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD, new_form_token())


@register.tag
def form_guard(parser, token):
    """The CSRF token and a one-time submission token: the same form cannot be sent twice.

    ``{% form_guard repeatable %}`` renders the CSRF token only, for forms that may be sent again from the same
    page without harm (downloads, logging in or out, switching the language).
    """
    bits = token.split_contents()
    if len(bits) > 2 or (len(bits) == 2 and bits[1] != "repeatable"):
        raise template.TemplateSyntaxError("Usage: {% form_guard %} or {% form_guard repeatable %}")
    return FormGuardNode(repeatable=len(bits) == 2)


@register.simple_tag(takes_context=True)
def form_invalid(context):
    """Placed in every error summary: the response to a POST that shows one becomes 422."""
    mark_form_invalid(context.get("request"))
    return ""
