import pytest

from duties.cohort import new_snapshot


@pytest.fixture
def con():
    return new_snapshot()
