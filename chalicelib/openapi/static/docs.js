// Renders the OpenAPI document at ./openapi.json as a page: operations by tag, then the schemas.
// Every text goes in with textContent, never as markup.
"use strict";

const METHODS = ["get", "post", "put", "patch", "delete", "options"];
let schemas = {};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// Markdown's `code` spans as <code>; everything else stays text.
function prose(tag, text) {
  return el(tag, { class: "description" }, String(text || "").split("`").map((part, i) => (i % 2 ? el("code", {}, part) : part)));
}

function refName(ref) {
  return ref.split("/").pop();
}

function resolve(schema) {
  return schema.$ref ? schemas[refName(schema.$ref)] || schema : schema;
}

function typeOf(schema) {
  if (schema.$ref) return el("a", { href: "#schema-" + refName(schema.$ref), class: "type" }, refName(schema.$ref));
  if (schema.anyOf) return el("span", {}, schema.anyOf.map((s, i) => [i ? " | " : "", typeOf(s)]));
  if (schema.const !== undefined) return el("span", { class: "type" }, JSON.stringify(schema.const));
  if (schema.enum) return el("span", { class: "type" }, schema.enum.map((v) => JSON.stringify(v)).join(" | "));
  if (schema.type === "array") return el("span", {}, "array of ", typeOf(schema.items || {}));
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object") {
    return el("span", {}, "map of ", typeOf(schema.additionalProperties));
  }
  return el("span", { class: "type" }, schema.type || "any");
}

function constraints(schema) {
  const words = [];
  const names = { minimum: "≥", maximum: "≤", minLength: "min length", maxLength: "max length", maxItems: "at most",
    pattern: "pattern", format: "format", default: "default" };
  for (const [key, label] of Object.entries(names)) {
    if (schema[key] !== undefined) words.push(label + " " + JSON.stringify(schema[key]));
  }
  if (schema.items) words.push(...constraints(schema.items).map((w) => "each " + w));
  for (const branch of schema.anyOf || []) words.push(...constraints(branch));
  return words;
}

function schemaTree(schema) {
  if (!schema.properties) {
    const words = constraints(schema);
    return el("div", { class: "schema" }, typeOf(schema), words.length ? el("span", { class: "constraint" }, " (" + words.join(", ") + ")") : null);
  }
  const required = new Set(schema.required || []);
  return el("ul", { class: "schema" }, Object.entries(schema.properties).map(([name, property]) => {
    const words = constraints(property);
    return el("li", {}, el("code", {}, name), ": ", typeOf(property),
      required.has(name) ? el("span", { class: "required" }, " required") : null,
      words.length ? el("span", { class: "constraint" }, " (" + words.join(", ") + ")") : null,
      property.description ? prose("div", property.description) : null);
  }));
}

function parametersTable(parameters) {
  return el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "type"), el("th", {}, "description")),
    parameters.map((p) => el("tr", {},
      el("td", {}, el("code", {}, p.name), p.required ? el("span", { class: "required" }, " required") : null),
      el("td", {}, p.in),
      el("td", {}, typeOf(p.schema || {}), el("div", { class: "constraint" }, constraints(p.schema || {}).join(", "))),
      el("td", {}, prose("span", p.description), p.example !== undefined ? el("div", { class: "constraint" }, "e.g. " + JSON.stringify(p.example)) : null))));
}

function responsesTable(responses) {
  return el("table", {}, el("tr", {}, el("th", {}, "status"), el("th", {}, "description"), el("th", {}, "body"), el("th", {}, "headers")),
    Object.entries(responses).map(([status, response]) => {
      const content = Object.entries(response.content || {});
      return el("tr", {},
        el("td", { class: "status" }, status),
        el("td", {}, prose("span", response.description)),
        el("td", {}, content.map(([type, media]) => el("div", {}, el("code", {}, type), " ", typeOf(media.schema || {})))),
        el("td", {}, Object.keys(response.headers || {}).map((name) => el("div", {}, el("code", {}, name)))));
    }));
}

function operationView(path, method, operation) {
  const id = operation.operationId || method + path;
  const body = operation.requestBody && operation.requestBody.content["application/json"];
  return el("details", { class: "operation", id: "op-" + id },
    el("summary", {}, el("span", { class: "method " + method }, method.toUpperCase()), el("span", { class: "path" }, path), el("span", {}, operation.summary || "")),
    operation.description ? prose("p", operation.description) : null,
    operation.parameters ? [el("h3", {}, "Parameters"), parametersTable(operation.parameters)] : null,
    body ? [el("h3", {}, "Body (application/json) ", typeOf(body.schema)), schemaTree(resolve(body.schema))] : null,
    el("h3", {}, "Responses"), responsesTable(operation.responses));
}

function render(doc) {
  document.title = doc.info.title;
  schemas = (doc.components || {}).schemas || {};
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  const main = document.getElementById("api");
  main.replaceChildren(prose("p", doc.info.description));
  const toc = el("ul");
  for (const tag of doc.tags || []) {
    const section = el("section", { id: "tag-" + tag.name }, el("h2", {}, tag.name), prose("p", tag.description));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation || (operation.tags || [])[0] !== tag.name) continue;
        const view = operationView(path, method, operation);
        section.append(view);
        if (method !== "options") toc.append(el("li", {}, el("a", { href: "#" + view.id }, method.toUpperCase() + " " + path)));
      }
    }
    main.append(section);
  }
  const section = el("section", { id: "schemas" }, el("h2", {}, "schemas"));
  for (const [name, schema] of Object.entries(schemas)) {
    section.append(el("div", { id: "schema-" + name, class: "operation" }, el("h3", {}, name),
      schema.description ? prose("p", schema.description) : null, schemaTree(schema)));
  }
  main.append(section);
  document.getElementById("contents").replaceChildren(toc);
  if (location.hash) document.getElementById(location.hash.slice(1))?.setAttribute("open", "");
}

fetch("openapi.json", { headers: { Accept: "application/json" } })
  .then((response) => {
    if (!response.ok) throw new Error("openapi.json answered " + response.status);
    return response.json();
  })
  .then(render)
  .catch((error) => {
    const status = document.getElementById("status");
    status.textContent = "The API document could not be loaded: " + error.message;
    status.className = "error";
  });
