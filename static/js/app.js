// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  const token = document.body.dataset.csrfToken;
  if (token) {
    // htmx requests carry the CSRF token like normal form posts do.
    document.body.addEventListener("htmx:configRequest", (event) => {
      event.detail.headers["X-CSRFToken"] = token;
    });
  }
  // Selecting a language submits the form at once; the button stays for keyboard and no-JS use.
  const languageSelect = document.getElementById("language-select");
  if (languageSelect) {
    languageSelect.addEventListener("change", () => languageSelect.form.requestSubmit());
  }
});
