// Renders the OpenAPI document served beside this page (openapi.json): endpoints grouped by tag,
// their parameters, bodies, answers and the schemas they name. Plain DOM, no library, no network
// beyond this server. Text goes in through textContent only: nothing in the document becomes HTML.
"use strict";

const REF = "#/components/schemas/";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function refName(ref) {
  return ref.startsWith(REF) ? ref.slice(REF.length) : ref;
}

// A schema as a short type: "integer", "QueueItem[]", "string | null", "\"online\" | \"video\"".
function typeOf(schema) {
  if (!schema) return "any";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    if (schema[key]) return schema[key].map(typeOf).join(key === "allOf" ? " & " : " | ");
  }
  if (schema.type === "array") return typeOf(schema.items) + "[]";
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.type === "object" && !schema.properties) return "object";
  return schema.format ? `${schema.type} (${schema.format})` : schema.type || "object";
}

function constraints(schema) {
  const said = [];
  const words = {
    minLength: "min length", maxLength: "max length", minimum: "min", maximum: "max",
    exclusiveMinimum: "more than", exclusiveMaximum: "less than", minItems: "min items",
    maxItems: "max items", pattern: "pattern", default: "default",
  };
  for (const [key, word] of Object.entries(words)) {
    if (schema && schema[key] !== undefined) said.push(`${word} ${JSON.stringify(schema[key])}`);
  }
  return said.join(", ");
}

function typeCell(schema) {
  const name = typeOf(schema);
  if (schema && schema.$ref) return el("a", { href: "#schema-" + name }, name);
  if (schema && schema.type === "array" && schema.items && schema.items.$ref) {
    const item = refName(schema.items.$ref);
    return el("span", {}, el("a", { href: "#schema-" + item }, item), "[]");
  }
  return el("code", {}, name);
}

function propertiesTable(schema) {
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([name, prop]) =>
    el("tr", {},
      el("td", {}, el("code", {}, name)),
      el("td", {}, typeCell(prop)),
      el("td", {}, required.has(name) ? "yes" : ""),
      el("td", {}, [prop.description || prop.title || "", constraints(prop)].filter(Boolean).join(" · "))));
  return el("table", {},
    el("tr", {}, el("th", {}, "field"), el("th", {}, "type"), el("th", {}, "required"), el("th", {}, "meaning")),
    ...rows);
}

function parametersTable(parameters) {
  const rows = parameters.map((p) =>
    el("tr", {},
      el("td", {}, el("code", {}, p.name)),
      el("td", {}, p.in),
      el("td", {}, typeCell(p.schema)),
      el("td", {}, p.required ? "yes" : ""),
      el("td", {}, [p.description || (p.schema && p.schema.description) || "", constraints(p.schema)]
        .filter(Boolean).join(" · "))));
  return el("table", {},
    el("tr", {}, el("th", {}, "name"), el("th", {}, "in"), el("th", {}, "type"), el("th", {}, "required"),
      el("th", {}, "meaning")),
    ...rows);
}

function contentOf(content) {
  return Object.entries(content || {}).map(([media, body]) =>
    el("div", {}, el("code", {}, media), body.schema ? " → " : "", body.schema ? typeCell(body.schema) : null));
}

function operation(method, path, op) {
  const verb = method.toUpperCase();
  const body = el("div", {});
  if (op.description) body.append(el("p", {}, op.description));
  if (op.parameters && op.parameters.length) body.append(el("h4", {}, "Parameters"), parametersTable(op.parameters));
  if (op.requestBody) body.append(el("h4", {}, "Body"), ...contentOf(op.requestBody.content));
  const answers = Object.entries(op.responses || {}).map(([status, answer]) =>
    el("tr", {}, el("td", {}, status), el("td", {}, answer.description || ""),
      el("td", {}, ...contentOf(answer.content))));
  body.append(el("h4", {}, "Answers"),
    el("table", {}, el("tr", {}, el("th", {}, "status"), el("th", {}, "when"), el("th", {}, "body")), ...answers));
  const lock = op.security && op.security.length === 0 ? " (no token needed)" : "";
  return el("details", { class: "op", id: op.operationId || verb + path },
    el("summary", {},
      el("span", { class: "method " + verb }, verb),
      el("span", { class: "path" }, path), " — ", op.summary || "",
      el("span", { class: "perm" }, op["x-permission"] ? `needs ${op["x-permission"]}${lock}` : lock)),
    body);
}

function render(doc) {
  document.title = doc.info.title;
  document.getElementById("title").textContent = `${doc.info.title} ${doc.info.version}`;
  document.getElementById("description").textContent = doc.info.description || "";
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(method, path, op));
    }
  }
  const operations = document.getElementById("operations");
  for (const [tag, ops] of byTag) operations.append(el("h2", {}, tag), ...ops);
  const schemas = document.getElementById("schemas");
  schemas.append(el("h2", {}, "Schemas"));
  for (const [name, schema] of Object.entries((doc.components || {}).schemas || {})) {
    const section = el("section", { id: "schema-" + name }, el("h3", {}, name));
    if (schema.description) section.append(el("p", { class: "muted" }, schema.description));
    if (schema.properties) section.append(propertiesTable(schema));
    else section.append(el("pre", {}, JSON.stringify(schema, null, 2)));
    schemas.append(section);
  }
}

fetch("openapi.json")
  .then((answer) => {
    if (!answer.ok) throw new Error(`openapi.json answered ${answer.status}`);
    return answer.json();
  })
  .then(render)
  .catch((error) => {
    document.getElementById("error").textContent = "Cannot show the API: " + error.message;
  });
