"""Pages for the people who teach the assistants: intents and phrases (MANAGE_INTENTS),
model versions with their evaluation and retraining (MANAGE_INTENTS), and the review
list of messages the bot did not understand (REVIEW_CHAT_MESSAGES)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from chat.models import Assistant, Intent, ReviewItem, TrainingPhrase
from chat.selectors.conversations import (
    fallback_rate_by_day,
    intent_durable_resolution,
    review_group_list,
    review_item_for_reviewer,
    review_items_for_groups,
    review_items_of_assistant,
)
from chat.selectors.knowledge import (
    assistant_for_modeller,
    assistant_list,
    intent_choices,
    intent_for_modeller,
    intent_list,
    intent_model_version_active,
    intent_model_version_list,
    intent_of_assistant,
    intent_phrases,
    intent_training_run_for_modeller,
    intent_training_run_get,
    training_phrase_for_modeller,
)
from chat.services.knowledge import intent_update, training_phrase_add, training_phrase_delete
from chat.services.review import ReviewError, review_item_assign, review_item_dismiss, review_items_bulk
from chat.services.training_runs import intent_training_run_start
from lanekassen_ai.middleware import request_audit_context
from lanekassen_ai.permissions import CapabilityRequiredMixin
from lanekassen_ai.responses import jobs_unavailable_page
from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.services.jobs import JobsUnavailable

MANAGE = perm(Capability.MANAGE_INTENTS)
REVIEW = perm(Capability.REVIEW_CHAT_MESSAGES)


def _assistant_from(request: HttpRequest) -> Assistant:
    # The picker's choice, else the default assistant, else the first there is.
    slug = request.GET.get("assistant") or request.POST.get("assistant")
    return assistant_for_modeller(slug=slug, fallback=True)


class IntentListView(PermissionRequiredMixin, ListView):
    permission_required = MANAGE
    template_name = "chat/modeller/intent_list.html"
    context_object_name = "intents"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.assistant = _assistant_from(self.request)
        return intent_list(assistant=self.assistant)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            assistant=self.assistant,
            assistants=assistant_list(),
            query_string=f"assistant={self.assistant.slug}",
        )
        return context


class IntentForm(forms.ModelForm):
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
        widgets = {
            "answer_nb": forms.Textarea(attrs={"rows": 4}),
            "answer_nn": forms.Textarea(attrs={"rows": 4}),
            "answer_en": forms.Textarea(attrs={"rows": 4}),
        }


class PhraseForm(forms.Form):
    text = forms.CharField(label=_("Ny treningsfrase"), max_length=500)
    language = forms.ChoiceField(label=_("Språk"), choices=TrainingPhrase.Language.choices)


class IntentEditView(PermissionRequiredMixin, View):
    permission_required = MANAGE

    def _render(
        self, request: HttpRequest, intent: Intent, form: IntentForm, phrase_form: PhraseForm
    ) -> HttpResponse:
        from django.core.paginator import Paginator

        page = Paginator(intent_phrases(intent=intent), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "chat/modeller/intent_edit.html",
            {
                "intent": intent,
                "form": form,
                "phrase_form": phrase_form,
                "page_obj": page,
                "phrases": page.object_list,
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        intent = intent_for_modeller(pk=pk)
        return self._render(request, intent, IntentForm(instance=intent), PhraseForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        intent = intent_for_modeller(pk=pk)
        if "add_phrase" in request.POST:
            phrase_form = PhraseForm(request.POST)
            if phrase_form.is_valid():
                try:
                    training_phrase_add(
                        intent=intent,
                        text=phrase_form.cleaned_data["text"],
                        language=phrase_form.cleaned_data["language"],
                        context=request_audit_context(request),
                    )
                except ValueError as exc:
                    phrase_form.add_error("text", str(exc))
                else:
                    messages.success(
                        request, gettext("Frasen er lagt til. Tren modellen på nytt for å ta den i bruk.")
                    )
                    return HttpResponseRedirect(reverse("chat:intent-edit", args=[intent.pk]))
            return self._render(request, intent, IntentForm(instance=intent), phrase_form)
        # The form validates on its own copy: the service compares with the intent as stored.
        form = IntentForm(request.POST, instance=intent_for_modeller(pk=intent.pk))
        if form.is_valid():
            intent_update(
                intent=intent,
                values={f: form.cleaned_data[f] for f in IntentForm.Meta.fields},
                context=request_audit_context(request),
            )
            messages.success(request, gettext("Intensjonen er lagret."))
            return HttpResponseRedirect(reverse("chat:intent-edit", args=[intent.pk]))
        return self._render(request, intent, form, PhraseForm())


class PhraseDeleteView(PermissionRequiredMixin, View):
    permission_required = MANAGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        phrase = training_phrase_for_modeller(pk=pk)
        intent_pk = phrase.intent_id
        training_phrase_delete(phrase=phrase, context=request_audit_context(request))
        messages.success(request, gettext("Frasen er slettet."))
        return HttpResponseRedirect(reverse("chat:intent-edit", args=[intent_pk]))


class ModelListView(PermissionRequiredMixin, ListView):
    """Model versions of one assistant and the active one's evaluation."""

    permission_required = MANAGE
    template_name = "chat/modeller/models.html"
    context_object_name = "versions"
    paginate_by = 20

    def get_queryset(self) -> Any:
        self.assistant = _assistant_from(self.request)
        return intent_model_version_list(assistant=self.assistant)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        active = intent_model_version_active(assistant=self.assistant)
        metrics = active.metrics if active else {}
        context.update(
            assistant=self.assistant,
            assistants=assistant_list(),
            active=active,
            metrics=metrics,
            risk_coverage=metrics.get("risk_coverage", []),
            training_run=_training_run_from(self.request),
            query_string=f"assistant={self.assistant.slug}",
        )
        return context


