"""The panels' forms (validation here, CSRF by the middleware)."""
from __future__ import annotations

from django import forms

from carewatch.web.panels.models import Item, Meeting, Panel
from carewatch.web.scrutiny.forms import _date


def _reason_choices() -> list[tuple[str, str]]:
    from carewatch.drift import REASONS

    return [(r.id, r.title) for r in REASONS]


class MeetingForm(forms.Form):
    """A meeting and the list its agenda is built from: drift reasons (Permanence Panel), or care
    starts after a date (Entry to Care Panel: blank = since the panel's last meeting)."""
    panel = forms.ChoiceField(label="Panel", choices=Panel.choices)
    date = _date("Meeting date", required=True)
    chair = forms.CharField(label="Chair (a role title, for example Head of Service)", max_length=200)
    reasons = forms.MultipleChoiceField(label="Permanence Panel: the drift reasons to bring", required=False,
                                        widget=forms.CheckboxSelectMultiple)
    since = _date("Entry to Care Panel: care starts after (blank: the date of the panel's last meeting)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].choices = _reason_choices()

    def clean(self):
        from carewatch.web.panels.services import last_meeting

        data = super().clean()
        panel, day = data.get("panel"), data.get("date")
        if panel and day and Meeting.objects.filter(panel=panel, date=day).exists():
            self.add_error("date", "This panel already has a meeting on that date")
        if panel == Panel.PERMANENCE and not data.get("reasons"):
            self.add_error("reasons", "Choose at least one drift reason")
        if panel == Panel.ENTRY and day and not data.get("since"):
            last = last_meeting(Panel.ENTRY, day)
            if last is None:
                self.add_error("since", "There is no earlier Entry to Care Panel: enter the date to look back from")
            else:
                data["since"] = last.date
        return data


class DecisionForm(forms.ModelForm):
    come_back_by = _date("Come back to the panel by")

    class Meta:
        model = Item
        fields = ["decision", "note", "come_back_by", "lead"]
        labels = {"decision": "Decision", "note": "The panel's note", "lead": "Lead (a name or role)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].required = True
        self.fields["decision"].choices = [("", "Choose a decision")] + list(self.fields["decision"].choices)[1:]
