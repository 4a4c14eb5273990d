// Test Action: a transfer login from another IP than the mint's is denied; every other login passes.
exports.onExecutePostLogin = async (event, api) => {
  const minted = event.session_transfer_token;
  if (minted !== undefined && minted.request.ip !== event.request.ip) api.access.deny('transfer token used from another IP than its mint');
};
