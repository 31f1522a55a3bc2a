/* E-forms (P4), progressive enhancement only: the page works without this script.
   - repeatable groups: "Add a row" clones a row in place, "Remove this row" removes it;
   - addresses: the commune list follows the chosen province. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function renumber(row, group, index) {
    var pattern = new RegExp("^(id_)?" + group + "-\\d+-");
    row.setAttribute("data-eform-row", String(index));
    row.querySelectorAll("[name],[id],[for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value && pattern.test(value)) {
          el.setAttribute(attr, value.replace(pattern, function (m, id) {
            return (id || "") + group + "-" + index + "-";
          }));
        }
      });
    });
    var legend = row.querySelector("legend");
    if (legend) { legend.textContent = legend.textContent.replace(/\d+\s*$/, String(index + 1)); }
  }

  function clear(row) {
    row.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { el.checked = false; }
      else if (el.type !== "hidden") { el.value = ""; }
    });
    row.querySelectorAll(".errorlist").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
  }

  function setupGroup(group) {
    var name = group.getAttribute("data-eform-group");
    var max = parseInt(group.getAttribute("data-max"), 10) || 20;
    var counter = group.querySelector("[data-eform-rows]");
    var rows = group.querySelector(".eform-rows");
    var add = group.querySelector("[data-eform-add]");
    function visibleRows() { return rows.querySelectorAll("[data-eform-row]").length; }
    function refresh() {
      if (add) { add.hidden = visibleRows() >= max; }
      rows.querySelectorAll("[data-eform-remove]").forEach(function (b) {
        b.hidden = visibleRows() <= 1;
      });
    }
    rows.addEventListener("click", function (event) {
      var button = event.target.closest("[data-eform-remove]");
      if (!button) { return; }
      var row = button.closest("[data-eform-row]");
      if (visibleRows() > 1) { row.remove(); } else { clear(row); }
      refresh();
    });
    if (add) {
      add.addEventListener("click", function (event) {
        var last = rows.querySelector("[data-eform-row]:last-of-type");
        if (!last || visibleRows() >= max) { return; }
        event.preventDefault();
        var index = parseInt(counter.value, 10) || visibleRows();
        var row = last.cloneNode(true);
        renumber(row, name, index);
        clear(row);
        rows.appendChild(row);
        counter.value = String(index + 1);
        setupAddresses(row);
        var first = row.querySelector("input:not([type=hidden]), select, textarea");
        if (first) { first.focus(); }
        refresh();
      });
    }
    refresh();
  }

  function setupAddress(box) {
    var province = box.querySelector("select[name$='__province']");
    var commune = box.querySelector("select[name$='__commune']");
    if (!province || !commune || box.getAttribute("data-ready")) { return; }
    box.setAttribute("data-ready", "1");
    var url = box.getAttribute("data-communes-url");
    var placeholder = commune.options.length ? commune.options[0].textContent : "";
    province.addEventListener("change", function () {
      var code = province.value;
      commune.innerHTML = "";
      var empty = document.createElement("option");
      empty.value = ""; empty.textContent = placeholder;
      commune.appendChild(empty);
      if (!code) { return; }
      fetch(url.replace(/\/0\//, "/" + encodeURIComponent(code) + "/"), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {communes: []}; })
        .then(function (data) {
          data.communes.forEach(function (c) {
            var option = document.createElement("option");
            option.value = String(c.code); option.textContent = c.name;
            commune.appendChild(option);
          });
        });
    });
  }

  function setupAddresses(root) {
    root.querySelectorAll("[data-eform-address]").forEach(function (box) {
      box.removeAttribute("data-ready");
      setupAddress(box);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-only[hidden]").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll("[data-eform-group]").forEach(setupGroup);
    setupAddresses(document);
  });
})();
