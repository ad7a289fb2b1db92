// Keep a half-filled form in this browser tab (sessionStorage) so a reload loses nothing; cleared once sent.
const form = document.querySelector("form[data-balie-draft]");
if (form) {
  const key = form.dataset.balieDraft;
  const fields = () => [...form.elements].filter((el) => el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file");
  const saved = JSON.parse(window.sessionStorage.getItem(key) || "{}");
  const hasErrors = form.querySelector("[aria-invalid='true']");
  if (!hasErrors) {  // after a refused submission the server's own copy of the answers is newer
    fields().forEach((el) => {
      if (!(el.name in saved)) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = [].concat(saved[el.name]).includes(el.value);
      else if (el.tagName === "SELECT" && el.multiple) [...el.options].forEach((o) => { o.selected = saved[el.name].includes(o.value); });
      else el.value = saved[el.name];
    });
  }
  form.addEventListener("input", () => {
    const data = {};
    fields().forEach((el) => {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) data[el.name] = [].concat(data[el.name] || [], el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = [...el.selectedOptions].map((o) => o.value);
      } else {
        data[el.name] = el.value;
      }
    });
    window.sessionStorage.setItem(key, JSON.stringify(data));
  });
  form.addEventListener("submit", () => window.sessionStorage.removeItem(key));
}
