// Every citizen page: the error summary (GOV.UK pattern) takes the focus on load, and its links put the focus
// in the field they name (a plain anchor only scrolls), with the field's label in view.
const summary = document.querySelector("[data-balie-error-summary]");
if (summary) {
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    const field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    if (!field) return;
    event.preventDefault();
    (target.closest(".balie-field") || target).scrollIntoView();
    field.focus({ preventScroll: true });
  });
}
