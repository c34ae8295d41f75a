// Citizens' inbox: insert a saved answer into the reply, confirm irreversible erasure.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-saved-answer-target]");
    if (!select || !select.value) {
      return;
    }
    var textarea = document.getElementById(select.dataset.savedAnswerTarget);
    if (textarea) {
      textarea.value = textarea.value ? textarea.value + "\n\n" + select.value : select.value;
      textarea.focus();
    }
    select.value = "";
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
