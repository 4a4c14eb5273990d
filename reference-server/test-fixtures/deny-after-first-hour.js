// Test Action: Date reads the tenant's clock (clock 0 = 2026-01-01T00:00:00Z); logins from one hour on are denied.
exports.onExecutePostLogin = async (event, api) => {
  if (new Date().toISOString() >= '2026-01-01T01:00:00.000Z') api.access.deny(`closed at ${new Date(Date.now()).toISOString()}`);
};
