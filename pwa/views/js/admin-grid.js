// The console's grid page (/views/admin-grid, 网格边界与划分) for the system administrator: the grid as it stands
// (towns → villages), boundary import with its located report, and partition review. Others are refused.
import * as api from "/app/js/api.js";
import { esc } from "/app/js/html.js";
import { t } from "/app/js/i18n.js";
import "./admin-grid-messages.js";
import { showPartition } from "./admin-grid-partition.js";
import { showUpload } from "./admin-grid-upload.js";
import { startView } from "./session.js";
import { markDrawn } from "./drawn.js";

async function render(main, user) {
  if (user.role !== "admin") {
    main.innerHTML = `<p class="error card" id="refused" role="alert">${esc(t("ag_refused"))}<br>
      <span lang="en">This page is for the system administrator only.</span></p>`;
    return;
  }
  main.innerHTML = `<div class="admin-grid">
      <section class="card" id="grid-tree">${esc(t("loading"))}</section>
      <section class="card" id="upload"></section>
      <section class="card" id="partition"></section></div>`;
  let pick = showPartition(main.querySelector("#partition"), await drawTree(main));
  showUpload(main.querySelector("#upload"), {
    onApplied: async () => { pick = showPartition(main.querySelector("#partition"), await drawTree(main)); } });
  main.querySelector("#grid-tree").addEventListener("click", (event) => {
    const link = event.target.closest("a[data-village]");
    if (!link) return;
    event.preventDefault();
    pick(link.dataset.village);
    main.querySelector("#partition").scrollIntoView();
  });
}

/** The tree (towns with their villages and how many cells each has); returns the villages. */
async function drawTree(main) {
  const box = main.querySelector("#grid-tree");
  let tree;
  try {
    tree = await api.get("/api/grid/tree?depth=3");
  } catch (error) {
    if (error.status !== 404) throw error;
    box.innerHTML = `<h2>${esc(t("ag_tree"))}</h2><p class="muted">${esc(t("ag_tree_empty"))}</p>`;
    return [];
  }
  const villages = [];
  const towns = tree.root.children.map((town) => `<li data-code="${esc(town.code)}"><strong>${esc(town.name)}</strong>
    <span class="muted">${esc(town.code)}</span><ul>${town.children.map((village) => {
      villages.push({ code: village.code, name: village.name, town: town.name });
      return `<li data-code="${esc(village.code)}"><a href="#" data-village="${esc(village.code)}">${esc(village.name)}</a>
        <details><summary class="muted">${esc(village.code)} · ${esc(t("ag_cells_n", { n: village.children.length }))}</summary>
        <ul>${village.children.map((cell) => `<li data-code="${esc(cell.code)}">${esc(cell.name)}
          <span class="muted">${esc(cell.code)}</span></li>`).join("")}</ul></details></li>`;
    }).join("")}</ul></li>`).join("");
  box.innerHTML = `<h2>${esc(t("ag_tree"))} · ${esc(tree.root.name)}</h2>
    <details open><summary>${esc(t("ag_tree"))}</summary><ul class="grid-tree">${towns}</ul></details>`;
  markDrawn(box);
  return villages;
}

startView("ag_title", render);
