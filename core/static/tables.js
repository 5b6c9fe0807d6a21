/* Detail tables: add and remove rows, and apply each row's rules as it
   changes (a cell not fillable is disabled and emptied; a cell required is
   marked), from the rules the table declares in data-rules. The server
   enforces the same rules; this only spares the user a round trip. */
(function () {
  "use strict";
  var counter = 0;

  function cellValue(row, name) {
    var value = "";
    row.querySelectorAll('[data-cell="' + name + '"] input, [data-cell="' + name + '"] select, [data-cell="' + name + '"] textarea')
      .forEach(function (el) {
        if (el.type === "file") { if (el.files && el.files.length) value = "file"; return; }
        if (el.type === "radio" || el.type === "checkbox") { if (el.checked) value = el.value; return; }
        if (!el.disabled) value = el.value.trim();
      });
    return value;
  }

  function holds(row, rule) {
    var v = cellValue(row, rule.when);
    return rule.values.length ? rule.values.indexOf(v) >= 0 : v !== "";
  }

  function apply(table, row) {
    var rules = JSON.parse(table.getAttribute("data-rules") || "[]");
    var locked = {}, required = {};
    rules.forEach(function (rule) {
      if (!holds(row, rule)) return;
      rule.cells.forEach(function (c) { (rule.type === "locked" ? locked : required)[c] = true; });
    });
    row.querySelectorAll("td[data-cell]").forEach(function (td) {
      var name = td.getAttribute("data-cell");
      var off = !!locked[name];
      td.classList.toggle("locked", off);
      td.classList.toggle("required", !!required[name] && !off);
      td.querySelectorAll("input, select, textarea").forEach(function (el) {
        if (off && !el.disabled) {
          if (el.type === "radio" || el.type === "checkbox") el.checked = false; else if (el.type !== "file") el.value = "";
        }
        el.disabled = off;
      });
      td.title = off ? "不可填项目" : "";
    });
  }

  function renumber(table) {
    table.querySelectorAll("tbody tr.detail-row").forEach(function (tr, i) {
      var serial = tr.querySelector("td.serial");
      if (serial && serial.firstChild && serial.firstChild.nodeType === 3) serial.firstChild.nodeValue = String(i + 1);
      else if (serial) serial.insertBefore(document.createTextNode(String(i + 1)), serial.firstChild);
    });
  }

  function wire(table, row) {
    row.addEventListener("change", function () { apply(table, row); });
    row.addEventListener("input", function () { apply(table, row); });
    var remove = row.querySelector(".remove-row");
    if (remove) remove.addEventListener("click", function () {
      if (!window.confirm("确定删除这一行吗？保存后生效。")) return;
      row.parentNode.removeChild(row);
      renumber(table);
    });
    apply(table, row);
  }

  document.querySelectorAll("table.detail-table[data-rules]").forEach(function (table) {
    table.querySelectorAll("tbody tr.detail-row").forEach(function (row) { wire(table, row); });
  });
  document.querySelectorAll("button.add-row").forEach(function (button) {
    button.addEventListener("click", function () {
      var table = document.querySelector('table.detail-table[data-table="' + button.getAttribute("data-table") + '"]');
      var template = table.querySelector("template");
      counter += 1;
      var token = "n" + Date.now().toString(36).slice(-6) + counter;
      var html = template.innerHTML.split("__T__").join(token);
      var tbody = table.querySelector("tbody");
      tbody.insertAdjacentHTML("beforeend", html);
      var row = tbody.lastElementChild;
      wire(table, row);
      renumber(table);
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  });
})();
