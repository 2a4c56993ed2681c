"""The tracker's forms (Django forms: validation here, CSRF by the middleware)."""
from __future__ import annotations

from django import forms

from carewatch.web.scrutiny.models import AgendaItem, Committee, Kind, Meeting, Recommendation

ISO = ["%Y-%m-%d"]
DATE_HINT = "YYYY-MM-DD, for example 2020-12-18"


def _date(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=ISO, help_text=DATE_HINT,
                           error_messages={"invalid": f"Enter the {label.lower()} as YYYY-MM-DD"})


def _indicator_choices() -> list[tuple[str, str]]:
    from carewatch.kpis import REGISTRY

    return [(kpi_id, kpi.title) for kpi_id, kpi in REGISTRY.items()]


class MeetingForm(forms.Form):
    committee = forms.CharField(label="Committee", max_length=200)
    date = _date("Meeting date", required=True)
    letter_date = _date("Date of the chairman's letter")
    addressee = forms.CharField(label="Letter to (a role title, for example Cabinet Member for Children)",
                                max_length=300, required=False)
    response_due = _date("Written response due by")

    def save(self) -> Meeting:
        data = self.cleaned_data
        committee, _ = Committee.objects.get_or_create(name=data["committee"].strip())
        return Meeting.objects.create(committee=committee, date=data["date"], letter_date=data["letter_date"],
                                      addressee=data["addressee"].strip(), response_due=data["response_due"])

    def clean(self):
        data = super().clean()
        if data.get("committee") and data.get("date") and Meeting.objects.filter(
                committee__name=data["committee"].strip(), date=data["date"]).exists():
            self.add_error("date", "This committee already has a meeting on that date")
        return data


class AgendaItemForm(forms.Form):
    number = forms.IntegerField(label="Item number", min_value=1)
    title = forms.CharField(label="Item title", max_length=300)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean_number(self):
        number = self.cleaned_data["number"]
        if self.meeting.items.filter(number=number).exists():
            raise forms.ValidationError("This meeting already has an item with that number")
        return number

    def save(self) -> AgendaItem:
        return AgendaItem.objects.create(meeting=self.meeting, **self.cleaned_data)


class RecommendationForm(forms.ModelForm):
    """Adds or edits a recommendation; the indicators that answer a data request are chosen here too."""
    due_date = _date("Response due by")
    closed_on = _date("Closed on (blank while it is still being followed up)")
    indicators = forms.MultipleChoiceField(
        label="Indicators that answer this data request", required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Recommendation
        fields = ["item", "number", "text", "addressee", "kind", "due_date", "for_meeting", "closed_on"]
        labels = {"item": "Agenda item", "number": "Number in the letter", "text": "Recommendation",
                  "addressee": "To (a role title)", "kind": "Kind",
                  "for_meeting": "Data or response to be presented at"}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["item"].queryset = meeting.items.all()
        self.fields["item"].empty_label = None
        self.fields["for_meeting"].queryset = Meeting.objects.filter(
            committee=meeting.committee, date__gt=meeting.date).order_by("date")
        self.fields["indicators"].choices = _indicator_choices()
        if self.instance.pk:
            self.initial.setdefault("indicators", list(self.instance.data_links.values_list("indicator", flat=True)))
        else:
            self.initial.setdefault("due_date", meeting.response_due)
            self.initial.setdefault("addressee", "cabinet member")
            self.initial.setdefault("number", (Recommendation.objects.filter(item__meeting=meeting)
                                               .order_by("-number").values_list("number", flat=True).first() or 0) + 1)

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = Recommendation.objects.filter(item__meeting=self.meeting, number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("This meeting already has a recommendation with that number")
        return number

    def clean(self):
        data = super().clean()
        if data.get("indicators") and data.get("kind") != Kind.REQUEST_DATA:
            self.add_error("indicators", "Only a data request is answered by indicators")
        return data
