/* The chat page: talks to /api/v1/chat/conversations/ and renders the conversation.
   Every text is inserted with textContent, never as HTML. Keyboard: Enter sends,
   Shift+Enter makes a new line; option buttons are ordinary buttons. */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) { return; }
  var d = root.dataset;
  var api = d.api;
  // A student's conversation (opened from their own page) is kept apart from an anonymous one.
  var storageKey = "lk-chat-" + d.assistant + (d.student === "1" ? "-student" : "");
  var log = document.getElementById("chat-log");
  var optionsBox = document.getElementById("chat-options");
  var statusBox = document.getElementById("chat-status");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var errorBox = document.getElementById("chat-error");
  var leaveForm = document.getElementById("chat-leave");
  var closeButton = document.getElementById("chat-close");
  var ratingForm = document.getElementById("chat-rating");
  var newButton = document.getElementById("chat-new");
  var conv = null;  // {id, token}
  var lastId = 0;
  var state = "bot";
  var pollTimer = null;
  var busy = false;
  // The labels under the assistant's replies follow the reply's written standard.
  var replyLabels = JSON.parse(document.getElementById("chat-reply-labels").textContent);
  var replyLanguage = d.language;

  function replyLabel(key) {
    return (replyLabels[replyLanguage] || replyLabels.nb)[key];
  }

  function headers() {
    var h = { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": d.csrf };
    if (conv) { h["X-Conversation-Token"] = conv.token; }
    return h;
  }

  function call(method, path, body) {
    return fetch(path, {
      method: method, headers: headers(), credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var detail = data.detail || Object.keys(data).map(function (k) { return k + ": " + data[k]; }).join(" ");
          var err = new Error(detail || d.labelError);
          err.status = response.status;
          throw err;
        }
        return data;
      });
    });
  }

  function showError(message) { errorBox.textContent = message || ""; }

  function whoLabel(sender) {
    if (sender === "customer") { return d.labelYou; }
    if (sender === "agent") { return d.labelAgent; }
    return d.labelBot;
  }

  function render(message) {
    if (message.id <= lastId) { return; }
    lastId = message.id;
    var item = document.createElement("div");
    item.className = "chat-msg " + message.sender;
    item.dataset.messageId = message.id;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = whoLabel(message.sender);
    item.appendChild(who);
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    item.appendChild(text);
    // An absolute link opens in a new tab; a path on this site (a student's own case page)
    // replaces the page the chat is embedded in, where the student is logged in.
    var own = message.link_url && /^\/(?!\/)/.test(message.link_url);
    if (message.link_url && (own || /^https?:\/\//.test(message.link_url))) {
      var link = document.createElement("a");
      link.href = message.link_url;
      link.target = own ? "_top" : "_blank";
      link.rel = "noopener";
      link.textContent = " " + replyLabel("readMore");
      item.appendChild(document.createElement("br"));
      item.appendChild(link);
    }
    if (message.sender === "bot" && message.action === "answer") { item.appendChild(feedbackButtons(message)); }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    if (message.sender !== "customer") { renderOptions(message.option_labels || []); }
  }

  function feedbackButtons(message) {
    var group = document.createElement("div");
    group.className = "chat-feedback";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", replyLabel("feedbackGroup"));
    [[true, "\uD83D\uDC4D", "helpful"], [false, "\uD83D\uDC4E", "notHelpful"]].forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "feedback";
      button.textContent = choice[1];
      button.setAttribute("aria-label", replyLabel(choice[2]));
      button.title = replyLabel(choice[2]);
      button.setAttribute("aria-pressed", message.helpful === choice[0] ? "true" : "false");
      button.addEventListener("click", function () {
        call("POST", api + conv.id + "/messages/" + message.id + "/feedback/", { helpful: choice[0] })
          .then(function () {
            group.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
            button.setAttribute("aria-pressed", "true");
            statusBox.textContent = replyLabel("feedbackThanks");
          }).catch(function (err) { showError(err.message); });
      });
      group.appendChild(button);
    });
    return group;
  }

  function renderOptions(options) {
    optionsBox.textContent = "";
    options.forEach(function (option) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = option.label;
      button.dataset.option = option.slug;
      button.addEventListener("click", function () { choose(option.slug); });
      optionsBox.appendChild(button);
    });
  }

  function setState(newState) {
    state = newState;
    var text = "";
    if (state === "queued") { text = d.labelQueued; }
    else if (state === "with_agent") { text = d.labelWithAgent; }
    else if (state === "closed" || state === "abandoned") { text = d.labelClosed; }
    if (statusBox.textContent !== text) { statusBox.textContent = text; }
    var over = state === "closed" || state === "abandoned";
    form.hidden = over;
    closeButton.hidden = over;
    newButton.hidden = !over;
    if (over) {
      optionsBox.textContent = "";
      leaveForm.hidden = true;
      ratingForm.hidden = state !== "closed" || root.dataset.rated === "1";
    }
    if ((state === "queued" || state === "with_agent") && !pollTimer) {
      pollTimer = window.setInterval(poll, 1500);
    }
    if (over && pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function poll() {
    if (!conv) { return Promise.resolve(); }
    return call("GET", api + conv.id + "/messages/?after=" + lastId).then(function (data) {
      if (data.language) { replyLanguage = data.language; }
      data.messages.forEach(render);
      setState(data.state);
      // On a phone the text box must stay in sight after each reply.
      if (data.messages.length && form.scrollIntoView) { form.scrollIntoView({ block: "nearest" }); }
    }).catch(function (err) {
      if (err.status === 403 || err.status === 404) { forget(); }
    });
  }

  function afterReply(data) {
    var reply = data.reply;
    leaveForm.hidden = !(reply && reply.handover && reply.handover.queued === false && !reply.handover.left_message);
    return poll();
  }

  var starting = null;  // the conversation being opened, so a quick first message waits for it

  function start() {
    if (starting) { return starting; }
    starting = call("POST", api, { assistant: d.assistant, language: d.language, student: d.student === "1" }).then(function (data) {
      conv = { id: data.id, token: data.token };
      lastId = 0;
      try { window.sessionStorage.setItem(storageKey, JSON.stringify(conv)); } catch (e) { /* private mode */ }
      return poll();
    }).then(function () { starting = null; }, function (err) { starting = null; throw err; });
    return starting;
  }

  function forget() {
    try { window.sessionStorage.removeItem(storageKey); } catch (e) { /* private mode */ }
    conv = null;
  }

  function ensureConversation() {
    return conv ? Promise.resolve() : start();
  }

  function send(text) {
    if (busy) { return; }
    busy = true;
    showError("");
    ensureConversation().then(function () {
      return call("POST", api + conv.id + "/messages/", { text: text });
    }).then(function (data) {
      input.value = "";
      return afterReply(data);
    }).catch(function (err) { showError(err.message); }).then(function () {
      busy = false;
      input.focus();
    });
  }

  function choose(slug) {
    if (busy) { return; }
    busy = true;
    showError("");
    optionsBox.textContent = "";
    call("POST", api + conv.id + "/choice/", { option: slug }).then(afterReply)
      .catch(function (err) { showError(err.message); })
      .then(function () { busy = false; input.focus(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { showError(input.validationMessage || d.labelError); input.focus(); return; }
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  leaveForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("chat-leave-text").value.trim();
    if (!text) { return; }
    call("POST", api + conv.id + "/leave-message/", { text: text }).then(function (data) {
      leaveForm.hidden = true;
      return afterReply(data);
    }).catch(function (err) { showError(err.message); });
  });
  closeButton.addEventListener("click", function () {
    if (!conv) { return; }
    call("POST", api + conv.id + "/close/").then(function (data) { setState(data.state); })
      .catch(function (err) { showError(err.message); });
  });
  ratingForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = ratingForm.querySelector("input[name=rating]:checked");
    if (!chosen) { return; }
    call("POST", api + conv.id + "/rating/", { rating: parseInt(chosen.value, 10) }).then(function () {
      root.dataset.rated = "1";
      ratingForm.hidden = true;
      statusBox.textContent = d.labelRated;
    }).catch(function (err) { showError(err.message); });
  });
  newButton.addEventListener("click", function () {
    forget();
    log.textContent = "";
    root.dataset.rated = "";
    lastId = 0;
    start().then(function () { setState("bot"); input.focus(); })
      .catch(function (err) { showError(err.message); });
  });

  // Resume this tab's conversation after a reload, else open a new one.
  try { conv = JSON.parse(window.sessionStorage.getItem(storageKey) || "null"); } catch (e) { conv = null; }
  (conv ? poll() : start()).catch(function (err) { showError(err.message); });
}());