class CanTrain(CapabilityRequiredMixin):
    """Retraining is open to the modellers and to the reviewers who just taught the bot."""

    capabilities = (Capability.MANAGE_INTENTS, Capability.REVIEW_CHAT_MESSAGES)


def _training_run_from(request: HttpRequest) -> Any:
    raw = request.GET.get("training", "")
    return intent_training_run_get(run_id=int(raw)) if raw.isdigit() and len(raw) < 12 else None


class ModelTrainView(CanTrain, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        assistant = _assistant_from(request)
        back = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("chat:review-list")
        back = f"{back.split('?')[0]}?assistant={assistant.slug}"
        try:
            run = intent_training_run_start(assistant=assistant, context=request_audit_context(request))
        except JobsUnavailable:
            return jobs_unavailable_page(request, back=back)
        messages.info(request, gettext("Treningen er startet."))
        return HttpResponseRedirect(f"{back}&training={run.pk}")


class ModelTrainProgressView(CanTrain, View):
    """htmx partial: the retraining's progress, read from its row; stops polling when done."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = intent_training_run_for_modeller(pk=pk)
        return render(request, "chat/modeller/_train_progress.html", {"training_run": run})


class ReviewListView(PermissionRequiredMixin, ListView):
    permission_required = REVIEW
    template_name = "chat/modeller/review_list.html"
    context_object_name = "items"
    paginate_by = 25

    def get_queryset(self) -> Any:
        self.assistant = _assistant_from(self.request)
        self.status = self.request.GET.get("status", ReviewItem.Status.OPEN)
        if self.status not in ReviewItem.Status.values:
            self.status = ReviewItem.Status.OPEN
        # Identical messages are one row with their count.
        return review_group_list(assistant=self.assistant, status=self.status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["items"] = review_items_for_groups(groups=list(context["page_obj"].object_list))
        context.update(
            assistant=self.assistant,
            assistants=assistant_list(),
            status=self.status,
            statuses=ReviewItem.Status.choices,
            intents=intent_choices(assistant=self.assistant),
            fallback_rate=fallback_rate_by_day(assistant=self.assistant, days=30),
            durable=intent_durable_resolution(assistant=self.assistant, days=30),
            training_run=_training_run_from(self.request),
            query_string=f"assistant={self.assistant.slug}&status={self.status}",
        )
        return context


class ReviewActionView(PermissionRequiredMixin, View):
    """Assign a review item to an intent or dismiss it. With htmx, answers with the
    updated row; without, redirects back to the list."""

    permission_required = REVIEW
    action = "assign"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = review_item_for_reviewer(pk=pk)
        error = ""
        try:
            if self.action == "assign":
                intent_id = request.POST.get("intent", "")
                intent = (
                    intent_of_assistant(assistant_id=item.assistant_id, intent_id=int(intent_id))
                    if intent_id.isdigit()
                    else None
                )
                if intent is None:
                    raise ReviewError(gettext("Velg en intensjon fra listen."))
                item = review_item_assign(item=item, intent=intent, context=request_audit_context(request))
            else:
                item = review_item_dismiss(item=item, context=request_audit_context(request))
        except ReviewError as exc:
            error = str(exc)
        if getattr(request, "htmx", False):
            return render(
                request, "chat/modeller/_review_row.html", {"item": item, "error": error, "done": not error}
            )
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(f"{reverse('chat:review-list')}?assistant={item.assistant.slug}")


class ReviewBulkView(PermissionRequiredMixin, View):
    """Assign several review groups to one intent, or dismiss them, from the list's
    check boxes; back to the list with what was done and what was refused."""

    permission_required = REVIEW

    def post(self, request: HttpRequest) -> HttpResponse:
        assistant = _assistant_from(request)
        ids = [int(i) for i in request.POST.getlist("items") if i.isdigit()][:100]
        items = review_items_of_assistant(assistant=assistant, ids=ids)
        intent_id = request.POST.get("intent", "")
        intent = (
            intent_of_assistant(assistant_id=assistant.pk, intent_id=int(intent_id))
            if intent_id.isdigit()
            else None
        )
        back = HttpResponseRedirect(f"{reverse('chat:review-list')}?assistant={assistant.slug}")
        if not items:
            messages.error(request, gettext("Kryss av minst én melding."))
            return back
        try:
            done, errors = review_items_bulk(
                items=items,
                action=request.POST.get("action", ""),
                intent=intent,
                context=request_audit_context(request),
            )
        except ReviewError as exc:
            messages.error(request, str(exc))
            return back
        messages.success(request, gettext("%(n)d meldingsgrupper behandlet.") % {"n": done})
        for error in errors:
            messages.error(request, error)
        return back
