// Test Action: denies every login, giving the event as the reason, so a test can read what the Action saw.
exports.onExecutePostLogin = async (event, api) => {
  const { user, client, organization, request, transaction, session_transfer_token, session } = event;
  api.access.deny(JSON.stringify({ user, client, organization, request, transaction, session_transfer_token, session }));
};
