// Test Action: a transfer login ends the session it would have used (and makes none).
exports.onExecutePostLogin = async (event, api) => {
  if (event.session_transfer_token !== undefined) api.session.revoke('no transfer logins here');
};
