"""The agent console (capability ANSWER_CHATS): availability, the waiting list, taking
the next conversation, replying, canned replies, transfer and close. Each view calls one
service or selector; htmx polls the waiting list and the open transcript every 2 s."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from chat.models import AgentStatus, Conversation, Intent, Queue
from chat.selectors.queues import (
    agent_conversations_active,
    agent_status_for,
    canned_reply_intents,
    conversation_for_agent,
    conversation_messages,
    queue_waiting_list,
    queues_active,
)
from chat.services.agents import (
    AgentError,
    agent_status_set,
    conversation_close,
    conversation_reply,
    conversation_reply_with_intent,
    conversation_take_next,
    conversation_transfer,
)
from lanekassen_ai.roles import Capability, perm


def _agent(request: Any) -> User:
    """The logged-in user behind a request (the permission check has admitted them)."""
    return cast(User, request.user)


class StatusForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), choices=AgentStatus.State.choices)
    capacity = forms.IntegerField(label=_("Maks samtidige samtaler"), min_value=1, max_value=10)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Svar til kunden"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class CloseForm(forms.Form):
    wrap_up = forms.ChoiceField(label=_("Avslutningskode"), choices=Conversation.WrapUp.choices)


class AgentAccessMixin(PermissionRequiredMixin):
    permission_required = perm(Capability.ANSWER_CHATS)
    raise_exception = True


def _console_url(conversation_id: int | None = None) -> str:
    url = reverse("chat:agent-console")
    return f"{url}?c={conversation_id}" if conversation_id else url


def _own_conversation(request: HttpRequest, pk: int) -> Conversation:
    conversation = conversation_for_agent(agent=_agent(request), conversation_id=pk)
    if conversation is None:
        raise Http404(gettext("Samtalen finnes ikke, eller den er ikke din."))
    return conversation


def _transcript_context(conversation: Conversation) -> dict[str, Any]:
    transcript = conversation_messages(conversation=conversation)
    return {
        "conversation": conversation,
        "transcript": transcript,
        "last_message_id": transcript[-1].pk if transcript else 0,
    }


class AgentConsoleView(AgentAccessMixin, TemplateView):
    template_name = "chat/agent/console.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = _agent(self.request)
        status = agent_status_for(user=user)
        context["status"] = status
        context["status_form"] = StatusForm(
            initial={
                "state": status.state if status else AgentStatus.State.AWAY,
                "capacity": status.capacity if status else 3,
            }
        )
        context["waiting"] = queue_waiting_list(agent=user)
        context["active"] = agent_conversations_active(agent=user)
        selected = self.request.GET.get("c", "")
        if selected.isdigit():
            conversation = conversation_for_agent(agent=user, conversation_id=int(selected))
            if conversation is not None:
                context.update(_transcript_context(conversation))
                context["reply_form"] = ReplyForm()
                context["close_form"] = CloseForm()
                context["canned"] = canned_reply_intents(conversation=conversation)
                context["queues"] = [q for q in queues_active() if q.pk != conversation.queue_id]
        return context


class AgentStatusView(AgentAccessMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = StatusForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return HttpResponseRedirect(_console_url())
        try:
            agent_status_set(
                user=_agent(request),
                state=form.cleaned_data["state"],
                capacity=form.cleaned_data["capacity"],
            )
        except AgentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("Status lagret."))
        return HttpResponseRedirect(_console_url())


class AgentTakeNextView(AgentAccessMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            conversation = conversation_take_next(agent=_agent(request))
        except AgentError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(_console_url())
        if conversation is None:
            messages.info(request, gettext("Ingen kunder venter nå."))
            return HttpResponseRedirect(_console_url())
        return HttpResponseRedirect(_console_url(conversation.pk))


class AgentWaitingView(AgentAccessMixin, View):
    """The waiting list and the agent's own conversations, for htmx polling."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "chat/agent/_waiting.html",
            {
                "waiting": queue_waiting_list(agent=_agent(request)),
                "active": agent_conversations_active(agent=_agent(request)),
            },
        )


class AgentMessagesView(AgentAccessMixin, View):
    """The transcript of one of the agent's conversations, for htmx polling. With
    `after=<last message id>` it answers 204 (htmx then leaves the page alone, so the
    agent's scroll position and text selection survive) until something new arrives."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        conversation = _own_conversation(request, pk)
        after = request.GET.get("after", "")
        if (
            after.isdigit()
            and conversation.state == Conversation.State.WITH_AGENT
            and not conversation_messages(conversation=conversation, after=int(after))
        ):
            return HttpResponse(status=204)
        return render(request, "chat/agent/_transcript.html", _transcript_context(conversation))


class _ConversationActionView(AgentAccessMixin, View):
    """POST on one of the agent's conversations; errors are shown on the console."""

    # The reply form posts with htmx and swaps in the new transcript.
    htmx_returns_transcript = False

    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        conversation = _own_conversation(request, pk)
        try:
            done = self.act(request, conversation)
        except AgentError as exc:
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponse(str(exc), status=422)
            messages.error(request, str(exc))
            return HttpResponseRedirect(_console_url(pk))
        if request.htmx and self.htmx_returns_transcript:  # type: ignore[attr-defined]
            conversation.refresh_from_db()
            return render(request, "chat/agent/_transcript.html", _transcript_context(conversation))
        if done:
            messages.success(request, done)
        return HttpResponseRedirect(_console_url(pk))


class AgentReplyView(_ConversationActionView):
    htmx_returns_transcript = True

    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        form = ReplyForm(request.POST)
        if not form.is_valid():
            raise AgentError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        conversation_reply(conversation=conversation, agent=_agent(request), text=form.cleaned_data["text"])
        return None


class AgentCannedReplyView(_ConversationActionView):
    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        intent_id = request.POST.get("intent", "")
        if not intent_id.isdigit():
            raise AgentError(gettext("Velg et ferdig svar."))
        intent = get_object_or_404(Intent, pk=int(intent_id))
        conversation_reply_with_intent(conversation=conversation, agent=_agent(request), intent=intent)
        return gettext("Ferdig svar sendt.")


class AgentTransferView(_ConversationActionView):
    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        queue_id = request.POST.get("queue", "")
        if not queue_id.isdigit():
            raise AgentError(gettext("Velg en kø å sette samtalen over til."))
        queue = get_object_or_404(Queue, pk=int(queue_id))
        conversation_transfer(conversation=conversation, agent=_agent(request), queue=queue)
        return gettext("Samtalen er satt over til %(queue)s.") % {"queue": queue.name}


class AgentCloseView(_ConversationActionView):
    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        form = CloseForm(request.POST)
        if not form.is_valid():
            raise AgentError(gettext("Velg en avslutningskode."))
        conversation_close(
            conversation=conversation, agent=_agent(request), wrap_up=form.cleaned_data["wrap_up"]
        )
        return gettext("Samtalen er avsluttet.")
