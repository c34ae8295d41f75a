// "Push auf diesem Gerät": asks the browser for permission, subscribes with the newsroom's
// VAPID key and tells the server (JSON, CSRF token as for every form).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("push-device");
  if (!box) {
    return;
  }
  const status = box.querySelector("[data-push-status]");
  const enable = box.querySelector("[data-push-enable]");
  const disable = box.querySelector("[data-push-disable]");
  const token = document.body.dataset.csrfToken;
  const say = (key) => {
    status.textContent = box.dataset[key];
  };

  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    say("textUnsupported");
    enable.hidden = true;
    disable.hidden = true;
    return;
  }

  const keyBytes = (base64url) => {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  const post = (url, body) => fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": token},
    body: JSON.stringify(body),
  }).then((response) => {
    if (!response.ok) {
      throw new Error(String(response.status));
    }
    return response.json();
  });
  const registration = () => navigator.serviceWorker.register("/sw.js", {scope: "/"})
    .then(() => navigator.serviceWorker.ready);
  const show = (subscribed) => {
    enable.hidden = subscribed;
    disable.hidden = !subscribed;
    say(subscribed ? "textOn" : "textOff");
  };

  registration()
    .then((reg) => reg.pushManager.getSubscription())
    .then((subscription) => show(Boolean(subscription && box.dataset.known
      && box.dataset.known.split(" ").includes(subscription.endpoint))))
    .catch(() => show(false));

  enable.addEventListener("click", () => {
    enable.disabled = true;
    Notification.requestPermission()
      .then((permission) => {
        if (permission !== "granted") {
          throw new Error("denied");
        }
        return registration();
      })
      .then((reg) => reg.pushManager.getSubscription().then((existing) => existing
        || reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.vapidKey),
        })))
      .then((subscription) => post(box.dataset.subscribeUrl, subscription.toJSON()))
      .then(() => show(true))
      .catch((error) => say(error.message === "denied" ? "textDenied" : "textFailed"))
      .finally(() => {
        enable.disabled = false;
      });
  });

  disable.addEventListener("click", () => {
    disable.disabled = true;
    registration()
      .then((reg) => reg.pushManager.getSubscription())
      .then((subscription) => {
        if (!subscription) {
          return null;
        }
        return post(box.dataset.unsubscribeUrl, {endpoint: subscription.endpoint})
          .then(() => subscription.unsubscribe());
      })
      .then(() => show(false))
      .catch(() => say("textFailed"))
      .finally(() => {
        disable.disabled = false;
      });
  });
});
