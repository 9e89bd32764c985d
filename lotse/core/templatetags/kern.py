"""Render Django form fields with KERN UX classes and the ARIA wiring screen readers need."""

from django import forms, template

register = template.Library()

CHECK_WIDGETS = (forms.CheckboxInput,)
CHOICE_LIST_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect)


@register.filter
def kern_kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, CHECK_WIDGETS):
        return "check"
    if isinstance(widget, CHOICE_LIST_WIDGETS):
        return "choices"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter
def kern_widget(field):
    kind = kern_kind(field)
    classes = {
        "check": "kern-form-check__checkbox",
        "select": "kern-form-input__select",
        "input": "kern-form-input__input",
        "choices": "",
    }[kind]
    attrs = {}
    if classes:
        attrs["class"] = classes + (f" {classes}--error" if field.errors else "")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.field.required and kind != "choices":
        attrs["required"] = True
    return field.as_widget(attrs=attrs)
