"""The adapter registry."""

import pytest

from channels_publish.adapters import ADAPTERS, adapter_for
from channels_publish.networks import Network


@pytest.mark.parametrize("network", list(Network))
def test_every_network_has_an_adapter(network):
    adapter = adapter_for(network)
    assert callable(adapter.publish) and callable(adapter.find_published)


def test_an_unknown_network_is_a_lookup_error():
    with pytest.raises(LookupError):
        adapter_for("myspace")
    assert "myspace" not in ADAPTERS
