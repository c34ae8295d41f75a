"""What one delivery costs the database: a fixed number of queries per network.

Pinned so that a change which adds a query to every delivery (thousands at once in a burst,
see ``bench/fanout.py``) shows up here.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from channels_publish import dispatch
from channels_publish.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db

# claim, read, post → publishing, attempt, variant, media, [saved state], published, attempt
# closed, audit (hash, insert), post status (count, update); in tests each transaction is a
# savepoint pair more (2 × 2). PostgreSQL takes the audit chain's advisory lock: one more.
QUERIES = {"facebook": 16, "instagram": 17, "x": 17}


@pytest.mark.parametrize("network", ["facebook", "instagram", "x"])
def test_one_delivery_costs_a_fixed_number_of_queries(
    network, approve_post, sandbox, django_assert_num_queries
):
    ContentType.objects.get_for_model(Delivery)  # cached in a worker after its first delivery
    post = approve_post(networks=(network,))
    (delivery_id,) = dispatch.claim_due(now=post.scheduled_at)
    expected = QUERIES[network] + (1 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(expected):
        assert dispatch.send(delivery_id) == "published"
    assert Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.PUBLISHED
