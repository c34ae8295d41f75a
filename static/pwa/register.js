// Installs the service worker (offline page, push messages) once the page has loaded.
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(() => {
      // Without it the newsroom works as a normal website.
    });
  });
}
// Logging out on this device also ends its push subscription in the browser itself.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-logout]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!("serviceWorker" in navigator) || form.dataset.pushChecked) {
        return;
      }
      event.preventDefault();
      form.dataset.pushChecked = "1";
      const submit = () => form.submit();
      navigator.serviceWorker.getRegistration("/")
        .then((registration) => registration && registration.pushManager.getSubscription())
        .then((subscription) => subscription && subscription.unsubscribe())
        .catch(() => null)
        .then(submit, submit);
    });
  });
});
