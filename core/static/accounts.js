/* Registration and recovery pages: ID-card validity end date, ID number
   placeholder by type, and the "获取短信验证码" button. Loaded only by the
   accounts templates; no inline scripts. */
(function () {
  "use strict";

  function addYears(iso, years) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!m) return "";
    var y = parseInt(m[1], 10) + years, mo = m[2], d = m[3];
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (mo === "02" && d === "29" && !leap) d = "28";
    return String(y).padStart(4, "0") + "-" + mo + "-" + d;
  }

  // 身份证有效期: a period (5年/10年/20年) fills the end date, 长期 clears it
  document.querySelectorAll(".id-validity").forEach(function (box) {
    var from = box.querySelector('[name="id_valid_from"]');
    var to = box.querySelector('[name="id_valid_to"]');
    var radios = box.querySelectorAll('[name="id_validity"]');
    function update() {
      var period = "";
      radios.forEach(function (r) { if (r.checked) period = r.value; });
      if (period === "长期") {
        to.value = "";
        to.disabled = true;
        to.readOnly = false;
      } else if (period) {
        to.disabled = false;
        to.readOnly = true;
        to.value = from.value ? addYears(from.value, parseInt(period, 10)) : "";
      } else {
        to.disabled = false;
        to.readOnly = false;
      }
    }
    from.addEventListener("change", update);
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  });

  // the ID number's placeholder names the chosen document
  document.querySelectorAll("form[data-id-prefix]").forEach(function (form) {
    var type = form.querySelector('[name="id_type"]');
    var number = form.querySelector('[name="id_number"]');
    if (!type || !number) return;
    var prefix = form.getAttribute("data-id-prefix");
    function update() {
      var t = type.value;
      if (!t) { number.placeholder = "请先选择证件类型"; return; }
      var what = t === "户口簿" ? "户口簿编号" : t === "其他" ? "其他证件号码"
        : t === "外国人永久居留身份证" ? "外国人永久居留身份证编号" : t + "号码";
      number.placeholder = "请输入" + (prefix ? prefix + "的" : "") + what;
    }
    type.addEventListener("change", update);
    update();
  });

  function showError(form, name, message) {
    var field = form.querySelector("#field-" + name);
    if (!field) return false;
    var control = field.querySelector(".control");
    var box = control.querySelector(".error");
    if (!box) {
      box = document.createElement("div");
      box.className = "error";
      box.setAttribute("role", "alert");
      control.appendChild(box);
    }
    box.textContent = message;
    field.classList.add("has-error");
    return true;
  }

  function clearError(form, name) {
    var field = form.querySelector("#field-" + name);
    if (!field) return;
    var box = field.querySelector(".control .error");
    if (box) box.remove();
    field.classList.remove("has-error");
  }

  // 获取短信验证码: POST mobile (+ captcha) as JSON-answering form data
  document.querySelectorAll("button.sms-send").forEach(function (button) {
    var form = button.form;
    var status = form.querySelector(".sms-status");
    var label = button.textContent;
    function countdown(seconds) {
      button.disabled = true;
      var tick = function () {
        if (seconds <= 0) { button.disabled = false; button.textContent = label; return; }
        button.textContent = seconds + "秒后重新获取";
        seconds -= 1;
        window.setTimeout(tick, 1000);
      };
      tick();
    }
    button.addEventListener("click", function () {
      var body = new URLSearchParams();
      var mobile = form.querySelector('[name="mobile"]');
      var captcha = form.querySelector('[name="captcha"]');
      body.set("mobile", mobile ? mobile.value.trim() : "");
      if (captcha) body.set("captcha", captcha.value.trim());
      ["mobile", "captcha", "sms_code"].forEach(function (n) { clearError(form, n); });
      button.disabled = true;
      fetch(button.getAttribute("data-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Accept": "application/json",
          "X-CSRF-Token": form.querySelector('[name="csrf_token"]').value
        },
        body: body
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        var img = form.querySelector("img.captcha-img");
        if (img) img.src = img.src.split("?")[0] + "?t=" + Date.now();  // one image, one attempt
        if (captcha) captcha.value = "";
        if (answer.ok) {
          status.textContent = answer.data.message + (captcha ? "。请重新输入图形验证码后提交注册" : "");
          countdown(60);
          return;
        }
        button.disabled = false;
        var errors = answer.data.errors || {};
        var rest = [];
        Object.keys(errors).forEach(function (name) {
          if (!showError(form, name === "form" ? "" : name, errors[name])) rest.push(errors[name]);
        });
        status.textContent = rest.join("；");
      }).catch(function () {
        button.disabled = false;
        status.textContent = "短信验证码发送失败，请检查网络后重试";
      });
    });
  });
})();
