// The composer's small helpers. Counters, warnings and previews come from the server (htmx);
// this file only shows the sections of the chosen networks and keeps "follows the main text"
// variants in step with the main text. Everything works without it, too.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("composer");
  if (!form) {
    return;
  }
  const body = form.querySelector("[name=body]");

  const followBox = (network) => form.querySelector(`[name=v_${network}_follow]`);
  const variantText = (network) => form.querySelector(`[name=v_${network}_text]`);

  // Show a network's section only while one of its channels is chosen.
  const showChosenNetworks = () => {
    const chosen = new Set(
      Array.from(form.querySelectorAll("input[name=channel_accounts]:checked"))
        .map((box) => box.dataset.network)
    );
    form.querySelectorAll(".network-section").forEach((section) => {
      section.hidden = !chosen.has(section.dataset.network);
    });
  };

  // Variants that follow the main text show it; typing in one makes it the network's own text.
  const mirrorMainText = () => {
    form.querySelectorAll(".network-section").forEach((section) => {
      const network = section.dataset.network;
      const follow = followBox(network);
      const text = variantText(network);
      if (follow && text && follow.checked && body) {
        text.value = body.value;
      }
    });
  };

  form.addEventListener("change", (event) => {
    const target = event.target;
    if (target.name === "channel_accounts") {
      showChosenNetworks();
    } else if (target.name && target.name.endsWith("_follow") && target.checked) {
      mirrorMainText();
    }
  });
  form.addEventListener("input", (event) => {
    const target = event.target;
    if (target === body) {
      mirrorMainText();
    } else if (target.name && target.name.startsWith("v_") && target.name.endsWith("_text")) {
      const follow = followBox(target.name.slice(2, -5));
      if (follow && follow.checked) {
        follow.checked = false;
      }
    }
  });

  // Choosing another department reloads the composer with its channels and media.
  const departmentSelect = document.getElementById("department-select");
  if (departmentSelect) {
    departmentSelect.addEventListener("change", () => departmentSelect.form.requestSubmit());
  }
  showChosenNetworks();
});
