from __future__ import annotations

from typing import Any

from django import forms

_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
}


class StyledFormMixin:
    """Gives every widget the NL Design System class for its kind."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next((c for w, c in _CLASSES.items() if isinstance(field.widget, w)), None)
            field.widget.attrs["class"] = css or "utrecht-textbox utrecht-textbox--html-input"
