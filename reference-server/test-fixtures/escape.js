// Test Action: tries to reach the host through the event and the api; the sandbox offers neither.
exports.onExecutePostLogin = async (event, api) => {
  let reached = 'nothing';
  try {
    const F = api.access.deny.constructor;
    reached = typeof F('return process')();
  } catch (e) {
    reached = 'blocked';
  }
  api.access.deny(`reached: ${reached}; require: ${typeof require}`);
};
