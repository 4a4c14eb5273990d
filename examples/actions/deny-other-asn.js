// The same comparison by autonomous system: a transfer login must come from the mint's ASN (a phone that
// moves between cells of its carrier keeps it; a café on another carrier does not).
exports.onExecutePostLogin = async (event, api) => {
  const minted = event.session_transfer_token;
  if (minted !== undefined && minted.request.asn !== event.request.asn) {
    api.access.deny('session transfer token used from another ASN than the one that minted it');
  }
};
