"""The agent console (capability ANSWER_CHATS): availability, the waiting list with SLA
warnings and unread markers, taking the next conversation, replying, canned answers to
edit, internal notes, transfer and close; and the managers' list (capability
REASSIGN_CHATS) for reassigning conversations. Each view calls one service or selector;
htmx polls the waiting list and the open transcript every 2 s, and both answer 204
("nothing new") from a cheap check while nothing changed."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from chat.limits import MAX_REPLY_LENGTH
from chat.models import AgentStatus, Conversation
from chat.selectors import NotFound
from chat.selectors.queues import (
    AgentConversationDetail,
    agent_choices,
    agent_console_version,
    agent_conversation_detail,
    agent_conversations_active,
    agent_queue_ids,
    agent_status_for,
    canned_reply_intents,
    chat_agents,
    conversation_for_agent,
    conversation_for_reassign,
    conversation_notes,
    conversations_for_supervision,
    queue_get,
    queue_waiting_list,
    queue_waits_for_agent,
    queues_active,
)
from chat.services.agents import (
    AgentError,
    agent_status_set,
    canned_answer_text,
    conversation_close,
    conversation_mark_seen,
    conversation_note_add,
    conversation_reassign,
    conversation_reply,
    conversation_take_next,
    conversation_transfer,
)
from lanekassen_ai.middleware import request_audit_context
from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.services.audit import AuditContext


class StatusForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), choices=AgentStatus.State.choices)
    capacity = forms.IntegerField(label=_("Maks samtidige samtaler"), min_value=1, max_value=10)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Svar til kunden"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_REPLY_LENGTH
    )


class CloseForm(forms.Form):
    wrap_up = forms.ChoiceField(label=_("Avslutningskode"), choices=Conversation.WrapUp.choices)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Intern merknad (vises ikke for kunden)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_REPLY_LENGTH,
    )


class AgentAccessMixin(PermissionRequiredMixin):
    permission_required = perm(Capability.ANSWER_CHATS)
    raise_exception = True


class ReassignAccessMixin(PermissionRequiredMixin):
    permission_required = perm(Capability.REASSIGN_CHATS)
    raise_exception = True


def _console_url(conversation_id: int | None = None) -> str:
    url = reverse("chat:agent-console")
    return f"{url}?c={conversation_id}" if conversation_id else url


def _transcript_context(detail: AgentConversationDetail, context: AuditContext) -> dict[str, Any]:
    # Showing the transcript is the agent reading it: it clears the unread marker.
    conversation_mark_seen(
        conversation=detail.conversation, message_id=detail.last_message_id, context=context
    )
    return {
        "conversation": detail.conversation,
        "transcript": list(detail.messages),
        "last_message_id": detail.last_message_id,
    }


def _waiting_context(user: User) -> dict[str, Any]:
    queue_ids = agent_queue_ids(agent=user)
    waits = queue_waits_for_agent(agent=user, queue_ids=queue_ids)
    return {
        "waiting": queue_waiting_list(agent=user, queue_ids=queue_ids),
        "active": agent_conversations_active(agent=user),
        "queue_waits": waits,
        "console_version": agent_console_version(agent=user, waits=waits),
    }


def _canned_answers(conversation: Conversation) -> list[dict[str, Any]]:
    """The ready answers to insert, in the customer's language, for json_script."""
    return [
        {
            "id": intent.pk,
            "title": intent.title_nb,
            "text": canned_answer_text(intent=intent, language=conversation.language),
            "suggested": intent.pk == conversation.handover_intent_id,
        }
        for intent in canned_reply_intents(conversation=conversation)
    ]


class AgentConsoleView(AgentAccessMixin, TemplateView):
    template_name = "chat/agent/console.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = request_audit_context(self.request).user
        status = agent_status_for(user=user)
        context["status"] = status
        context["status_form"] = StatusForm(
            initial={
                "state": status.state if status else AgentStatus.State.AWAY,
                "capacity": status.capacity if status else 3,
            }
        )
        context.update(_waiting_context(user))
        selected = self.request.GET.get("c", "")
        if not selected.isdigit():
            return context
        try:
            detail = agent_conversation_detail(agent=user, conversation_id=int(selected))
        except NotFound:
            return context  # a stale or someone else's ?c= shows the console without it
        conversation = detail.conversation
        context.update(_transcript_context(detail, request_audit_context(self.request)))
        canned = _canned_answers(conversation)
        # Without script, "Sett inn" reloads with ?canned=<id>: the answer is put
        # in the reply box for editing, never sent as it is.
        chosen = self.request.GET.get("canned", "")
        draft = next((c["text"] for c in canned if chosen.isdigit() and c["id"] == int(chosen)), "")
        context["reply_form"] = ReplyForm(initial={"text": draft})
        context["close_form"] = CloseForm()
        context["note_form"] = NoteForm()
        context["notes"] = conversation_notes(conversation=conversation)
        context["canned"] = canned
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
                context=request_audit_context(request),
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
            conversation = conversation_take_next(context=request_audit_context(request))
        except AgentError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(_console_url())
        if conversation is None:
            messages.info(request, gettext("Ingen kunder venter nå."))
            return HttpResponseRedirect(_console_url())
        return HttpResponseRedirect(_console_url(conversation.pk))


