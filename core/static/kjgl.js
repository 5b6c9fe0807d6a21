/* Small progressive enhancement, no inline scripts (CSP-friendly). */
(function () {
  "use strict";
  // click the captcha image for a new one
  document.querySelectorAll("img.captcha-img").forEach(function (img) {
    img.addEventListener("click", function () {
      img.src = img.src.split("?")[0] + "?t=" + Date.now();
    });
  });
  // live character counters for limited text areas (characters, not bytes)
  document.querySelectorAll("textarea[data-maxlength]").forEach(function (ta) {
    var max = parseInt(ta.getAttribute("data-maxlength"), 10);
    var counter = document.querySelector('.counter[data-for="' + ta.name + '"]');
    if (!max || !counter) return;
    var update = function () {
      var n = Array.from(ta.value).length;
      counter.querySelector("span").textContent = n;
      counter.classList.toggle("over", n > max);
    };
    ta.addEventListener("input", update);
    update();
  });
  // fields shown only when another field has a value: data-show-when="name=value"
  document.querySelectorAll("[data-show-when]").forEach(function (el) {
    var parts = el.getAttribute("data-show-when").split("=");
    var name = parts[0], wanted = parts[1].split("|");
    var inputs = document.querySelectorAll('[name="' + name + '"]');
    var update = function () {
      var value = "";
      inputs.forEach(function (i) {
        if ((i.type === "radio" || i.type === "checkbox") ? i.checked : true) value = i.value;
      });
      el.hidden = wanted.indexOf(value) < 0;
    };
    inputs.forEach(function (i) { i.addEventListener("change", update); });
    update();
  });
  // help tips (?): open on click or touch as well as on hover and focus;
  // a click inside a <label> must not move focus to the labelled field
  var helps = document.querySelectorAll(".help");
  var closeAll = function (except) {
    helps.forEach(function (h) {
      if (h !== except) { h.classList.remove("open"); h.setAttribute("aria-expanded", "false"); }
    });
  };
  helps.forEach(function (help) {
    var toggle = function (e) {
      e.preventDefault();
      e.stopPropagation();
      var open = !help.classList.contains("open");
      closeAll(help);
      help.classList.toggle("open", open);
      help.setAttribute("aria-expanded", open ? "true" : "false");
      help.focus();
    };
    help.addEventListener("click", toggle);
    help.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") toggle(e);
      if (e.key === "Escape") { closeAll(null); }
    });
  });
  document.addEventListener("click", function () { closeAll(null); });
  // confirm before destructive actions
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
  // … and before one button of a form with several (提交 beside 暂存)
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (e) {
      if (!window.confirm(button.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
})();
