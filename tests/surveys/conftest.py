import pytest

from .factories import ensure_built_in


@pytest.fixture(autouse=True)
def _built_in_check_in(request):
    """The built-in check-in comes from a data migration; transactional tests flush it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        ensure_built_in()
