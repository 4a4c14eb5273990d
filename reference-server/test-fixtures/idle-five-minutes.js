// Test Action: a transfer login's session ends after five minutes without a login.
exports.onExecutePostLogin = async (event, api) => {
  if (event.session_transfer_token !== undefined) api.session.setIdleExpiresAt(Date.now() + 5 * 60 * 1000);
};
