// Placeholders for the speaker rows (translated labels from data-placeholders, no label
// element per cell).
document.querySelectorAll(".speaker-row").forEach(function (row) {
  var names = (row.dataset.placeholders || "").split("|");
  row.querySelectorAll("input[type=text]").forEach(function (input, i) {
    if (names[i]) { input.placeholder = names[i]; input.setAttribute("aria-label", names[i]); }
  });
});
