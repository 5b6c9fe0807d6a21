/* Idle-timeout warning. Included once per page for a logged-in user:
   <script src=".../session.js" data-timeout="1800" data-ping="/session/ping" data-login="/login" defer>
   A minute before the server ends an idle session a notice offers to keep it;
   when the time is up the page goes to the login page. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var timeout = parseInt(script.dataset.timeout || "0", 10) * 1000;
  var pingUrl = script.dataset.ping, loginUrl = script.dataset.login;
  if (!timeout || !pingUrl || !loginUrl) { return; }
  var WARN_BEFORE = 60 * 1000;
  var warnTimer = null, endTimer = null, box = null;

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  function warn() {
    hide();
    box = document.createElement("div");
    box.className = "session-warning";
    box.setAttribute("role", "alertdialog");
    box.id = "session-warning";
    var text = document.createElement("span");
    text.textContent = "您已长时间未操作，为保障账号安全，系统将于1分钟后自动退出登录。";
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "btn small";
    keep.textContent = "继续使用";
    keep.addEventListener("click", function () {
      fetch(pingUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (res) { if (res.ok) { start(); } else { window.location.href = loginUrl; } })
        .catch(function () { window.location.href = loginUrl; });
    });
    box.appendChild(text);
    box.appendChild(keep);
    document.body.appendChild(box);
    keep.focus();
  }

  function start() {
    hide();
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(warn, Math.max(timeout - WARN_BEFORE, 0));
    endTimer = setTimeout(function () { window.location.href = loginUrl; }, timeout);
  }

  start();
})();
