// Sessions born of a transfer token live at most one hour, and end after 15 minutes without a login.
exports.onExecutePostLogin = async (event, api) => {
  if (event.session_transfer_token === undefined) return;
  const now = Date.now();
  api.session.setExpiresAt(now + 60 * 60 * 1000);
  api.session.setIdleExpiresAt(now + 15 * 60 * 1000);
};
