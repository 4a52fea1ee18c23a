"""The member picker: a search box that loads matching members (htmx) as radio
buttons, so a form names a member from thousands without a giant select."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from chamber.members import selectors as member_selectors


class MemberPicker(forms.Widget):
    def __init__(self, attrs=None, persons_only: bool = False):
        super().__init__(attrs)
        self.persons_only = persons_only
        self.user = None  # set by the form, so a chosen value is resolved within scope

    def label_for(self, value: str) -> str | None:
        kind, _sep, pk = (value or "").partition(":")
        if not pk.isdigit() or self.user is None:
            return None
        if kind == "e":
            ent = member_selectors.enterprises(self.user).filter(pk=pk).first()
            return ent.name if ent else None
        if kind == "p":
            person = (
                member_selectors.people(self.user)
                .select_related("enterprise")
                .filter(pk=pk)
                .first()
            )
            if person is None:
                return None
            return f"{person.name} · {person.enterprise.name}" if person.enterprise else person.name
        return None

    def render(self, name: str, value: Any, attrs=None, renderer=None) -> str:
        attrs = self.build_attrs(self.attrs, attrs)
        query = {"name": name}
        if self.persons_only:
            query["persons"] = "1"
        return mark_safe(
            render_to_string(
                "activities/_member_picker.html",
                {
                    "name": name,
                    "id": attrs.get("id", f"id_{name}"),
                    "value": value or "",
                    "label": self.label_for(value) if value else None,
                    "url": reverse("activities:member_options") + "?" + urlencode(query),
                },
            )
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)