class AgentWaitingView(AgentAccessMixin, View):
    """The waiting list, SLA warnings and the agent's own conversations with unread
    markers, for htmx polling. With `v=<version>` it answers 204 while the console's
    fingerprint is unchanged (three small queries instead of the whole list)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request_audit_context(request).user
        seen = request.GET.get("v", "")
        if seen and seen == agent_console_version(agent=user):
            return HttpResponse(status=204)
        return render(request, "chat/agent/_waiting.html", _waiting_context(user))


class AgentMessagesView(AgentAccessMixin, View):
    """The transcript of one of the agent's conversations, for htmx polling. With
    `after=<last message id>` it answers 204 (htmx then leaves the page alone, so the
    agent's scroll position and text selection survive) until something new arrives."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        agent = request_audit_context(request).user
        after = request.GET.get("after", "")
        polling = after.isdigit()
        detail = agent_conversation_detail(
            agent=agent, conversation_id=pk, after=int(after) if polling else None
        )
        if polling and detail.conversation.state == Conversation.State.WITH_AGENT and not detail.messages:
            return HttpResponse(status=204)
        if polling:  # something new (or the conversation ended): the whole transcript again
            detail = agent_conversation_detail(agent=agent, conversation_id=pk)
        return render(
            request,
            "chat/agent/_transcript.html",
            _transcript_context(detail, request_audit_context(request)),
        )


class _ConversationActionView(AgentAccessMixin, View):
    """POST on one of the agent's conversations; errors are shown on the console."""

    # The reply form posts with htmx and swaps in the new transcript.
    htmx_returns_transcript = False
    htmx_template = "chat/agent/_transcript.html"

    def htmx_context(self, conversation: Conversation, context: AuditContext) -> dict[str, Any]:
        return _transcript_context(
            agent_conversation_detail(agent=context.user, conversation_id=conversation.pk), context
        )

    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        conversation = conversation_for_agent(agent=request_audit_context(request).user, conversation_id=pk)
        try:
            done = self.act(request, conversation)
        except AgentError as exc:
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponse(str(exc), status=422)
            messages.error(request, str(exc))
            return HttpResponseRedirect(_console_url(pk))
        if request.htmx and self.htmx_returns_transcript:  # type: ignore[attr-defined]
            return render(
                request,
                self.htmx_template,
                self.htmx_context(conversation, request_audit_context(request)),
            )
        if done:
            messages.success(request, done)
        return HttpResponseRedirect(_console_url(pk))


class AgentReplyView(_ConversationActionView):
    htmx_returns_transcript = True

    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        form = ReplyForm(request.POST)
        if not form.is_valid():
            raise AgentError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        conversation_reply(
            conversation=conversation,
            text=form.cleaned_data["text"],
            context=request_audit_context(request),
        )
        return None


class AgentNoteView(_ConversationActionView):
    htmx_returns_transcript = True
    htmx_template = "chat/agent/_notes.html"

    def htmx_context(self, conversation: Conversation, context: AuditContext) -> dict[str, Any]:
        return {"notes": conversation_notes(conversation=conversation), "conversation": conversation}

    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise AgentError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        conversation_note_add(
            conversation=conversation,
            text=form.cleaned_data["text"],
            context=request_audit_context(request),
        )
        return gettext("Merknaden er lagret.")


class AgentTransferView(_ConversationActionView):
    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        queue_id = request.POST.get("queue", "")
        if not queue_id.isdigit():
            raise AgentError(gettext("Velg en kø å sette samtalen over til."))
        queue = queue_get(pk=int(queue_id))
        conversation_transfer(conversation=conversation, queue=queue, context=request_audit_context(request))
        return gettext("Samtalen er satt over til %(queue)s.") % {"queue": queue.name}


class AgentCloseView(_ConversationActionView):
    def act(self, request: HttpRequest, conversation: Conversation) -> str | None:
        form = CloseForm(request.POST)
        if not form.is_valid():
            raise AgentError(gettext("Velg en avslutningskode."))
        conversation_close(
            conversation=conversation,
            wrap_up=form.cleaned_data["wrap_up"],
            context=request_audit_context(request),
        )
        return gettext("Samtalen er avsluttet.")


class ReassignForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Ny saksbehandler"), queryset=User.objects.none())

    def __init__(self, *args: Any, agents: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["agent"])
        field.queryset = agent_choices(agents=agents)


class ConversationSupervisionView(ReassignAccessMixin, TemplateView):
    """Managers: conversations waiting or with an agent, 25 per page, each with a
    reassign form."""

    template_name = "chat/agent/supervision.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        state = self.request.GET.get("state", "")
        if state not in ("", Conversation.State.QUEUED, Conversation.State.WITH_AGENT):
            state = ""
        page = Paginator(conversations_for_supervision(state=state), 25).get_page(
            self.request.GET.get("page")
        )
        context.update({"page_obj": page, "agents": chat_agents(), "state": state})
        return context


class ConversationReassignView(ReassignAccessMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        conversation = conversation_for_reassign(conversation_id=pk)
        form = ReassignForm(request.POST, agents=chat_agents())
        back = reverse("chat:conversation-supervision")
        if not form.is_valid():
            messages.error(request, gettext("Velg en saksbehandler som svarer på chat."))
            return HttpResponseRedirect(back)
        to_agent = form.cleaned_data["agent"]
        try:
            conversation_reassign(
                conversation=conversation,
                to_agent=to_agent,
                context=request_audit_context(request),
            )
        except AgentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext("Samtale %(id)s er satt over til %(name)s.")
                % {"id": pk, "name": to_agent.get_full_name() or to_agent.get_username()},
            )
        return HttpResponseRedirect(back)
