"""Every model change has its migration (a missing one would fail on a council's first upgrade)."""
import pytest
from django.core.management import call_command


@pytest.mark.appdb
@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
