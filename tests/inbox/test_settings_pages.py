"""Saved answers per department and routing rules: created, changed and deleted via pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.models import RoutingMode, RoutingRule, SavedAnswer
from newsroom.models import AuditLogEntry

pytestmark = pytest.mark.django_db


def test_a_head_keeps_the_saved_answers_of_their_department(client, head, department,
                                                            other_department):
    client.force_login(head)
    url = reverse("inbox:saved_answers")
    response = client.post(url, {"department": department.pk, "title": "Öffnungszeiten",
                                 "text": "Mo–Fr 8–16 Uhr."})
    assert response.status_code == 302
    answer = SavedAnswer.objects.get()
    # Another department is not on offer.
    client.post(url, {"department": other_department.pk, "title": "Fremd", "text": "x"})
    assert SavedAnswer.objects.count() == 1
    edit = reverse("inbox:saved_answer_edit", kwargs={"pk": answer.pk})
    client.post(edit, {"department": department.pk, "title": "Öffnungszeiten",
                       "text": "Mo–Do 8–18 Uhr."})
    assert SavedAnswer.objects.get().text == "Mo–Do 8–18 Uhr."
    client.post(reverse("inbox:saved_answer_delete", kwargs={"pk": answer.pk}))
    assert not SavedAnswer.objects.exists()
    assert AuditLogEntry.objects.filter(action__startswith="inbox.saved_answer.").count() == 3


def test_the_community_management_keeps_the_routing_rules(client, community, department):
    client.force_login(community)
    url = reverse("inbox:routing_rules")
    response = client.post(url, {"name": "Müll", "priority": 10, "keywords": "müll, tonne",
                                 "network": "", "department": department.pk,
                                 "mode": RoutingMode.ASSIGN, "is_active": "on"})
    assert response.status_code == 302, response.content
    rule = RoutingRule.objects.get()
    assert rule.keyword_list == ["müll", "tonne"]
    client.post(reverse("inbox:routing_rule_edit", kwargs={"pk": rule.pk}),
                {"name": "Müll", "priority": 5, "keywords": "müll", "network": "facebook",
                 "department": department.pk, "mode": RoutingMode.SUGGEST})
    rule.refresh_from_db()
    assert (rule.priority, rule.network, rule.mode, rule.is_active) == (
        5, "facebook", RoutingMode.SUGGEST, False)
    client.post(reverse("inbox:routing_rule_delete", kwargs={"pk": rule.pk}))
    assert not RoutingRule.objects.exists()
