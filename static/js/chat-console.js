// The agent console: alerts (a short tone made with the Web Audio API, and a visible
// message) when a customer starts waiting, writes, or a queue passes its target; the
// transcript kept at the newest message; Enter sends, Shift+Enter makes a new line;
// drafts kept per conversation and a warning before closing with an unsent one; canned
// answers searched and inserted for editing. No inline script: everything is here.
(function () {
  "use strict";

  var MUTE_KEY = "chat-console-muted";
  var consoleEl = document.getElementById("agent-console");
  if (!consoleEl) {
    return;
  }

  // ---- Alerts --------------------------------------------------------------------
  var alertEl = document.getElementById("console-alert");
  var toggle = document.getElementById("alert-sound-toggle");
  var audio = null;
  var previous = null;
  var alertCount = 0;

  function muted() {
    return window.localStorage.getItem(MUTE_KEY) === "1";
  }

  function showMute() {
    if (!toggle) {
      return;
    }
    var on = !muted();
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? toggle.dataset.labelOn : toggle.dataset.labelOff;
  }

  function tone() {
    // A 0.3 s, 880 Hz tone generated locally; nothing is fetched.
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      return false;
    }
    audio = audio || new Context();
    if (audio.state === "suspended") {
      audio.resume();
    }
    var now = audio.currentTime;
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.3);
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start(now);
    oscillator.stop(now + 0.32);
    // Before the agent has clicked anywhere the browser may hold sound back.
    return audio.state === "running";
  }

  function raise(text) {
    alertCount += 1;
    consoleEl.dataset.alerts = String(alertCount);
    if (alertEl) {
      alertEl.textContent = text;
      alertEl.classList.remove("flash");
      void alertEl.offsetWidth; // restart the animation
      alertEl.classList.add("flash");
    }
    var base = document.title.replace(/^\(\d+\) /, "");
    document.title = "(" + alertCount + ") " + base;
    if (!muted() && tone()) {
      consoleEl.dataset.tones = String(Number(consoleEl.dataset.tones || "0") + 1);
    }
  }

  function snapshot() {
    var data = document.getElementById("waiting-data");
    if (!data) {
      return null;
    }
    var unread = {};
    (data.dataset.unread || "").split(",").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length === 2) {
        unread[parts[0]] = Number(parts[1]);
      }
    });
    return {
      waiting: (data.dataset.waitingIds || "").split(",").filter(Boolean),
      unread: unread,
      over: (data.dataset.overTarget || "").split(",").filter(Boolean),
    };
  }

  function compare() {
    var current = snapshot();
    if (!current) {
      return;
    }
    if (previous) {
      var newWaiting = current.waiting.some(function (id) {
        return previous.waiting.indexOf(id) === -1;
      });
      var newMessage = Object.keys(current.unread).some(function (id) {
        return current.unread[id] > (previous.unread[id] || 0);
      });
      var newOver = current.over.some(function (id) {
        return previous.over.indexOf(id) === -1;
      });
      if (newWaiting) {
        raise(consoleEl.dataset.alertWaiting);
      } else if (newMessage) {
        raise(consoleEl.dataset.alertMessage);
      } else if (newOver) {
        raise(consoleEl.dataset.alertSla);
      }
    }
    previous = current;
  }

  if (toggle) {
    toggle.addEventListener("click", function () {
      window.localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
      showMute();
      if (!muted()) {
        tone(); // lets the agent hear it, and unlocks audio after a click
      }
    });
    showMute();
  }
  compare();
  // Once the agent is back on the page, the count in the title is old news.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      alertCount = 0;
      document.title = document.title.replace(/^\(\d+\) /, "");
    }
  });

  // ---- Transcript at the newest message -----------------------------------------
  var transcript = document.getElementById("transcript");
  function toBottom() {
    if (transcript) {
      transcript.scrollTop = transcript.scrollHeight;
    }
  }
  toBottom();

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "waiting-list") {
      compare();
    }
    if (target && target.id === "transcript") {
      toBottom();
    }
  });

  // The open conversation stopped being this agent's (back in the queue, reassigned,
  // transferred): say so in place of the transcript's poll, and stop polling.
  document.body.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "transcript" || event.detail.xhr.status !== 404) {
      return;
    }
    var poll = target.querySelector("[hx-trigger]");
    if (poll) {
      poll.remove();
    }
    var gone = document.getElementById("conversation-gone");
    if (gone) {
      gone.hidden = false;
    }
    raise(consoleEl.dataset.alertGone);
  });

  // ---- Reply box: Enter sends, drafts are kept ------------------------------------
  var replyForm = document.getElementById("reply-form");
  var box = replyForm ? replyForm.querySelector("textarea") : null;
  var draftKey = replyForm ? replyForm.dataset.draftKey : "";
  var warning = document.getElementById("draft-warning");

  if (box) {
    if (!box.value && window.localStorage.getItem(draftKey)) {
      box.value = window.localStorage.getItem(draftKey);
    }
    box.addEventListener("input", function () {
      if (box.value.trim()) {
        window.localStorage.setItem(draftKey, box.value);
      } else {
        window.localStorage.removeItem(draftKey);
      }
      if (warning) {
        warning.hidden = true;
      }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (box.value.trim()) {
          replyForm.requestSubmit();
        }
      }
    });
  }

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-reset-after-send")) {
      return;
    }
    if (event.detail.successful) {
      form.reset();
      if (form === replyForm) {
        window.localStorage.removeItem(draftKey);
        box.value = "";
      }
    }
  });

  // Closing or transferring with an unsent answer: say so once; the second press goes on.
  document.querySelectorAll("form[data-guard-draft]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!box || !box.value.trim() || form.dataset.confirmed === "1") {
        if (box) {
          window.localStorage.removeItem(draftKey);
        }
        return;
      }
      event.preventDefault();
      form.dataset.confirmed = "1";
      if (warning) {
        warning.hidden = false;
      }
      box.focus();
    });
  });

  // ---- Canned answers: search, insert for editing ----------------------------------
  var source = document.getElementById("canned-answers");
  var search = document.getElementById("canned-search");
  var list = document.getElementById("canned-list");
  var count = document.getElementById("canned-count");
  if (source && list) {
    var answers = JSON.parse(source.textContent);
    var byId = {};
    answers.forEach(function (answer) {
      byId[String(answer.id)] = answer;
    });

    var filter = function () {
      var words = (search ? search.value : "").toLocaleLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      list.querySelectorAll("li[data-canned-id]").forEach(function (item) {
        var answer = byId[item.dataset.cannedId];
        var haystack = (answer.title + " " + answer.text).toLocaleLowerCase();
        var match = words.every(function (word) {
          return haystack.indexOf(word) !== -1;
        });
        item.hidden = !match;
        shown += match ? 1 : 0;
      });
      if (count) {
        count.textContent = shown + " / " + answers.length;
      }
    };
    if (search) {
      search.addEventListener("input", filter);
    }
    filter();

    list.addEventListener("click", function (event) {
      var link = event.target.closest("a.canned-insert");
      if (!link || !box) {
        return;
      }
      event.preventDefault();
      var text = byId[link.dataset.cannedId].text;
      var start = box.selectionStart;
      var end = box.selectionEnd;
      var before = box.value.slice(0, start);
      var after = box.value.slice(end);
      var glue = before && !/\s$/.test(before) ? " " : "";
      box.value = before + glue + text + after;
      var caret = (before + glue + text).length;
      box.focus();
      box.setSelectionRange(caret, caret);
      box.dispatchEvent(new Event("input"));
    });
  }
})();
