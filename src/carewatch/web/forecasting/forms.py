from django import forms

from carewatch.web.forecasting.models import Scenario


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "entries_pct", "uasc_per_month", "move_from", "move_to", "move_pct"]
        labels = {"entries_pct": "Entries other than UASC, change in %",
                  "uasc_per_month": "UASC arrivals per month (blank: as in the reference window)",
                  "move_from": "Change moves from", "move_to": "to", "move_pct": "by %"}

    def clean(self):
        data = super().clean()
        if bool(data.get("move_from")) != bool(data.get("move_to")):
            raise forms.ValidationError("Choose both groups of the move to change, or neither.")
        if data.get("move_from") and data.get("move_from") == data.get("move_to"):
            raise forms.ValidationError("A move is from one group to another.")
        if data.get("uasc_per_month") is not None and data["uasc_per_month"] < 0:
            self.add_error("uasc_per_month", "Arrivals cannot be negative.")
        if data.get("entries_pct") is not None and data["entries_pct"] <= -100:
            self.add_error("entries_pct", "Entries cannot fall by 100% or more.")
        return data
