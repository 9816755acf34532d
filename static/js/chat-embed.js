/* Embeddable chat button. On any page of the agency's sites:
     <script src="https://HOST/static/js/chat-embed.js" data-chat-url="https://HOST/chat/" defer></script>
   It adds a "Chat" button; pressing it opens the chat page in an iframe panel. The host
   must be listed in CHAT_FRAME_ANCESTORS for the browser to allow the frame. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = (script && script.dataset.chatUrl) || "/chat/";
  var label = (script && script.dataset.label) || "Chat med oss";
  var closeLabel = (script && script.dataset.closeLabel) || "Lukk chatten";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:0.75rem 1rem;" +
    "border-radius:2rem;border:0;background:#0b4f9c;color:#fff;font:inherit;cursor:pointer;min-height:44px";
  var panel = document.createElement("div");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", label);
  panel.style.cssText = "position:fixed;right:1rem;bottom:4.5rem;width:min(26rem,calc(100vw - 2rem));" +
    "height:min(38rem,calc(100vh - 6rem));z-index:2147483000;background:#fff;border:1px solid #666;" +
    "border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.3);display:flex;flex-direction:column";
  var close = document.createElement("button");
  close.type = "button";
  close.textContent = closeLabel;
  close.style.cssText = "align-self:flex-end;margin:0.25rem;min-height:44px";
  var frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = url + (url.indexOf("?") < 0 ? "?" : "&") + "embed=1";
      frame.title = label;
      frame.style.cssText = "flex:1;border:0;width:100%";
      panel.appendChild(frame);
    }
    panel.hidden = false;
    panel.style.display = "flex";
    button.setAttribute("aria-expanded", "true");
    close.focus();
  }
  function shut() {
    panel.hidden = true;
    panel.style.display = "none";
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
  button.addEventListener("click", function () { if (panel.hidden) { open(); } else { shut(); } });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { shut(); } });
  panel.appendChild(close);
  panel.style.display = "none";
  document.body.appendChild(panel);
  document.body.appendChild(button);
}());
