from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox_list, name="list"),
    path("<int:pk>/", views.conversation_detail, name="conversation"),
    path("<int:pk>/route/", views.route, name="route"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/tags/", views.tags, name="tags"),
    path("<int:pk>/notes/", views.add_note, name="add_note"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/reply/", views.save_reply, name="save_reply"),
    path("replies/<int:pk>/submit/", views.submit_reply, name="submit_reply"),
    path("replies/<int:pk>/discard/", views.discard_reply, name="discard_reply"),
    path("replies/<int:pk>/discard-unknown/", views.discard_unknown_reply,
         name="discard_unknown_reply"),
    path("replies/<int:pk>/retry/", views.retry_reply, name="retry_reply"),
    path("replies/review/", views.review_queue, name="review_queue"),
    path("replies/<int:pk>/review/", views.review_reply, name="review_reply"),
    path("messages/<int:pk>/moderate/", views.request_moderation, name="request_moderation"),
    path("moderation/<int:pk>/decide/", views.decide_moderation, name="decide_moderation"),
    path("moderation/<int:pk>/retry/", views.retry_moderation, name="retry_moderation"),
    path("answers/", views.saved_answers, name="saved_answers"),
    path("answers/<int:pk>/", views.saved_answer_edit, name="saved_answer_edit"),
    path("answers/<int:pk>/delete/", views.saved_answer_delete, name="saved_answer_delete"),
    path("rules/", views.routing_rules, name="routing_rules"),
    path("rules/<int:pk>/", views.routing_rules, name="routing_rule_edit"),
    path("rules/<int:pk>/delete/", views.routing_rule_delete, name="routing_rule_delete"),
    path("response-times/", views.response_times, name="response_times"),
    path("citizens/", views.citizens, name="citizens"),
    path("citizens/<int:pk>/export/", views.citizen_export, name="citizen_export"),
    path("citizens/<int:pk>/erase/", views.citizen_erase, name="citizen_erase"),
]
