// The central calendar (FullCalendar) and department colours on calendar lists.
// No inline scripts: everything the page knows comes from data-* attributes and JSON.
(() => {
  "use strict";

  const NETWORK_SHORT = {
    facebook: "FB", instagram: "IG", x: "X", youtube: "YT", website: "Web", press: "PM",
  };

  // Department colours: set through the CSSOM (allowed by the CSP, unlike style attributes).
  function paintColours(root) {
    root.querySelectorAll("[data-colour]").forEach((element) => {
      const colour = element.dataset.colour;
      if (/^#[0-9a-fA-F]{6}$/.test(colour)) {
        element.style.setProperty("--dept-colour", colour);
      }
    });
  }

  function csrfToken() {
    return document.body.dataset.csrfToken || "";
  }

  function say(text, isError) {
    const status = document.getElementById("calendar-status");
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("calendar-status-error", Boolean(isError));
  }

  function eventContent(arg) {
    const props = arg.event.extendedProps;
    const wrapper = document.createElement("span");
    wrapper.className = "cal-event";
    if (arg.timeText) {
      const time = document.createElement("span");
      time.className = "cal-event-time";
      time.textContent = arg.timeText;
      wrapper.append(time);
    }
    const badge = document.createElement("span");
    badge.className = `badge badge-${props.status}`;
    badge.textContent = props.statusLabel;
    const title = document.createElement("span");
    title.className = "cal-event-title";
    title.textContent = arg.event.title;
    wrapper.append(badge, title);
    (props.networks || []).forEach((network, index) => {
      const label = document.createElement("abbr");
      label.className = `net net-${network}`;
      label.title = props.networkLabels[index];
      label.textContent = NETWORK_SHORT[network] || network;
      wrapper.append(label);
    });
    return { domNodes: [wrapper] };
  }

  function setUp(element) {
    const data = element.dataset;
    const query = data.query || "";
    const narrow = window.matchMedia("(max-width: 576px)").matches;

    const loadWarnings = (info) => {
      const target = document.getElementById("calendar-warnings");
      if (!target) return;
      const params = new URLSearchParams(query);
      params.set("start", info.startStr);
      params.set("end", info.endStr);
      fetch(`${data.warningsUrl}?${params}`, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : ""))
        .then((html) => {
          // Our own server-rendered, auto-escaped fragment.
          target.innerHTML = html;
        })
        .catch(() => {});
    };

    const rememberView = (info) => {
      // The view and date go into the address, so the calendar can be shared as a link.
      const params = new URLSearchParams(window.location.search);
      params.set("view", info.view.type);
      params.set("date", info.view.currentStart.toISOString().slice(0, 10));
      window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
    };

    const move = (info) => {
      const props = info.event.extendedProps;
      const when = info.event.start.toLocaleString("de-DE", {
        dateStyle: "medium", timeStyle: "short",
      });
      const question = props.needsReview ? data.textNeedsReview : `${data.textConfirm} ${when}`;
      if (!window.confirm(question)) {
        info.revert();
        return;
      }
      say(data.textMoving);
      const body = new URLSearchParams({
        start: info.event.start.toISOString(),
        version: String(props.version),
      });
      fetch(props.moveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
        body,
      })
        .then((response) => response.json().catch(() => ({ ok: false })))
        .then((result) => {
          if (!result.ok) {
            info.revert();
            say(result.error || data.textFailed, true);
            return;
          }
          say(result.message);
          calendar.refetchEvents();
        })
        .catch(() => {
          info.revert();
          say(data.textFailed, true);
        });
    };

    const calendar = new window.FullCalendar.Calendar(element, {
      locale: "de",
      initialView: narrow ? "listWeek" : (data.initialView || "dayGridMonth"),
      initialDate: data.initialDate || undefined,
      headerToolbar: {
        start: "prev,next today",
        center: "title",
        end: "dayGridMonth,timeGridWeek,timeGridDay,listWeek",
      },
      buttonText: {
        today: data.textToday, month: data.textMonth, week: data.textWeek,
        day: data.textDay, list: data.textList,
      },
      // A button's accessible name must contain its visible text (WCAG 2.5.3 "Label in Name"):
      // the view and "today" buttons are named by their text alone.
      viewHint: "$0",
      todayHint: data.textToday,
      firstDay: 1,
      height: "auto",
      nowIndicator: true,
      dayMaxEvents: 4,
      eventDisplay: "block",
      editable: true,
      eventDurationEditable: false,
      events: (info, success, failure) => {
        const params = new URLSearchParams(query);
        params.set("start", info.startStr);
        params.set("end", info.endStr);
        fetch(`${data.eventsUrl}?${params}`, { credentials: "same-origin" })
          .then((response) => {
            if (!response.ok) throw new Error(String(response.status));
            return response.json();
          })
          .then(success)
          .catch(failure);
      },
      eventContent,
      eventDidMount: (arg) => {
        arg.el.dataset.postId = arg.event.id;
        // A day cell's label ("23. November 2026") would hide the posts listed inside it
        // (WCAG 2.5.3); without it the cell is named by what it shows: day number and posts.
        const cell = arg.el.closest("[role=gridcell]");
        if (cell) cell.removeAttribute("aria-label");
        arg.el.setAttribute("title", `${arg.event.title} – ${arg.event.extendedProps.department}`);
      },
      datesSet: (info) => {
        loadWarnings(info);
        rememberView(info);
      },
      eventDrop: move,
    });
    calendar.render();
    element.calendar = calendar;
  }

  document.addEventListener("DOMContentLoaded", () => {
    paintColours(document);
    const element = document.getElementById("calendar");
    if (element && window.FullCalendar) {
      setUp(element);
    }
  });
})();
