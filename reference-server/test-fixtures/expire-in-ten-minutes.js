// Test Action: every session a login uses or makes ends ten minutes after that login at the latest.
exports.onExecutePostLogin = async (event, api) => {
  api.session.setExpiresAt(Date.now() + 10 * 60 * 1000);
};
