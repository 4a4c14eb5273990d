// Deny a transfer login from another network than the one that minted its token: the request's IP must
// equal the mint's (the comparison Auth0's best-practices page recommends). Other logins pass.
exports.onExecutePostLogin = async (event, api) => {
  const minted = event.session_transfer_token;
  if (minted === undefined) return;
  if (minted.request.ip !== event.request.ip) {
    api.access.deny('session transfer token used from another network than the one that minted it');
  }
};
