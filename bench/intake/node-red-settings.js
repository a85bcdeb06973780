// Node-RED for the intake benchmark: headless (no editor, no admin API), quiet logs.
module.exports = {
  uiHost: "127.0.0.1",
  httpAdminRoot: false,
  httpNodeRoot: "/",
  flowFile: "flows.json",
  credentialSecret: false,
  logging: { console: { level: "warn", metrics: false, audit: false } },
  editorTheme: { tours: false },
};
