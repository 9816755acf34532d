from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lanekassen_ai.event_types import event_types_as_choices
from lanekassen_ai.models import (
    AuditEvent,
    DomainEvent,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookSubscription,
)
from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.services.webhooks import (
    webhook_delivery_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_errors,
    webhook_subscription_update,
)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the admin can search the trail but never add, change or delete in it."""

    list_display = [
        "created_at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "channel",
        "ip_address",
    ]
    list_filter = ["channel", "action"]
    search_fields = ["actor_username", "action", "object_id", "object_repr"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(perm(Capability.VIEW_AUDIT_LOG))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _WebhookAdminBase(admin.ModelAdmin):
    """Webhooks belong to the admin role (`manage_webhooks`); every write goes through the
    webhook services, so it is validated and audited like the API's."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(perm(Capability.MANAGE_WEBHOOKS))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("Adresse"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("Hendelsestyper"), choices=event_types_as_choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label=_("Hemmelighet"),
        required=False,
        help_text=_("Minst 24 tegn. Tom: en ny genereres når abonnementet opprettes."),
    )

    class Meta:
        model = WebhookSubscription
        # `url` and `secret` are declared above (Django's default URL field warns about its scheme).
        fields = ["name", "event_types", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = webhook_subscription_errors(
            name=data.get("name", ""), url=data.get("url", ""), event_types=list(data.get("event_types", []))
        )
        for field, messages_ in errors.items():
            self.add_error(field if field in self.fields else None, messages_)
        return data


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(_WebhookAdminBase):
    form = WebhookSubscriptionForm
    list_display = ["name", "url", "active", "created_at"]
    actions = ["rotate_secret"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The secret is typed once, on creation; afterwards only rotated.
        fields = ["name", "url", "event_types", "active"]
        return fields if obj is not None else [*fields, "secret"]

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool) -> None:
        context = request.audit_context  # type: ignore[attr-defined]
        data = form.cleaned_data
        try:
            if change:
                saved = webhook_subscription_update(
                    subscription=obj,
                    context=context,
                    name=data["name"],
                    url=data["url"],
                    event_types=list(data["event_types"]),
                    active=data["active"],
                )
            else:
                saved = webhook_subscription_create(
                    name=data["name"],
                    url=data["url"],
                    event_types=list(data["event_types"]),
                    secret=data.get("secret") or "",
                    context=context,
                )
                if not data.get("secret"):
                    messages.info(request, _("Hemmeligheten er: %(secret)s") % {"secret": saved.secret})
        except ValidationError as error:  # the form checked the same rules; only a race lands here
            messages.error(request, "; ".join(error.messages))
            raise
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        webhook_subscription_delete(subscription=obj, context=request.audit_context)  # type: ignore[attr-defined]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for subscription in queryset:
            self.delete_model(request, subscription)

    @admin.action(description=_("Lag ny hemmelighet"))
    def rotate_secret(self, request: HttpRequest, queryset: Any) -> None:
        for subscription in queryset:
            saved = webhook_subscription_update(
                subscription=subscription,
                context=request.audit_context,  # type: ignore[attr-defined]
                rotate_secret=True,
            )
            messages.info(
                request,
                _("%(name)s: ny hemmelighet %(secret)s") % {"name": saved.name, "secret": saved.secret},
            )


class WebhookDeliveryAttemptInline(admin.TabularInline):
    model = WebhookDeliveryAttempt
    fields = ("started_at", "finished_at", "outcome", "response_status", "error")
    readonly_fields = ("started_at", "finished_at", "outcome", "response_status", "error")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_WebhookAdminBase):
    """Every delivery with each attempt; the action sends the chosen ones again."""

    list_display = ["event", "subscription", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "subscription"]
    search_fields = ["event__id", "event__type"]
    list_select_related = ["event", "subscription"]
    readonly_fields = [
        "subscription",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    inlines = [WebhookDeliveryAttemptInline]
    actions = ["redeliver"]

    @admin.action(description=_("Send på nytt"))
    def redeliver(self, request: HttpRequest, queryset: Any) -> None:
        for delivery in queryset:
            webhook_delivery_redeliver(delivery=delivery, context=request.audit_context)  # type: ignore[attr-defined]
        messages.info(request, _("%(n)s leveringer sendes på nytt.") % {"n": len(queryset)})


@admin.register(DomainEvent)
class DomainEventAdmin(_WebhookAdminBase):
    """The outbox, read-only."""

    list_display = ["occurred_at", "type", "version", "sequence", "id"]
    list_filter = ["type"]
    search_fields = ["id"]
    readonly_fields = ["id", "type", "version", "occurred_at", "sequence", "payload", "request_id"]
