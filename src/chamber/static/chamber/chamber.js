// Page-wide helpers for phone layouts: card tables labelled from their headers, key
// figures fitted to their cards, the narrow-screen cookie the list pages read for
// phone-sized pages, and chart options by the chart's width (used by the dashboard and
// the casework figures).
(function () {
  "use strict";
  var NARROW = 576; // px, Bootstrap's sm breakpoint, as in chamber.css
  var NARROW_CHART = 480;

  function isNarrow() { return window.innerWidth < NARROW; }

  // Card mode: each cell of a table.table-cards (or .table-stack) gets its column's header as data-label,
  // unless the template set one. Cells spanning columns (empty rows) stay unlabelled.
  function label(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var inside = scope.closest ? scope.closest("table.table-cards, table.table-stack") : null;
    var tables = inside ? [inside] : scope.querySelectorAll("table.table-cards, table.table-stack");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody > tr"), function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (td) {
          var span = td.colSpan || 1;
          if (span === 1 && !td.hasAttribute("data-label") && heads[col]) td.setAttribute("data-label", heads[col]);
          col += span;
        });
      });
    });
  }

  // The list pages serve phone-sized pages while this cookie says the screen is narrow.
  function remember() {
    var value = isNarrow() ? "1" : "0";
    if (document.cookie.indexOf("narrow=" + value) === -1) {
      document.cookie = "narrow=" + value + ";path=/;max-age=31536000;SameSite=Lax";
    }
  }

  // A category axis that stays readable in a narrow chart: labels rotated and long ones
  // wrapped onto two lines (Chinese names have no spaces to wrap at).
  function axisLabel(el, categories) {
    var narrow = el.clientWidth < NARROW_CHART;
    var many = categories.length > (narrow ? 3 : 6);
    return {
      interval: 0,
      rotate: many ? (narrow ? 45 : 30) : 0,
      hideOverlap: false,
      fontSize: narrow ? 10 : 12,
      formatter: function (value) {
        var text = String(value);
        var max = narrow ? 5 : 8;
        if (text.length <= max) return text;
        return text.slice(0, max) + "\n" + (text.length > 2 * max ? text.slice(max, 2 * max - 1) + "…" : text.slice(max));
      },
    };
  }

  // A pie whose labels stay inside its box: percentages inside the slices and the names
  // in a scrolling legend below when the chart is narrow.
  function pie(el, data) {
    var narrow = el.clientWidth < NARROW_CHART;
    return {
      legend: narrow ? { type: "scroll", bottom: 0 } : undefined,
      series: [{
        type: "pie",
        radius: narrow ? ["28%", "55%"] : ["35%", "65%"],
        center: ["50%", narrow ? "45%" : "50%"],
        data: data,
        label: narrow ? { position: "inside", formatter: "{d}%", fontSize: 10 } : { overflow: "truncate", width: 90 },
        labelLine: { show: !narrow },
      }],
    };
  }

  // A key figure (.figure) too wide for its card on a small screen is set smaller until
  // it fits, rather than spilling out or breaking mid-number.
  function fitFigures(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll(".figure"), function (el) {
      el.style.removeProperty("font-size");
      var size = parseFloat(getComputedStyle(el).fontSize);
      el.style.whiteSpace = "nowrap";
      // measured against the box it sits in (the first ancestor laid out as a block):
      // in a flex box the figure itself grows with its text
      var box = el.parentElement;
      while (box.parentElement && /^(inline|contents)$/.test(getComputedStyle(box).display)) {
        box = box.parentElement;
      }
      var style = getComputedStyle(box);
      var room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      while (el.scrollWidth > room + 1 && size > 12) {
        size -= 1;
        el.style.setProperty("font-size", size + "px", "important"); // over .fs-* classes
      }
    });
  }

  window.Chamber = { isNarrow: isNarrow, axisLabel: axisLabel, pie: pie, label: label };
  label(document);
  fitFigures(document);
  remember();
  window.addEventListener("resize", function () { remember(); fitFigures(document); });
  document.body.addEventListener("htmx:afterSettle", function (e) { label(e.target); fitFigures(e.target); });
})();

// Behaviour that templates ask for with data attributes, so no page needs an inline
// script or event handler (the Content-Security-Policy allows scripts from 'self' only).
(function () {
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-print]") : null;
    if (el) window.print();
  });
  // <form data-reset-after-request="#field">: after a successful htmx request, empty the
  // form and put the cursor back in the field (the check-in desk types code after code).
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.target && e.target.closest ? e.target.closest("form[data-reset-after-request]") : null;
    if (!form || !e.detail.successful) return;
    form.reset();
    var focus = form.querySelector(form.dataset.resetAfterRequest);
    if (focus) focus.focus();
  });
})();
