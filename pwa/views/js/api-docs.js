// The API page (/api/docs): the OpenAPI document drawn as a list of operations by tag. A file, not an inline
// script, so the page runs under the content security policy (server/security_headers.py).
const api = document.getElementById("api");
fetch(api.dataset.spec).then(r => r.json()).then(spec => {
  const root = api;
  root.textContent = "";
  const byTag = {};
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (method === "parameters") continue;
      const tag = (op.tags || ["other"])[0];
      (byTag[tag] = byTag[tag] || []).push({path, method, op});
    }
  }
  const tags = Object.fromEntries((spec.tags || []).map(t => [t.name, t.description || ""]));
  for (const [tag, ops] of Object.entries(byTag)) {
    const h = document.createElement("h2");
    h.textContent = `${tag} — ${tags[tag] || ""}`;
    root.appendChild(h);
    for (const {path, method, op} of ops) {
      const div = document.createElement("div");
      div.className = "op";
      const m = document.createElement("span");
      m.className = "method " + method;
      m.textContent = method.toUpperCase();
      const p = document.createElement("code");
      p.textContent = path;
      const d = document.createElement("pre");
      d.textContent = [op.summary, op.description].filter(Boolean).join("\n");
      div.append(m, p, d);
      const params = (op.parameters || []).map(x => `${x.name} (${x.in})${x.required ? " *" : ""}`);
      if (params.length) { const t = document.createElement("div"); t.textContent = "Parameters: " + params.join(", "); div.appendChild(t); }
      if (op.requestBody) {
        const b = document.createElement("div");
        b.textContent = "Body: " + Object.entries(op.requestBody.content).map(([type, c]) =>
          `${type} ${(c.schema && (c.schema.$ref || "").split("/").pop()) || ""}`).join(", ");
        div.appendChild(b);
      }
      root.appendChild(div);
    }
  }
}).catch(e => { document.getElementById("api").textContent = "Could not load the API description: " + e; });
