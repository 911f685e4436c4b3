// Progressive enhancement only: every form works without it.
// Picking a common rejection reason writes it into the reason box, where it can still be edited.
document.addEventListener("DOMContentLoaded", () => {
  const preset = document.getElementById("preset");
  const reason = document.getElementById("reason");
  if (preset && reason) {
    preset.addEventListener("change", () => {
      if (preset.value) reason.value = preset.value;
    });
  }
});
