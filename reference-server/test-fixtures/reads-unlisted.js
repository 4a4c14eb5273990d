// Test Action: reads a field MODEL.md §2 does not offer.
exports.onExecutePostLogin = async (event, api) => {
  if (event.stats.logins_count > 100) api.access.deny('too many');
};
