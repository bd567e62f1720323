"""The real app over the mini index with one staff member, suzuki."""

import pytest

from tests.staff.test_console import PASSWORD


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.state.services.db.session() as s:
        app.state.services.staff.add(s, "suzuki", PASSWORD)
    return app
