"""Teaching the assistants through the API (under /api/v1/chat/): intents and phrases,
model versions and retraining (MANAGE_INTENTS), and the review list of messages the
assistant did not understand (REVIEW_CHAT_MESSAGES). The same services, selectors,
capabilities and audit events as the pages in chat/views/modeller.py."""

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chat.models import (
    Intent,
    IntentModelVersion,
    IntentTrainingRun,
    ReviewItem,
    TrainingPhrase,
)
from chat.selectors.conversations import (
    review_group_list,
    review_item_for_reviewer,
    review_items_for_groups,
    review_items_of_assistant,
)
from chat.selectors.knowledge import (
    assistant_for_modeller,
    intent_for_modeller,
    intent_list,
    intent_model_version_list,
    intent_of_assistant,
    intent_phrases,
    intent_training_run_for_modeller,
    intent_training_run_get,
    training_phrase_for_modeller,
)
from chat.selectors.queues import queue_choices
from chat.services.knowledge import intent_update, training_phrase_add, training_phrase_delete
from chat.services.review import ReviewError, review_item_assign, review_item_dismiss, review_items_bulk
from chat.services.training_runs import intent_training_run_start
from lanekassen_ai.api.idempotency import idempotent
from lanekassen_ai.api.mixins import AuditContextAPIMixin
from lanekassen_ai.api.permissions import HasCapability
from lanekassen_ai.api.serializers import ErrorSerializer
from lanekassen_ai.roles import Capability

CanManageIntents = HasCapability(Capability.MANAGE_INTENTS)
CanReview = HasCapability(Capability.REVIEW_CHAT_MESSAGES)
# Retraining is open to the modellers and to the reviewers who just taught the bot.
CanTrain = HasCapability(Capability.MANAGE_INTENTS, Capability.REVIEW_CHAT_MESSAGES)

ASSISTANT_PARAMETER = OpenApiParameter("assistant", str, description="assistant slug (default: kunde)")


def _refused(message: str, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response(ErrorSerializer({"detail": message}).data, status=code)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An intent",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 12,
                "assistant": "kunde",
                "slug": "payout_dates",
                "title_nb": "Når kommer pengene?",
                "title_nn": "Når kjem pengane?",
                "title_en": "When is the money paid out?",
                "action": "answer",
                "queue": None,
                "answer_nb": "Stipend og lån betales ut den 15. hver måned.",
                "answer_nn": "Stipend og lån vert betalte ut den 15. kvar månad.",
                "answer_en": "Grants and loans are paid out on the 15th of each month.",
                "link_url": "",
                "active": True,
                "n_phrases": 41,
            },
        )
    ]
)
class IntentSerializer(serializers.ModelSerializer):
    assistant: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    queue: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    n_phrases = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Intent
        fields = [
            "id",
            "assistant",
            "slug",
            "title_nb",
            "title_nn",
            "title_en",
            "action",
            "queue",
            "answer_nb",
            "answer_nn",
            "answer_en",
            "link_url",
            "active",
            "n_phrases",
        ]
        read_only_fields = fields


class IntentUpdateSerializer(serializers.ModelSerializer):
    """The editable fields, as on the intent page (never the slug); send only those that change."""

    queue: Any = serializers.SlugRelatedField(
        slug_field="slug", queryset=queue_choices(), allow_null=True, required=False
    )

    class Meta:
        model = Intent
        fields = [
            "title_nb",
            "title_nn",
            "title_en",
            "action",
            "queue",
            "answer_nb",
            "answer_nn",
            "answer_en",
            "link_url",
            "active",
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A phrase",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 812,
                "intent": 12,
                "text": "når kommer pengene mine",
                "language": "nb",
                "source": "manual",
                "created_at": "2026-12-01T10:15:00+01:00",
            },
        )
    ]
)
class PhraseSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingPhrase
        fields = ["id", "intent", "text", "language", "source", "created_at"]
        read_only_fields = fields


class PhraseCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    language = serializers.ChoiceField(choices=TrainingPhrase.Language.choices)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A model version",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 7,
                "version": "kunde-20261201-101500",
                "status": "ACTIVE",
                "n_intents": 38,
                "n_phrases": 1520,
                "answer_threshold": 0.62,
                "clarify_threshold": 0.31,
                "intent_thresholds": {"payout_dates": 0.71},
                "target_precision": 0.97,
                "trained_by": "analytiker1",
                "trained_at": "2026-12-01T10:15:00+01:00",
            },
        )
    ]
)
class IntentModelVersionSerializer(serializers.ModelSerializer):
    trained_by = serializers.CharField(
        source="trained_by.username", read_only=True, default=None, allow_null=True
    )
    intent_thresholds = serializers.DictField(
        child=serializers.FloatField(),
        read_only=True,
        help_text="Intents answered only at a stricter threshold than answer_threshold (slug -> threshold).",
    )

    class Meta:
        model = IntentModelVersion
        fields = [
            "id",
            "version",
            "status",
            "n_intents",
            "n_phrases",
            "answer_threshold",
            "clarify_threshold",
            "intent_thresholds",
            "target_precision",
            "trained_by",
            "trained_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A retraining under way",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 31,
                "assistant": "kunde",
                "status": "RUNNING",
                "step": "Evaluating on the held-out paraphrases",
                "share": 0.6,
                "error": "",
                "model_version": None,
                "created_at": "2026-12-01T10:15:00+01:00",
                "finished_at": None,
            },
        )
    ]
)
class TrainingRunSerializer(serializers.ModelSerializer):
    assistant: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    model_version = serializers.CharField(
        source="model_version.version", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = IntentTrainingRun
        fields = [
            "id",
            "assistant",
            "status",
            "step",
            "share",
            "error",
            "model_version",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class TrainingStartSerializer(serializers.Serializer):
    assistant = serializers.SlugField(required=False, default="kunde")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A message not understood, asked three times",
            response_only=True,
            status_codes=["200", "201", "202"],
            value={
                "id": 4711,
                "text": "kan jeg få utsatt betalingen til mars",
                "reason": "fallback",
                "predicted_intent": "payment_deferral",
                "confidence": 0.28,
                "status": "open",
                "assigned_intent": None,
                "resolved_by": None,
                "resolved_at": None,
                "created_at": "2026-12-01T09:02:11+01:00",
                "group_count": 3,
            },
        )
    ]
)
class ReviewItemSerializer(serializers.ModelSerializer):
    """The newest item of a group of identical messages; `group_count` items in all."""

    predicted_intent: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    assigned_intent: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    resolved_by = serializers.CharField(
        source="resolved_by.username", read_only=True, default=None, allow_null=True
    )
    group_count = serializers.IntegerField(read_only=True, default=1)

    class Meta:
        model = ReviewItem
        fields = [
            "id",
            "text",
            "reason",
            "predicted_intent",
            "confidence",
            "status",
            "assigned_intent",
            "resolved_by",
            "resolved_at",
            "created_at",
            "group_count",
        ]
        read_only_fields = fields


class ReviewAssignSerializer(serializers.Serializer):
    intent = serializers.IntegerField(min_value=1, help_text="id of an active intent of the item's assistant")


class ReviewBulkAction(models.TextChoices):
    ASSIGN = "assign", "assign"
    DISMISS = "dismiss", "dismiss"


class ReviewBulkSerializer(serializers.Serializer):
    assistant = serializers.SlugField(required=False, default="kunde")
    items = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)
    action = serializers.ChoiceField(choices=ReviewBulkAction.choices)
    intent = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class ReviewBulkResultSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="groups assigned or dismissed")
    refused = serializers.ListField(child=serializers.CharField(), help_text="what was refused, and why")


