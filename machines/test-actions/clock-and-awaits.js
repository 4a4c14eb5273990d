// awaits in-sandbox promises, reads the clock, and records what it saw in the deny reason
exports.onExecutePostLogin = async (event, api) => {
  await null;
  const seen = await Promise.resolve(`${new Date().toISOString()} ${Date.now()} ${event.client.client_id} ${event.user.user_id} ${event.session.id} ${event.session.created_at}`);
  if (event.session_transfer_token) api.access.deny(`${seen} stt:${event.session_transfer_token.client_id}/${event.session_transfer_token.scope}/${event.session_transfer_token.request.ip} parent:${event.session.session_transfer.parent_refresh_token.id}`);
};
