/* Casework form helpers: the enterprise picker and adding problems to a visit.
   Plain script, no dependencies beyond htmx (which loads the search results). */
(function () {
  "use strict";

  function chosenList(picker) {
    return Array.prototype.map.call(
      picker.querySelectorAll(".cw-chips [data-id]"),
      function (chip) { return { id: chip.dataset.id, name: chip.dataset.name }; }
    );
  }

  function syncCaseRows() {
    var picker = document.querySelector("[data-picker][data-multi='1']");
    if (!picker) return;
    var list = chosenList(picker);
    document.querySelectorAll("select[data-visited]").forEach(function (select) {
      var current = select.value;
      select.innerHTML = "";
      list.forEach(function (e) {
        var opt = document.createElement("option");
        opt.value = e.id; opt.textContent = e.name;
        if (e.id === current) opt.selected = true;
        select.appendChild(opt);
      });
    });
  }

  function addChip(picker, id, name) {
    var chips = picker.querySelector(".cw-chips");
    var multi = picker.dataset.multi === "1";
    var field = picker.dataset.field;
    if (!multi) chips.innerHTML = "";
    if (chips.querySelector("[data-id='" + id + "']")) return;
    var chip = document.createElement("span");
    chip.className = "badge text-bg-light border d-inline-flex align-items-center gap-2 p-2";
    chip.dataset.id = id; chip.dataset.name = name;
    var input = document.createElement("input");
    input.type = "hidden"; input.name = field; input.value = id;
    var label = document.createElement("span"); label.textContent = name;
    var close = document.createElement("button");
    close.type = "button"; close.className = "btn-close"; close.setAttribute("aria-label", "×");
    close.addEventListener("click", function () { chip.remove(); syncCaseRows(); });
    chip.appendChild(input); chip.appendChild(label); chip.appendChild(close);
    chips.appendChild(chip);
    syncCaseRows();
  }

  document.addEventListener("click", function (ev) {
    var item = ev.target.closest("[data-pick-id]");
    if (item) {
      ev.preventDefault();
      var picker = item.closest("[data-picker]");
      addChip(picker, item.dataset.pickId, item.dataset.pickName);
      var box = picker.querySelector("input[type=search]");
      if (box) { box.value = ""; box.focus(); }
      picker.querySelector(".cw-results").innerHTML = "";
      return;
    }
    var remove = ev.target.closest(".cw-chips .btn-close");
    if (remove) { remove.closest("[data-id]").remove(); syncCaseRows(); return; }
    var add = ev.target.closest("[data-add-row]");
    if (add) {
      ev.preventDefault();
      var prefix = add.dataset.addRow;
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var tpl = document.getElementById(prefix + "-template");
      var holder = document.getElementById(prefix + "-rows");
      var html = tpl.innerHTML.replace(/__prefix__/g, total.value);
      var wrap = document.createElement("div");
      wrap.innerHTML = html.trim();
      var row = wrap.firstElementChild;
      holder.appendChild(row);
      total.value = parseInt(total.value, 10) + 1;
      syncCaseRows();
      var first = row.querySelector("input[type=text], textarea");
      if (first) first.focus();
      return;
    }
    var drop = ev.target.closest("[data-remove-row]");
    if (drop) { ev.preventDefault(); var r = drop.closest(".cw-case-row"); r.querySelectorAll("input[name$='-title']").forEach(function (i) { i.value = ""; }); r.hidden = true; }
  });

  document.addEventListener("change", function (ev) {
    if (ev.target.id === "id_kind") {
      var experts = document.getElementById("cw-experts");
      var leaders = document.getElementById("cw-leaders");
      if (experts && ev.target.value === "expert") experts.open = true;
      if (leaders && ev.target.value === "leader") leaders.open = true;
    }
  });

  document.addEventListener("DOMContentLoaded", syncCaseRows);
})();