class _AssistantListView(generics.ListAPIView):
    """A list of one assistant's rows (`?assistant=`, default kunde), read by `selector`."""

    permission_classes = [CanManageIntents]
    filter_backends: list[Any] = []
    selector: Any = None

    def get_queryset(self) -> Any:
        return type(self).selector(
            assistant=assistant_for_modeller(slug=self.request.query_params.get("assistant"))
        )

    @extend_schema(parameters=[ASSISTANT_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class IntentListView(_AssistantListView):
    """The assistant's intents with their phrase counts."""

    serializer_class = IntentSerializer
    selector = intent_list


class IntentDetailView(AuditContextAPIMixin, APIView):
    """One intent; PATCH changes its titles, answers, action, queue or active flag
    (audited as `chat.intent.update`; retrain to put the change to use)."""

    permission_classes = [CanManageIntents]

    @extend_schema(responses={200: IntentSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(IntentSerializer(intent_for_modeller(pk=pk)).data)

    @extend_schema(
        request=IntentUpdateSerializer,
        responses={200: IntentSerializer},
        examples=[OpenApiExample("A new answer", value={"answer_nb": "Du finner svaret på Dine sider."})],
    )
    def patch(self, request: Request, pk: int) -> Response:
        intent = intent_for_modeller(pk=pk)
        payload = IntentUpdateSerializer(intent, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        intent_update(intent=intent, values=dict(payload.validated_data), context=self.audit_context)
        return Response(IntentSerializer(intent_for_modeller(pk=pk)).data)


class IntentPhrasesView(AuditContextAPIMixin, generics.ListAPIView):
    """The intent's training phrases, newest first; POST adds one."""

    permission_classes = [CanManageIntents]
    serializer_class = PhraseSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return intent_phrases(intent=intent_for_modeller(pk=self.kwargs["pk"]))

    @extend_schema(
        request=PhraseCreateSerializer,
        responses={201: PhraseSerializer},
        examples=[
            OpenApiExample(
                "A phrase", value={"text": "når kommer pengene mine", "language": "nb"}, request_only=True
            )
        ],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        intent = intent_for_modeller(pk=pk)
        payload = PhraseCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            phrase = training_phrase_add(
                intent=intent,
                text=payload.validated_data["text"],
                language=payload.validated_data["language"],
                context=self.audit_context,
            )
        except ValueError as exc:
            return _refused(str(exc))
        return Response(PhraseSerializer(phrase).data, status=status.HTTP_201_CREATED)


class PhraseDeleteView(AuditContextAPIMixin, APIView):
    permission_classes = [CanManageIntents]

    @extend_schema(
        request=None,
        responses={204: None, 404: ErrorSerializer},
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, examples=[OpenApiExample("A phrase", value=812)]
            )
        ],
    )
    def delete(self, request: Request, pk: int) -> Response:
        """Remove a training phrase (takes effect at the next retraining)."""
        phrase = training_phrase_for_modeller(pk=pk)
        training_phrase_delete(phrase=phrase, context=self.audit_context)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IntentModelListView(_AssistantListView):
    """The assistant's trained model versions, newest first."""

    serializer_class = IntentModelVersionSerializer
    selector = intent_model_version_list


class IntentTrainingStartView(AuditContextAPIMixin, APIView):
    permission_classes = [CanTrain]

    @extend_schema(
        request=TrainingStartSerializer,
        responses={202: TrainingRunSerializer, 503: ErrorSerializer},
        examples=[
            OpenApiExample("Retrain the customer assistant", value={"assistant": "kunde"}, request_only=True)
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        """Retrain the assistant's intent model in the background; follow the run with
        GET models/train/{id}/ (it activates the new model when it is done)."""
        payload = TrainingStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assistant = assistant_for_modeller(slug=payload.validated_data["assistant"])
        run = intent_training_run_start(assistant=assistant, context=self.audit_context)
        run = intent_training_run_get(run_id=run.pk) or run
        return Response(TrainingRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class IntentTrainingRunView(APIView):
    permission_classes = [CanTrain]

    @extend_schema(responses={200: TrainingRunSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """One retraining's progress."""
        return Response(TrainingRunSerializer(intent_training_run_for_modeller(pk=pk)).data)


class ReviewListView(generics.ListAPIView):
    """Messages the assistant did not understand; identical messages are one group."""

    permission_classes = [CanReview]
    serializer_class = ReviewItemSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[
            ASSISTANT_PARAMETER,
            OpenApiParameter("status", str, enum=ReviewItem.Status.values, description="default: open"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assistant = assistant_for_modeller(slug=request.query_params.get("assistant"))
        wanted = request.query_params.get("status", ReviewItem.Status.OPEN)
        if wanted not in ReviewItem.Status.values:
            raise serializers.ValidationError(
                {"status": [_("Én av %(values)s.") % {"values": ReviewItem.Status.values}]}
            )
        page = self.paginate_queryset(review_group_list(assistant=assistant, status=wanted))
        items = review_items_for_groups(groups=list(page or []))
        return self.get_paginated_response(ReviewItemSerializer(items, many=True).data)


class ReviewAssignView(AuditContextAPIMixin, APIView):
    permission_classes = [CanReview]

    @extend_schema(
        request=ReviewAssignSerializer,
        responses={200: ReviewItemSerializer, 409: ErrorSerializer},
        examples=[OpenApiExample("To an intent", value={"intent": 12}, request_only=True)],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Make the message (and its identical open ones) a training phrase of the intent."""
        item = review_item_for_reviewer(pk=pk)
        payload = ReviewAssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        intent = intent_of_assistant(
            assistant_id=item.assistant_id, intent_id=payload.validated_data["intent"]
        )
        if intent is None:
            raise serializers.ValidationError(
                {"intent": [_("Assistenten har ingen intensjon med den id-en.")]}
            )
        try:
            item = review_item_assign(item=item, intent=intent, context=self.audit_context)
        except ReviewError as exc:
            return _refused(str(exc), status.HTTP_409_CONFLICT)
        return Response(ReviewItemSerializer(item).data)


class ReviewDismissView(AuditContextAPIMixin, APIView):
    permission_classes = [CanReview]

    @extend_schema(request=None, responses={200: ReviewItemSerializer, 409: ErrorSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Mark the message (and its identical open ones) as nothing to learn from."""
        try:
            item = review_item_dismiss(item=review_item_for_reviewer(pk=pk), context=self.audit_context)
        except ReviewError as exc:
            return _refused(str(exc), status.HTTP_409_CONFLICT)
        return Response(ReviewItemSerializer(item).data)


class ReviewBulkView(AuditContextAPIMixin, APIView):
    permission_classes = [CanReview]

    @extend_schema(
        request=ReviewBulkSerializer,
        responses={200: ReviewBulkResultSerializer},
        examples=[
            OpenApiExample(
                "Dismiss two groups", value={"assistant": "kunde", "items": [41, 42], "action": "dismiss"}
            )
        ],
    )
    def post(self, request: Request) -> Response:
        """Assign several review groups to one intent, or dismiss them; each group is done
        or refused on its own."""
        payload = ReviewBulkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        assistant = assistant_for_modeller(slug=data["assistant"])
        items = review_items_of_assistant(assistant=assistant, ids=data["items"])
        if not items:
            return _refused(_("Ingen av meldingene hører til denne assistenten."))
        intent = (
            intent_of_assistant(assistant_id=assistant.pk, intent_id=data["intent"])
            if data.get("intent")
            else None
        )
        try:
            done, errors = review_items_bulk(
                items=items, action=data["action"], intent=intent, context=self.audit_context
            )
        except ReviewError as exc:
            return _refused(str(exc))
        return Response(ReviewBulkResultSerializer({"done": done, "refused": errors}).data)
